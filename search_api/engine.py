"""The search engine side of the API: open the current index, read it, answer in dataclasses.

Knows nothing of HTTP. Parts:
    ``Engine``: one per process; gives each thread its own Whoosh searcher (searchers are not
    thread-safe), reused across requests and reopened when a build switches ``current``;
    ``ArticleRecord``/``HealthInfo``: what it returns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from indexer import store
from indexer.schema import SCHEMA_VERSION, TAG_SEPARATOR


@dataclass(frozen=True)
class ArticleRecord:
    """One stored article."""

    id: str
    title: str
    body: str
    url: str | None
    date: datetime | None
    author: str | None
    people: list[str]
    places: list[str]
    source: str


@dataclass(frozen=True)
class HealthInfo:
    """What ``/health`` reports about the index being served."""

    documents: int
    schema_version: int
    built_at: str
    generation: str


def split_tags(value: str | None) -> list[str]:
    """The list form of a stored ``people_tag``/``places_tag`` value."""
    return [v for v in (value or "").split(TAG_SEPARATOR) if v]


@dataclass
class _Opened:
    generation: Path
    meta: store.IndexMeta
    searcher: Searcher


class Engine:
    """Reads the index in ``index_dir``; safe to share between threads."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._local = threading.local()

    def _open(self) -> _Opened:
        gen = store.current_generation(self.index_dir)
        if gen is None:
            raise store.IndexUnavailable(
                f"no index in {self.index_dir}: run `python -m indexer build` first"
            )
        opened: _Opened | None = getattr(self._local, "opened", None)
        if opened is not None and opened.generation == gen:
            return opened
        meta = store.read_meta(gen)
        if meta.schema_version != SCHEMA_VERSION:
            raise store.IndexUnavailable(
                f"the index was built with schema version {meta.schema_version}, this API "
                f"reads version {SCHEMA_VERSION}: rebuild it with `python -m indexer build`"
            )
        searcher = self._open_searcher(gen)
        if opened is not None:
            opened.searcher.close()
        self._local.opened = _Opened(gen, meta, searcher)
        return self._local.opened

    @staticmethod
    def _open_searcher(gen: Path) -> Searcher:
        try:
            return whoosh_index.open_dir(str(gen)).searcher()
        except FileNotFoundError:
            # A generation being collected right now: one retry on whatever is current.
            return whoosh_index.open_dir(str(gen)).searcher()
        except whoosh_index.EmptyIndexError as exc:
            raise store.IndexUnavailable(f"the index in {gen} cannot be opened: {exc}") from exc

    def health(self) -> HealthInfo:
        """Describe the index being served.

        Raises:
            IndexUnavailable: when no index can be opened.
        """
        opened = self._open()
        return HealthInfo(
            documents=opened.searcher.doc_count(),
            schema_version=opened.meta.schema_version,
            built_at=opened.meta.built_at,
            generation=opened.meta.generation,
        )

    def generation(self) -> str:
        """The name of the generation being served (changes with every finished build)."""
        return self._open().meta.generation

    def article(self, article_id: str) -> ArticleRecord | None:
        """The stored article with this id, or None."""
        searcher = self._open().searcher
        fields = searcher.document(id=article_id)
        if fields is None:
            return None
        return ArticleRecord(
            id=fields["id"],
            title=fields.get("title", ""),
            body=fields.get("body", ""),
            url=fields.get("url"),
            date=fields.get("date"),
            author=fields.get("author") or None,
            people=split_tags(fields.get("people_tag")),
            places=split_tags(fields.get("places_tag")),
            source=fields.get("source", ""),
        )
