"""The query log: one JSON line per search a reader ran (``SEARCH_QUERY_LOG``).

``QueryLog`` appends lines to the file: each line is one ``os.write`` on a descriptor opened
with ``O_APPEND`` and is kept under ``MAX_LINE_BYTES``, so several gunicorn workers can write
at once without interleaving; past ``MAX_LOG_BYTES`` the file is renamed to ``<file>.1``
under a lock file (``<file>.lock``), so two workers never both rotate. A log that cannot be
written never fails a search: one warning goes to the server log, later failures are quiet.

``QueryLogMiddleware`` times each request and writes the line the resource left in
``req.context.query_log`` (``search_entry`` / ``quote_entry`` build it from the validated
request and the engine's answer). Answers replayed by ``search_api.caching`` carry the
entry of the answer they repeat, so a repeated search is logged too (``"cached": true``).
Nothing about the reader is logged: no IP address, cookie, user agent or referrer.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import falcon
import orjson

from search_api.engine import QuoteRequest, SearchRequest

MAX_LOG_BYTES = 50 * 1024 * 1024
# Under PIPE_BUF (4096): one O_APPEND write of a line this size is never interleaved.
MAX_LINE_BYTES = 4000
# When a line would be longer (a very long query or many filters), these cuts apply in turn.
_SHRINK_STEPS = ((1000, 10, 100), (200, 3, 50), (100, 0, 0))

logger = logging.getLogger("search_api.querylog")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class QueryLog:
    """Appends JSON lines to ``path``, rotating to ``<path>.1`` past ``max_bytes``."""

    def __init__(
        self,
        path: Path,
        max_bytes: int = MAX_LOG_BYTES,
        clock: Callable[[], datetime] = _utc_now,
    ):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.clock = clock
        self._warned = False

    def write(self, entry: dict) -> None:
        """Append ``entry`` with its ``time`` first; never raises for an unwritable log."""
        entry = {"time": self.clock().isoformat(timespec="milliseconds"), **entry}
        line = encode_line(entry)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                if os.fstat(fd).st_size + len(line) > self.max_bytes:
                    os.close(fd)
                    fd = -1
                    self._rotate(len(line))
                    fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.write(fd, line)
            finally:
                if fd >= 0:
                    os.close(fd)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "query log %s cannot be written (%s); searches go on", self.path, exc
                )

    def _rotate(self, incoming: int) -> None:
        # The lock makes "is it still too big? then rename" one step across workers: the
        # second worker to get here finds the fresh, small file and leaves it alone.
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self.path.stat().st_size + incoming > self.max_bytes:
                    os.replace(self.path, self.path.with_name(self.path.name + ".1"))
            except FileNotFoundError:
                pass
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def encode_line(entry: dict) -> bytes:
    """``entry`` as one JSON line of at most ``MAX_LINE_BYTES`` (long text cut, marked)."""
    line = orjson.dumps(entry) + b"\n"
    for q_chars, values, value_chars in _SHRINK_STEPS:
        if len(line) <= MAX_LINE_BYTES:
            break
        cut = dict(entry, truncated=True)
        if isinstance(cut.get("q"), str):
            cut["q"] = cut["q"][:q_chars]
        for key, value in cut.items():
            if isinstance(value, list):
                cut[key] = [v[:value_chars] for v in value[:values]]
            elif isinstance(value, str) and key not in ("q", "time"):
                cut[key] = value[: value_chars or 20]
        line = orjson.dumps(cut) + b"\n"
    return line


def search_entry(endpoint: str, search: SearchRequest, total: int, mode: str) -> dict:
    """The log fields of one search (``/search`` or the page ``/``), filters as given."""
    return {
        "endpoint": endpoint,
        "q": search.q,
        "sort": search.sort,
        "people": list(search.people),
        "places": list(search.places),
        "author": list(search.authors),
        "section": list(search.sections),
        "from": search.date_from.isoformat() if search.date_from else None,
        "to": search.date_to.isoformat() if search.date_to else None,
        "page": search.page,
        "total": total,
        "mode": mode,
    }


def quote_entry(search: QuoteRequest, total: int) -> dict:
    """The log fields of one ``/quotes`` search (no mode: quotations have none)."""
    return {
        "endpoint": "/quotes",
        "q": search.q,
        "speaker": search.speaker,
        "sort": search.sort,
        "page": search.page,
        "total": total,
    }


class QueryLogMiddleware:
    """Times each request; writes the entry a search resource (or the cache) left."""

    def __init__(self, log: QueryLog, timer: Callable[[], float] = time.perf_counter):
        self.log = log
        self.timer = timer

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.query_log_start = self.timer()

    def process_response(self, req, resp, resource, req_succeeded: bool) -> None:
        entry = getattr(req.context, "query_log", None)
        if (
            entry is None
            or not req_succeeded
            or resp.status != falcon.HTTP_200
            or req.method != "GET"
        ):
            return
        start = getattr(req.context, "query_log_start", None)
        ms = round((self.timer() - start) * 1000, 1) if start is not None else None
        cached = bool(getattr(req.context, "from_cache", False))
        self.log.write({**entry, "ms": ms, "cached": cached})
