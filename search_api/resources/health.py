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
        resp.media = info  # a HealthInfo is the JSON body (search_api/responses.py)
