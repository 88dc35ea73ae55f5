"""One JSON error shape for every error: ``{"title": ..., "description": ...}``.

Parts: ``serialize_error`` (Falcon's error serializer), ``handle_unexpected`` (any exception
a resource did not expect becomes a 500 with the same shape and no stack trace; the trace
goes to the log), ``handle_query_error`` (400 for a request the engine cannot answer),
``handle_index_unavailable`` (503 when no index can be opened). The HTML pages answer
their own errors as pages (resources/pages.py, resources/reading.py).
"""

from __future__ import annotations

import logging

import falcon

from indexer.store import IndexUnavailable
from search_api.query import QueryError
from search_api.responses import ErrorBody

log = logging.getLogger("search_api")


def serialize_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError) -> None:
    """Serialize every ``HTTPError`` as JSON with a title and a description."""
    resp.content_type = falcon.MEDIA_JSON
    resp.media = ErrorBody(title=exc.title, description=exc.description or exc.title)


def handle_query_error(req, resp, exc: QueryError, params) -> None:
    """The engine cannot answer this request (no words, over the limits, ...): 400."""
    raise falcon.HTTPBadRequest(title="Invalid query", description=str(exc))


def handle_index_unavailable(req, resp, exc: IndexUnavailable, params) -> None:
    """No index can be opened: 503 with the reason."""
    raise falcon.HTTPServiceUnavailable(title="Index unavailable", description=str(exc))


def handle_unexpected(req, resp, exc: Exception, params) -> None:
    """A bug, not a user's fault: log it, answer 500 in the error shape, no trace."""
    if isinstance(exc, falcon.HTTPError):
        raise exc
    log.exception("unexpected error on %s %s", req.method, req.relative_uri)
    raise falcon.HTTPInternalServerError(
        title="Internal error", description="The server could not answer this request."
    )
