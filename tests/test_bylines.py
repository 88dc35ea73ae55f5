"""Authors and sections: bylines split into names, sections from every source."""

from __future__ import annotations

import json

import pytest

from indexer.archive import ArchiveFile, read_archive_file
from indexer.bylines import author_list, split_byline
from indexer.clean import clean_html
from indexer.clean.siterules import SiteRules
from indexer.documents import RawArticle
from indexer.prepare import clean_article
from tests.test_clean import ld, page


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe and John Roe in Moscow", ("Jane Doe", "John Roe")),
        ("Jane Doe, Political Editor", ("Jane Doe",)),
        ("By Jane Doe, Moscow correspondent, and John Roe", ("Jane Doe", "John Roe")),
        ("JANE DOE | Reuters", ("Jane Doe",)),
        ("Reporting by Jane Doe; Editing by John Roe", ("Jane Doe",)),
        ("By Jane Doe, New York", ("Jane Doe",)),
        (
            "Jane Doe, Jean-Claude van Damme & Ali bin Hassan",
            ("Jane Doe", "Jean-Claude van Damme", "Ali bin Hassan"),
        ),
        ("By Sarah Smith in Washington and Tom Jones", ("Sarah Smith", "Tom Jones")),
        ("Jane Doe (Reuters)", ("Jane Doe",)),
        ("Jane Doe, United Kingdom", ("Jane Doe",)),
        ("By Jane Doe and JANE DOE", ("Jane Doe",)),
        ("Adam Aaronson PhillyVoice Staff", ("Adam Aaronson",)),
        ("View all posts by Daniel Lemire", ("Daniel Lemire",)),
        ("Glen Owen And Brendan Carlin For The Mail On Sunday", ("Glen Owen", "Brendan Carlin")),
        ("R.C. BAKER and Joe S.", ("R.C. Baker", "Joe S.")),
        ("Ronald McDonald, Ann MacLeod", ("Ronald McDonald", "Ann MacLeod")),
        ("The Planetary Press", ()),
        ("Art Edwards says", ()),
        ("Reuters", ()),
        ("Staff", ()),
        ("Associated Press", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_a_byline_is_split_into_names_titles_and_places_cut(byline, names):
    assert split_byline(byline) == names


def test_a_records_own_list_is_kept_as_given():
    assert author_list(["By Jane Doe", " Reuters ", "Ann, Lee", ""]) == (
        "Jane Doe",
        "Reuters",
        "Ann Lee",
    )


def _jsonl(tmp_path, *records):
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    got = read_archive_file(tmp_path, ArchiveFile("a.jsonl", "jsonl", ""))
    return got


def test_jsonl_author_string_or_list_and_section(tmp_path):
    got = _jsonl(
        tmp_path,
        {"id": "1", "body": "x", "author": "By Ann Lee and Bo Chan in Paris", "section": "World"},
        {"id": "2", "body": "x", "author": ["Ann Lee", "Bo Chan"]},
        {"id": "3", "body": "x", "author": {"name": "nope"}},
    )
    first, second = got.articles
    assert (first.author, first.authors, first.section) == (
        "By Ann Lee and Bo Chan in Paris",
        None,
        "World",
    )
    assert (second.author, second.authors) == ("Ann Lee, Bo Chan", ("Ann Lee", "Bo Chan"))
    assert got.problems == ["line 3: 'author' must be a string or a list of strings"]
    art, _ = clean_article(first)
    assert art.authors == ("Ann Lee", "Bo Chan") and art.author == first.author
    assert art.section == "World"
    assert clean_article(second)[0].authors == ("Ann Lee", "Bo Chan")


def test_html_authors_and_section_from_json_ld():
    data = {
        "@type": "NewsArticle",
        "headline": "Bridge",
        "author": [{"@type": "Person", "name": "Maria Ivanova"}, "By John Smith"],
        "articleSection": ["Local News", "City"],
    }
    got = clean_html(page(ld(data)))
    assert got.section == "Local News"
    art, _ = clean_article(RawArticle(id="p", source="p.html", html=page(ld(data))))
    assert art.authors == ("Maria Ivanova", "John Smith")


def test_html_section_and_author_from_article_meta():
    head = (
        '<meta property="article:section" content="Politics">'
        '<meta name="author" content="Olga Green, Chief Political Correspondent">'
    )
    art, _ = clean_article(RawArticle(id="p", source="p.html", html=page(head)))
    assert art.section == "Politics" and art.authors == ("Olga Green",)
    assert art.author == "Olga Green, Chief Political Correspondent"


def test_a_site_rule_reads_the_section_from_a_selector_or_the_url():
    rules = SiteRules.loads(
        """
[[rule]]
host = "courier.example.com"
section = "url:1"

[[rule]]
path = "sel/**"
section = "nav a[href='/sport']"
"""
    )
    head = '<meta property="og:url" content="https://courier.example.com/city-hall/2024/bridge">'
    assert clean_html(page(head), rules=rules).section == "City Hall"
    assert clean_html(page(), path="sel/x.html", rules=rules).section == "Sport"
    # The rule wins over the page's own metadata.
    head += '<meta property="article:section" content="Politics">'
    assert clean_html(page(head), rules=rules).section == "City Hall"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('section = "url:0"', "count from 1"),
        ('section = "div[["', "invalid CSS selector"),
        ("section = 3", "CSS selector"),
    ],
)
def test_a_bad_section_rule_is_refused_with_its_rule(rule, message):
    with pytest.raises(ValueError, match=message):
        SiteRules.loads(f'[[rule]]\nhost = "a.example"\n{rule}\n')


def test_every_author_meta_counts_and_an_itemprop_citation_does_not():
    head = (
        '<meta name="dc.Creator" content=" Ann  Lee ">'
        '<meta name="dc.Creator" content="Bo Chan">'
        '<meta itemprop="author" content="NH. Shear, SP. Spielberg">'
    )
    assert clean_html(page(head)).author == "Ann Lee, Bo Chan"


def test_an_organisation_or_a_handle_is_no_byline_and_rel_author_is():
    data = {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Courier"}}
    head = ld(data) + '<meta property="article:author" content="@courier">'
    html = page(head).replace(
        "<article>", '<article><a rel="author" href="/author/ann">Ann Lee</a>'
    )
    assert clean_html(html).author == "Ann Lee"
