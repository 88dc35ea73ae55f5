"""Scaling out: several gunicorn boxes over one read-only index folder (README "Scaling out").

The API keeps no state of its own beyond caches keyed by the index generation, so any
number of instances can serve the same folder (or synced copies of it); a finished build
switches ``current`` and every instance serves the new generation on its next request,
without a restart.
"""

from __future__ import annotations

import json

from indexer.build import build_index
from tests.fakes import KeywordExtractor
from tests.servers import get, gunicorn


def _json(url: str) -> dict:
    status, body = get(url)
    assert status == 200, (url, status, body[:200])
    return json.loads(body)


def test_two_instances_on_one_index_folder_both_serve_a_finished_build(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.jsonl").write_text(
        json.dumps({"id": "bridge", "title": "Bridge opens", "body": "The bridge opened."}),
        "utf-8",
    )
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    with gunicorn(index_dir, workers=1) as (one, _), gunicorn(index_dir, workers=1) as (two, _):
        first = {base: _json(base + "/health")["generation"] for base in (one, two)}
        assert len(set(first.values())) == 1
        for base in (one, two):
            assert _json(base + "/search?q=ferry")["total"] == 0
        (archive / "b.jsonl").write_text(
            json.dumps({"id": "ferry", "title": "Ferry sails", "body": "The ferry sailed."}),
            "utf-8",
        )
        build_index(archive, index_dir, extractor=KeywordExtractor())
        for base in (one, two):
            health = _json(base + "/health")
            assert health["generation"] != first[base] and health["documents"] == 2
            hits = _json(base + "/search?q=ferry")["results"]
            assert [h["id"] for h in hits] == ["ferry"]
