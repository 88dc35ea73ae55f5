"""``GET /search``: ranked search with filters, facets, sorting, pages and snippets."""

from __future__ import annotations

import falcon

from search_api.engine import MAX_PER_PAGE, SORTS, SearchRequest


def read_paging(req: falcon.Request) -> dict:
    """``sort``, ``page`` and ``per_page`` of a search (400 on anything malformed)."""
    sort = req.get_param("sort", default="relevance")
    if sort not in SORTS:
        raise falcon.HTTPBadRequest(
            title="Invalid parameter",
            description=f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.",
        )
    return {
        "sort": sort,
        "page": req.get_param_as_int("page", min_value=1, default=1),
        "per_page": req.get_param_as_int(
            "per_page", min_value=1, max_value=MAX_PER_PAGE, default=10
        ),
    }


def read_search_request(req: falcon.Request) -> SearchRequest:
    """Validate the query string into a ``SearchRequest`` (400 on anything malformed)."""
    paging = read_paging(req)
    date_from = req.get_param_as_date("from", format_string="%Y-%m-%d")
    date_to = req.get_param_as_date("to", format_string="%Y-%m-%d")
    if date_from and date_to and date_from > date_to:
        raise falcon.HTTPBadRequest(
            title="Invalid parameter", description="'from' is after 'to'; swap them."
        )
    return SearchRequest(
        q=(req.get_param("q") or "").strip(),
        **paging,
        people=tuple(v for v in (req.get_param_as_list("people") or []) if v.strip()),
        places=tuple(v for v in (req.get_param_as_list("places") or []) if v.strip()),
        date_from=date_from,
        date_to=date_to,
    )


class SearchResource:
    """Thin: validate, ask the engine, answer."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # The SearchResponse is the JSON body (search_api/responses.py); a QueryError is a
        # 400 in the error shape (errors.handle_query_error).
        resp.media = self.engine.search(read_search_request(req))
