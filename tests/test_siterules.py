"""indexer.clean.siterules: loading and validating the TOML file, matching pages to rules."""

from __future__ import annotations

import pytest

from indexer.clean.siterules import SiteRule, SiteRules, glob_to_regex

CONFIG = """
[[rule]]
host = "www.themoscowtimes.com"
body = ["div.article__content", "div.article__intro"]
title = "h1.article__title"
date = "time.article__date"
drop = [".article__related", ".social"]

[[rule]]
path = "moscowtimes/**"
body = "div.story"

[[rule]]
host = "example.org"
path = "2020/*/putin-*.html"
drop = "aside"
"""


@pytest.fixture()
def rules(tmp_path) -> SiteRules:
    path = tmp_path / "siterules.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return SiteRules.load(path)


def test_load_keeps_order_and_normalises_fields(rules):
    assert len(rules) == 3
    first, second, third = rules.rules
    assert first == SiteRule(
        host="themoscowtimes.com",
        body=("div.article__content", "div.article__intro"),
        title=("h1.article__title",),
        date=("time.article__date",),
        drop=(".article__related", ".social"),
    )
    assert second == SiteRule(path="moscowtimes/**", body=("div.story",))
    assert third == SiteRule(host="example.org", path="2020/*/putin-*.html", drop=("aside",))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.themoscowtimes.com/2020/12/01/a",
        "https://themoscowtimes.com/a",
        "http://static.THEMOSCOWTIMES.com:8080/a",
    ],
)
def test_host_matches_domain_and_subdomains(rules, url):
    assert rules.for_page(url=url, path=None) is rules.rules[0]


@pytest.mark.parametrize(
    "url", ["https://notthemoscowtimes.com/a", "https://themoscowtimes.com.evil.net/a", None]
)
def test_host_does_not_match_lookalikes(rules, url):
    assert rules.for_page(url=url, path="elsewhere/a.html") is None


def test_path_glob_and_first_match_wins(rules):
    assert rules.for_page(url=None, path="moscowtimes/2020/12/a.html") is rules.rules[1]
    # Both rule 1 (host) and rule 2 (path) match: file order decides.
    hit = rules.for_page(url="https://www.themoscowtimes.com/x", path="moscowtimes/x.html")
    assert hit is rules.rules[0]


def test_host_and_path_must_both_match(rules):
    third = rules.rules[2]
    assert rules.for_page(url="https://example.org/x", path="2020/12/putin-speaks.html") is third
    assert rules.for_page(url="https://example.org/x", path="2020/12/other.html") is None
    assert rules.for_page(url="https://example.com/x", path="2020/12/putin-a.html") is None
    # "*" stays inside one folder.
    assert rules.for_page(url="https://example.org/x", path="2020/12/01/putin-a.html") is None


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("moscowtimes/**", "moscowtimes/a.html", True),
        ("moscowtimes/**", "moscowtimes/2020/12/a.html.gz", True),
        ("moscowtimes/**", "other/moscowtimes/a.html", False),
        ("**/*.html", "a.html", True),
        ("**/*.html", "x/y/a.html", True),
        ("**/*.html", "x/y/a.htm", False),
        ("20??/*.html", "2020/a.html", True),
        ("20??/*.html", "2020/12/a.html", False),
        ("a[1].html", "a[1].html", True),
    ],
)
def test_glob_to_regex(pattern, path, matches):
    assert bool(glob_to_regex(pattern).fullmatch(path)) is matches


def test_windows_separators_in_path(rules):
    assert rules.for_page(url=None, path="moscowtimes\\2020\\a.html") is rules.rules[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]\nhost = 'x'", "not valid TOML"),
        ("[[rule]]\nhost = 'x.com'\nbodyy = 'p'", "rule 1: unknown key(s) bodyy"),
        ("[[rule]]\nhost = 'x.com'\n[[rule]]\nbody = 'p'", "rule 2: needs 'host' or 'path'"),
        ("[[rule]]\npath = '**'\nbody = 'div[class='", "rule 1: 'body': invalid CSS selector"),
        ("[[rule]]\npath = '**'\ndrop = ['p', 3]", "rule 1: 'drop': must be a CSS selector"),
        ("[[rule]]\nhost = 'https://x.com/'", "rule 1: 'host' must be a bare host name"),
        ("[[rule]]\nhost = ''", "rule 1: 'host' must be a non-empty string"),
        ("[[rule]]\npath = '**'\ntitle = ''", "rule 1: 'title': empty CSS selector"),
        ("[[rules]]\nhost = 'x.com'", "unknown top-level key(s) rules"),
        ("rule = 'x'", "'rule' must be an array of tables"),
    ],
)
def test_malformed_files_raise_clear_value_errors(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as excinfo:
        SiteRules.load(path)
    assert message in str(excinfo.value)
    assert str(path) in str(excinfo.value)


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="cannot read site rules"):
        SiteRules.load(tmp_path / "absent.toml")


def test_empty_file_has_no_rules(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("# no rules yet\n", encoding="utf-8")
    rules = SiteRules.load(path)
    assert len(rules) == 0
    assert rules.for_page(url="https://x.com/", path="a.html") is None
