"""The API's article and health endpoints and its one error shape (falcon.testing)."""

from __future__ import annotations

import json

import pytest
from falcon import testing

from indexer import store
from indexer.build import build_index
from indexer.schema import SCHEMA_VERSION
from indexer.settings import Settings
from search_api.app import create_app
from tests.fakes import KeywordExtractor, story


@pytest.fixture
def built(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "dump.txt").write_text(
        story("Ann Lee Opens The New Bridge Today", "Ann Lee opened the bridge in Bangui today.")
        + story("Second Story Of The Dump File Here", "Traders said little moved in Russia today."),
        "utf-8",
    )
    (archive / "e.jsonl").write_text(
        json.dumps(
            {
                "id": "2020/12/x y",
                "title": "Spaces & symbols",
                "body": "Body.",
                "date": "2020-12-24",
                "url": "https://news.example/x",
                "author": "Ann Lee",
            }
        ),
        "utf-8",
    )
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    return archive, index_dir


@pytest.fixture
def client(built):
    return testing.TestClient(create_app(Settings(index_dir=built[1])))


def test_health_reports_the_index(client, built):
    resp = client.simulate_get("/health")
    assert resp.status_code == 200
    assert resp.json["status"] == "ok"
    assert resp.json["documents"] == 3
    assert resp.json["schema_version"] == SCHEMA_VERSION
    assert resp.json["built_at"].startswith("20")


def test_article_by_url_encoded_id(client):
    resp = client.simulate_get("/articles/dump.txt%232")
    assert resp.status_code == 200
    assert resp.json == {
        "id": "dump.txt#2",
        "title": "Second Story Of The Dump File Here",
        "body": "Traders said little moved in Russia today.",
        "url": None,
        "date": None,
        "author": None,
        "authors": [],
        "section": None,
        "people": [],
        "places": ["Russia"],
        "source": "dump.txt",
    }
    other = client.simulate_get("/articles/2020%2F12%2Fx%20y").json
    assert (other["date"], other["author"], other["url"]) == (
        "2020-12-24T00:00:00",
        "Ann Lee",
        "https://news.example/x",
    )


def test_unknown_article_is_404_in_the_error_shape(client):
    resp = client.simulate_get("/articles/nope")
    assert resp.status_code == 404
    assert resp.json == {
        "title": "Article not found",
        "description": "No article has the id 'nope'.",
    }


def test_unknown_route_has_the_error_shape(client):
    resp = client.simulate_get("/no/such/thing")
    assert resp.status_code == 404
    assert set(resp.json) == {"title", "description"}


def test_no_index_is_503_with_a_reason(tmp_path):
    client = testing.TestClient(create_app(Settings(index_dir=tmp_path / "none")))
    resp = client.simulate_get("/health")
    assert resp.status_code == 503
    assert resp.json["title"] == "Index unavailable"
    assert "python -m indexer build" in resp.json["description"]


def test_stale_schema_version_is_refused_with_a_clear_message(built):
    meta_file = store.current_generation(built[1]) / store.META_FILE
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "schema_version": 99}))
    client = testing.TestClient(create_app(Settings(index_dir=built[1])))
    resp = client.simulate_get("/health")
    assert resp.status_code == 503
    assert "schema version 99" in resp.json["description"]


def test_a_finished_build_is_picked_up_without_restart(built):
    archive, index_dir = built
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    assert client.simulate_get("/health").json["documents"] == 3
    assert client.simulate_get("/articles/new1").status_code == 404
    (archive / "new.jsonl").write_text(json.dumps({"id": "new1", "body": "Fresh."}), "utf-8")
    build_index(archive, index_dir, extractor=KeywordExtractor())
    assert client.simulate_get("/health").json["documents"] == 4
    assert client.simulate_get("/articles/new1").json["body"] == "Fresh."


def test_unexpected_errors_are_500_in_the_error_shape_without_a_trace(built):
    class Broken:
        def health(self):
            raise RuntimeError("secret internals")

    client = testing.TestClient(create_app(Settings(index_dir=built[1]), engine=Broken()))
    resp = client.simulate_get("/health")
    assert resp.status_code == 500
    assert resp.json == {
        "title": "Internal error",
        "description": "The server could not answer this request.",
    }
    assert "secret" not in resp.text
