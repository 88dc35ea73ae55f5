"""``GET /read/{id}`` (the reading page) and the content negotiation of ``/articles/{id}``."""

from __future__ import annotations

import json

import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from search_api.engine import Engine
from search_api.openapi import openapi_document
from tests.fakes import KeywordExtractor
from tests.test_pages import Links

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

ARTICLES = [
    {
        "id": "bbc/politics/003.txt",
        "title": "Bridge reopens in Bangui",
        "body": "The old bridge in Bangui reopened on Monday after two years of repairs.\n\n"
        "“We rebuilt the bridge before the rains came,” Ann Lee said on Monday.\n\n"
        "Traffic from Russia and elsewhere was expected to double by the summer.",
        "date": "2021-03-04",
        "author": "Sam Writer",
    },
    {
        "id": "car/troops#2",
        "title": "Troops arrive",
        "body": "Troops arrived in the capital on Tuesday.",
        "url": "https://news.example/troops",
    },
    {
        "id": "xss",
        "title": "Markup <script>alert(1)</script> in a title",
        "body": "A body with <b>bold</b> & <script>alert(2)</script> text.",
        "url": "javascript:alert(3)",
        "author": "<i>Evil</i>",
    },
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("read")
    archive = root / "archive"
    archive.mkdir()
    lines = "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES)
    (archive / "a.jsonl").write_text(lines, "utf-8")
    build_index(archive, root / "index", extractor=KeywordExtractor())
    engine = Engine(root / "index")
    return testing.TestClient(create_app(Settings(index_dir=root / "index"), engine=engine))


def read(client, path, status=200, **params):
    resp = client.simulate_get(path, params=params)
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.text.startswith("<!doctype html>")
    assert resp.headers["content-security-policy"].startswith("default-src 'none'")
    return resp


def test_page_shows_title_date_author_and_paragraphs(client):
    text = read(client, "/read/bbc/politics/003.txt").text
    assert "<title>Bridge reopens in Bangui – Archive search</title>" in text
    assert '<a class="skip-link" href="#main">Skip to the article</a>' in text
    assert '<h1 class="reader__title">Bridge reopens in Bangui</h1>' in text
    assert '<time datetime="2021-03-04">4 March 2021</time>' in text
    assert '<span class="reader__author">By Sam Writer</span>' in text
    assert (
        '<div class="reader__body">\n'
        "<p>The old bridge in Bangui reopened on Monday after two years of repairs.</p>\n"
        "<p>“We rebuilt the bridge before the rains came,” Ann Lee said on Monday.</p>\n"
        "<p>Traffic from Russia and elsewhere was expected to double by the summer.</p>\n"
        "</div>"
    ) in text
    assert "<mark>" not in text
    assert "Back to results" not in text


def test_query_words_are_marked_and_back_link_rebuilds_the_search(client):
    params = {"q": "bridges", "places": "Bangui", "sort": "newest", "page": "2"}
    text = read(client, "/read/bbc/politics/003.txt", **params).text
    assert "<p>The old <mark>bridge</mark> in Bangui reopened" in text
    assert "“We rebuilt the <mark>bridge</mark> before the rains came,”" in text
    links = Links(text)
    assert links.href("‹ Back to results") == "/?q=bridges&places=Bangui&sort=newest&page=2"
    # the search box is refilled with the query
    assert 'id="q" name="q" type="search" value="bridges"' in text


def test_a_phrase_is_one_mark_and_excluded_words_are_not_marked(client):
    text = read(client, "/read/bbc/politics/003.txt", q='"old bridge" -monday').text
    assert "<p>The <mark>old bridge</mark> in Bangui reopened on Monday" in text
    # The phrase's words are marked only where the phrase is: not "bridge" on its own.
    assert "“We rebuilt the bridge before the rains came,”" in text
    assert text.count("<mark>") == 1


def test_a_query_that_cannot_run_shows_the_article_unmarked(client):
    for q in ("?!", "x" * 5000, 'bridge "unclosed'):
        text = read(client, "/read/bbc/politics/003.txt", q=q).text
        assert '<h1 class="reader__title">Bridge reopens in Bangui</h1>' in text
    assert "Back to results" in text


def test_people_and_places_link_to_searches(client):
    links = Links(read(client, "/read/bbc/politics/003.txt", q="bridge").text)
    assert links.href("Ann Lee") == "/?people=Ann+Lee"
    assert links.href("Bangui") == "/?places=Bangui"
    assert links.href("Russia") == "/?places=Russia"


def test_quotations_with_their_speakers(client):
    text = read(client, "/read/bbc/politics/003.txt").text
    assert '<section class="reader__quotes" aria-labelledby="quotes-title">' in text
    assert (
        '<blockquote class="quote__text"><p>We rebuilt the bridge before the rains came'
        "</p></blockquote>\n"
        '<p class="quote__speaker">— Ann Lee</p>'
    ) in text


def test_ids_with_slash_and_hash(client):
    for path in ("/read/car%2Ftroops%232", "/read/car/troops%232"):
        text = read(client, path).text
        assert '<h1 class="reader__title">Troops arrive</h1>' in text
        links = Links(text)
        assert links.href("On the publisher’s site") == "https://news.example/troops"


def test_unknown_id_is_an_html_404(client):
    text = read(client, "/read/nope%23", status=404).text
    assert "<title>Article not found – Archive search</title>" in text
    assert "No article has the id" in text
    assert "nope#" in text


def test_hostile_content_is_escaped_and_no_unsafe_link(client):
    text = read(client, "/read/xss", q="text").text
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "javascript:" not in text
    assert "Markup &lt;script&gt;alert(1)&lt;/script&gt; in a title" in text
    assert (
        "A body with &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt; " in text
    )
    assert "By &lt;i&gt;Evil&lt;/i&gt;" in text
    assert "On the publisher’s site" not in text


def test_index_unavailable_is_an_html_503(tmp_path):
    app = create_app(Settings(index_dir=tmp_path / "missing"))
    text = read(testing.TestClient(app), "/read/x", status=503).text
    assert "The archive cannot be read right now" in text


def test_articles_answers_html_to_a_browser_and_json_otherwise(client):
    path = "/articles/bbc/politics/003.txt"
    html = client.simulate_get(path, headers={"Accept": BROWSER_ACCEPT})
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert '<h1 class="reader__title">Bridge reopens in Bangui</h1>' in html.text
    assert "Accept" in html.headers["vary"]
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}, {"Accept": "x;;"}):
        resp = client.simulate_get(path, headers=headers)
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "application/json", headers
        assert resp.json["title"] == "Bridge reopens in Bangui"
        assert "Accept" in resp.headers["vary"]


