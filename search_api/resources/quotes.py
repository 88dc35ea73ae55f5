"""``GET /quotes``: quotations found in the articles, with who said them."""

from __future__ import annotations

import falcon

from search_api.engine import QUOTE_SORTS, QuoteRequest
from search_api.querylog import quote_entry
from search_api.resources.search import read_paging

MAX_SPEAKER_CHARS = 200


def read_quote_request(req: falcon.Request) -> QuoteRequest:
    """Validate the query string into a ``QuoteRequest`` (400 on anything malformed)."""
    paging = read_paging(req, QUOTE_SORTS)
    speaker = (req.get_param("speaker") or "").strip()
    if len(speaker) > MAX_SPEAKER_CHARS:
        raise falcon.HTTPBadRequest(
            title="Invalid parameter",
            description=f"'speaker' is longer than {MAX_SPEAKER_CHARS} characters.",
        )
    return QuoteRequest(
        q=(req.get_param("q") or "").strip(),
        speaker=speaker,
        **paging,
    )


class QuotesResource:
    """Thin: validate, ask the engine, answer."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # The QuoteResponse is the JSON body (search_api/responses.py); a QueryError is a
        # 400 in the error shape (errors.handle_query_error).
        search = read_quote_request(req)
        result = self.engine.quotes(search)
        req.context.query_log = quote_entry(search, result.total)
        resp.media = result
