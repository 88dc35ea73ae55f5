"""``GET /health``: 200 when an index can be served, 503 (error shape) when not."""

from __future__ import annotations

import falcon


class HealthResource:
    """Reports the index being served."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        info = self.engine.health()
        resp.cache_control = ["no-store"]
        resp.media = {
            "status": "ok",
            "documents": info.documents,
            "schema_version": info.schema_version,
            "built_at": info.built_at,
            "generation": info.generation,
            "quotes": info.quotes,
        }
