"""``GET /read/{id}``: one article as an HTML page for readers, rendered on the server.

The search page links here for articles without a publisher URL (and as "Archived text"
for the others), carrying its search in the query string: ``q`` marks the query's words in
the text, and every search parameter goes back into the "Back to results" link.
``GET /articles/{id}`` answers this same page to a browser (resources/articles.py).

Parts: ``back_url`` (the results page the reader came from), ``article_context`` (an
``ArticleView`` as plain values for ``read.html``), ``related_context`` (the related
stories, search_api/related.py, as links to their reading pages) and
``ReadPageResource``. An unknown id is the page with status 404, a missing index status
503; a query that cannot run marks nothing. Values are escaped by the template; the
paragraphs come escaped, with ``<mark>`` only, from the engine (search_api/snippets.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

import falcon

from indexer.store import IndexUnavailable
from search_api.engine import ArticleView
from search_api.query import MAX_QUERY_CHARS
from search_api.resources.pages import (
    CONTENT_TYPE,
    ENV,
    SECURITY_HEADERS,
    PageState,
    date_view,
    safe_url,
)
from search_api.responses import RelatedResponse

# Related stories listed under the article.
READ_PAGE_RELATED = 5

# The search page's parameters, in the order its own URLs write them (PageState.url).
SEARCH_PARAMS = (
    "q",
    "people",
    "places",
    "author",
    "section",
    "from",
    "to",
    "sort",
    "per_page",
    "collapse",
    "page",
)


def back_url(req: falcon.Request) -> str | None:
    """The results page these search parameters came from, or None without any."""
    pairs = [(name, v) for name in SEARCH_PARAMS for v in req.get_param_as_list(name) or ()]
    return "/?" + urlencode(pairs) if pairs else None


def article_context(view: ArticleView) -> dict:
    """What ``read.html`` shows of an article."""
    record = view.record
    return {
        "title": record.title or record.id,
        **date_view(record.date),
        "author": record.author,
        "url": safe_url(record.url),
        "paragraphs": view.paragraphs,
        "quotes": view.quotes,
        "people": [
            {"value": p, "href": PageState().add_filter("people", p)} for p in record.people
        ],
        "places": [
            {"value": p, "href": PageState().add_filter("places", p)} for p in record.places
        ],
    }


def related_context(related: RelatedResponse | None, state: PageState) -> list[dict]:
    """What ``read.html`` shows of the related stories: title, link (carrying the search),
    date."""
    if related is None:
        return []
    return [
        {"title": r.title or r.id, "href": state.read_url(r.id), **date_view(r.date)}
        for r in related.related
    ]


class ReadPageResource:
    """Thin: ask the engine for the article (marked for ``q``), render ``read.html``."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response, article_id: str) -> None:
        resp.content_type = CONTENT_TYPE
        resp.set_headers(SECURITY_HEADERS)
        state = PageState.from_raw(req)
        context = {"state": state, "back_href": back_url(req), "article": None}
        try:
            view = self.engine.article_view(article_id, state.q)
        except IndexUnavailable:
            resp.status = falcon.HTTP_503
            context["error_title"] = "Archive unavailable"
            context["error"] = "The archive cannot be read right now. Please try again soon."
        else:
            if view is None:
                resp.status = falcon.HTTP_404
                context["error_title"] = "Article not found"
                context["error"] = f"No article has the id “{article_id}”."
            else:
                context["article"] = article_context(view)
                related = self.engine.related(article_id, READ_PAGE_RELATED)
                context["related"] = related_context(related, state)
        resp.text = ENV.get_template("read.html").render(max_query_chars=MAX_QUERY_CHARS, **context)

    on_head = on_get
