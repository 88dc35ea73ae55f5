"""Matching, counting and scoring over postings read as numpy arrays.

Whoosh matches a query one document at a time through a tree of Python matchers: at
Reuters size that loop (``skip_to``, ``score``, the collector) was most of a search, and it
grows with every document that matches, which is what an archive of a million articles
cannot afford (bench/RESULTS.md, "Where the time goes"). Here a query is evaluated a whole
posting list at a time: each word's document numbers and frequencies are read block by
block into arrays (and kept per generation in a bounded cache, so a frequent word is read
once), boolean operators are array set operations, BM25 is computed over the array, and the
top ``depth`` are picked with ``argpartition``. Every match is still counted (exact totals
and facets) and scored exactly as Whoosh's matchers score it (tests/test_postings.py
compares the two on every query shape the API builds).

Only exact phrases need positions: the intersection of their words gives the candidates,
and only those candidates' positions are read. A query node this module does not know is
matched by Whoosh itself and its matches join the arrays, so nothing changes meaning.

Parts:
    ``GenerationArrays(reader)``: one index generation's arrays: which documents are live,
    each field's (Whoosh-quantised) lengths, sort columns, and the bounded postings cache;
    ``collect(searcher, arrays, query, depth, order)``: every match (sorted document
    numbers) and the best ``depth`` as ``(docnum, score)`` pairs.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.reading import TermNotFound
from whoosh.util.numeric import _length_byte_cache

from indexer.postarrays import SegmentArrays, read_blocks
from search_api.bm25 import K1 as COMBINED_K1
from search_api.bm25 import B as COMBINED_B
from search_api.bm25 import CombinedTerm, lucene_idf
from search_api.minmatch import MinMatchOr
from search_api.phrase import Phrase

# The postings cache of one generation (per process): a frequent word's arrays are read
# once. 12 bytes a posting (document number, frequency): 64 MiB holds ~5.6 million
# postings, the commonest words of a 300,000-article archive several times over.
CACHE_BYTES = 64 * 2**20
# A posting list shorter than this is read again rather than cached (cheap to read).
CACHE_MIN_POSTINGS = 256
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass
class Matches:
    """Sorted unique document numbers and the score of each."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Matches:
        return cls(_EMPTY_IDS, _EMPTY_SCORES)


