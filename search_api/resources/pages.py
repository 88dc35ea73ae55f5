"""``GET /`` and ``GET /?q=...``: the HTML search page, rendered on the server.

Works with JavaScript off (there is none). Parts:
    ``PageState``: the validated parameters of one page, and the links that change them
    (sort, page, filters added or removed), every link keeping the rest of the state;
    ``result_view``/``facet_view``/``page_numbers``: plain values the template renders (a
    result's other versions, near-duplicates, as "N more versions" with a link to each);
    ``timeline_view``: the matches per year as an inline SVG bar chart (no script), each
    bar a link to that year, with a text equivalent;
    ``SearchPageResource``: validate, ask the engine, render ``search.html``. A bad
    parameter or query is the same page with status 400 and the message, never JSON;
    ``ENV``: the templates' Jinja environment, shared with the reading page
    (resources/reading.py).

Every value goes through Jinja's autoescape; the one exception is the engine's ``snippet``,
which is already escaped text with ``<mark>`` elements only (search_api/snippets.py).
Every value also loses its bidi embedding, override and isolate controls (``strip_bidi``):
a right-to-left override in a query must not flip the page text around it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import quote, urlencode

import falcon
import jinja2

from indexer.store import IndexUnavailable
from search_api.engine import MAX_RESULT_DEPTH, SORTS, SearchRequest
from search_api.query import MAX_QUERY_CHARS, QueryError
from search_api.querylog import search_entry
from search_api.resources.search import read_search_request
from search_api.responses import Hit, SearchResponse

CONTENT_TYPE = "text/html; charset=utf-8"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SORT_LABELS = {
    "relevance": "Best match",
    "recent": "Recent and relevant",
    "newest": "Newest",
    "oldest": "Oldest",
}
FACET_LABELS = {
    "people": "People",
    "places": "Places",
    "author": "Authors",
    "section": "Sections",
    "year": "Year",
}
# Facet name -> the PageState attribute holding its filter values (and the URL parameter
# is the facet name).
FACET_STATE = {"people": "people", "places": "places", "author": "authors", "section": "sections"}
CHIP_LABELS = {"people": "Person", "places": "Place", "author": "Author", "section": "Section"}
# The timeline chart's drawing box (SVG user units) and its longest span of years drawn.
CHART_WIDTH = 600
CHART_HEIGHT = 90
CHART_LABEL_HEIGHT = 16
MAX_CHART_YEARS = 150
# Page links shown either side of the current page (first and last are always shown).
PAGE_WINDOW = 2
# Only these article URLs become links; anything else (javascript:, data:, relative
# paths) links to the article's own page instead.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>\\]+", re.IGNORECASE)
# U+202A-202E (embeddings, overrides, pop) and U+2066-2069 (isolates): dropped from every
# value a page shows, so text can only be reordered inside its own <bdi>.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# A query that is one quoted phrase already shows its quotes: no <q> around it.
_QUOTED = re.compile(r"[\"“”„«‘'‹][^\"“”„«»]*[\"“”»’'›]")


def strip_bidi(value):
    """``value`` without bidi controls when it is text (Markup stays Markup)."""
    return value.translate(_BIDI_CONTROLS) if isinstance(value, str) else value


def is_quoted(text: str) -> bool:
    """Whether ``text`` is one phrase in quotation marks (``"healed rifts"``)."""
    return len(text) >= 2 and _QUOTED.fullmatch(text) is not None


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("search_api", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=strip_bidi,
)
ENV.tests["quoted"] = is_quoted


@dataclass(frozen=True)
class PageState:
    """The page's parameters, and the URLs of the pages next to it."""

    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    authors: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    # The site's sort when a URL names none (SEARCH_DEFAULT_SORT): left out of URLs.
    default_sort: str = "relevance"
    # One result per story (near-duplicates folded); False lists every version.
    collapse: bool = True

    @classmethod
    def from_request(cls, search: SearchRequest, default_sort: str = "relevance") -> PageState:
        """The state of a validated request."""
        return cls(
            authors=search.authors,
            sections=search.sections,
            default_sort=default_sort,
            q=search.q,
            page=search.page,
            per_page=search.per_page,
            sort=search.sort,
            people=search.people,
            places=search.places,
            date_from=_iso(search.date_from),
            date_to=_iso(search.date_to),
            collapse=search.collapse,
        )

    @classmethod
    def from_raw(cls, req: falcon.Request, default_sort: str = "relevance") -> PageState:
        """What the user sent, unvalidated: to refill the form on a 400 page."""
        return cls(
            authors=tuple(req.get_param_as_list("author") or ()),
            sections=tuple(req.get_param_as_list("section") or ()),
            default_sort=default_sort,
            q=req.get_param("q") or "",
            people=tuple(req.get_param_as_list("people") or ()),
            places=tuple(req.get_param_as_list("places") or ()),
            date_from=req.get_param("from") or "",
            date_to=req.get_param("to") or "",
        )

    @property
    def has_filters(self) -> bool:
        return bool(
            self.people
            or self.places
            or self.authors
            or self.sections
            or self.date_from
            or self.date_to
        )

    def url(self, **changes) -> str:
        """The page URL with ``changes`` applied; a change of anything but ``page`` resets
        the page to 1. Defaults are left out of the URL."""
        if "page" not in changes:
            changes["page"] = 1
        pairs = replace(self, **changes).query_pairs()
        return "/?" + urlencode(pairs) if pairs else "/"

    def read_url(self, article_id: str) -> str:
        """The reading page of an article, carrying this search (for "back to results")."""
        pairs = self.query_pairs()
        path = "/read/" + quote(article_id, safe="")
        return path + "?" + urlencode(pairs) if pairs else path

    def query_pairs(self) -> list[tuple[str, str | int]]:
        """The query-string pairs of this state, defaults left out."""
        pairs: list[tuple[str, str | int]] = []
        if self.q:
            pairs.append(("q", self.q))
        pairs += [("people", v) for v in self.people]
        pairs += [("places", v) for v in self.places]
        pairs += [("author", v) for v in self.authors]
        pairs += [("section", v) for v in self.sections]
        if self.date_from:
            pairs.append(("from", self.date_from))
        if self.date_to:
            pairs.append(("to", self.date_to))
        if self.sort != self.default_sort:
            pairs.append(("sort", self.sort))
        if self.per_page != 10:
            pairs.append(("per_page", self.per_page))
        if not self.collapse:
            pairs.append(("collapse", "false"))
        if self.page != 1:
            pairs.append(("page", self.page))
        return pairs

    def add_filter(self, facet: str, value: str | int) -> str:
        """The URL that narrows this search to one more facet value."""
        if facet == "year":
            return self.url(date_from=f"{value:04d}-01-01", date_to=f"{value:04d}-12-31")
        attr = FACET_STATE[facet]
        current: tuple[str, ...] = getattr(self, attr)
        if value in current:
            return self.url()
        return self.url(**{attr: (*current, value)})

    def is_active(self, facet: str, value: str | int) -> bool:
        """Whether the facet value is one of the filters already applied."""
        if facet == "year":
            return (self.date_from, self.date_to) == (f"{value:04d}-01-01", f"{value:04d}-12-31")
        return value in getattr(self, FACET_STATE[facet])

    def chips(self) -> list[dict]:
        """The active filters, each with the URL that removes it."""
        out = []
        for facet, label in CHIP_LABELS.items():
            attr = FACET_STATE[facet]
            values: tuple[str, ...] = getattr(self, attr)
            for value in values:
                rest = tuple(v for v in values if v != value)
                out.append({"label": label, "value": value, "remove": self.url(**{attr: rest})})
        if self.date_from and self.date_to and self.date_from[:4] == self.date_to[:4]:
            if (self.date_from[5:], self.date_to[5:]) == ("01-01", "12-31"):
                out.append(
                    {
                        "label": "Year",
                        "value": self.date_from[:4],
                        "remove": self.url(date_from="", date_to=""),
                    }
                )
                return out
        if self.date_from:
            out.append({"label": "From", "value": self.date_from, "remove": self.url(date_from="")})
        if self.date_to:
            out.append({"label": "To", "value": self.date_to, "remove": self.url(date_to="")})
        return out


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def safe_url(url: str | None) -> str | None:
    """The article's own URL when it is an absolute http(s) URL (the only ones linked)."""
    url = (url or "").strip()
    return url if _SAFE_URL.fullmatch(url) else None


