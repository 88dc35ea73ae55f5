"""The OpenAPI 3.1 description of the HTTP API, built from the same constants the code uses.

Parameters are declared here; response bodies come from their one declaration in
search_api/responses.py (``components.schemas``), every field they always carry required.
"""

from __future__ import annotations

from search_api.engine import MAX_PER_PAGE, MAX_RESULT_DEPTH, QUOTE_SORTS, SORTS
from search_api.query import MAX_QUERY_CHARS
from search_api.related import DEFAULT_LIMIT, MAX_LIMIT
from search_api.resources.quotes import MAX_SPEAKER_CHARS
from search_api.responses import (
    ArticleRecord,
    ErrorBody,
    HealthInfo,
    OpenSearchSuggestions,
    QuoteResponse,
    RelatedResponse,
    SearchResponse,
    SuggestResponse,
    json_schema,
)
from search_api.suggest import MAX_PREFIX_CHARS

_ERROR = {"$ref": "#/components/responses/Error"}


# The repeatable exact-value filters of /search: parameter, and what its values are.
FILTER_PARAMS = (
    ("people", "person"),
    ("places", "place"),
    ("author", "author"),
    ("section", "section"),
)


def _param(name: str, schema: dict, description: str, *, required=False, explode=None) -> dict:
    p = {"name": name, "in": "query", "required": required, "schema": schema}
    p["description"] = description
    if explode is not None:
        p["explode"] = explode
    return p


def openapi_document() -> dict:
    """The OpenAPI description of every endpoint."""
    search_params = [
        _param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            'Words, "phrases", '
            "-exclusions, OR, title:/people:/places:/author: prefixes, word*; blank with a filter.",
        ),
        _param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
        _param(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
            f"Page size; page * per_page <= {MAX_RESULT_DEPTH}.",
        ),
        _param(
            "sort",
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
            "Order of results: relevance, recent (relevance blended with freshness), "
            "newest, oldest (ties by relevance). The default is the site's "
            "SEARCH_DEFAULT_SORT.",
        ),
        *(
            _param(
                name,
                {"type": "array", "items": {"type": "string"}},
                f"Exact {what} facet values (all must match).",
                explode=True,
            )
            for name, what in FILTER_PARAMS
        ),
        _param(
            "collapse",
            {"type": "boolean", "default": True},
            "true: near-duplicate versions of one story (republished, corrected, syndicated) "
            "are one result, the best-ranked, with the others' ids in duplicates, and stories "
            "counts them; false: every version is a result. total counts articles either way.",
        ),
        _param(
            "timeline",
            {"type": "boolean", "default": False},
            "true: facets.year holds every year present (the timeline), not the top 10.",
        ),
        _param("from", {"type": "string", "format": "date"}, "Earliest date, inclusive."),
        _param("to", {"type": "string", "format": "date"}, "Latest date, inclusive."),
    ]
    quote_params = [
        _param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            'Words or "a phrase" of the quotation (same syntax as /search; people: is the '
            "speaker, title: the article's title); blank with a speaker.",
        ),
        _param(
            "speaker",
            {"type": "string", "maxLength": MAX_SPEAKER_CHARS},
            "Every word given must be a word of the speaker's name (putin, Vladimir Putin).",
        ),
        _param(
            "sort",
            {"type": "string", "enum": list(QUOTE_SORTS), "default": "relevance"},
            "relevance, or by date: oldest answers 'where did this first appear'.",
        ),
        _param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
        _param(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
            f"Page size; page * per_page <= {MAX_RESULT_DEPTH}.",
        ),
    ]
    # The response bodies' schemas come from their declarations (search_api/responses.py).
    components: dict[str, dict] = {}

    def schema_of(shape) -> dict:
        return json_schema(shape, components)

    html = {"text/html": {}}

    def ok(schema: dict, media: str = "application/json") -> dict:
        return {"description": "OK", "content": {media: {"schema": schema}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "archive-search",
            "version": "0.1.0",
            "description": "Full-text search over a newspaper's article archive.",
        },
        "paths": {
            "/search": {
                "get": {
                    "summary": "Ranked search with filters, facets, sorting and snippets",
                    "parameters": search_params,
                    "responses": {
                        "200": ok(schema_of(SearchResponse)),
                        "400": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/suggest": {
                "get": {
                    "summary": "Completions for a search box",
                    "parameters": [
                        _param(
                            "q",
                            {"type": "string", "maxLength": MAX_PREFIX_CHARS},
                            "What the user typed so far.",
                        ),
                        _param(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": 10, "default": 10},
                            "At most this many completions.",
                        ),
                        _param(
                            "format",
                            {"type": "string", "enum": ["json", "opensearch"], "default": "json"},
                            "opensearch: [prefix, [completions]].",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {"schema": schema_of(SuggestResponse)},
                                "application/x-suggestions+json": {
                                    "schema": schema_of(OpenSearchSuggestions)
                                },
                            },
                        },
                        "400": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/quotes": {
                "get": {
                    "summary": "Quotations found in the articles, with who said them",
                    "parameters": quote_params,
                    "responses": {
                        "200": ok(schema_of(QuoteResponse)),
                        "400": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/articles/{id}": {
                "get": {
                    "summary": "One article by id (URL-encoded)",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The article: JSON, or the reading page (as "
                            "/read/{id}) when Accept prefers text/html",
                            "content": {
                                "application/json": {"schema": schema_of(ArticleRecord)},
                                "text/html": {},
                            },
                        },
                        "404": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/articles/{id}/related": {
                "get": {
                    "summary": "The stories most like one article (its copies left out)",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _param(
                            "limit",
                            {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                            "At most this many stories, best first.",
                        ),
                    ],
                    "responses": {
                        "200": ok(schema_of(RelatedResponse)),
                        "400": _ERROR,
                        "404": _ERROR,
                        "503": _ERROR,
                    },
                }
            },
            "/read/{id}": {
                "get": {
                    "summary": "One article as an HTML page for readers (query words marked)",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ]
                    + search_params,
                    "responses": {
                        "200": {"description": "HTML page", "content": {"text/html": {}}},
                        "404": {"description": "HTML page: no such article", "content": html},
                        "503": {"description": "HTML page: no index", "content": html},
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Whether an index is being served",
                    "responses": {
                        "200": ok(schema_of(HealthInfo)),
                        "503": _ERROR,
                    },
                }
            },
            "/": {
                "get": {
                    "summary": "The HTML search page (results rendered on the server)",
                    "parameters": search_params,
                    "responses": {
                        "200": {"description": "HTML page", "content": {"text/html": {}}},
                        "400": {
                            "description": "HTML page with the error",
                            "content": {"text/html": {}},
                        },
                    },
                }
            },
            "/opensearch.xml": {
                "get": {
                    "summary": "OpenSearch description",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/opensearchdescription+xml": {}},
                        }
                    },
                }
            },
            "/widget.js": {
                "get": {
                    "summary": "The drop-in search box script",
                    "responses": {
                        "200": {"description": "OK", "content": {"application/javascript": {}}}
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": ok({"type": "object"})},
                }
            },
        },
        "components": {
            "schemas": components,
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {"application/json": {"schema": schema_of(ErrorBody)}},
                }
            },
        },
    }


class OpenAPIResource:
    """``GET /openapi.json``."""

    def __init__(self):
        self.document = openapi_document()

    def on_get(self, req, resp) -> None:
        resp.cache_control = ["public, max-age=3600"]
        resp.media = self.document
