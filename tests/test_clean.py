"""indexer.clean: metadata precedence, title suffixes, main text, decoding, bad input."""

from __future__ import annotations

import json
from datetime import date

import pytest

from indexer.clean import (
    CleanPage,
    clean_html,
    decode_html,
    normalize_text,
    parse_date,
    strip_site_suffix,
)
from indexer.clean.siterules import SiteRules

PARAGRAPHS = [
    "The city council voted on Tuesday to approve the budget for the new river bridge, "
    "ending a debate that has lasted for more than two years.",
    "“We finally have a plan that works for everyone,” said the mayor, Anna Petrova — "
    "who had argued for the bridge since her election.",
    "Construction is expected to begin in the spring and to last eighteen months, "
    "according to the city’s engineering department.",
    "Residents of the east bank, who currently drive twenty minutes to cross the river, "
    "welcomed the decision at the meeting.",
]
BODY = "\n\n".join(PARAGRAPHS)

BOILERPLATE = """
<aside class="related-articles"><h2>Related articles</h2><ul>
<li><a href="/a">Bridge plans delayed again by funding row</a></li>
<li><a href="/b">Mayor promises faster decisions on transport</a></li></ul></aside>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Great news, about time! posted by riverfan</p></div>
<div class="comment"><p>What a waste of money. posted by taxpayer99</p></div></section>
"""


def page(head: str = "", *, h1: str = "Council Approves the River Bridge Budget") -> str:
    """A small news page: navigation, share buttons, article, related links, comments."""
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{head}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main>
<article>
<h1>{h1}</h1>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
{paragraphs}
</article>
{BOILERPLATE}
</main>
<footer><p>© 2024 The Riverside Courier. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""


JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Bridge Budget Passes After Two-Year Fight",
    "datePublished": "2024-03-05T09:30:00+03:00",
    "author": [{"@type": "Person", "name": "Maria Ivanova"}, "By John Smith"],
    "mainEntityOfPage": {"@id": "https://courier.example.com/2024/03/bridge"},
}
OPEN_GRAPH = """
<meta property="og:title" content="OG: Council Approves Bridge">
<meta property="og:url" content="https://courier.example.com/og/bridge">
<meta property="og:site_name" content="The Riverside Courier">
<meta property="article:published_time" content="2024-03-04T08:00:00Z">
<meta property="article:author" content="Olga Green">
"""
OTHER_META = """
<meta name="author" content="Meta Author">
<meta name="date" content="2024-03-01">
<link rel="canonical" href="https://courier.example.com/canonical/bridge">
<title>Title Tag Headline | The Riverside Courier</title>
"""


def iso(value: date | None) -> str | None:
    """A parsed page date as ISO 8601 (a ``date``, or a ``datetime`` with its zone)."""
    return value.isoformat() if value is not None else None


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- metadata precedence ---------------------------------------------------------------


def test_json_ld_wins_over_open_graph_and_meta():
    got = clean_html(page(ld(JSON_LD) + OPEN_GRAPH + OTHER_META))
    assert got.title == "Bridge Budget Passes After Two-Year Fight"
    assert iso(got.date) == "2024-03-05T09:30:00+03:00"
    assert got.author == "Maria Ivanova, John Smith"
    assert got.url == "https://courier.example.com/2024/03/bridge"


def test_open_graph_wins_over_other_meta_and_markup():
    got = clean_html(page(OPEN_GRAPH + OTHER_META))
    assert got.title == "OG: Council Approves Bridge"
    assert iso(got.date) == "2024-03-04T08:00:00+00:00"
    assert got.author == "Olga Green"
    assert got.url == "https://courier.example.com/og/bridge"


def test_meta_then_markup_when_no_structured_data():
    got = clean_html(page(OTHER_META, h1="Title Tag Headline"))
    assert got.title == "Title Tag Headline"
    assert iso(got.date) == "2024-03-01"
    assert got.author == "Meta Author"
    assert got.url == "https://courier.example.com/canonical/bridge"


def test_time_element_gives_the_date():
    html = page("<title>Bridge</title>").replace(
        "<h1>", '<p class="byline"><time datetime="2023-12-24">Dec 24</time></p><h1>'
    )
    assert iso(clean_html(html).date) == "2023-12-24"


def test_a_byline_in_the_markup_is_the_author_when_the_metadata_names_none():
    byline = '<p class="byline">By <a class="author" href="/staff/anna">Anna Petrova</a></p>'
    html = page("<title>Bridge</title>").replace("<h1>", byline + "<h1>")
    assert clean_html(html).author == "Anna Petrova"


