"""``GET /`` and ``GET /?q=...``: the HTML search page over a tiny index written here."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from search_api.engine import Engine
from search_api.resources.pages import PageState, page_numbers
from tests.fakes import KeywordExtractor

FILLER = (
    "The rest of the report went into detail about budgets, schedules and the weather, "
    "none of which matters for this test but all of which makes the body longer. "
) * 3

ARTICLES = [
    {
        "id": "putin-alliance",
        "title": "Russia-China Military Alliance ‘Quite Possible,’ Putin Says",
        "body": "President Vladimir Putin said Thursday that an alliance with China can’t be "
        "ruled out. Asked about it, Putin said it is quite possible. " + FILLER,
        "url": "https://www.themoscowtimes.com/2020/10/22/alliance",
        "date": "2020-10-22",
        "people": ["Vladimir Putin"],
        "places": ["Russia", "China"],
    },
    {
        "id": "car/troops#2",
        "title": "Russia, Rwanda Send Troops to C.Africa",
        "body": "The Central African Republic said Monday that Russia and Rwanda had sent "
        "hundreds of troops after an alleged coup bid by Francois Bozize. " + FILLER,
        "date": "2020-12-21",
        "people": ["Francois Bozize"],
        "places": ["Central African Republic", "Russia", "Rwanda"],
    },
    {
        "id": "xss",
        "title": "Markup <script>alert(1)</script> in a title",
        "body": "A body with <script>alert(1)</script> & the word zebra in it. " + FILLER,
        "url": "javascript:alert(1)",
        "date": "2018-01-01",
        "people": ["Evil <b>Person</b>"],
        "places": [],
    },
] + [
    {
        "id": f"putin-{n:02d}",
        "title": f"Putin note number {n}",
        "body": f"Vladimir Putin made remark number {n} in Moscow. " + FILLER,
        "date": f"2015-01-{n:02d}",
        "people": ["Vladimir Putin"],
        "places": ["Russia", "Moscow"],
    }
    for n in range(1, 13)
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    archive = root / "archive"
    archive.mkdir()
    (archive / "a.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    # The articles share a long filler (FILLER): by their text near-duplicates, which
    # tests/test_duplicates.py is about. Here every one is a story of its own.
    build_index(archive, root / "index", extractor=KeywordExtractor(), duplicate_threshold=None)
    engine = Engine(root / "index")
    return testing.TestClient(create_app(Settings(index_dir=root / "index"), engine=engine))


class Links(HTMLParser):
    """Collects every link's href and text, and every tag name, of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None

    def href(self, text: str) -> str:
        found = [h for h, t in self.links if t == text]
        assert len(found) == 1, (text, self.links)
        return found[0]


def page(client, status=200, **params):
    resp = client.simulate_get("/", params=params)
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.text.startswith("<!doctype html>")
    return resp