def test_articles_unknown_id_is_an_html_404_for_a_browser(client):
    html = client.simulate_get("/articles/nope", headers={"Accept": BROWSER_ACCEPT})
    assert html.status_code == 404
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert "No article has the id" in html.text
    resp = client.simulate_get("/articles/nope")
    assert resp.status_code == 404
    assert set(resp.json) == {"title", "description"}


def test_cached_bodies_are_kept_apart_by_negotiated_type(tmp_path):
    root = tmp_path
    (root / "archive").mkdir()
    (root / "archive" / "a.jsonl").write_text(json.dumps(ARTICLES[0], ensure_ascii=False))
    build_index(root / "archive", root / "index", extractor=KeywordExtractor())
    client = testing.TestClient(create_app(Settings(index_dir=root / "index")))
    path = "/articles/bbc/politics/003.txt"
    first_json = client.simulate_get(path)
    first_html = client.simulate_get(path, headers={"Accept": BROWSER_ACCEPT})
    assert first_html.headers["content-type"] == "text/html; charset=utf-8"
    assert first_html.headers["etag"] != first_json.headers["etag"]
    again_json = client.simulate_get(path)
    again_html = client.simulate_get(path, headers={"Accept": BROWSER_ACCEPT})
    assert again_json.headers["content-type"] == "application/json"
    assert again_json.json == first_json.json
    assert again_html.headers["content-type"] == "text/html; charset=utf-8"
    assert again_html.text == first_html.text
    # a JSON ETag does not validate the HTML body
    cond = client.simulate_get(
        path, headers={"Accept": BROWSER_ACCEPT, "If-None-Match": first_json.headers["etag"]}
    )
    assert cond.status_code == 200 and cond.headers["content-type"].startswith("text/html")
    not_modified = client.simulate_get(path, headers={"If-None-Match": first_json.headers["etag"]})
    assert not_modified.status_code == 304
    assert "Accept" in not_modified.headers["vary"]


def test_openapi_describes_the_reading_page():
    doc = openapi_document()
    read_op = doc["paths"]["/read/{id}"]["get"]
    assert read_op["responses"]["200"]["content"] == {"text/html": {}}
    assert read_op["responses"]["404"]["content"] == {"text/html": {}}
    assert {p["name"] for p in read_op["parameters"]} >= {"id", "q", "people", "places"}
    articles = doc["paths"]["/articles/{id}"]["get"]["responses"]["200"]["content"]
    assert set(articles) == {"application/json", "text/html"}