def test_a_copyright_year_is_no_publication_date():
    assert clean_html(page("<title>Bridge</title>")).date is None  # "© 2024 The ... Courier"


def test_json_ld_graph_with_author_reference_and_list_of_scripts():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://x.example/#site", "name": "X Daily"},
            {"@type": "Person", "@id": "https://x.example/#anna", "name": "Anna Lee"},
            {
                "@type": ["ReportageNewsArticle"],
                "headline": "Graph Headline",
                "datePublished": "2022-01-02",
                "author": {"@id": "https://x.example/#anna"},
                "url": "https://x.example/graph",
            },
        ],
    }
    got = clean_html(page(ld([{"@type": "Organization", "name": "X"}]) + ld(graph)))
    assert (got.title, iso(got.date), got.author, got.url) == (
        "Graph Headline",
        "2022-01-02",
        "Anna Lee",
        "https://x.example/graph",
    )


def test_broken_json_ld_falls_back_to_open_graph():
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    assert clean_html(page(head + OPEN_GRAPH)).title == "OG: Council Approves Bridge"


def test_double_escaped_entities_in_meta_are_decoded():
    head = '<meta property="og:title" content="Bread &amp;#038; Butter &amp;#8217;s Day">'
    assert clean_html(page(head)).title == "Bread & Butter ’s Day"


# --- titles ----------------------------------------------------------------------------


def test_title_tag_site_suffix_stripped_when_no_h1():
    html = page("<title>Putin Speaks Again | The Moscow Times</title>", h1="").replace(
        "<h1></h1>", ""
    )
    assert clean_html(html).title == "Putin Speaks Again"


@pytest.mark.parametrize(
    ("title", "site_name", "url", "expected"),
    [
        ("Putin Speaks Again | The Moscow Times", None, None, "Putin Speaks Again"),
        ("Storm hits coast - BBC News", None, "https://www.bbc.co.uk/news/1", "Storm hits coast"),
        ("Storm hits coast — Daily Planet", "Daily Planet", None, "Storm hits coast"),
        ("Storm hits coast - Sott.net", None, None, "Storm hits coast"),
        ("The Courier | Storm hits the coast", "The Courier", None, "Storm hits the coast"),
        # A dash inside a headline is not a site name.
        ("Anti-war protest - what we know", None, "https://news.example.com/", None),
        ("Storm hits coast", "Daily Planet", None, None),
    ],
)
def test_strip_site_suffix(title, site_name, url, expected):
    got = strip_site_suffix(title, site_name=site_name, url=url)
    assert got == (expected or title)


def test_og_title_that_is_only_the_site_name_is_skipped():
    head = '<meta property="og:title" content="Riverside Courier">'
    head += '<meta property="og:site_name" content="Riverside Courier">'
    head += "<title>Council Approves the River Bridge Budget | Riverside Courier</title>"
    assert clean_html(page(head)).title == "Council Approves the River Bridge Budget"


# --- main text -------------------------------------------------------------------------


def test_body_keeps_paragraphs_and_drops_boilerplate():
    got = clean_html(page("<title>Council Approves the River Bridge Budget</title>"))
    assert got.body == BODY
    for junk in ("Home", "Share on", "Related articles", "Great news", "Privacy", "©"):
        assert junk not in got.body


def test_curly_quotes_and_dashes_preserved_and_nfc():
    html = page().replace("Petrova", "Pe\u0301trova\u200b")  # decomposed é, zero-width space
    got = clean_html(html)
    assert "“We finally have a plan that works for everyone,” said the mayor, Anna Pétrova —" in (
        got.body
    )
    assert "city’s" in got.body


def test_line_breaks_inside_a_paragraph_are_single_newlines():
    html = page().replace("ending a debate", "<br>ending a debate")
    assert "new river bridge,\nending a debate" in clean_html(html).body


# --- decoding --------------------------------------------------------------------------


def test_bytes_in_cp1252_with_meta_charset():
    headline = "Caf\u00e9 \u201cQuotes\u201d \u2014 a Headline"
    html = page(f"<title>{headline}</title>", h1=headline).replace('charset="utf-8"', "")
    html = html.replace("<head>", '<head><meta charset="windows-1252">')
    got = clean_html(html.encode("cp1252"))
    assert got.body == BODY
    assert got.title == "Café “Quotes” — a Headline"


def test_bytes_in_cp1252_without_declaration_fall_back():
    raw = "<html><body><p>\u201cCaf\u00e9\u201d \u2014 ok</p></body></html>".encode("cp1252")
    assert decode_html(raw) == "<html><body><p>“Café” — ok</p></body></html>"


