"""Minimum-should-match for Whoosh: ``MinMatchOr`` and its ``MinMatchMatcher``.

Whoosh 2.7's ``Or`` accepts ``minmatch`` but does not implement it. The any-word fallback
for long queries needs it: a document must match at least ``minmatch`` of the words, and
scores more the more of them it matches (a coordination bonus).
"""

from __future__ import annotations

from whoosh.matching import mcore
from whoosh.query import Or


class MinMatchMatcher(mcore.Matcher):
    """Matches documents that at least ``minmatch`` of the sub-matchers match."""

    def __init__(self, subs: list[mcore.Matcher], minmatch: int, coord: float):
        """``coord`` is the power of the matched share that scales the score (0: none)."""
        self._subs = subs
        self._minmatch = minmatch
        self._coord = coord
        self._id: int | None = None
        self._find()

    def _active(self) -> list[mcore.Matcher]:
        return [m for m in self._subs if m.is_active()]

    def _find(self) -> None:
        # Advance until `minmatch` sub-matchers sit on the same document.
        while True:
            active = self._active()
            if len(active) < self._minmatch:
                self._id = None
                return
            current = min(m.id() for m in active)
            at = [m for m in active if m.id() == current]
            if len(at) >= self._minmatch:
                self._id = current
                return
            for m in at:
                m.next()

    def _at(self) -> list[mcore.Matcher]:
        return [m for m in self._subs if m.is_active() and m.id() == self._id]

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        return self._id

    def next(self) -> None:
        if self._id is None:
            raise mcore.ReadTooFar
        for m in self._at():
            m.next()
        self._find()

    def skip_to(self, id: int) -> None:
        if self._id is None:
            raise mcore.ReadTooFar
        for m in self._active():
            if m.id() < id:
                m.skip_to(id)
        self._find()

    def reset(self) -> None:
        for m in self._subs:
            m.reset()
        self._find()

    def children(self) -> list[mcore.Matcher]:
        return list(self._subs)

    def copy(self) -> MinMatchMatcher:
        return MinMatchMatcher([m.copy() for m in self._subs], self._minmatch, self._coord)

    def supports(self, astype: str) -> bool:
        return all(m.supports(astype) for m in self._subs)

    def supports_block_quality(self) -> bool:
        return False

    def replace(self, minquality=0) -> mcore.Matcher:
        return self if self.is_active() else mcore.NullMatcher()

    def max_quality(self) -> float:
        try:
            total = sum(m.max_quality() for m in self._active())
        except mcore.NoQualityAvailable:
            return float("inf")  # unknown: never lets a parent skip documents
        return total

    def weight(self) -> float:
        return sum(m.weight() for m in self._at())

    def score(self) -> float:
        at = self._at()
        total = sum(m.score() for m in at)
        # Reward documents that match more of the words.
        share = len(at) / len(self._subs)
        return total * share**self._coord

    def spans(self):
        spans = set()
        for m in self._at():
            spans.update(m.spans())
        return sorted(spans)


class MinMatchOr(Or):
    """``Or`` that requires at least ``minmatch`` of its sub-queries to match."""

    def __init__(self, subqueries, minmatch: int = 1, coord: float = 1.0, boost: float = 1.0):
        super().__init__(subqueries, boost=boost, minmatch=minmatch)
        self.coord = coord

    def normalize(self):
        # Keep our class: the base normalize would return a plain Or.
        subs = [q.normalize() for q in self.subqueries]
        return MinMatchOr(subs, self.minmatch, self.coord, self.boost)

    def _matcher(self, subs, searcher, context):
        matchers = [q.matcher(searcher, context) for q in subs]
        matchers = [m for m in matchers if m.is_active()]
        if len(matchers) < self.minmatch:
            return mcore.NullMatcher()
        return MinMatchMatcher(matchers, max(1, self.minmatch), self.coord)
