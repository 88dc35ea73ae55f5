"""``GET /quotes``: quotations found in the articles, with who said them."""

from __future__ import annotations

import falcon

from search_api.engine import QuoteRequest, QuoteResponse
from search_api.resources.articles import iso_date
from search_api.resources.search import read_paging

MAX_SPEAKER_CHARS = 200


def read_quote_request(req: falcon.Request) -> QuoteRequest:
    """Validate the query string into a ``QuoteRequest`` (400 on anything malformed)."""
    paging = read_paging(req)
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


def quote_media(resp: QuoteResponse) -> dict:
    """The JSON body of a quotation search (README, "Quotations: `GET /quotes`")."""
    return {
        "query": resp.query,
        "speaker": resp.speaker,
        "sort": resp.sort,
        "total": resp.total,
        "page": resp.page,
        "per_page": resp.per_page,
        "results": [
            {
                "text": h.text,
                "speaker": h.speaker,
                "article_id": h.article_id,
                "title": h.title,
                "date": iso_date(h.date),
                "url": h.url,
                "snippet": h.snippet,
                "score": h.score,
            }
            for h in resp.results
        ],
        "timed_out": resp.timed_out,
    }


class QuotesResource:
    """Thin: validate, ask the engine, answer."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # A QueryError is a 400 in the error shape (errors.handle_query_error).
        resp.media = quote_media(self.engine.quotes(read_quote_request(req)))
