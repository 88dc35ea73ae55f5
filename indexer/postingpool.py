"""The postings of a segment being written, gathered per term (instead of Whoosh's pool).

Parts:
    ``TermPool(tempstore, limitmb)``: takes Whoosh's postings
    ``(fieldname, term bytes, docnum, weight, value bytes)`` one by one (``add``, the
    interface of Whoosh's ``PostingPool``) and keeps them in a list per term;
    ``terms()`` gives every term in the order a segment is written, with its postings;
    ``write_terms(fieldwriter, schema, lengths, terms)``: those terms into a Whoosh field
    writer (what ``FieldWriter.add_postings`` does for a stream of single postings).

Why: Whoosh's ``PostingPool`` holds the postings in one list, sorts them all, pickles
them one by one into sorted runs once its budget is spent (about 2.6 million postings at
512 MB) and merges the runs posting by posting through a heap: a fifth of a tags-given
build's CPU (bench/RESULTS.md). A writer adds the documents of a segment in docnum order,
so each term's postings arrive already in order: only the terms need sorting. Here a run
is one record per term, and runs are merged term by term, a term's parts joined in run
order (which is docnum order). The memory held is Whoosh's: the same tuples, the same
budget (counted as Whoosh's estimate of ~200 bytes a posting).

The segment written holds what Whoosh writes from its own pool: the same terms, term
statistics, postings and values; only the postings of its spelling words (all document
0) keep the order they came in (``tests/test_writing.py``).
"""

from __future__ import annotations

import heapq
import operator
import pickle
import uuid
from collections.abc import Iterator

from whoosh.codec.whoosh3 import _lenfield

# Bytes a posting is counted as against the budget: Whoosh's estimate for a short term.
POSTING_BYTES = 200

# One term: (fieldname, term bytes, its postings: (fieldname, term, docnum, weight, value)).
Term = tuple[str, bytes, list[tuple]]


class TermPool:
    """Postings gathered per term; spilled to a sorted run in ``tempstore`` once they
    would take more than ``limitmb``."""

    def __init__(self, tempstore, limitmb: float) -> None:
        self._store = tempstore
        self._max = max(1, int(limitmb * 1024 * 1024 // POSTING_BYTES))
        self._terms: dict[str, dict[bytes, list[tuple]]] = {}
        self._count = 0
        self.runs: list[str] = []
        self.fieldnames: set[str] = set()

    def add(self, item: tuple) -> None:
        """One posting ``(fieldname, term bytes, docnum, weight, value bytes or None)``;
        a term's postings must come in docnum order (as a writer adds documents)."""
        terms = self._terms.get(item[0])
        if terms is None:
            terms = self._terms[item[0]] = {}
            self.fieldnames.add(item[0])
        postings = terms.get(item[1])
        if postings is None:
            terms[item[1]] = [item]
        else:
            postings.append(item)
        self._count += 1
        if self._count >= self._max:
            self.save()

    def _sorted(self) -> Iterator[Term]:
        for fieldname in sorted(self._terms):
            terms = self._terms[fieldname]
            for text in sorted(terms):
                yield fieldname, text, terms[text]

    def save(self) -> None:
        """Spill the terms held to a new sorted run."""
        if not self._count:
            return
        # Writer processes share the temporary folder (and, forked, the same ``id``s).
        name = f"termpool-{uuid.uuid4().hex}.run"
        with self._store.create_file(name).raw_file() as f:
            for term in self._sorted():  # one pickle each: its memo is the term's own
                pickle.dump(term, f, protocol=pickle.HIGHEST_PROTOCOL)
        self.runs.append(name)
        self._terms, self._count = {}, 0

    def terms(self) -> Iterator[Term]:
        """Every term, sorted by field and term bytes, with all its postings in docnum
        order; the runs are read (and removed) as they are merged.

        The postings of Whoosh's spelling words (document 0, one per article using the
        word, each with the value bytes of the article's last posting before it: values
        nothing reads) stay in the order they came; Whoosh's pool sorts them by value."""
        if not self.runs:
            yield from self._sorted()
            self._terms, self._count = {}, 0
            return
        self.save()
        runs, self.runs = self.runs, []
        merged = heapq.merge(*(self._read_run(name) for name in runs), key=_term_key)
        current = next(merged, None)
        for term in merged:
            if _term_key(term) == _term_key(current):
                current[2].extend(term[2])  # a later run's part of the same term
            else:
                yield current
                current = term
        if current is not None:
            yield current

    def _read_run(self, name: str) -> Iterator[Term]:
        with self._store.open_file(name).raw_file() as f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    break
        self._store.delete_file(name)

    def iter_postings(self) -> Iterator[tuple]:
        """The postings one by one, as Whoosh's pool gives them (``add_postings`` input)."""
        for _, _, postings in self.terms():
            yield from postings

    def cleanup(self) -> None:
        """Remove the runs not read (a cancelled segment)."""
        for name in self.runs:
            try:
                self._store.delete_file(name)
            except OSError:
                pass
        self.runs = []
        self._terms, self._count = {}, 0


# A term's (field name, text), its sort key.
_term_key = operator.itemgetter(0, 1)


def write_terms(fieldwriter, schema, lengths, terms: Iterator[Term]) -> None:
    """Write ``terms`` (sorted, as ``TermPool.terms`` gives them) with ``fieldwriter``.

    ``lengths``: the segment's per-document reader, or None when the codec keeps no
    length statistics. Each field's lengths are read once, as a list, not once per
    posting.
    """
    add = fieldwriter.add
    field = None
    field_lengths: list[int | None] | None = None
    for fieldname, text, postings in terms:
        if fieldname != field:
            if field is not None:
                fieldwriter.finish_field()
            field = fieldname
            fieldwriter.start_field(fieldname, schema[fieldname])
            field_lengths = _field_lengths(lengths, fieldname)
        fieldwriter.start_term(text)
        if field_lengths is None:
            for _, _, docnum, weight, value in postings:
                add(docnum, weight, value or b"", 0)
        else:
            for _, _, docnum, weight, value in postings:
                add(docnum, weight, value or b"", field_lengths[docnum])
        fieldwriter.finish_term()
    if field is not None:
        fieldwriter.finish_field()


def _field_lengths(lengths, fieldname: str) -> list[int | None] | None:
    """Every document's length in ``fieldname`` (as ``doc_field_length`` gives it), or
    None where the field keeps none."""
    if lengths is None or not lengths.has_column(_lenfield(fieldname)):
        return None
    length = lengths.doc_field_length
    return [length(docnum, fieldname, 0) for docnum in range(lengths.doc_count_all())]
