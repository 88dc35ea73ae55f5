"""Static assets shipped inside the package: ``/widget.js``, ``/widget.css``, ``/static/*``.

Only files listed in ``ASSETS`` are served (nothing from a request becomes a file path).
Each answer carries an ETag of its bytes; a conditional GET is answered by the caching
middleware's ``not_modified`` (search_api/caching.py).
"""

from __future__ import annotations

import hashlib
from importlib import resources

import falcon

from search_api.caching import not_modified

ASSETS = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
CACHE_SECONDS = 3600


def _read(name: str) -> bytes | None:
    try:
        return resources.files("search_api").joinpath("static", name).read_bytes()
    except (FileNotFoundError, OSError):
        return None


class StaticResource:
    """Serves one of the listed assets, with an ETag and a cache lifetime."""

    def __init__(self, name: str | None = None):
        self.name = name

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str | None = None):
        name = self.name or name
        if name not in ASSETS or (data := _read(name)) is None:
            raise falcon.HTTPNotFound(title="Not found", description="No such asset.")
        etag = hashlib.blake2b(data, digest_size=8).hexdigest()
        if not_modified(req, resp, etag, CACHE_SECONDS):
            return
        resp.etag = etag
        resp.cache_control = [f"public, max-age={CACHE_SECONDS}"]
        resp.content_type = ASSETS[name]
        resp.data = data