class GenerationArrays:
    """The arrays of one index generation; safe to share between threads (each caller
    passes its own reader for file access)."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        live = live_documents(reader)
        self.live = np.ones(self.size, dtype=bool) if live is None else live
        self.has_deletions = live is not None
        # each segment's posting arrays on disk (indexer.postarrays), where it has them
        self.segment_arrays = segment_arrays(reader)
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, object] = {}
        self._cache: OrderedDict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()

    # --- per-document arrays ------------------------------------------------------------

    def lengths(self, reader, field: str) -> np.ndarray:
        """Each document's length in ``field`` as Whoosh scores it (its one-byte value)."""
        got = self._lengths.get(field)
        if got is None:
            parts = [
                _length_codes(sub, field, sub.doc_count_all()) for sub, _offset in _leaves(reader)
            ]
            codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
            got = _BYTE_TO_LENGTH[codes]
            with self._lock:
                self._lengths[field] = got
        return got

    def column(self, reader, field: str) -> np.ndarray:
        """A sortable column as the rank of each document's value (the order of Whoosh's
        sort keys, as small integers: raw values can pass int64, e.g. a missing date)."""
        got = self._columns.get(field)
        if got is None:
            values, _missing = self.raw_column(reader, field)
            got = np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)
            with self._lock:
                self._columns[field] = got
        return got

    def raw_column(self, reader, field: str) -> tuple[np.ndarray, np.ndarray]:
        """A numeric column's stored values, and which documents have none (the column's
        default)."""
        key = "raw:" + field
        got = self._columns.get(key)
        if got is None:
            parts, missing = [], []
            for sub, _offset in _leaves(reader):
                column = sub.column_reader(field, translate=False)
                values = column_values(column, sub.doc_count_all())
                parts.append(values)
                default = getattr(column, "_default", None)
                missing.append(values == default if default is not None else values != values)
            if parts:
                got = (np.concatenate(parts), np.concatenate(missing))
            else:
                got = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool))
            with self._lock:
                self._columns[key] = got
        return got

    # --- postings -----------------------------------------------------------------------

    def postings(self, reader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Live document numbers holding ``text`` in ``field`` and the frequency in each."""
        key = (field, text)
        with self._lock:
            got = self._cache.get(key)
            if got is not None:
                self._cache.move_to_end(key)
                return got
        got = self._read(reader, field, text)
        size = got[0].nbytes + got[1].nbytes
        if len(got[0]) >= CACHE_MIN_POSTINGS and size <= CACHE_BYTES // 4:
            with self._lock:
                if key not in self._cache:
                    self._cache[key] = got
                    self._cached_bytes += size
                    while self._cached_bytes > CACHE_BYTES:
                        _, (ids, weights) = self._cache.popitem(last=False)
                        self._cached_bytes -= ids.nbytes + weights.nbytes
        return got

    def _read(self, reader, field: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        live = self.live if self.has_deletions else None
        return read_postings(reader, field, text, live, self.segment_arrays)


def live_documents(reader) -> np.ndarray | None:
    """Which documents are not deleted (a boolean mask), or None when none is."""
    live = None
    for sub, offset in _leaves(reader):
        if sub.has_deletions():
            if live is None:
                live = np.ones(reader.doc_count_all(), dtype=bool)
            dead = np.fromiter(sub._perdoc.deleted_docs(), dtype=np.int64)  # noqa: SLF001
            live[dead + offset] = False
    return live


def segment_arrays(reader) -> dict[str, SegmentArrays]:
    """The posting arrays of each segment of ``reader`` that has them, by segment id."""
    out = {}
    for sub, _offset in _leaves(reader):
        segment_id = sub.segment().segment_id()
        found = SegmentArrays.open(sub.storage(), segment_id)
        if found is not None:
            out[segment_id] = found
    return out


def read_postings(
    reader,
    field: str,
    text: bytes,
    live: np.ndarray | None = None,
    arrays: dict[str, SegmentArrays] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers holding ``text`` in ``field`` and the frequency in each: sliced
    from a segment's posting arrays (``arrays``, by segment id) where it has them, else
    read a block at a time; documents not ``live`` (deleted) left out."""
    format_ = reader.schema[field].format
    ids_parts, weight_parts = [], []
    for sub, offset in _leaves(reader):
        terms = sub._terms  # noqa: SLF001
        try:
            info = terms.term_info(field, text)
        except (KeyError, TermNotFound):
            continue
        found = None
        mapped = arrays.get(sub.segment().segment_id()) if arrays else None
        if mapped is not None and not info.is_inlined():
            found = mapped.lookup(info)
        if found is None:
            matcher = terms._codec.postings_reader(terms._postfile, info, format_)  # noqa: SLF001
            found = read_blocks(matcher)
        ids, weights = found
        ids_parts.append(ids + offset)
        weight_parts.append(weights)
    if not ids_parts:
        return _EMPTY_IDS, np.zeros(0, dtype=np.float32)
    ids = np.concatenate(ids_parts)
    weights = np.concatenate(weight_parts)
    if live is not None:
        keep = live[ids]
        ids, weights = ids[keep], weights[keep]
    return ids, weights


def term_values(reader, field: str, text, docs, kind: str = "positions") -> dict[int, list]:
    """The decoded ``kind`` (``"positions"``, ``"characters"``) of ``text`` in ``field`` for
    each of the documents ``docs`` that holds it: for the few documents of a page or a
    re-rank, reading only the posting blocks that hold them (a common word's positions:
    from the segment's position arrays)."""
    if field not in reader.schema:
        return {}
    fieldobj = reader.schema[field]
    try:
        btext = fieldobj.to_bytes(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    if (field, btext) not in reader:
        return {}
    decode = fieldobj.format.decoder(kind)
    wanted = np.unique(np.asarray(list(docs), dtype=np.int64))
    out: dict[int, list] = {}
    for sub, offset in _leaves(reader):
        lo = int(np.searchsorted(wanted, offset))
        hi = int(np.searchsorted(wanted, offset + sub.doc_count_all()))
        if lo == hi:
            continue
        try:
            matcher, jump, info = _matcher(sub, field, btext, fieldobj.format, True)
        except (KeyError, TermNotFound):
            continue
        local = wanted[lo:hi] - offset
        if kind == "positions" and not info.is_inlined():
            mapped = SegmentArrays.open(sub.storage(), sub.segment().segment_id())
            common = mapped.positions(info) if mapped is not None else None
            if common is not None:  # a common word: its positions are in the arrays
                rows, positions = _gather_positions(common, local, np.arange(len(local)))
                for row, pos in zip(rows.tolist(), positions.tolist(), strict=True):
                    out.setdefault(int(local[row]) + offset, []).append(pos)
                continue
        found_all = _block_values(matcher, local, jump)
        for doc, found in zip(local.tolist(), found_all, strict=True):
            if found is not None:
                out[doc + offset] = decode(found[1])
    return out


def _leaves(reader) -> list:
    """The segments of ``reader`` that hold documents, with their document offsets (an
    empty index has one reader that can read nothing)."""
    return [(sub, offset) for sub, offset in reader.leaf_readers() if sub.doc_count_all()]


def _length_codes(sub, field: str, count: int) -> np.ndarray:
    """One segment's one-byte length codes of ``field`` (0 where the field is empty)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    perdoc = sub._perdoc  # noqa: SLF001
    lenfield = _lenfield(field)
    if not perdoc.has_column(lenfield):
        return np.zeros(count, dtype=np.uint8)
    return column_values(perdoc.column_reader(lenfield, LENGTHS_COLUMN), count)


def column_values(column, count: int) -> np.ndarray:
    """Every value of one segment's column reader as an array, read at once for Whoosh's
    numeric columns (fixed-size big-endian numbers; documents past the end hold the
    default), else value by value."""
    if isinstance(column, NumericColumn.Reader) and not column._reverse:  # noqa: SLF001
        code = column._typecode  # noqa: SLF001
        stored = column._count  # noqa: SLF001
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)  # noqa: SLF001
        dtype = np.dtype(code).newbyteorder(">")
        values = np.full(count, column._default, dtype=dtype.newbyteorder("="))  # noqa: SLF001
        values[:stored] = np.frombuffer(raw, dtype=dtype)
        return values
    values = list(column)
    if values and isinstance(values[0], int) and max(values) >= 2**63:
        return np.array(values, dtype=np.uint64)
    return np.array(values) if values else np.zeros(count, dtype=np.int64)


def _matcher(sub, field: str, btext: bytes, format_, with_info: bool = False):
    """One segment's Whoosh matcher of a term, and its block map (the term's documents,
    each block's offset and first posting: ``SegmentArrays.block_map``) where the
    segment's posting arrays hold it, else None (and, ``with_info``, its term info)."""
    terms = sub._terms  # noqa: SLF001
    info = terms.term_info(field, btext)
    matcher = terms._codec.postings_reader(terms._postfile, info, format_)  # noqa: SLF001
    jump = None
    if not info.is_inlined():
        mapped = SegmentArrays.open(sub.storage(), sub.segment().segment_id())
        if mapped is not None:
            jump = mapped.block_map(info)
    return (matcher, jump, info) if with_info else (matcher, jump)


def _gather_positions(common, local: np.ndarray, rows: np.ndarray) -> tuple:
    """From a common word's position arrays: (row, position) of every position of the word
    in the candidates ``local[rows]`` (int64 arrays, one entry per position)."""
    term_docs, pointers, positions = common
    docs = local[rows]
    at = np.searchsorted(term_docs, docs)
    held = at < len(term_docs)
    held[held] = term_docs[at[held]] == docs[held]
    rows, at = rows[held], at[held]
    starts = pointers[at]
    counts = pointers[at + 1] - starts
    total = int(counts.sum())
    # every index of the ranges starts[k] .. starts[k] + counts[k], in order
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    index = np.arange(total, dtype=np.int64) + shift
    return np.repeat(rows, counts).astype(np.int64), positions[index].astype(np.int64)


def _decoded_positions(found: list, rows: np.ndarray, decode) -> tuple:
    """(row, position) of every position of block values ``found`` (one per row, None
    where the word is absent), decoded one posting at a time."""
    at_rows: list[int] = []
    positions: list[int] = []
    for row, posting in zip(rows.tolist(), found, strict=True):
        if posting is not None:
            here = decode(posting[1])
            at_rows.extend([row] * len(here))
            positions.extend(here)
    return np.asarray(at_rows, dtype=np.int64), np.asarray(positions, dtype=np.int64)


def _block_values(matcher, docs: np.ndarray, jump=None) -> list:
    """``(frequency, stored value)`` (the value: encoded positions) of each of the sorted
    segment documents ``docs`` in one term's postings, None where the term is absent;
    blocks holding none of ``docs`` are skipped without being decoded. With ``jump`` (the
    term's block map) the blocks holding ``docs`` are gone to directly; without it every
    block header before them is read."""
    out: list = [None] * len(docs)
    if not isinstance(matcher, W3LeafMatcher):
        for j, doc in enumerate(docs.tolist()):
            if matcher.is_active():
                matcher.skip_to(doc)
            if matcher.is_active() and matcher.id() == doc:
                out[j] = (matcher.weight(), matcher.value())
        return out
    if jump is not None:
        term_docs, offsets, firsts = jump
        at = np.searchsorted(term_docs, docs)
        held = at < len(term_docs)
        held[held] = term_docs[at[held]] == docs[held]
        rows = np.flatnonzero(held)
        if not len(rows):
            return out
        blocks = np.searchsorted(firsts, at[rows], side="right") - 1
        starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
        ends = np.r_[starts[1:], len(rows)]
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            matcher._goto(int(offsets[blocks[s]]))  # noqa: SLF001
            _fill_block(matcher, docs, rows[s:e], out)
        return out
    j, n = 0, len(docs)
    while j < n:
        while matcher._maxid < docs[j]:  # noqa: SLF001
            if matcher._lastblock:  # noqa: SLF001
                return out
            matcher._goto(matcher._nextoffset)  # noqa: SLF001
        k = int(np.searchsorted(docs, matcher._maxid, side="right"))  # noqa: SLF001
        _fill_block(matcher, docs, np.arange(j, k), out)
        j = k
        if j < n:
            if matcher._lastblock:  # noqa: SLF001
                break
            matcher._goto(matcher._nextoffset)  # noqa: SLF001
    return out


def _fill_block(matcher, docs: np.ndarray, rows: np.ndarray, out: list) -> None:
    """``out[r]`` = ``(frequency, value)`` for each row ``r`` of ``docs`` that the matcher's
    current block holds."""
    if matcher._data is None:  # noqa: SLF001
        matcher._read_data()  # noqa: SLF001
    data = matcher._data  # noqa: SLF001
    ids = np.asarray(data[0], dtype=np.int64)
    if not matcher._byteids:  # noqa: SLF001
        ids = np.cumsum(ids)
    want = docs[rows]
    at = np.minimum(np.searchsorted(ids, want), len(ids) - 1)
    weights, values = data[1], data[2]
    for offset in np.flatnonzero(ids[at] == want).tolist():
        i = int(at[offset])
        if weights is None:
            weight = 1.0
        elif isinstance(weights, float):
            weight = weights
        else:
            weight = float(weights[i])
        out[int(rows[offset])] = (weight, values[i])


# --- evaluation ---------------------------------------------------------------------------


class _Evaluator:
    """Evaluates a Whoosh query tree over arrays, with the searcher's BM25F for words."""

    def __init__(self, searcher, arrays: GenerationArrays, deadline: float):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.arrays = arrays
        self.deadline = deadline
        self.timed_out = False
        weighting = searcher.weighting
        self._k1 = weighting.K1
        self._b = weighting.B
        self._field_b = dict(weighting._field_B)  # noqa: SLF001

    def run(self, q, within: np.ndarray | None = None) -> Matches:
        """The matches of ``q``. ``within`` (sorted document numbers, or None): only these
        documents' matches are wanted (an ``And``'s other parts matched only them), so an
        exact phrase checks positions in these alone; other documents may or may not be
        in the answer."""
        if isinstance(q, CombinedTerm):
            return self._combined(q)
        if isinstance(q, Phrase) and q.slop == 1 and len(q.words) >= 2:
            return self._phrase(q, within)
        if isinstance(q, MinMatchOr):
            return self._minmatch(q)
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if kind is wq.Or:
            return self._compound(q, _union, within)
        if kind is wq.And:
            return self._and(q, within)
        if kind is wq.AndMaybe:
            a = self.run(q.a, within)
            return _and_maybe(a, self.run(q.b, a.ids))
        if kind is wq.AndNot:
            a = self.run(q.a, within)
            b = self.run(q.b, a.ids)
            keep = ~np.isin(a.ids, b.ids, assume_unique=True)
            return Matches(a.ids[keep], a.scores[keep])
        if kind is wq.Every and q.fieldname is None:
            ids = np.flatnonzero(self.arrays.live)
            return Matches(ids, np.full(len(ids), float(q.boost)))
        if kind is wq.DateRange and self._sortable(q.fieldname):
            return self._date_range(q)
        if kind is wq.ConstantScoreQuery:
            child = self.run(q.child, within)
            return Matches(child.ids, np.full(len(child.ids), float(q.score)))
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return Matches.empty()
        return self._whoosh(q)

    # dates

    def _sortable(self, field: str) -> bool:
        return field in self.schema and isinstance(self.schema[field].column_type, NumericColumn)

    def _date_range(self, q: wq.DateRange) -> Matches:
        """The documents whose date is in the range, from the date column (Whoosh expands a
        range into every indexed date term in it: seconds on a large archive)."""
        field = self.schema[q.fieldname]
        values, missing = self.arrays.raw_column(self.reader, q.fieldname)
        keep = ~missing & self.arrays.live
        if q.startdate is not None:
            lo = field.to_column_value(q.startdate)
            keep &= (values > lo) if q.startexcl else (values >= lo)
        if q.enddate is not None:
            hi = field.to_column_value(q.enddate)
            keep &= (values < hi) if q.endexcl else (values <= hi)
        ids = np.flatnonzero(keep)
        return Matches(ids, np.full(len(ids), float(q.boost)))

    # words

    def _bytes(self, field: str, text) -> bytes | None:
        if field not in self.schema:
            return None
        try:
            btext = self.schema[field].to_bytes(text) if isinstance(text, str) else text
        except ValueError:
            return None
        return btext if (field, btext) in self.reader else None

    def _term(self, field: str, text, boost: float = 1.0) -> Matches:
        btext = self._bytes(field, text)
        if btext is None:
            return Matches.empty()
        ids, weights = self.arrays.postings(self.reader, field, btext)
        scores = self._bm25(field, btext, ids, weights.astype(np.float64))
        if boost != 1.0:
            scores = scores * boost
        return Matches(ids, scores)

    def _bm25(self, field: str, btext: bytes, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """The searcher's BM25F score of one word at the documents ``ids`` holding it ``tf``
        times (Whoosh's own formula and statistics)."""
        if not self.schema[field].scorable:
            return tf
        s = self.searcher
        idf = s.idf(field, btext)
        avgfl = s.avg_field_length(field) or 1
        b, k1 = self._field_b.get(field, self._b), self._k1
        fl = self.arrays.lengths(self.reader, field)[ids]
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def _combined(self, q: CombinedTerm) -> Matches:
        parent = self.searcher
        ids_parts, tf_parts = [], []
        for field, weight in zip(q.fields, q.weights, strict=True):
            btext = self._bytes(field, q.text)
            if btext is None:
                continue
            ids, weights = self.arrays.postings(self.reader, field, btext)
            if len(ids):
                ids_parts.append(ids)
                tf_parts.append(weight * weights.astype(np.float64))
        if not ids_parts:
            return Matches.empty()
        if len(ids_parts) == 1:
            ids, tf = ids_parts[0], tf_parts[0]
        else:
            ids, inverse = np.unique(np.concatenate(ids_parts), return_inverse=True)
            tf = np.bincount(inverse, weights=np.concatenate(tf_parts), minlength=len(ids))
        df = max(parent.doc_frequency(f, q.text) for f in q.fields)
        idf = lucene_idf(parent.doc_count_all(), df) * q.boost
        avgdl = sum(
            w * (parent.avg_field_length(f) or 0.0)
            for f, w in zip(q.fields, q.weights, strict=True)
        )
        avgdl = avgdl or 1.0
        dl = np.zeros(len(ids))
        for field, weight in zip(q.fields, q.weights, strict=True):
            if weight and field in self.schema:
                dl += weight * self.arrays.lengths(self.reader, field)[ids]
        k1, b = COMBINED_K1, COMBINED_B
        scores = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
        return Matches(ids, scores)

    def _phrase(self, q: Phrase, within: np.ndarray | None = None) -> Matches:
        field = q.fieldname
        if field not in self.schema:
            return Matches.empty()
        format_ = self.schema[field].format
        if not format_ or not format_.supports("positions"):
            return self._whoosh(q)
        btexts = []
        for word in q.words:
            btext = self._bytes(field, word)
            if btext is None:
                return Matches.empty()
            btexts.append(btext)
        # Candidates from the two rarest words only: the commoner words ("the", "of") are
        # checked in the documents still in the running only.
        rarity = sorted(
            range(len(btexts)), key=lambda i: self.reader.doc_frequency(field, btexts[i])
        )
        lead = [self._term(field, btexts[i]) for i in rarity[:2]]
        candidates = _intersection(lead).ids
        if within is not None:
            # Positions are the cost: read them only where the rest of the query matched.
            candidates = candidates[np.isin(candidates, within, assume_unique=True)]
        if not len(candidates):
            return Matches.empty()
        ids = candidates[self._adjacent(field, btexts, candidates, rarity)]
        scores = np.zeros(len(ids))
        for btext in btexts:
            word_ids, word_tf = self.arrays.postings(self.reader, field, btext)
            tf = word_tf[np.searchsorted(word_ids, ids)].astype(np.float64)
            scores = scores + self._bm25(field, btext, ids, tf)
        if q.boost != 1.0:
            scores = scores * q.boost
        return Matches(ids, scores)

    def _adjacent(
        self, field: str, btexts: list[bytes], candidates: np.ndarray, order: list[int]
    ) -> np.ndarray:
        """Which candidates hold the words right after each other (a boolean mask).

        Word by word in ``order`` (rarest first), each word's positions in the candidates
        still in the running are read: from the segment's position arrays for a common
        word (``indexer.postarrays``: array operations, however many candidates), else
        from the posting blocks holding them (blocks without one are skipped unread). The
        running state is one array of (candidate, phrase start) keys."""
        keep = np.zeros(len(candidates), dtype=bool)
        format_ = self.schema[field].format
        decode = format_.decoder("positions")
        for sub, offset in _leaves(self.reader):
            lo = int(np.searchsorted(candidates, offset))
            hi = int(np.searchsorted(candidates, offset + sub.doc_count_all()))
            if lo == hi:
                continue
            local = candidates[lo:hi] - offset
            rows = np.arange(hi - lo)  # the candidates still in the running (sorted)
            state: np.ndarray | None = None
            for i in order:
                if time.monotonic() > self.deadline:
                    self.timed_out = True
                    return keep
                try:
                    matcher, jump, info = _matcher(sub, field, btexts[i], format_, True)
                except (KeyError, TermNotFound):
                    rows = rows[:0]  # a word this segment never holds: none of its candidates
                    break
                mapped = self.arrays.segment_arrays.get(sub.segment().segment_id())
                common = mapped.positions(info) if mapped is not None else None
                if common is not None:
                    at_rows, positions = _gather_positions(common, local, rows)
                else:
                    at_rows, positions = _decoded_positions(
                        _block_values(matcher, local[rows], jump), rows, decode
                    )
                keys = (at_rows << 32) | (positions - i)
                keys = keys[positions >= i]
                state = keys if state is None else np.intersect1d(state, keys, True)
                rows = np.unique(state >> 32)
                if not len(rows):
                    break
            keep[lo + rows] = True
        return keep

    # operators

    def _compound(self, q, combine, within: np.ndarray | None = None) -> Matches:
        subs = q.subqueries
        if not subs:
            return Matches.empty()
        if len(subs) == 1:
            return self.run(subs[0], within)  # Whoosh ignores a one-child compound's boost
        out = combine([self.run(s, within) for s in subs])
        if q.boost != 1.0:
            out = Matches(out.ids, out.scores * q.boost)
        return out

    def _and(self, q, within: np.ndarray | None = None) -> Matches:
        """Every part must match: the parts without an exact phrase are matched first, and
        the phrases' positions are then checked only in the documents they left (a phrase
        of two common words, "united states", costs what the rarest other word allows).
        The scores are summed in the parts' own order whatever the order of matching."""
        subs = q.subqueries
        if len(subs) < 2 or not any(_has_phrase(s) for s in subs):
            return self._compound(q, _intersection, within)
        order = sorted(range(len(subs)), key=lambda i: _has_phrase(subs[i]))
        parts: dict[int, Matches] = {}
        ids = within
        for i in order:
            parts[i] = self.run(subs[i], ids)
            ids = parts[i].ids if ids is None else np.intersect1d(ids, parts[i].ids, True)
            if not len(ids):
                return Matches.empty()
        scores = np.zeros(len(ids))
        for i in range(len(subs)):
            at = np.searchsorted(parts[i].ids, ids)
            scores = scores + parts[i].scores[at]
        if q.boost != 1.0:
            scores = scores * q.boost
        return Matches(ids, scores)

    def _minmatch(self, q: MinMatchOr) -> Matches:
        subs = q.subqueries
        if not subs:
            return Matches.empty()
        if len(subs) == 1:
            return self.run(subs[0])
        active = [m for s in subs if len((m := self.run(s)).ids)]
        if len(active) < q.minmatch or not active:
            return Matches.empty()
        ids, inverse = np.unique(np.concatenate([m.ids for m in active]), return_inverse=True)
        counts = np.bincount(inverse, minlength=len(ids))
        total = np.bincount(
            inverse, weights=np.concatenate([m.scores for m in active]), minlength=len(ids)
        )
        keep = counts >= max(1, q.minmatch)
        share = counts[keep] / len(active)
        return Matches(ids[keep], total[keep] * share**q.coord)

    def _whoosh(self, q) -> Matches:
        """A node this module does not know: Whoosh matches it, a document at a time."""
        m = q.matcher(self.searcher, self.searcher.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        return Matches(np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64))


def _has_phrase(q) -> bool:
    """Whether an exact phrase (whose positions are read) is anywhere in ``q``."""
    if isinstance(q, Phrase):
        return True
    if isinstance(q, CombinedTerm | MinMatchOr):
        return False
    return any(_has_phrase(child) for child in q.children())


def _union(parts: list[Matches]) -> Matches:
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return Matches.empty()
    if len(parts) == 1:
        return parts[0]
    ids, inverse = np.unique(np.concatenate([p.ids for p in parts]), return_inverse=True)
    scores = np.bincount(
        inverse, weights=np.concatenate([p.scores for p in parts]), minlength=len(ids)
    )
    return Matches(ids, scores)


def _intersection(parts: list[Matches]) -> Matches:
    parts = sorted(parts, key=lambda p: len(p.ids))
    out = parts[0]
    for other in parts[1:]:
        if not len(out.ids):
            break
        ids, mine, theirs = np.intersect1d(
            out.ids, other.ids, assume_unique=True, return_indices=True
        )
        out = Matches(ids, out.scores[mine] + other.scores[theirs])
    return out


def _and_maybe(a: Matches, b: Matches) -> Matches:
    if not len(b.ids) or not len(a.ids):
        return a
    _, mine, theirs = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    scores = a.scores.copy()
    scores[mine] += b.scores[theirs]
    return Matches(a.ids, scores)


# --- collection ---------------------------------------------------------------------------


@dataclass
class Collected:
    """Every match (sorted document numbers), the best ``depth`` (``(docnum, score)``, the
    score None in a date order), and whether the time limit cut matching short."""

    top: list[tuple[int, float | None]]
    docnums: np.ndarray
    timed_out: bool


def collect(
    searcher,
    arrays: GenerationArrays,
    query,
    depth: int,
    order: tuple[tuple[str, bool], ...] | None = None,
    time_limit: float = 3.0,
    weights: np.ndarray | None = None,
) -> Collected:
    """Match ``query``; keep the best ``depth`` by score, or by ``order``: ``(field,
    reverse)`` sort columns, ``("score", False)`` for the score (best first), document
    order breaking ties, as Whoosh's collectors order them. ``weights`` (one per document
    number, e.g. ``search_api.recency``) multiply every match's score before the best are
    picked."""
    evaluator = _Evaluator(searcher, arrays, time.monotonic() + time_limit)
    m = evaluator.run(query)
    ids, scores = m.ids, m.scores
    if weights is not None and len(ids):
        scores = scores * weights[ids]
    if order is None:
        rows = _best(ids, scores, depth)
        top = [(int(ids[i]), float(scores[i])) for i in rows]
    else:
        keys = [ids]
        for field, reverse in reversed(order):
            if field == "score":
                keys.append(-scores)
            else:
                values = arrays.column(evaluator.reader, field)[ids]
                keys.append(-values if reverse else values)
        rows = np.lexsort(keys)[:depth]
        top = [(int(ids[i]), None) for i in rows]
    return Collected(top, ids, evaluator.timed_out)


def _best(ids: np.ndarray, scores: np.ndarray, depth: int) -> np.ndarray:
    """Rows of the ``depth`` best scores, best first, ties in document order."""
    if depth <= 0 or not len(ids):
        return np.zeros(0, dtype=np.int64)
    neg = -scores
    if len(ids) > depth:
        kth = np.partition(neg, depth - 1)[depth - 1]
        rows = np.flatnonzero(neg <= kth)
    else:
        rows = np.arange(len(ids))
    ordered = rows[np.lexsort((ids[rows], neg[rows]))]
    return ordered[:depth]
