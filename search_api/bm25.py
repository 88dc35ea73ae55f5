"""One word scored as one BM25 field over several fields: ``CombinedTerm``.

Summing a separate BM25 score per field (Whoosh's BM25F, and what a plain ``Or`` of
per-field terms does) saturates each field on its own: a word in the title and the body
counts nearly twice, and a word in a short field (a title, a name list) scores as much as a
word the body repeats. Robertson's BM25F, as Elasticsearch's ``combined_fields`` and
SQLite FTS5's ``bm25()`` compute it, first adds the word's weighted frequencies over the
fields and the weighted field lengths, then saturates once:

    tf = sum(w_f * tf_f)    dl = sum(w_f * len_f)    avgdl = sum(w_f * avglen_f)
    score = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))

with Lucene's idf, ``log(1 + (N - df + 0.5) / (df + 0.5))`` (Whoosh's own,
``log(N / (df + 1)) + 1``, flattens the difference between rare and common words). ``df``
is the most documents any of the fields holds the word in (a cheap, close stand-in for the
documents of the union). Parts:
    ``CombinedTerm(fields, text, weights)``: the query (a ``wq.Or`` of the per-field terms,
    so highlighting and query walks see the terms);
    ``CombinedMatcher``: its matcher, over the union of the fields' postings.
"""

from __future__ import annotations

from math import log

from whoosh import query as wq
from whoosh.matching import mcore
from whoosh.reading import TermNotFound

K1 = 1.2
B = 0.75


def lucene_idf(doc_count: int, doc_frequency: int) -> float:
    """BM25's idf as Lucene computes it (never negative)."""
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


class CombinedTerm(wq.Or):
    """``text`` in any of ``fields``, scored as one BM25 field with per-field ``weights``."""

    def __init__(self, fields: tuple[str, ...], text: str, weights: tuple[float, ...], boost=1.0):
        super().__init__([wq.Term(f, text) for f in fields], boost=boost)
        self.fields = tuple(fields)
        self.text = text
        self.weights = tuple(weights)

    def normalize(self):
        return self

    def __eq__(self, other):
        return type(other) is type(self) and (self.fields, self.text, self.weights, self.boost) == (
            other.fields,
            other.text,
            other.weights,
            other.boost,
        )

    def __hash__(self):
        return hash((type(self), self.fields, self.text, self.weights, self.boost))

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        postings, weights = [], []
        for field, weight in zip(self.fields, self.weights, strict=True):
            try:
                m = searcher.postings(field, self.text)
            except TermNotFound:
                continue
            if m.is_active():
                postings.append((field, m))
                weights.append(weight)
        if not postings:
            return mcore.NullMatcher()
        df = max(parent.doc_frequency(f, self.text) for f in self.fields)
        idf = lucene_idf(parent.doc_count_all(), df)
        avgdl = sum(
            w * (parent.avg_field_length(f) or 0.0)
            for f, w in zip(self.fields, self.weights, strict=True)
        )
        lengths = [
            (w, f)
            for f, w in zip(self.fields, self.weights, strict=True)
            if w and f in searcher.schema
        ]
        return CombinedMatcher(
            [m for _, m in postings], weights, searcher, lengths, idf * self.boost, avgdl or 1.0
        )


class CombinedMatcher(mcore.Matcher):
    """The union of the fields' postings; the score of ``CombinedTerm`` at each document."""

    def __init__(self, subs, weights, searcher, lengths, idf: float, avgdl: float):
        self._subs = subs
        self._weights = weights
        self._weighted = list(zip(subs, weights, strict=True))
        self._searcher = searcher
        self._length = searcher.doc_field_length
        self._k1 = K1
        self._lengths = lengths
        self._idf = idf
        self._avgdl = avgdl
        self._id = self._min_id()

    def _min_id(self):
        ids = [m.id() for m in self._subs if m.is_active()]
        return min(ids) if ids else None

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        return self._id

    def next(self) -> None:
        if self._id is None:
            raise mcore.ReadTooFar
        for m in self._subs:
            if m.is_active() and m.id() == self._id:
                m.next()
        self._id = self._min_id()

    def skip_to(self, id: int) -> None:
        if self._id is None:
            raise mcore.ReadTooFar
        for m in self._subs:
            if m.is_active() and m.id() < id:
                m.skip_to(id)
        self._id = self._min_id()

    def reset(self) -> None:
        for m in self._subs:
            m.reset()
        self._id = self._min_id()

    def copy(self):
        return CombinedMatcher(
            [m.copy() for m in self._subs],
            self._weights,
            self._searcher,
            self._lengths,
            self._idf,
            self._avgdl,
        )

    def children(self):
        return list(self._subs)

    def supports(self, astype: str) -> bool:
        return all(m.supports(astype) for m in self._subs)

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality=0):
        return self if self.is_active() else mcore.NullMatcher()

    def max_quality(self):
        # No bound is known, so none that prunes: Whoosh's AndMaybe and union matchers ask
        # for it whether or not block quality is supported, and an exception there failed
        # the search ("a OR b" beside an optional word).
        return float("inf")

    def weight(self) -> float:
        """The word's weighted frequency over the fields, at the current document."""
        doc = self._id
        tf = 0.0
        for m, w in self._weighted:
            if m.is_active() and m.id() == doc:
                tf += w * m.weight()
        return tf

    def score(self) -> float:
        # Called for every match: plain loops and bound methods (no generators).
        tf = self.weight()
        dl = 0.0
        length, doc = self._length, self._id
        for w, f in self._lengths:
            dl += w * (length(doc, f, 0) or 0)
        return self._idf * tf * (self._k1 + 1) / (tf + self._k1 * (1 - B + B * dl / self._avgdl))

    def spans(self):
        return []