def test_latin1_label_decodes_as_cp1252_and_utf8_label_wins_when_valid():
    latin = '<meta charset="iso-8859-1"><p>\x93hi\x94</p>'.encode("latin-1")
    assert decode_html(latin) == '<meta charset="iso-8859-1"><p>“hi”</p>'
    mislabelled = '<meta charset="iso-8859-1"><p>“hi”</p>'.encode()
    assert decode_html(mislabelled) == '<meta charset="iso-8859-1"><p>“hi”</p>'


def test_utf8_bom():
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>") == "<p>café</p>"


# --- robustness ------------------------------------------------------------------------

EMPTY = CleanPage(title=None, body="", date=None, url=None, author=None)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        b"",
        "   \n ",
        "just some plain text, no markup at all",
        '{"id": 1, "title": "json"}',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"\x00\x01\x02\x03<p>binary</p>",
    ],
)
def test_empty_and_non_html_input(raw):
    assert clean_html(raw) == EMPTY


def test_page_without_body_has_title_and_empty_body():
    got = clean_html("<html><head><title>Only a head</title></head></html>")
    assert (got.title, got.body) == ("Only a head", "")


def test_deeply_nested_page_does_not_raise():
    depth = 5000
    html = "<html><body>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</body></html>"
    assert isinstance(clean_html(html).body, str)


def test_huge_page_does_not_raise():
    filler = "<div><p>" + "filler words in a long page " * 40 + "</p></div>"
    html = "<html><body>" + filler * 3000 + "</body></html>"  # ~3.5 MB
    assert isinstance(clean_html(html).body, str)


def test_broken_markup_is_tolerated():
    html = page("<title>x</title>").replace("</p>", "", 2).replace("<article>", "<article><b>")
    assert "approve the budget for the new river bridge" in clean_html(html).body


# --- site rules ------------------------------------------------------------------------

RULES_TOML = """
[[rule]]
host = "courier.example.com"
body = ".story-body"
title = "h2.headline"
date = ".dateline"
drop = [".story-body .promo"]
"""


def test_site_rule_selectors_win(tmp_path):
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES_TOML, encoding="utf-8")
    rules = SiteRules.load(rules_file)
    html = f"""<html><head>{OPEN_GRAPH}</head><body>
    <h2 class="headline">Rule Headline</h2><span class="dateline">March 7, 2024</span>
    <div class="story-body"><p>First rule paragraph.</p><div class="promo">Subscribe now!</div>
    <p>Second rule paragraph.</p></div>
    <div class="story-body"><p>Third, in a second container.</p></div>
    </body></html>"""
    got = clean_html(html, rules=rules)
    assert got.title == "Rule Headline"
    assert iso(got.date) == "2024-03-07"
    assert (
        got.body
        == "First rule paragraph.\n\nSecond rule paragraph.\n\nThird, in a second container."
    )
    # The rule matched on og:url's host; without rules the generic engine runs.
    assert clean_html(html).title == "OG: Council Approves Bridge"


def test_site_rule_drop_applies_to_generic_engine_and_path_match():
    rules = SiteRules.loads('[[rule]]\npath = "courier/**"\ndrop = ["article p:nth-of-type(2)"]\n')
    html = page("<title>x</title>")
    assert PARAGRAPHS[1] not in clean_html(html, path="courier/2024/bridge.html", rules=rules).body
    assert PARAGRAPHS[1] in clean_html(html, path="other/bridge.html", rules=rules).body


def test_site_rule_body_without_match_falls_back_to_engine():
    rules = SiteRules.loads('[[rule]]\npath = "**"\nbody = ".no-such-thing"\n')
    assert clean_html(page(), path="a.html", rules=rules).body == BODY


# --- helpers ---------------------------------------------------------------------------


def test_normalize_text():
    raw = "  A\u00a0 b\t\tc\u200b \r\n\r\n\n\nCafe\u0301\u00ad  \n next line\x07 “q” — ok  "
    assert normalize_text(raw) == "A b c\n\nCafé\nnext line “q” — ok"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T09:30:00Z", "2024-03-05T09:30:00+00:00"),
        ("Tue, 05 Mar 2024 09:30:00 GMT", "2024-03-05T09:30:00+00:00"),
        ("2024/03/05 09:30", "2024-03-05"),
        ("Posted March 5, 2024 at noon", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(value, expected):
    assert iso(parse_date(value)) == expected