def date_view(value: datetime | None) -> dict:
    """A stored date as ``<time>`` shows it: ``date_iso`` and ``date_text`` (or None)."""
    if value is None:
        return {"date_iso": None, "date_text": None}
    return {"date_iso": value.date().isoformat(), "date_text": f"{value.day} {value:%B %Y}"}


def article_href(hit: Hit, state: PageState) -> tuple[str, bool]:
    """Where a result's title links to, and whether that is the publisher's page.

    Only absolute http(s) URLs are trusted; otherwise the article's reading page on this
    site, carrying the search.
    """
    url = safe_url(hit.url)
    if url:
        return url, True
    return state.read_url(hit.id), False


def result_view(hit: Hit, state: PageState) -> dict:
    """One result as the template shows it."""
    href, external = article_href(hit, state)
    return {
        "title": hit.title or hit.id,
        "href": href,
        "external": external,
        "article_href": state.read_url(hit.id),
        **date_view(hit.date),
        "snippet": hit.snippet,
        # The match is a quotation: say who said it ("— Vladimir Putin").
        "speaker": (hit.quote or {}).get("speaker"),
        # Near-duplicates folded into this result: "3 more versions", each linked.
        "versions": [
            {"number": n, "id": d, "href": state.read_url(d)}
            for n, d in enumerate(hit.duplicates, 2)
        ],
        "people": [{"value": p, "href": state.add_filter("people", p)} for p in hit.people],
        "places": [{"value": p, "href": state.add_filter("places", p)} for p in hit.places],
    }


