"""The two article shapes of the pipeline.

``RawArticle`` is what the archive gave (one record of one file, nothing inferred yet);
``Article`` is what gets indexed (clean text, canonical people and places).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from indexer.quotes import Quote


@dataclass(frozen=True)
class RawArticle:
    """One article as read from the archive, before cleaning and entity extraction.

    Attributes:
        id: the article id (README, "The archive": relative path, ``path#N`` or the JSONL ``id``).
        source: the archive file it came from, relative to the archive root.
        title, body: plain text when the file gave text (text dumps, JSONL ``body``).
        html: the page markup when the file gave HTML: raw bytes from an HTML file (the cleaner
            honours its declared charset), text from a JSONL ``html`` field.
        url, date, author: metadata the file gave, if any (date as an ISO 8601 string;
            author the byline string).
        authors: the newsroom's own list of names (a JSONL ``author`` list); ``None`` means
            "read them from the byline".
        section: the section the file gave (JSONL ``section``).
        people, places: the newsroom's own tags (JSONL); ``None`` means "extract them".
    """

    id: str
    source: str
    title: str | None = None
    body: str | None = None
    html: str | bytes | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None
    people: tuple[str, ...] | None = None
    places: tuple[str, ...] | None = None
    authors: tuple[str, ...] | None = None
    section: str | None = None


@dataclass(frozen=True)
class Article:
    """One clean article, ready for the index (``quotes``: its attributed quotations;
    ``author``: the byline as given, ``authors``: the names in it; ``section``: where the
    newsroom filed it)."""

    id: str
    source: str
    title: str
    body: str
    url: str | None = None
    date: datetime | None = None
    author: str | None = None
    people: tuple[str, ...] = field(default_factory=tuple)
    places: tuple[str, ...] = field(default_factory=tuple)
    quotes: tuple[Quote, ...] = field(default_factory=tuple)
    authors: tuple[str, ...] = field(default_factory=tuple)
    section: str | None = None
