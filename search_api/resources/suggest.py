"""``GET /suggest?q=prefix``: completions as the user types (JSON, or OpenSearch)."""

from __future__ import annotations

import json

import falcon

from search_api.responses import OpenSearchSuggestions, SuggestResponse
from search_api.suggest import MAX_PREFIX_CHARS

OPENSEARCH_SUGGESTIONS = "application/x-suggestions+json"


class SuggestResource:
    """Thin: read the prefix, ask the engine, answer in the format asked for."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        text = req.get_param("q") or ""
        if len(text) > MAX_PREFIX_CHARS:
            raise falcon.HTTPBadRequest(
                title="Invalid parameter",
                description=f"'q' is longer than {MAX_PREFIX_CHARS} characters.",
            )
        limit = req.get_param_as_int("limit", min_value=1, max_value=10, default=10)
        fmt = req.get_param("format", default="json")
        if fmt not in ("json", "opensearch"):
            raise falcon.HTTPBadRequest(
                title="Invalid parameter", description="'format' is 'json' or 'opensearch'."
            )
        found = self.engine.suggest(text, limit) if text.strip() else []
        if fmt == "opensearch":
            body: OpenSearchSuggestions = (text, [s.text for s in found])
            resp.content_type = OPENSEARCH_SUGGESTIONS
            resp.text = json.dumps(body, ensure_ascii=False)
        else:
            resp.media = SuggestResponse(query=text, suggestions=found)
