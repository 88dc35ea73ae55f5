"""Fuzzing the HTTP API from its own OpenAPI description (schemathesis, in-process WSGI).

Every operation in ``/openapi.json`` is called with generated parameters against a tiny
real index. What must hold for every request: no 5xx; every JSON 4xx has exactly the
error shape ``{"title", "description"}`` (the HTML page ``/`` answers its 400s in HTML);
status codes, content types and bodies conform to the description.

About 2,000 requests by default; ``FUZZ_EXAMPLES=20000`` (``make fuzz``) runs a larger
campaign. The slowest request seen is printed (``make fuzz`` runs pytest with ``-s``) and
written to ``fuzz-slowest.txt`` in the run's pytest temporary directory.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from search_api.openapi import openapi_document
from tests.fakes import KeywordExtractor

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
# The examples are shared by the operations that take parameters (counted from the
# description: /search, /quotes, /suggest, /articles/{id}, /articles/{id}/related,
# /read/{id} and / today); the rest have none, so Hypothesis stops after a single example
# for them.
WITH_PARAMETERS = [
    (path, method)
    for path, item in openapi_document()["paths"].items()
    for method, operation in item.items()
    if operation.get("parameters")
]
PER_OPERATION = max(1, FUZZ_EXAMPLES // len(WITH_PARAMETERS))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

ARTICLES = [
    {
        "id": "a1",
        "title": "Ann Lee visits Russia",
        "body": "Ann Lee arrived in Russia on Thursday for talks described as frank.",
        "url": "https://news.example/a1",
        "date": "2021-03-04",
    },
    {
        "id": "a/2 spaced#id",
        "title": "Bridge opens in Bangui",
        "body": "The new bridge in Bangui opened to the applause of a large crowd.",
        "date": "1999-12-31",
    },
    {"id": "3", "body": "Prices rose sharply. Analysts were surprised by the markets."},
    {
        "id": "tagged",
        "title": 'Tagged <b>story</b> & "quotes"',
        "body": "Text with <script>alert(1)</script> and ‘curly’ quotes — dashes.",
        "people": ["Zed Tagged"],
        "places": ["Bangui"],
    },
]


def build_tiny_index(root: Path) -> Path:
    """A four-article index built from a JSON Lines file in ``root``."""
    archive = root / "archive"
    archive.mkdir()
    lines = "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES)
    (archive / "export.jsonl").write_text(lines + "\n", "utf-8")
    index_dir = root / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    return index_dir


class Slowest:
    """The slowest request seen during the run."""

    def __init__(self):
        self.seconds = 0.0
        self.request = ""
        self.count = 0

    def record(self, seconds: float, request: str) -> None:
        self.count += 1
        if seconds > self.seconds:
            self.seconds, self.request = seconds, request


SLOWEST = Slowest()


# The app reads its index lazily, so it (and the schema loaded from its /openapi.json) can
# exist at import time; the module fixture below builds the index before any request.
_ROOT = Path(tempfile.mkdtemp(prefix="archive-search-fuzz-"))
APP = create_app(Settings(index_dir=_ROOT / "index"))
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def tiny_index(tmp_path_factory):
    build_tiny_index(_ROOT)
    yield
    shutil.rmtree(_ROOT, ignore_errors=True)
    line = (
        f"slowest of {SLOWEST.count} fuzzed requests: {SLOWEST.seconds * 1000:.1f} ms "
        f"{SLOWEST.request}"
    )
    slowest_file = tmp_path_factory.mktemp("fuzz") / "fuzz-slowest.txt"
    slowest_file.write_text(line + "\n", "utf-8")
    print(f"\n{line}\n(written to {slowest_file})")


def _short(query: dict | None) -> str:
    """The query parameters, long values cut (a 1,000-character q is noise in a report)."""
    out = {}
    for key, value in (query or {}).items():
        if isinstance(value, str) and len(value) > 60:
            value = f"{value[:40]!r}... ({len(value)} chars)"
        out[key] = value
    return str(out)


def _header(response, name: str) -> str:
    value = response.headers.get(name.lower()) or response.headers.get(name) or ""
    return value[0] if isinstance(value, list) else value


@schema.parametrize()
@settings(
    max_examples=PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
def test_every_operation_answers_without_5xx_and_in_shape(case):
    started = time.perf_counter()
    response = case.call()
    elapsed = time.perf_counter() - started
    SLOWEST.record(elapsed, f"{case.method} {case.formatted_path} {_short(case.query)}")
    status = response.status_code
    if case.method not in ("GET", "HEAD", "OPTIONS"):
        # The coverage phase also tries methods the API lacks (Falcon answers OPTIONS).
        assert status == 405, (case.method, status)
    assert status < 500, (status, response.text[:500])
    if 400 <= status < 500:
        content_type = _header(response, "Content-Type")
        if case.method == "GET" and (
            (case.path == "/" and status == 400) or case.path == "/read/{id}"
        ):
            assert content_type.startswith("text/html"), (status, response.text[:300])
        else:
            assert content_type.startswith("application/json"), content_type
            body = json.loads(response.content)
            assert set(body) == {"title", "description"}, body
            assert all(isinstance(v, str) and v for v in body.values()), body
    case.validate_response(response, checks=CHECKS)


def test_suggest_text_that_folds_to_nothing_is_not_a_500():
    from falcon.testing import TestClient

    response = TestClient(APP).simulate_get("/suggest", params={"q": "\u00af"})
    assert response.status_code == 200
    assert response.json["suggestions"] == []
