"""Exact phrase matching with a cheaper position check than Whoosh's span matcher.

``Phrase`` is ``whoosh.query.Phrase`` (same matches, same scores, same highlighting, since
it is a subclass) for the one case the API builds: words right next to each other, in
order (slop 1). Whoosh checks each candidate document by building a ``Span`` object for
every position (with character offsets, when the field stores them) of every word and
joining the spans pairwise; this checks sets of integer start positions instead. Measured
on the benchmark's phrase queries in bench/results/performance.md.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import binary
from whoosh.query.spans import Span, SpanNear2, SpanWrappingMatcher
from whoosh.util import make_binary_tree


class Phrase(wq.Phrase):
    """``whoosh.query.Phrase``, matched by ``_AdjacentMatcher`` when slop is 1."""

    def matcher(self, searcher, context=None):
        if self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh raises the right error
        reader = searcher.reader()
        matchers, frequency = [], []
        for word in self.words:
            try:
                term = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, term) not in reader:
                return matching.NullMatcher()  # a word the field never holds
            matchers.append(wq.Term(fieldname, term).matcher(searcher, context))
            frequency.append(reader.doc_frequency(fieldname, term))
        # The intersection leads with the rarest word; the position check keeps word order.
        order = sorted(range(len(matchers)), key=frequency.__getitem__)
        m = _AdjacentMatcher(matchers, order)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _AdjacentMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's ``SpanNear2`` matcher (ordered, slop 1): only ``_get_spans`` differs."""

    def __init__(self, ms, order=None):
        self.ms = ms
        self.slop, self.ordered, self.mindist = 1, True, 1
        self.order = list(order) if order is not None else list(range(len(ms)))
        isect = make_binary_tree(binary.IntersectionMatcher, [ms[i] for i in self.order])
        SpanWrappingMatcher.__init__(self, isect)

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.order)

    def _get_spans(self):
        ms = self.ms
        starts = set(ms[0].value_as("positions"))
        for offset, m in enumerate(ms[1:], 1):
            starts.intersection_update([p - offset for p in m.value_as("positions")])
            if not starts:
                return []
        last = len(ms) - 1
        return [Span(start, start + last) for start in sorted(starts)]