def test_headers_and_head(client):
    resp = page(client)
    assert resp.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    for html in (
        '<link rel="stylesheet" href="/static/style.css">',
        '<link rel="search" type="application/opensearchdescription+xml" '
        'title="Archive search" href="/opensearch.xml">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ):
        assert html in resp.text


def test_blank_query_is_the_form_only(client):
    for params in ({}, {"q": "   "}):
        text = page(client, **params).text
        assert '<form class="search-form" role="search" action="/" method="get">' in text
        assert '<label class="search-form__label" for="q">Search the archive</label>' in text
        assert 'id="q" name="q" type="search" value=""' in text
        assert '<ol class="results__list"' not in text
        assert "could not be run" not in text
        assert "<script" not in text


def test_results_with_title_link_snippet_and_date(client):
    text = page(client, q="alliance").text
    assert 'id="q" name="q" type="search" value="alliance"' in text
    assert "<title>alliance – Archive search</title>" in text
    assert "1 article\n" in text
    links = Links(text)
    assert (
        links.href("Russia-China Military Alliance ‘Quite Possible,’ Putin Says")
        == "https://www.themoscowtimes.com/2020/10/22/alliance"
    )
    assert links.href("Archived text") == "/read/putin-alliance?q=alliance"
    assert "an <mark>alliance</mark> with China" in text
    assert '<time datetime="2020-10-22">22 October 2020</time>' in text
    assert '<ol class="results__list" start="1">' in text
    assert '<h2 class="result__title">' in text


def test_article_without_url_links_to_its_reading_page_with_the_search(client):
    links = Links(page(client, q="rwanda", sort="newest", page="1").text)
    assert (
        links.href("Russia, Rwanda Send Troops to C.Africa")
        == "/read/car%2Ftroops%232?q=rwanda&sort=newest"
    )
    assert "Archived text" not in [t for _, t in links.links]
    filtered = Links(page(client, places="Rwanda", per_page="5").text)
    assert (
        filtered.href("Russia, Rwanda Send Troops to C.Africa")
        == "/read/car%2Ftroops%232?places=Rwanda&per_page=5"
    )


def test_hostile_content_is_escaped_and_never_a_link(client):
    text = page(client, q="zebra").text
    parsed = Links(text)
    assert "script" not in parsed.tags
    assert "<script" not in text
    assert "javascript:" not in text
    assert "Markup &lt;script&gt;alert(1)&lt;/script&gt; in a title" in text
    assert parsed.href("Markup <script>alert(1)</script> in a title") == "/read/xss?q=zebra"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; the word <mark>zebra</mark>" in text
    assert "Evil &lt;b&gt;Person&lt;/b&gt;" in text
    assert "<b>" not in text


def test_reflected_query_is_escaped(client):
    hostile = '"><script>alert(1)</script>'
    text = page(client, q=hostile).text
    assert "<script" not in text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in text
    assert "<q><bdi>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</bdi></q>" in text


def test_result_tags_link_to_filtered_searches(client):
    links = Links(page(client, q="rwanda").text)
    assert links.href("Francois Bozize") == "/?q=rwanda&people=Francois+Bozize"
    assert links.href("Central African Republic") == "/?q=rwanda&places=Central+African+Republic"


def test_facets_with_counts_and_links(client):
    text = page(client, q="putin").text
    assert '<aside class="facets" aria-labelledby="facets-title">' in text
    links = Links(text)
    assert links.href("Vladimir Putin 13 articles") == "/?q=putin&people=Vladimir+Putin"
    assert links.href("Moscow 12 articles") == "/?q=putin&places=Moscow"
    assert links.href("2015 12 articles") == "/?q=putin&from=2015-01-01&to=2015-12-31"
    assert links.href("2020 1 articles") == "/?q=putin&from=2020-01-01&to=2020-12-31"


def test_filters_show_as_removable_chips(client):
    text = page(client, q="putin", people="Vladimir Putin", places="Moscow", sort="oldest").text
    assert "of 12 articles" in text
    links = Links(text)
    assert links.href("Person: Vladimir Putin ×") == "/?q=putin&places=Moscow&sort=oldest"
    assert links.href("Place: Moscow ×") == "/?q=putin&people=Vladimir+Putin&sort=oldest"
    assert links.href("Clear all filters") == "/?q=putin&sort=oldest"
    # the search box keeps the filters, so a new search stays inside them
    assert '<input type="hidden" name="people" value="Vladimir Putin">' in text
    assert '<input type="hidden" name="places" value="Moscow">' in text
    assert '<input type="hidden" name="sort" value="oldest">' in text

    year = Links(page(client, q="putin", **{"from": "2015-01-01", "to": "2015-12-31"}).text)
    assert year.href("Year: 2015 ×") == "/?q=putin"


def test_filters_without_query_list_articles(client):
    text = page(client, places="Rwanda").text
    assert "<title>Filtered articles – Archive search</title>" in text
    assert Links(text).href("Russia, Rwanda Send Troops to C.Africa")


def test_sort_links(client):
    text = page(client, q="putin", sort="newest").text
    links = Links(text)
    assert links.href("Best match") == "/?q=putin"
    assert links.href("Recent and relevant") == "/?q=putin&sort=recent"
    assert links.href("Newest") == "/?q=putin&sort=newest"
    assert links.href("Oldest") == "/?q=putin&sort=oldest"
    assert '<a class="sort__link" href="/?q=putin&amp;sort=newest" aria-current="true">' in text
    first = Links(page(client, q="putin", sort="oldest", per_page=1).text).links
    assert ("/read/putin-01?q=putin&sort=oldest&per_page=1", "Putin note number 1") in first


def test_pagination_keeps_query_and_filters(client):
    params = {"q": "putin", "people": "Vladimir Putin", "sort": "oldest", "per_page": "5"}
    text = page(client, page="2", **params).text
    assert '<nav class="pagination" aria-label="Pagination">' in text
    assert "6–10 of 13 articles" in text
    assert '<ol class="results__list" start="6">' in text
    links = Links(text)
    base = "/?q=putin&people=Vladimir+Putin&sort=oldest&per_page=5"
    assert links.href("‹ Previous") == base
    assert links.href("Next ›") == base + "&page=3"
    assert links.href("1") == base
    assert links.href("3") == base + "&page=3"
    assert f'href="{base.replace("&", "&amp;")}&amp;page=2" aria-current="page"' in text

    last = page(client, page="3", **params).text
    assert (
        '<span class="pagination__link pagination__link--disabled" aria-disabled="true">'
        "Next ›</span>" in last
    )


def test_page_numbers_window():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]


def test_did_you_mean(client):
    text = page(client, q="Putn").text
    links = Links(text)
    assert links.href("Putin") == "/?q=Putin"
    assert "Did you mean" in text


