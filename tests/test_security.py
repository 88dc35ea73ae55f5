"""Security: escaping, headers, read-only endpoints, no paths from requests, gunicorn limits.

Hostile text comes from the archive (titles, bodies, URLs) and from the query; none of it
reaches a page or a snippet unescaped, and only http(s) URLs become links.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
from html.parser import HTMLParser
from pathlib import Path

import pytest
from falcon.testing import TestClient

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from tests.conftest import REPO
from tests.fakes import KeywordExtractor
from tests.servers import get, gunicorn

XSS = "<script>alert(1)</script>"
ATTR = '" onmouseover="x'
ARTICLES = [
    {
        "id": "evil",
        "title": f"Bridge {XSS} title{ATTR}",
        "body": f"The bridge {XSS} body text{ATTR} with <img src=x onerror=alert(2)> more.",
        "url": "javascript:alert(3)",
        "author": XSS,
        "people": [f"Ann {XSS}"],
        "places": [f"Bangui{ATTR}"],
    },
    {"id": "data", "title": "Bridge data link", "body": "A bridge.", "url": "data:text/html,x"},
    {
        "id": "ok",
        "title": "Bridge fine link",
        "body": "A bridge.",
        "url": "https://news.example/ok",
    },
    {"id": "<b>id</b>", "title": "Bridge odd id", "body": "A bridge.", "url": " JAVASCRIPT:x"},
]
ROUTES = [
    "/",
    "/health",
    "/search?q=bridge",
    "/suggest?q=br",
    "/widget.js",
    "/widget.css",
    "/static/style.css",
    "/opensearch.xml",
    "/openapi.json",
    "/articles/ok",
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sec")
    (root / "archive").mkdir()
    lines = "\n".join(json.dumps(a) for a in ARTICLES)
    (root / "archive" / "evil.jsonl").write_text(lines, "utf-8")
    build_index(root / "archive", root / "index", extractor=KeywordExtractor())
    return root / "index"


@pytest.fixture(scope="module")
def client(index_dir) -> TestClient:
    return TestClient(create_app(Settings(index_dir=index_dir)))


class _Elements(HTMLParser):
    """Every element and attribute a browser would see in a page."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _assert_inert(html: str) -> None:
    """No script, image or frame elements, no event handlers, no non-http(s) links."""
    for tag, attrs in _Elements(html).tags:
        assert tag not in ("script", "img", "iframe", "object", "embed", "svg"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action") and value != "data:,":  # the empty favicon
                assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), value


def test_snippets_and_titles_in_json_are_escaped_with_mark_only(client):
    found = client.simulate_get("/search", params={"q": "bridge script alert"}).json
    found = found if found["results"] else client.simulate_get("/search?q=bridge").json
    assert {r["id"] for r in found["results"]} >= {"evil"}
    for hit in found["results"]:
        tags = set(re.findall(r"</?([a-zA-Z][^\s>/]*)", hit["snippet"]))
        assert tags <= {"mark"}, hit["snippet"]
    evil = next(r for r in found["results"] if r["id"] == "evil")
    assert "&lt;script&gt;" in evil["snippet"]
    assert evil["title"] == ARTICLES[0]["title"]  # JSON carries data as is; pages escape it


def test_page_escapes_everything_from_the_archive_and_the_query(client):
    for q in ("bridge", f"bridge {XSS}{ATTR}", "script", "onmouseover"):
        response = client.simulate_get("/", params={"q": q})
        assert response.status_code == 200
        _assert_inert(response.text)
    page = client.simulate_get("/", params={"q": "bridge"}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://news.example/ok"' in page  # an http(s) URL is a link
    assert 'href="/read/evil?q=bridge"' in page  # javascript: links to the archived copy
    assert 'href="/read/data?q=bridge"' in page
    assert 'href="/read/%3Cb%3Eid%3C%2Fb%3E?q=bridge"' in page
    for article in ARTICLES:  # and the reading pages are inert too
        response = client.simulate_get("/read/" + article["id"], params={"q": "bridge"})
        assert response.status_code == 200
        _assert_inert(response.text)
    # The query and filters reflected in the form and links are escaped too.
    reflected = client.simulate_get(
        "/", params={"q": f"{XSS}{ATTR}", "people": XSS, "from": f"{ATTR}"}
    )
    assert reflected.status_code == 400
    _assert_inert(reflected.text)


def test_article_ids_and_errors_do_not_echo_markup_as_html(client):
    response = client.simulate_get("/articles/" + XSS)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_widget_writes_api_data_through_text_content_only():
    js = (REPO / "search_api" / "static" / "widget.js").read_text("utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js
    assert "document.write" not in js and "eval(" not in js


@pytest.mark.parametrize("params", [{}, {"q": "bridge"}, {"q": "x", "page": "0"}])
def test_html_pages_carry_security_headers(client, params):
    response = client.simulate_get("/", params=params)
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # no scripts at all on the page
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def _tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def test_no_endpoint_writes_anything(client, index_dir):
    before = _tree_digest(index_dir)
    for route in ROUTES:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = client.simulate_request(
                method,
                route.split("?")[0],
                body=b'{"id": "x", "body": "y"}',
                content_type="application/json",
            )
            assert response.status_code == 405, (method, route, response.status)
            assert set(response.json) == {"title", "description"}
        path, _, query = route.partition("?")
        assert client.simulate_get(path, query_string=query).status_code == 200, route
    assert _tree_digest(index_dir) == before


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/%2e%2e%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fsearch_api%2fapp.py",
        "/static/widget.js%00.css",
        "/static/__init__.py",
        "/static/",
        "/static/.",
        "/articles/../../x",
        "/articles/..%2f..%2fpyproject.toml",
        "/articles/%2e%2e/%2e%2e/etc/passwd",
        "/widget.js/../../pyproject.toml",
    ],
)
def test_nothing_from_a_request_becomes_a_file_path(client, path):
    response = client.simulate_get(path)
    assert response.status_code in (400, 404), (path, response.status)
    body = response.content
    for secret in (b"root:", b"[project]", b"import falcon", b"def create_app"):
        assert secret not in body


def test_gunicorn_config_limits_request_sizes():
    config: dict = {}
    exec((REPO / "gunicorn.conf.py").read_text("utf-8"), config)
    assert 0 < config["limit_request_line"] <= 8190
    assert 0 < config["limit_request_fields"] <= 100
    assert 0 < config["limit_request_field_size"] <= 8190


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def test_real_gunicorn_refuses_oversized_request_lines_and_headers(index_dir):
    with gunicorn(index_dir, workers=1) as (base, port):
        long_line = b"GET /search?q=" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        status_line = _raw(port, long_line).split(b"\r\n", 1)[0]
        assert status_line.split()[1] in (b"414", b"400"), status_line
        big_header = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 10_000 + b"\r\n\r\n"
        status_line = _raw(port, big_header).split(b"\r\n", 1)[0]
        assert status_line.split()[1] in (b"400", b"431"), status_line
        many = b"".join(b"X-H%d: v\r\n" % n for n in range(150))
        status_line = _raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        assert status_line.split(b"\r\n", 1)[0].split()[1] in (b"400", b"431"), status_line[:80]
        assert get(base + "/health")[0] == 200  # and it still serves
