"""BM25 baselines for the ranking evaluation: SQLite FTS5 and tantivy, behind one interface.

Parts:
    ``parse_query(text)``: the small query language every peer understands, the same one the
    query sets use: ``"quoted phrases"`` (all must match) and bare words (any may match,
    ranked by BM25; a best-match query, as a BM25 ranker is normally used);
    ``Fts5Engine``: stdlib ``sqlite3`` FTS5, columns title and body, ``porter unicode61
    remove_diacritics 2`` tokenizer, ranked by ``bm25()`` (optionally with column weights);
    ``TantivyEngine``: tantivy-py, title and body fields with the ``en_stem`` tokenizer and
    positions, default BM25 (k1=1.2, b=0.75), ``parse_query`` over both fields (optionally
    with field boosts).

Both engines have ``index(docs)`` (an iterable of objects with ``id``, ``title``, ``body``)
and ``search(query_text, k=10) -> list[str]`` (document ids, best first). Bare words are
sent quoted, one by one, so no character a reader types is read as the peer's own syntax.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import tantivy

_CLAUSE = re.compile(r'"([^"]*)"|(\S+)')
# What survives of a bare word: letters, digits and the punctuation inside words.
_WORD_CHARS = re.compile(r"[^\w.'’&\-]+")


class Indexable(Protocol):
    """What the peers index: an id, a title and a body."""

    id: str
    title: str
    body: str


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the peers see it."""

    phrases: tuple[str, ...]
    words: tuple[str, ...]


def parse_query(text: str) -> ParsedQuery:
    """Split user text into quoted phrases and bare words.

    Curly quotes count as straight ones; an unbalanced quote is ignored; punctuation other
    than inner dots, apostrophes, ampersands and hyphens is dropped from bare words.
    """
    text = text.replace("“", '"').replace("”", '"')
    if text.count('"') % 2:
        text = text.replace('"', " ")
    phrases, words = [], []
    for match in _CLAUSE.finditer(text):
        if match.group(1) is not None:
            phrase = " ".join(_WORD_CHARS.sub(" ", match.group(1)).split())
            if phrase:
                phrases.append(phrase)
        else:
            word = _WORD_CHARS.sub(" ", match.group(2)).strip(" .'’&-")
            words.extend(w for w in word.split() if w)
    return ParsedQuery(tuple(phrases), tuple(words))


class Fts5Engine:
    """SQLite FTS5 with BM25 ranking, in memory.

    Args:
        weights: ``(title, body)`` column weights for ``bm25()``; ``None`` is FTS5's default
            (every column 1.0).
    """

    name = "fts5"

    def __init__(self, weights: tuple[float, float] | None = None):
        self.weights = weights
        self._db = sqlite3.connect(":memory:")
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        if weights is None:
            self._rank = "bm25(docs)"
        else:
            # bm25() takes one weight per column, the unindexed doc_id column included.
            self._rank = f"bm25(docs, 0.0, {float(weights[0])}, {float(weights[1])})"

    def index(self, docs: Iterable[Indexable]) -> None:
        """Add documents (one transaction)."""
        with self._db:
            self._db.executemany(
                "INSERT INTO docs (doc_id, title, body) VALUES (?, ?, ?)",
                ((d.id, d.title, d.body) for d in docs),
            )

    @staticmethod
    def match_expression(query: ParsedQuery) -> str:
        """The FTS5 MATCH expression: phrases ANDed, then the words ORed."""

        def quoted(text: str) -> str:
            return '"' + text.replace('"', '""') + '"'

        parts = [quoted(p) for p in query.phrases]
        if query.words:
            parts.append("(" + " OR ".join(quoted(w) for w in query.words) + ")")
        return " AND ".join(parts)

    def search(self, query_text: str, k: int = 10) -> list[str]:
        """Ids of the best ``k`` documents for the query."""
        expression = self.match_expression(parse_query(query_text))
        if not expression:
            return []
        rows = self._db.execute(
            f"SELECT doc_id FROM docs WHERE docs MATCH ? ORDER BY {self._rank} LIMIT ?",
            (expression, k),
        )
        return [row[0] for row in rows]


class TantivyEngine:
    """tantivy in memory, title and body with ``en_stem``, default BM25.

    Args:
        field_boosts: e.g. ``{"title": 3.0}``, passed to ``parse_query``; ``None`` for none.
    """

    name = "tantivy"

    def __init__(self, field_boosts: Mapping[str, float] | None = None):
        self.field_boosts = dict(field_boosts) if field_boosts else None
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
        # Positions are needed for phrase queries.
        builder.add_text_field("title", tokenizer_name="en_stem", index_option="position")
        builder.add_text_field("body", tokenizer_name="en_stem", index_option="position")
        self._index = tantivy.Index(builder.build())
        self._searcher = None

    def index(self, docs: Iterable[Indexable]) -> None:
        """Add documents and commit (two indexing threads: the box has two cores)."""
        writer = self._index.writer(heap_size=200_000_000, num_threads=2)
        for doc in docs:
            writer.add_document(tantivy.Document(doc_id=doc.id, title=doc.title, body=doc.body))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    @staticmethod
    def query_string(query: ParsedQuery) -> str:
        """The tantivy query: ``+"phrase"`` for each phrase, then the quoted words (OR)."""
        parts = [f'+"{p}"' for p in query.phrases]
        parts += [f'"{w}"' for w in query.words]
        return " ".join(parts)

    def search(self, query_text: str, k: int = 10) -> list[str]:
        """Ids of the best ``k`` documents for the query."""
        text = self.query_string(parse_query(query_text))
        if not text or self._searcher is None:
            return []
        query = self._index.parse_query(text, ["title", "body"], field_boosts=self.field_boosts)
        hits = self._searcher.search(query, limit=k).hits
        return [self._searcher.doc(address)["doc_id"][0] for _score, address in hits]
