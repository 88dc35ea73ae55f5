"""Tiny real indexes for tests: articles written as an archive JSONL, built, served in-process."""

from __future__ import annotations

import json
from pathlib import Path

from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app


def jsonl_client(root: Path, articles: list[dict]) -> testing.TestClient:
    """A test client of the app over an index of ``articles`` built in ``root``.

    Records without ``people``/``places`` get empty ones (the newsroom's own tags), so no
    NER model runs.
    """
    archive = root / "archive"
    archive.mkdir()
    lines = "\n".join(
        json.dumps({"people": [], "places": [], **a}, ensure_ascii=False) for a in articles
    )
    (archive / "a.jsonl").write_text(lines, "utf-8")
    build_index(archive, root / "index")
    return testing.TestClient(create_app(Settings(index_dir=root / "index")))