def test_no_results_message(client):
    text = page(client, q="putin", places="Rwanda", people="Nobody Atall").text
    assert "No articles found" in text
    assert "No articles match <q><bdi>putin</bdi></q>" in text
    assert "Remove a filter above to widen the search." in text
    assert '<ol class="results__list"' not in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "putin", "per_page": "500"}, "per_page"),
        ({"q": "putin", "per_page": "x"}, "per_page"),
        ({"q": "putin", "page": "0"}, "page"),
        ({"q": "putin", "from": "2020-13-45"}, "from"),
        ({"q": "putin", "from": "2021-01-01", "to": "2020-01-01"}, "&#39;from&#39; is after"),
        ({"q": "putin", "sort": "random"}, "Unknown sort"),
        ({"q": "x" * 5000}, "at most 4000 are allowed"),
        ({"q": "putin", "page": "500"}, "paged up to 1000 deep"),
        ({"q": "?!"}, "no words to search for"),
    ],
)
def test_bad_requests_are_html_400_pages(client, params, message):
    resp = page(client, status=400, **params)
    assert resp.headers["content-security-policy"].startswith("default-src 'none'")
    assert "That search could not be run" in resp.text
    assert '<p class="notice__message" role="alert">' in resp.text
    assert message in resp.text
    assert '<form class="search-form"' in resp.text


def test_bad_request_refills_the_form_escaped(client):
    text = page(client, status=400, q="<i>hi</i>", per_page="0").text
    assert 'value="&lt;i&gt;hi&lt;/i&gt;"' in text
    assert "<i>" not in text


def test_page_state_urls():
    state = PageState(q="a b", people=("Ann Lee",), sort="newest", page=3)
    assert state.url() == "/?q=a+b&people=Ann+Lee&sort=newest"
    assert state.url(page=4) == "/?q=a+b&people=Ann+Lee&sort=newest&page=4"
    assert state.add_filter("people", "Ann Lee") == "/?q=a+b&people=Ann+Lee&sort=newest"
    assert PageState().url() == "/"


def test_stylesheet_is_served(client):
    resp = client.simulate_get("/static/style.css")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/css; charset=utf-8"
    assert "prefers-color-scheme: dark" in resp.text
    assert ":focus-visible" in resp.text


def test_unavailable_index_is_an_html_503(tmp_path):
    engine = Engine(tmp_path / "missing")
    client = testing.TestClient(create_app(Settings(index_dir=tmp_path / "missing"), engine=engine))
    assert page(client).status_code == 200  # the form needs no index
    resp = page(client, status=503, q="putin")
    assert "The archive cannot be searched right now" in resp.text


def test_filter_only_listing_offers_date_sorts(client):
    text = page(client, places="Russia").text
    links = Links(text)
    sorts = ("Best match", "Recent and relevant", "Newest", "Oldest")
    assert [t for _, t in links.links if t in sorts] == [
        "Newest",
        "Oldest",
    ]
    assert (
        '<a class="sort__link" href="/?places=Russia&amp;sort=newest" aria-current="true">' in text
    )


BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_bidi_controls_are_stripped_and_user_text_isolated(client):
    text = page(client, q="putin\u202e moscow", people="Vladimir\u2067 Putin").text
    assert not any(c in text for c in BIDI_CONTROLS)
    assert 'value="putin moscow"' in text
    assert "<title>putin moscow – Archive search</title>" in text
    assert "Results for <q><bdi>putin moscow</bdi></q>" in text
    assert '<span class="chip__label">Person:</span> <bdi>Vladimir Putin</bdi>' in text


def test_partial_match_note_only_with_results(client):
    none = page(client, q="qqqq wwww eeee rrrr").text
    assert "No articles found" in none
    assert "match some of your words" not in none
    some = page(client, q="putin moscow qqqq wwww").text
    assert "match some of your words" in some


def test_a_quoted_query_is_not_quoted_twice(client):
    for q, shown in (
        ('"quite possible"', "&#34;quite possible&#34;"),
        ("“ruled out”", "“ruled out”"),
    ):
        text = page(client, q=q).text
        assert f"Results for <bdi>{shown}</bdi>" in text
        assert "<q><bdi>&#34;" not in text and "<q><bdi>“" not in text
    text = page(client, q='"quite possible" putin').text
    assert "Results for <q><bdi>&#34;quite possible&#34; putin</bdi></q>" in text


def test_long_unbroken_text_wraps(client):
    css = client.simulate_get("/static/style.css").text
    rule = css[: css.index("overflow-wrap: anywhere")].rsplit("}", 1)[1]
    for selector in (".results-head__title", ".notice__title", ".chip", ".did-you-mean"):
        assert selector in rule, selector
