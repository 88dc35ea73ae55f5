"""A bare Falcon app: the throughput ceiling for the search API under the same gunicorn.

Served as ``gunicorn bench.bare_app:app -c gunicorn.conf.py``; every path under ``/search``
(query string ignored) and ``/health`` answers ``{"ok": true}``.
"""

import falcon


class Ok:
    """Answers ``{"ok": true}``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"ok": True}


app = falcon.App()
app.add_route("/search", Ok())
app.add_route("/health", Ok())
