"""``GET /articles/{id}``: one stored article; 404 when the id is unknown.

JSON by default (curl, fetch, no Accept); a client that prefers HTML to JSON (a browser)
gets the reading page instead (``page``, resources/reading.py). ``negotiated_type`` is the
one place that decides, shared with the body cache (search_api/caching.py).
"""

from __future__ import annotations

import falcon

MEDIA_JSON = "application/json"
MEDIA_HTML = "text/html"


def negotiated_type(req: falcon.Request) -> str:
    """``text/html`` when the client's Accept prefers HTML to JSON, else ``application/json``
    (also for a missing, ``*/*`` or unreadable Accept)."""
    return MEDIA_HTML if req.client_prefers((MEDIA_JSON, MEDIA_HTML)) == MEDIA_HTML else MEDIA_JSON


class ArticleResource:
    """Serves whole articles by id (the id URL-encoded in the path)."""

    def __init__(self, engine, page=None):
        self.engine = engine
        self.page = page  # the HTML reading page's resource, for browsers

    def on_get(self, req: falcon.Request, resp: falcon.Response, article_id: str) -> None:
        resp.append_header("Vary", "Accept")
        if self.page is not None and negotiated_type(req) == MEDIA_HTML:
            self.page.on_get(req, resp, article_id)
            return
        record = self.engine.article(article_id)
        if record is None:
            raise falcon.HTTPNotFound(
                title="Article not found", description=f"No article has the id {article_id!r}."
            )
        resp.media = record  # an ArticleRecord is the JSON body (search_api/responses.py)
