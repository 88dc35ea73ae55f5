"""The API's wire shapes: every JSON body it answers, declared once.

Each body is a frozen dataclass; a ``TypedDict`` declares the small values inside one that
are plain dicts (a hit's quotation, the facets and their counts: built on every query, and a
dict is the cheapest value to build). Both descriptions of a body come from that one
declaration:

- the JSON: the app's JSON handler (orjson, search_api/app.py) writes a dataclass as an
  object of all its fields, in declaration order, a ``datetime`` as its ``isoformat()`` and
  ``None`` as null; so a resource sets ``resp.media`` to the dataclass itself;
- the OpenAPI component schemas (search_api/openapi.py): ``json_schema`` walks the same type
  hints. Every field is ``required``, since the JSON always holds every field.

Parts:
    the shapes: ``SearchResponse`` (``Hit``, ``Quote``, ``Facets``, ``FacetCount``),
    ``QuoteResponse`` (``QuoteHit``), ``ArticleRecord``, ``RelatedResponse``
    (``RelatedStory``), ``SuggestResponse``
    (``Suggestion``) and ``OpenSearchSuggestions``, ``HealthInfo``, ``ErrorBody``;
    ``Doc``: a field's description for the OpenAPI document, ``Annotated[str, Doc("...")]``;
    ``json_schema(tp, components)``: the JSON Schema of a type as the JSON handler writes it.

Knows nothing of HTTP or Whoosh: the engine returns these, the resources answer them.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from typing import Annotated, Literal, TypedDict

Sort = Literal["relevance", "recent", "newest", "oldest"]
# /quotes has no freshness blend: relevance or date order.
QuoteSort = Literal["relevance", "newest", "oldest"]


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
    authors: Annotated[list[str], Doc("The people of the byline.")]
    section: str | None
    score: Score
    quote: Annotated[
        Quote | None,
        Doc("The quotation holding every marked word of the snippet, else null."),
    ] = None
    duplicates: Annotated[
        list[str],
        Doc(
            "Ids of the other matching versions of this story (near-duplicates: "
            "republished, corrected, syndicated), best first, at most 20; empty with "
            "collapse=false."
        ),
    ] = field(default_factory=list)


class FacetCount(TypedDict):
    """One facet value and how many articles of the result set carry it."""

    value: Annotated[str | int, Doc("A person, a place, an author, a section, or a year.")]
    count: int


class Facets(TypedDict):
    """The top values of each facet over the whole result set, not only the page."""

    people: list[FacetCount]
    places: list[FacetCount]
    author: list[FacetCount]
    section: list[FacetCount]
    year: Annotated[
        list[FacetCount], Doc("The top years; with timeline=1, every year present, in order.")
    ]


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
    total_exact: Annotated[
        bool,
        Doc(
            "true: total counts every match; false only when the time limit cut matching "
            "short (timed_out), and total is then a lower bound."
        ),
    ] = True
    stories: Annotated[
        int | None,
        Doc(
            "With collapse (the default): how many distinct stories (near-duplicate groups) "
            "the matches hold, each one result; a lower bound when total_exact is false. "
            "null with collapse=false."
        ),
    ] = None


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
    also_in: Annotated[
        list[str],
        Doc(
            "sort=oldest: ids of the later articles (near-duplicates of this one) where the "
            "same quotation appeared again, at most 20; else empty."
        ),
    ] = field(default_factory=list)


@dataclass(frozen=True)
class QuoteResponse:
    """A page of quotations."""

    query: str
    speaker: str
    sort: QuoteSort
    total: int
    page: int
    per_page: int
    results: list[QuoteHit]
    timed_out: bool = False
    total_exact: Annotated[bool, Doc("false only when timed_out: total is then a lower bound.")] = (
        True
    )


@dataclass(frozen=True)
class ArticleRecord:
    """One stored article."""

    id: str
    title: str
    body: str
    url: str | None
    date: Date
    author: Annotated[str | None, Doc("The byline as the archive gave it.")]
    authors: Annotated[list[str], Doc("The people of the byline.")]
    section: str | None
    people: list[str]
    places: list[str]
    source: Annotated[str, Doc("The archive file it came from.")]


@dataclass(frozen=True)
class RelatedStory:
    """One story like the article."""

    id: str
    title: str
    date: Date
    url: str | None
    score: Annotated[float, Doc("How alike (higher is more); comparable within one answer.")]


@dataclass(frozen=True)
class RelatedResponse:
    """The stories most like one article, best first; never the article or its copies."""

    id: str
    related: list[RelatedStory]


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


_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def json_schema(tp, components: dict[str, dict]) -> dict:
    """The JSON Schema of values of type ``tp`` as the app's JSON handler writes them.

    A dataclass or ``TypedDict`` becomes ``{"$ref": "#/components/schemas/<its name>"}``,
    and its own schema (every field required) is added to ``components``.

    Raises:
        TypeError: for a type the JSON handler does not write the way declared here.
    """
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        schema = json_schema(args[0], components)
        docs = [a.text for a in args[1:] if isinstance(a, Doc)]
        return {**schema, "description": " ".join(docs)} if docs else schema
    if tp in _TYPES:
        return {"type": _TYPES[tp]}
    if tp in (datetime, date):
        return {"type": "string"}
    if origin in (typing.Union, types.UnionType):
        parts = [json_schema(a, components) for a in args]
        if all(part.keys() == {"type"} for part in parts):
            return {"type": [part["type"] for part in parts]}
        return {"anyOf": parts}
    if origin is Literal:
        (kind,) = {_TYPES[type(a)] for a in args}
        return {"type": kind, "enum": list(args)}
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return {"type": "array", "items": json_schema(args[0], components)}
    if origin is tuple:
        # Fixed length, each item one of the types. Not prefixItems: schemathesis rewrites
        # it into the older array form of "items", then refuses that as invalid.
        items = [json_schema(a, components) for a in args]
        distinct = [item for i, item in enumerate(items) if item not in items[:i]]
        return {
            "type": "array",
            "items": distinct[0] if len(distinct) == 1 else {"anyOf": distinct},
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin is dict and args[0] is str:
        return {"type": "object", "additionalProperties": json_schema(args[1], components)}
    if is_dataclass(tp) or typing.is_typeddict(tp):
        name = tp.__name__
        if name not in components:
            components[name] = {}  # a placeholder while its fields are walked
            components[name] = _object_schema(tp, components)
        return {"$ref": f"#/components/schemas/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}: declare it in search_api/responses.py")


def _object_schema(tp, components: dict[str, dict]) -> dict:
    hints = typing.get_type_hints(tp, include_extras=True)
    if is_dataclass(tp):
        names = [f.name for f in fields(tp)]
        required = names  # the JSON handler writes every field
    else:
        names = list(hints)
        required = [n for n in names if n in tp.__required_keys__]
    schema: dict = {"type": "object"}
    doc = (tp.__doc__ or "").strip()
    if doc and not doc.startswith(f"{tp.__name__}("):  # not the dataclass's generated one
        schema["description"] = doc.splitlines()[0]
    schema["required"] = required
    schema["properties"] = {n: json_schema(hints[n], components) for n in names}
    return schema
