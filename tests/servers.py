"""Real servers for tests: gunicorn with the project's gunicorn.conf.py, on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout_s: float = 10) -> tuple[int, bytes]:
    """Status and body of a GET (HTTP errors are answers too)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextlib.contextmanager
def gunicorn(
    index_dir: Path, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """Real gunicorn over ``index_dir`` with the project's config; yields (base URL, port)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "search_api.wsgi:app",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=REPO,
        env={
            **os.environ,
            # The query log next to the index, never in the checkout's var/.
            "SEARCH_QUERY_LOG": str(index_dir.parent / "queries.jsonl"),
            **(env or {}),
            "SEARCH_INDEX_DIR": str(index_dir),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(base + "/health", timeout_s=2)
                break
            except OSError:
                assert proc.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not come up"
                time.sleep(0.1)
        yield base, port
        assert proc.poll() is None, "gunicorn died while serving"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
