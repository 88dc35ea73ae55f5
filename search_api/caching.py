"""HTTP caching tied to the index generation: ETag and Cache-Control on read endpoints.

``GenerationCache`` is a Falcon middleware: for GET requests to cacheable paths it derives
an ETag from the generation being served and the request's path and query, answers 304
when the client already holds it (before any search runs), and sets the headers on the
way out. It also keeps the rendered bodies of recent answers (an LRU keyed by that ETag),
so a repeated request skips routing, searching and serialising. A finished build changes
the generation, so every ETag, and every cache key, changes with it.

``not_modified`` is the one answer to a conditional GET (the client's ``If-None-Match``
holds the ETag: 304 with the headers the full answer would carry), shared with the static
assets (resources/static.py), whose ETags come from their bytes.

With CORS on, every answer says ``Vary: Origin``: the CORS middleware adds
``Access-Control-Allow-Origin`` for listed origins only, so a shared cache (a CDN) must not
hand a copy made for one origin to another. The kept bodies never hold CORS headers: the
CORS middleware runs after this one on the way out, also for answers replayed from here.
"""

from __future__ import annotations

import hashlib

import falcon

from indexer.store import IndexUnavailable
from search_api.cache import LRUCache
from search_api.resources.articles import negotiated_type

CACHEABLE_PREFIXES = ("/search", "/suggest", "/articles/", "/quotes")
# Answered as HTML or JSON by the Accept header: the negotiated type is part of the key.
NEGOTIATED_PREFIX = "/articles/"
MAX_AGE_S = 30
BODY_CACHE_ENTRIES = 2048


def _cacheable(path: str) -> bool:
    return path == "/" or path.startswith(CACHEABLE_PREFIXES)


def not_modified(req: falcon.Request, resp: falcon.Response, etag: str, max_age_s: int) -> bool:
    """Answer 304 Not Modified when the request's ``If-None-Match`` holds ``etag``.

    The 304 carries the ETag and the ``Cache-Control`` of the full answer. Returns whether
    it answered (the caller then stops).
    """
    if not req.if_none_match or all(str(t) != etag for t in req.if_none_match):
        return False
    resp.status = falcon.HTTP_304
    resp.etag = etag
    resp.cache_control = [f"public, max-age={max_age_s}"]
    return True


class GenerationCache:
    """Conditional GETs and cache headers for results that only change with a build."""

    def __init__(
        self, engine, body_cache_entries: int = BODY_CACHE_ENTRIES, vary_origin: bool = False
    ):
        self.engine = engine
        self.bodies = LRUCache(body_cache_entries)
        self.vary_origin = vary_origin

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.method not in ("GET", "HEAD") or not _cacheable(req.path):
            return
        try:
            generation = self.engine.generation()
        except IndexUnavailable:
            return
        key = f"{generation}\n{req.relative_uri}"
        negotiated = req.path.startswith(NEGOTIATED_PREFIX)
        if negotiated:
            key += "\n" + negotiated_type(req)
        etag = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        req.context.etag = etag
        if not_modified(req, resp, etag, MAX_AGE_S):
            if negotiated:
                resp.append_header("Vary", "Accept")
            self._vary(resp)
            resp.complete = True
            return
        cached = self.bodies.get(etag)
        if cached is not None and req.method == "GET":
            data, headers, query_log = cached
            resp.data = data
            resp.set_headers(headers)
            req.context.from_cache = True
            if query_log is not None:
                # The search this answer repeats, for the query log (search_api.querylog).
                req.context.query_log = query_log
            resp.complete = True

    def _vary(self, resp: falcon.Response) -> None:
        if self.vary_origin:
            vary = [v.strip() for v in (resp.get_header("Vary") or "").split(",") if v.strip()]
            if "origin" not in (v.lower() for v in vary):
                resp.set_header("Vary", ", ".join([*vary, "Origin"]))

    def process_response(self, req, resp, resource, req_succeeded: bool) -> None:
        self._vary(resp)
        etag = getattr(req.context, "etag", None)
        if etag is None or not req_succeeded or resp.status != falcon.HTTP_200:
            return
        resp.etag = etag
        if not resp.get_header("Cache-Control"):
            resp.cache_control = [f"public, max-age={MAX_AGE_S}"]
        if req.method == "GET" and not getattr(req.context, "from_cache", False):
            data = resp.render_body()
            if data is not None:
                resp.data = data  # rendered once, here, for the cache and the client
                query_log = getattr(req.context, "query_log", None)
                self.bodies.put(etag, (data, resp.headers, query_log))
