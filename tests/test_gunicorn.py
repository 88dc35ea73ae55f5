"""One integration test: real gunicorn, real HTTP, the gunicorn.conf.py the README uses."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from indexer.build import build_index
from tests.fakes import KeywordExtractor, story
from tests.servers import gunicorn


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def server(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text(
        story("Ann Lee Opens The New Bridge Today", "Ann Lee opened the bridge in Bangui."), "utf-8"
    )
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    with gunicorn(index_dir) as (base, _):
        yield base, archive, index_dir


def test_gunicorn_serves_search_and_articles_and_picks_up_a_new_build(server):
    base, archive, index_dir = server
    status, health = _get(base + "/health")
    assert status == 200 and health["documents"] == 1
    status, art = _get(base + "/articles/a.txt")
    assert status == 200 and art["title"] == "Ann Lee Opens The New Bridge Today"
    assert art["people"] == ["Ann Lee"] and art["places"] == ["Bangui"]
    assert _get(base + "/articles/none")[0] == 404
    status, found = _get(base + "/search?q=%22the+bridge%22+bangui")
    assert status == 200 and [r["id"] for r in found["results"]] == ["a.txt"]
    assert "<mark>the bridge</mark>" in found["results"][0]["snippet"]
    status, err = _get(base + "/search?q=bridge&per_page=1000")
    assert status == 400 and set(err) == {"title", "description"}
    (archive / "b.jsonl").write_text(json.dumps({"id": "b", "body": "Fresh news."}), "utf-8")
    build_index(archive, index_dir, extractor=KeywordExtractor())
    for _ in range(4):  # every worker and thread sees the new generation
        assert _get(base + "/health")[1]["documents"] == 2
        assert _get(base + "/articles/b")[0] == 200
