"""What a site's search box needs from the API: suggestions, OpenSearch, OpenAPI, CORS, caching."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from search_api.openapi import openapi_document
from tests.fakes import KeywordExtractor

ARTICLES = [
    {
        "id": f"p{n}",
        "title": f"Putin visits region {n}",
        "body": "Vladimir Putin spoke.",
        "people": ["Vladimir Putin"],
        "places": ["Russia"],
        "date": f"2020-01-0{n}",
    }
    for n in range(1, 4)
] + [
    {
        "id": "pu",
        "title": "Puerto Rico storm",
        "body": "Puerto Rico braced for the storm.",
        "people": ["Pedro Pierluisi"],
        "places": ["Puerto Rico"],
        "date": "2021-01-01",
    },
    {
        "id": "mel",
        "title": "Mélenchon speaks",
        "body": "Jean-Luc Mélenchon spoke in Paris.",
        "people": ["Jean-Luc Mélenchon"],
        "places": ["France", "Paris"],
        "date": "2019-01-01",
    },
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "archive").mkdir()
    (root / "archive" / "a.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    build_index(root / "archive", root / "index", extractor=KeywordExtractor())
    return root


def client_for(root, **settings) -> testing.TestClient:
    return testing.TestClient(create_app(Settings(index_dir=root / "index", **settings)))


@pytest.fixture(scope="module")
def client(built):
    return client_for(built)


def test_suggest_completes_people_places_titles_and_terms(client):
    body = client.simulate_get("/suggest", params={"q": "pu"}).json
    assert body["query"] == "pu"
    kinds = {(s["text"], s["kind"]) for s in body["suggestions"]}
    assert ("Vladimir Putin", "person") in kinds
    assert ("Puerto Rico", "place") in kinds
    assert ("putin", "term") in kinds
    assert len(body["suggestions"]) <= 10
    titles = client.simulate_get("/suggest", params={"q": "putin vis"}).json["suggestions"]
    assert {"text": "putin visits", "kind": "term"} in titles
    assert any(s["kind"] == "title" and s["text"].startswith("Putin visits") for s in titles)


def test_suggest_folds_accents_and_limits(client):
    found = client.simulate_get("/suggest", params={"q": "melen"}).json["suggestions"]
    assert found[0] == {"text": "Jean-Luc Mélenchon", "kind": "person"}
    limited = client.simulate_get("/suggest", params={"q": "p", "limit": "2"}).json
    assert len(limited["suggestions"]) == 2


def test_suggest_opensearch_format(client):
    resp = client.simulate_get("/suggest", params={"q": "put", "format": "opensearch"})
    assert resp.headers["content-type"].startswith("application/x-suggestions+json")
    prefix, completions = json.loads(resp.text)
    assert prefix == "put" and "Vladimir Putin" in completions


@pytest.mark.parametrize(
    "params", [{"q": "x" * 101}, {"q": "pu", "format": "xml"}, {"q": "pu", "limit": "0"}]
)
def test_suggest_bad_input_is_400(client, params):
    resp = client.simulate_get("/suggest", params=params)
    assert resp.status_code == 400 and set(resp.json) == {"title", "description"}


def test_blank_suggest_is_empty(client):
    assert client.simulate_get("/suggest", params={"q": " "}).json["suggestions"] == []


def test_opensearch_description(built):
    resp = client_for(built).simulate_get("/opensearch.xml")
    assert resp.headers["content-type"].startswith("application/opensearchdescription+xml")
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(resp.text)
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls["text/html"] == "http://falconframework.org/?q={searchTerms}"
    assert urls["application/x-suggestions+json"] == (
        "http://falconframework.org/suggest?format=opensearch&q={searchTerms}"
    )
    public = client_for(built, public_url="https://search.example/")
    root = ET.fromstring(public.simulate_get("/opensearch.xml").text)
    assert root.find("os:Url", ns).get("template") == "https://search.example/?q={searchTerms}"


def test_openapi_describes_every_route(client):
    doc = client.simulate_get("/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) >= {
        "/search",
        "/suggest",
        "/articles/{id}",
        "/health",
        "/",
        "/opensearch.xml",
        "/widget.js",
        "/openapi.json",
    }
    params = {p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert params == {
        "q",
        "page",
        "per_page",
        "sort",
        "people",
        "places",
        "author",
        "section",
        "from",
        "to",
        "timeline",
        "collapse",
    }
    assert doc == openapi_document()


def test_cors_allows_listed_origins_only(built):
    client = client_for(built, cors_origins=("https://www.example",))
    ok = client.simulate_get(
        "/suggest", params={"q": "pu"}, headers={"Origin": "https://www.example"}
    )
    assert ok.headers["access-control-allow-origin"] == "https://www.example"
    other = client.simulate_get(
        "/suggest", params={"q": "pu"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
    none = client_for(built).simulate_get(
        "/suggest", params={"q": "pu"}, headers={"Origin": "https://www.example"}
    )
    assert "access-control-allow-origin" not in none.headers


def test_etag_follows_the_index_generation(built):
    client = client_for(built)
    first = client.simulate_get("/search", params={"q": "putin"})
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = client.simulate_get("/search", params={"q": "putin"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.text == ""
    other_query = client.simulate_get("/search", params={"q": "russia"})
    assert other_query.headers["etag"] != etag
    archive = built / "archive"
    (archive / "b.jsonl").write_text(json.dumps({"id": "new", "body": "Putin again."}), "utf-8")
    build_index(archive, built / "index", extractor=KeywordExtractor())
    changed = client.simulate_get("/search", params={"q": "putin"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    (archive / "b.jsonl").unlink()
    build_index(archive, built / "index", extractor=KeywordExtractor())


@pytest.mark.parametrize("path", ["/widget.js", "/widget.css", "/static/style.css"])
def test_static_assets_answer_conditional_gets_with_304(client, path):
    first = client.simulate_get(path)
    etag, cache_control = first.headers["etag"], first.headers["cache-control"]
    assert first.status_code == 200 and cache_control == "public, max-age=3600"
    again = client.simulate_get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.text == ""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == cache_control
    other = client.simulate_get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.headers["etag"] == etag


def test_errors_are_not_cached(client):
    resp = client.simulate_get("/search", params={"q": "putin", "page": "0"})
    assert resp.status_code == 400 and "etag" not in resp.headers


@pytest.mark.parametrize(
    "path,params",
    [
        ("/search", {"q": "putin"}),
        ("/suggest", {"q": "pu"}),
        ("/quotes", {"speaker": "putin"}),
        ("/articles/p1", {}),
        ("/", {"q": "putin"}),
    ],
)
def test_cors_answers_vary_by_origin_and_cached_copies_keep_their_cors_headers(built, path, params):
    client = client_for(built, cors_origins=("https://www.example",))
    site = {"Origin": "https://www.example"}
    plain = client.simulate_get(path, params=params)  # fills the body cache, no Origin
    assert plain.status_code == 200
    assert "origin" in plain.headers.get("vary", "").lower()
    assert "access-control-allow-origin" not in plain.headers
    cors = client.simulate_get(path, params=params, headers=site)  # replayed from the cache
    assert cors.headers["access-control-allow-origin"] == "https://www.example"
    assert "origin" in cors.headers.get("vary", "").lower()
    again = client.simulate_get(path, params=params)
    assert "access-control-allow-origin" not in again.headers
    etag = plain.headers["etag"]
    revalidated = client.simulate_get(path, params=params, headers={**site, "If-None-Match": etag})
    assert revalidated.status_code == 304
    assert "origin" in revalidated.headers.get("vary", "").lower()


def test_every_cached_endpoint_says_the_same_max_age(built):
    client = client_for(built)
    ages = {
        client.simulate_get(path, params=params).headers["cache-control"]
        for path, params in [
            ("/search", {"q": "putin"}),
            ("/suggest", {"q": "pu"}),
            ("/quotes", {"speaker": "putin"}),
            ("/articles/p1", {}),
        ]
    }
    assert ages == {"public, max-age=30"}