def facet_view(result: SearchResponse, state: PageState) -> list[dict]:
    """The facet sidebar: each facet's values with counts, links and whether applied."""
    groups = []
    for name in ("people", "places", "author", "section", "year"):
        values = result.facets.get(name) or []
        if name == "year":
            # The page asks for every year (the timeline); the list shows the top 10.
            top = sorted(values, key=lambda item: (-item["count"], item["value"]))[:10]
            values = sorted(top, key=lambda item: item["value"], reverse=True)
        items = [
            {
                "value": f["value"],
                "count": f["count"],
                "href": state.add_filter(name, f["value"]),
                "active": state.is_active(name, f["value"]),
            }
            for f in values
        ]
        if items:
            groups.append({"name": name, "label": FACET_LABELS[name], "items": items})
    return groups


def timeline_view(result: SearchResponse, state: PageState) -> dict | None:
    """The matches per year as a bar chart: bars (with their links and labels) in SVG user
    units, the axis labels, and the text equivalent. None for fewer than two years.

    Every year from the first to the last gets a slot (an empty year is a gap, not
    squeezed out); a year with matches links to the search narrowed to it.
    """
    counts = {f["value"]: f["count"] for f in result.facets.get("year") or []}
    counts = {y: n for y, n in counts.items() if isinstance(y, int)}
    if len(counts) < 2:
        return None
    first, last = min(counts), max(counts)
    first = max(first, last - MAX_CHART_YEARS + 1)
    years = list(range(first, last + 1))
    slot = CHART_WIDTH / len(years)
    top = max(counts.values())
    bars = []
    for i, year in enumerate(years):
        n = counts.get(year, 0)
        if not n:
            continue
        height = max(2.0, (CHART_HEIGHT - 4) * n / top)
        bars.append(
            {
                "year": year,
                "count": n,
                "href": state.add_filter("year", year),
                "active": state.is_active("year", year),
                "x": round(i * slot + slot * 0.1, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(max(slot * 0.8, 1.0), 2),
                "height": round(height, 2),
                "label": f"{year}: {n:,} article{'s' if n != 1 else ''}",
            }
        )
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if len(years) / s <= 12)
    ticks = [
        {"text": str(year), "x": round((i + 0.5) * slot, 2)}
        for i, year in enumerate(years)
        if year % step == 0 or i in (0, len(years) - 1)
    ]
    # No two labels on top of each other: one every ~40 units at least.
    spaced: list[dict] = []
    for tick in ticks:
        if not spaced or tick["x"] - spaced[-1]["x"] >= 40:
            spaced.append(tick)
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT + CHART_LABEL_HEIGHT,
        "plot_height": CHART_HEIGHT,
        "bars": bars,
        "ticks": spaced,
        "first": first,
        "last": last,
    }


