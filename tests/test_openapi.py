"""Every JSON answer of every endpoint matches its schema in ``/openapi.json``, live.

Each endpoint is called on a tiny real index for each JSON response the description
declares (its 200s, and the error shape of its 400/404/503), and each body is validated
(jsonschema_rs, Draft 2020-12 as OpenAPI 3.1 uses) against the schema given for that status
and content type, made strict: an object may hold only the properties declared. A JSON
response in the description that no call here checks fails the test, and so does a field
that is declared but not required (every field of a body is always there).
"""

from __future__ import annotations

import json
import shutil

import jsonschema_rs
import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from tests.conftest import SAMPLE_ARCHIVE
from tests.fakes import KeywordExtractor

ARTICLES = [
    {
        "id": "dated",
        "title": "Ann Lee visits Russia",
        "body": '"We came to listen, not to lecture," Ann Lee said in Moscow on Thursday.',
        "url": "https://news.example/dated",
        "date": "2021-03-04T10:30:00",
        "author": "Bo Reporter",
    },
    {"id": "undated", "body": "Prices rose sharply. Analysts were surprised by the markets."},
]

# (path in the description, status, media type, request path, query parameters, index):
# every JSON response the description declares, answered live.
CALLS = [
    ("/search", 200, "application/json", "/search", {"q": "serious concern"}, "ok"),
    ("/search", 200, "application/json", "/search", {"q": "lee", "sort": "newest"}, "ok"),
    ("/search", 200, "application/json", "/search", {"places": "Russia"}, "ok"),
    ("/search", 400, "application/json", "/search", {}, "ok"),
    ("/search", 503, "application/json", "/search", {"q": "putin"}, "missing"),
    ("/suggest", 200, "application/json", "/suggest", {"q": "pu"}, "ok"),
    ("/suggest", 200, "application/json", "/suggest", {"q": ""}, "ok"),
    (
        "/suggest",
        200,
        "application/x-suggestions+json",
        "/suggest",
        {"q": "pu", "format": "opensearch"},
        "ok",
    ),
    ("/suggest", 400, "application/json", "/suggest", {"q": "x" * 101}, "ok"),
    ("/suggest", 503, "application/json", "/suggest", {"q": "pu"}, "missing"),
    ("/quotes", 200, "application/json", "/quotes", {"q": "listen"}, "ok"),
    ("/quotes", 200, "application/json", "/quotes", {"speaker": "putin", "sort": "oldest"}, "ok"),
    ("/quotes", 400, "application/json", "/quotes", {}, "ok"),
    ("/quotes", 503, "application/json", "/quotes", {"q": "putin"}, "missing"),
    ("/articles/{id}", 200, "application/json", "/articles/dated", {}, "ok"),
    ("/articles/{id}", 200, "application/json", "/articles/undated", {}, "ok"),
    ("/articles/{id}", 404, "application/json", "/articles/nope", {}, "ok"),
    ("/articles/{id}", 503, "application/json", "/articles/dated", {}, "missing"),
    ("/articles/{id}/related", 200, "application/json", "/articles/dated/related", {}, "ok"),
    ("/articles/{id}/related", 200, "application/json", "/articles/undated/related", {}, "ok"),
    (
        "/articles/{id}/related",
        200,
        "application/json",
        "/articles/moscow-times-2020-sample.txt/related",
        {"limit": 20},
        "ok",
    ),
    (
        "/articles/{id}/related",
        400,
        "application/json",
        "/articles/dated/related",
        {"limit": 0},
        "ok",
    ),
    ("/articles/{id}/related", 404, "application/json", "/articles/nope/related", {}, "ok"),
    ("/articles/{id}/related", 503, "application/json", "/articles/dated/related", {}, "missing"),
    ("/health", 200, "application/json", "/health", {}, "ok"),
    ("/health", 503, "application/json", "/health", {}, "missing"),
    ("/openapi.json", 200, "application/json", "/openapi.json", {}, "ok"),
]


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    root = tmp_path_factory.mktemp("openapi")
    archive = root / "archive"
    shutil.copytree(SAMPLE_ARCHIVE, archive)
    (archive / "more.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    build_index(archive, root / "index", extractor=KeywordExtractor(people=("Ann Lee",)))
    return {
        "ok": testing.TestClient(create_app(Settings(index_dir=root / "index"))),
        "missing": testing.TestClient(create_app(Settings(index_dir=root / "missing"))),
    }


@pytest.fixture(scope="module")
def document(clients):
    return clients["ok"].simulate_get("/openapi.json").json


def _strict(schema):
    """``schema`` with every object closed to properties it does not declare."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strict(value) for key, value in schema.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _response(document, path: str, status: int) -> dict:
    response = document["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].split("/")[-1]]
    return response


def _json_responses(document) -> set[tuple[str, int, str]]:
    """Every (path, status, media type) of a JSON body the description declares."""
    out = set()
    for path, item in document["paths"].items():
        for status in item["get"]["responses"]:
            for media in _response(document, path, int(status)).get("content", {}):
                if media == "application/json" or media.endswith("+json"):
                    out.add((path, int(status), media))
    return out


def test_every_json_response_of_the_description_is_called_here(document):
    assert {(path, status, media) for path, status, media, *_ in CALLS} == _json_responses(document)


@pytest.mark.parametrize(
    "path,status,media,url,params,index", CALLS, ids=[f"{c[1]} {c[3]} {c[4]}" for c in CALLS]
)
def test_live_answer_matches_its_schema(clients, document, path, status, media, url, params, index):
    resp = clients[index].simulate_get(url, params=params)
    assert resp.status_code == status, resp.text[:300]
    assert resp.headers["content-type"].startswith(media)
    schema = _response(document, path, status)["content"][media]["schema"]
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **_strict(schema),
        "components": {"schemas": _strict(document["components"]["schemas"])},
    }
    errors = [
        f"{e.instance_path}: {e.message}"
        for e in jsonschema_rs.Draft202012Validator(root).iter_errors(json.loads(resp.text))
    ]
    assert errors == [], resp.text[:500]


def test_the_live_answers_reach_every_branch_of_the_hit_schema(clients):
    hits = clients["ok"].simulate_get("/search", params={"q": "serious concern"}).json["results"]
    assert hits[0]["quote"] == {"text": "serious concern", "speaker": "the Kremlin"}
    dated = clients["ok"].simulate_get("/search", params={"q": "lee"}).json["results"]
    assert dated[0]["date"] == "2021-03-04T10:30:00"
    assert dated[0]["quote"] is None
    quotes = clients["ok"].simulate_get("/quotes", params={"q": "listen"}).json["results"]
    assert quotes[0]["speaker"] == "Ann Lee" and quotes[0]["url"] == "https://news.example/dated"


def test_the_live_answers_reach_every_branch_of_the_related_schema(clients):
    path = "/articles/moscow-times-2020-sample.txt/related"
    got = clients["ok"].simulate_get(path, params={"limit": 20}).json
    dates = {story["date"] is None for story in got["related"]}
    assert dates == {True, False}, got  # dated and undated stories
    assert {story["url"] is None for story in got["related"]} == {True, False}, got


def test_every_declared_field_is_required(document):
    schemas = document["components"]["schemas"]
    assert {"SearchResponse", "Hit", "QuoteResponse", "QuoteHit", "ErrorBody"} <= set(schemas)
    for name, schema in schemas.items():
        assert schema["required"] == list(schema["properties"]), name


def test_the_error_shape_is_title_and_description(document):
    error = _response(document, "/search", 400)["content"]["application/json"]["schema"]
    declared = document["components"]["schemas"][error["$ref"].split("/")[-1]]
    assert declared["required"] == ["title", "description"]
    assert declared["properties"] == {
        "title": {"type": "string"},
        "description": {"type": "string"},
    }
