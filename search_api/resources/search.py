"""``GET /search``: ranked search with filters, facets, sorting, pages and snippets."""

from __future__ import annotations

import falcon

from search_api.engine import MAX_PER_PAGE, SORTS, SearchRequest
from search_api.querylog import search_entry


def read_paging(
    req: falcon.Request, sorts: tuple[str, ...] = SORTS, default_sort: str = "relevance"
) -> dict:
    """``sort``, ``page`` and ``per_page`` of a search (400 on anything malformed)."""
    sort = req.get_param("sort", default=default_sort)
    if sort not in sorts:
        raise falcon.HTTPBadRequest(
            title="Invalid parameter",
            description=f"Unknown sort {sort!r}; use one of: {', '.join(sorts)}.",
        )
    return {
        "sort": sort,
        "page": req.get_param_as_int("page", min_value=1, default=1),
        "per_page": req.get_param_as_int(
            "per_page", min_value=1, max_value=MAX_PER_PAGE, default=10
        ),
    }


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def read_flag(req: falcon.Request, name: str, default: bool) -> bool:
    """A true/false parameter (``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``;
    blank: the default); anything else is a 400."""
    raw = (req.get_param(name) or "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE or raw in _FALSE:
        return raw in _TRUE
    raise falcon.HTTPBadRequest(
        title="Invalid parameter",
        description=f"'{name}' must be true or false, not {raw[:40]!r}.",
    )


def _values(req: falcon.Request, name: str) -> tuple[str, ...]:
    return tuple(v for v in (req.get_param_as_list(name) or []) if v.strip())


def read_search_request(req: falcon.Request, default_sort: str = "relevance") -> SearchRequest:
    """Validate the query string into a ``SearchRequest`` (400 on anything malformed);
    ``default_sort``: the sort when the request names none (``SEARCH_DEFAULT_SORT``)."""
    paging = read_paging(req, SORTS, default_sort)
    date_from = req.get_param_as_date("from", format_string="%Y-%m-%d")
    date_to = req.get_param_as_date("to", format_string="%Y-%m-%d")
    if date_from and date_to and date_from > date_to:
        raise falcon.HTTPBadRequest(
            title="Invalid parameter", description="'from' is after 'to'; swap them."
        )
    return SearchRequest(
        q=(req.get_param("q") or "").strip(),
        **paging,
        people=_values(req, "people"),
        places=_values(req, "places"),
        date_from=date_from,
        date_to=date_to,
        authors=_values(req, "author"),
        sections=_values(req, "section"),
        timeline=req.get_param_as_bool("timeline", default=False),
        collapse=read_flag(req, "collapse", True),
    )


class SearchResource:
    """Thin: validate, ask the engine, answer."""

    def __init__(self, engine, default_sort: str = "relevance"):
        self.engine = engine
        self.default_sort = default_sort

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # The SearchResponse is the JSON body (search_api/responses.py); a QueryError is a
        # 400 in the error shape (errors.handle_query_error).
        search = read_search_request(req, self.default_sort)
        result = self.engine.search(search)
        req.context.query_log = search_entry("/search", search, result.total, result.mode)
        resp.media = result
