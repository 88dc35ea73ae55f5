"""``GET /articles/{id}``: one stored article; ``GET /articles/{id}/related``: the stories
most like it. 404 when the id is unknown.

JSON by default (curl, fetch, no Accept); a client that prefers HTML to JSON (a browser)
gets the reading page instead (``page``, resources/reading.py). ``negotiated_type`` is the
one place that decides, shared with the body cache (search_api/caching.py). The related
stories are JSON only.

Ids hold slashes, so one route takes both paths (Falcon's ``path`` field must end the
route): an id ending in ``/related`` is an article's related stories, unless an article has
that very id.
"""

from __future__ import annotations

import falcon

from search_api.related import DEFAULT_LIMIT, MAX_LIMIT

MEDIA_JSON = "application/json"
MEDIA_HTML = "text/html"
RELATED_SUFFIX = "/related"


def negotiated_type(req: falcon.Request) -> str:
    """``text/html`` when the client's Accept prefers HTML to JSON, else ``application/json``
    (also for a missing, ``*/*`` or unreadable Accept)."""
    return MEDIA_HTML if req.client_prefers((MEDIA_JSON, MEDIA_HTML)) == MEDIA_HTML else MEDIA_JSON


class ArticleResource:
    """Serves whole articles by id (the id URL-encoded in the path)."""

    def __init__(self, engine, page=None, related=None):
        self.engine = engine
        self.page = page  # the HTML reading page's resource, for browsers
        self.related = related  # RelatedResource: /articles/{id}/related

    def on_get(self, req: falcon.Request, resp: falcon.Response, article_id: str) -> None:
        if (
            self.related is not None
            and article_id.endswith(RELATED_SUFFIX)
            and self.engine.article(article_id) is None
        ):
            self.related.on_get(req, resp, article_id[: -len(RELATED_SUFFIX)])
            return
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


def read_limit(req: falcon.Request) -> int:
    """The ``limit`` parameter of /related: an integer 1..MAX_LIMIT (400 otherwise)."""
    return req.get_param_as_int("limit", min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)


class RelatedResource:
    """Thin: check ``limit``, ask the engine for the stories like the article, answer."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response, article_id: str) -> None:
        limit = read_limit(req)
        related = self.engine.related(article_id, limit)
        if related is None:
            raise falcon.HTTPNotFound(
                title="Article not found", description=f"No article has the id {article_id!r}."
            )
        resp.media = related  # a RelatedResponse is the JSON body (search_api/responses.py)
