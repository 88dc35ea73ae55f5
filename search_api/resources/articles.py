"""``GET /articles/{id}``: one stored article; 404 when the id is unknown."""

from __future__ import annotations

import falcon


def iso_date(value) -> str | None:
    """The JSON form of a stored date."""
    return value.isoformat() if value is not None else None


class ArticleResource:
    """Serves whole articles by id (the id URL-encoded in the path)."""

    def __init__(self, engine):
        self.engine = engine

    def on_get(self, req: falcon.Request, resp: falcon.Response, article_id: str) -> None:
        record = self.engine.article(article_id)
        if record is None:
            raise falcon.HTTPNotFound(
                title="Article not found", description=f"No article has the id {article_id!r}."
            )
        resp.media = {
            "id": record.id,
            "title": record.title,
            "body": record.body,
            "url": record.url,
            "date": iso_date(record.date),
            "author": record.author,
            "people": record.people,
            "places": record.places,
            "source": record.source,
        }
