"""The stored format of both indexes, encoded and decoded in one place.

What the build writes into Whoosh and what the API reads back are the two sides of one
format: this module owns both, so a field added, renamed or re-encoded changes here only
(and ``SCHEMA_VERSION`` in ``indexer.schema`` with it). Parts:
    ``article_document(article, content_hash, group)``: the fields of one article record;
    ``quote_documents(article, group)``: the records of its quotations (the quotation
    index), each with ``quote_text_key(text)``, the key of its folded words;
    ``StoredArticle`` / ``article_from_stored(fields)``: an article record read back;
    ``StoredQuote`` / ``quote_from_stored(fields)``: a quotation record read back;
    ``join_tags`` / ``split_tags``: the multi-valued exact fields (``people_tag``,
    ``places_tag``, ``authors_tag``), joined by ``TAG_SEPARATOR``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from indexer.documents import Article
from indexer.schema import TAG_SEPARATOR, fold


def join_tags(values) -> str:
    """The stored form of a list of exact facet values."""
    return TAG_SEPARATOR.join(values)


def split_tags(value: str | None) -> list[str]:
    """The list form of a stored ``people_tag``/``places_tag`` value."""
    return [v for v in (value or "").split(TAG_SEPARATOR) if v]


@dataclass(frozen=True)
class StoredQuoteSpan:
    """Where one of an article's quotations is in its body (for ``/search``'s ``quote``)."""

    start: int
    end: int
    text: str
    speaker: str | None


@dataclass(frozen=True)
class StoredArticle:
    """An article record as the index holds it."""

    id: str
    title: str
    body: str
    url: str | None
    date: datetime | None
    author: str | None
    people: list[str]
    places: list[str]
    source: str
    content_hash: str | None = None
    quotes: list[StoredQuoteSpan] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    group: int | None = None


@dataclass(frozen=True)
class StoredQuote:
    """A quotation record as the quotation index holds it."""

    id: str
    article_id: str
    text: str
    speaker: str | None
    title: str
    date: datetime | None
    url: str | None
    kind: str | None
    position: int
    group: int | None = None


def article_document(article: Article, content_hash: str, group: int | None = None) -> dict:
    """The fields of one article record, as ``writer.add_document`` takes them (``group``:
    its near-duplicate group, indexer/duplicates.py; None: not grouped)."""
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "people": "\n".join(article.people),
        "places": "\n".join(article.places),
        "people_tag": join_tags(article.people),
        "places_tag": join_tags(article.places),
        "url": article.url,
        "author": article.author or "",
        "authors": "\n".join(article.authors),
        "authors_tag": join_tags(article.authors),
        "source": article.source,
        "content_hash": content_hash,
        "quotes": [[q.start, q.end, q.text, q.speaker] for q in article.quotes],
        "dated": int(article.date is not None),
    }
    if article.date is not None:
        doc["date"] = article.date
        doc["year"] = article.date.year
    if article.section:
        doc["section"] = article.section
    if group is not None:
        doc["group"] = group
    return doc


def article_from_stored(fields: dict) -> StoredArticle:
    """An article record read back from its stored fields."""
    return StoredArticle(
        id=fields["id"],
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        url=fields.get("url"),
        date=fields.get("date"),
        author=fields.get("author") or None,
        people=split_tags(fields.get("people_tag")),
        places=split_tags(fields.get("places_tag")),
        source=fields.get("source", ""),
        content_hash=fields.get("content_hash"),
        quotes=[StoredQuoteSpan(*span) for span in fields.get("quotes") or []],
        authors=split_tags(fields.get("authors_tag")),
        section=fields.get("section") or None,
        group=fields.get("group"),
    )


def quote_text_key(text: str) -> int:
    """A 63-bit key of a quotation's words as folded (case, accents, punctuation aside)."""
    digest = hashlib.blake2b(fold(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def quote_documents(article: Article, group: int | None = None) -> Iterator[dict]:
    """The quotation index records of one article (``group``: the article's)."""
    for number, quote in enumerate(article.quotes, 1):
        doc = {
            "id": f"{article.id}#q{number}",
            "article_id": article.id,
            "source": article.source,
            "body": quote.text,
            # Searchable by any word of the name (``speaker=putin``), stored as given.
            "speaker": quote.speaker or "",
            "title": article.title,
            "kind": quote.kind,
            "url": article.url,
            "position": quote.start,
            "dated": int(article.date is not None),
            "text_key": quote_text_key(quote.text),
        }
        if article.date is not None:
            doc["date"] = article.date
        if group is not None:
            doc["group"] = group
        yield doc


def quote_from_stored(fields: dict) -> StoredQuote:
    """A quotation record read back from its stored fields."""
    return StoredQuote(
        id=fields.get("id", ""),
        article_id=fields.get("article_id", ""),
        text=fields.get("body", ""),
        speaker=fields.get("speaker") or None,
        title=fields.get("title", ""),
        date=fields.get("date"),
        url=fields.get("url"),
        kind=fields.get("kind"),
        position=fields.get("position") or 0,
        group=fields.get("group"),
    )
