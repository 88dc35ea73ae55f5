"""The API's wire shapes: every JSON body it answers, declared once.

Each body is a frozen dataclass; a ``TypedDict`` declares the small values inside one that
are plain dicts (a hit's quotation, the facets and their counts: built on every query, and a
dict is the cheapest value to build). Both descriptions of a body come from that one
declaration:

- the JSON: the app's JSON handler (orjson, search_api/app.py) writes a dataclass as an
  object of all its fields, in declaration order, a ``datetime`` as its ``isoformat()`` and
  ``None`` as null; so a resource sets ``resp.media`` to the dataclass itself;
- the OpenAPI component schemas (search_api/openapi.py).

Parts:
    the shapes: ``SearchResponse`` (``Hit``, ``Quote``, ``Facets``, ``FacetCount``),
    ``QuoteResponse`` (``QuoteHit``), ``ArticleRecord``, ``SuggestResponse``
    (``Suggestion``) and ``OpenSearchSuggestions``, ``HealthInfo``, ``ErrorBody``;
    ``Doc``: a field's description for the OpenAPI document, ``Annotated[str, Doc("...")]``.

Knows nothing of HTTP or Whoosh: the engine returns these, the resources answer them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal, TypedDict

Sort = Literal["relevance", "newest", "oldest"]


@dataclass(frozen=True)
class Doc:
    """A description of a field (or a type) in the OpenAPI document."""

    text: str


# Stored dates are datetimes; the JSON holds their isoformat() (no offset when naive, so
# not declared as the RFC 3339 "date-time" format).
Date = Annotated[
    datetime | None, Doc("ISO 8601 date and time, as Python's isoformat(); null when unknown.")
]
Score = Annotated[float | None, Doc("Relevance score; null when sorted by date.")]
Snippet = Annotated[str, Doc("Escaped HTML with <mark> elements only.")]


class Quote(TypedDict):
    """The quotation a hit's matched words fall in, and who said it."""

    text: str
    speaker: Annotated[str | None, Doc("Who said it; null when the article does not say.")]


@dataclass(frozen=True)
class Hit:
    """One result."""

    id: str
    title: str
    url: str | None
    date: Date
    snippet: Snippet
    people: list[str]
    places: list[str]
    score: Score
    quote: Annotated[
        Quote | None,
        Doc("The quotation holding every marked word of the snippet, else null."),
    ] = None


class FacetCount(TypedDict):
    """One facet value and how many articles of the result set carry it."""

    value: Annotated[str | int, Doc("A person, a place, or a year.")]
    count: int


class Facets(TypedDict):
    """The top values of each facet over the whole result set, not only the page."""

    people: list[FacetCount]
    places: list[FacetCount]
    year: list[FacetCount]


@dataclass(frozen=True)
class SearchResponse:
    """A page of results with facets over the whole result set."""

    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit]
    facets: Facets
    suggestion: Annotated[str | None, Doc("A did-you-mean query, else null.")] = None
    mode: Annotated[
        Literal["all", "any", "filter"],
        Doc("all words; any (the fallback for long or fruitless queries); filter (no words)."),
    ] = "all"
    timed_out: bool = False


@dataclass(frozen=True)
class QuoteHit:
    """One quotation found."""

    text: str
    speaker: Annotated[
        str | None,
        Doc(
            "Canonical full name, organisation, or the article's words for an unnamed "
            "speaker; null when the article does not say."
        ),
    ]
    article_id: str
    title: str
    date: Date
    url: str | None
    snippet: Snippet
    score: Score


@dataclass(frozen=True)
class QuoteResponse:
    """A page of quotations."""

    query: str
    speaker: str
    sort: Sort
    total: int
    page: int
    per_page: int
    results: list[QuoteHit]
    timed_out: bool = False


@dataclass(frozen=True)
class ArticleRecord:
    """One stored article."""

    id: str
    title: str
    body: str
    url: str | None
    date: Date
    author: str | None
    people: list[str]
    places: list[str]
    source: Annotated[str, Doc("The archive file it came from.")]


@dataclass(frozen=True)
class Suggestion:
    """One completion and where it comes from (title, person, place, term)."""

    text: str
    kind: Literal["title", "person", "place", "term"]


@dataclass(frozen=True)
class SuggestResponse:
    """Completions for what the user typed so far."""

    query: str
    suggestions: list[Suggestion]


# format=opensearch: [prefix, [completion, ...]] (the OpenSearch suggestions extension).
OpenSearchSuggestions = tuple[str, list[str]]


@dataclass(frozen=True, kw_only=True)
class HealthInfo:
    """The index being served."""

    status: Literal["ok"] = "ok"
    documents: int
    schema_version: int
    built_at: str
    generation: str
    quotes: int = 0


@dataclass(frozen=True)
class ErrorBody:
    """Every error: what went wrong, and what to change."""

    title: str
    description: str