def page_numbers(current: int, last: int) -> list[int | None]:
    """Page numbers to link, ``None`` for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    out: list[int | None] = []
    previous = 0
    for n in sorted(p for p in shown if 1 <= p <= last):
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


def pagination(result: SearchResponse, state: PageState) -> dict | None:
    """Previous/next and numbered page links, or None for a single page."""
    reachable = max(1, MAX_RESULT_DEPTH // state.per_page)
    # Collapsed, a page holds stories, not articles.
    shown = result.stories if result.stories is not None else result.total
    last = min(math.ceil(shown / state.per_page), reachable)
    if last <= 1:
        return None
    return {
        "prev": state.url(page=state.page - 1) if state.page > 1 else None,
        "next": state.url(page=state.page + 1) if state.page < last else None,
        "pages": [
            {"number": n, "href": state.url(page=n), "current": n == state.page}
            if n is not None
            else None
            for n in page_numbers(state.page, last)
        ],
    }


def render(state: PageState, **context) -> str:
    """The search page for ``state`` (context: result, error, ...)."""
    context.setdefault("result", None)
    context.setdefault("error", None)
    context.setdefault("timeline", None)
    # Without query words there is no relevance: the engine lists newest first.
    relevance = ("relevance", "recent")
    choices = SORTS if state.q else tuple(s for s in SORTS if s not in relevance)
    current = state.sort if state.q or state.sort not in relevance else "newest"
    return ENV.get_template("search.html").render(
        state=state,
        sorts=[
            {
                "value": s,
                "label": SORT_LABELS[s],
                "href": state.url(sort=s),
                "current": s == current,
            }
            for s in choices
        ],
        chips=state.chips(),
        max_query_chars=MAX_QUERY_CHARS,
        **context,
    )


class SearchPageResource:
    """Thin: validate, ask the engine, render the page."""

    def __init__(self, engine, default_sort: str = "relevance"):
        self.engine = engine
        self.default_sort = default_sort

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = CONTENT_TYPE
        resp.set_headers(SECURITY_HEADERS)
        resp.cache_control = ["no-cache"]
        try:
            search = read_search_request(req, self.default_sort)
        except falcon.HTTPError as exc:
            state = PageState.from_raw(req, self.default_sort)
            self._error(resp, state, falcon.HTTP_400, exc.description)
            return
        state = PageState.from_request(search, self.default_sort)
        if not state.q and not state.has_filters:
            resp.text = render(state)
            return
        try:
            # Every year of the result set, for the timeline.
            result = self.engine.search(replace(search, timeline=True))
        except QueryError as exc:
            self._error(resp, state, falcon.HTTP_400, str(exc))
            return
        except IndexUnavailable:
            self._error(
                resp,
                state,
                falcon.HTTP_503,
                "The archive cannot be searched right now. Please try again in a few minutes.",
            )
            return
        if req.method == "GET":
            req.context.query_log = search_entry("/", search, result.total, result.mode)
        resp.text = render(
            state,
            result=result,
            results=[result_view(h, state) for h in result.results],
            facets=facet_view(result, state),
            timeline=timeline_view(result, state),
            pagination=pagination(result, state),
            suggestion_href=state.url(q=result.suggestion) if result.suggestion else None,
            first=(result.page - 1) * result.per_page + 1,
            all_versions_href=state.url(collapse=False) if state.collapse else None,
        )

    on_head = on_get

    @staticmethod
    def _error(resp: falcon.Response, state: PageState, status: str, message: str | None):
        resp.status = status
        resp.text = render(state, error=message or "That search cannot be run.")
