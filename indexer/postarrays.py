"""Each segment's posting lists as plain arrays on disk, beside Whoosh's own files.

Whoosh keeps a posting list as blocks of 128 postings, each block one zlib-compressed
pickle of (document numbers, frequencies, positions and characters): to know which
documents hold a word, every block must be decompressed and unpickled, positions included.
At 16x Reuters (305k stories) that decoding was most of a keyword search (bench/RESULTS.md,
"Postings arrays on disk"). So a build writes, for every finished segment, the document
numbers and frequencies of each of its posting lists as four ``.npy`` files that a search
reads by the slice (one ``pread``, no decoding): reading a word's postings is a slice.
Positions stay in Whoosh's blocks (only exact phrases and snippets read them).

Files of segment ``MAIN_<id>`` (named so that Whoosh's own clean-up deletes them with the
segment when a merge retires it):

    ``MAIN_<id>.pa_keys.npy``   int64, sorted: the posting list's offset in ``.pst``
                                (Whoosh's term info gives it: the key of a term);
    ``MAIN_<id>.pa_starts.npy`` int64, one more than the keys: where each list starts;
    ``MAIN_<id>.pa_docs.npy``   int32: segment document numbers, list after list;
    ``MAIN_<id>.pa_freqs.npy``  uint16 where every frequency is a small whole number
                                (positions formats), else float32;
    ``MAIN_<id>.pa_bstarts.npy`` int64, one more than the keys: where each list's blocks
                                start in the next two;
    ``MAIN_<id>.pa_blocks.npy`` int64: each Whoosh block's offset in ``.pst``;
    ``MAIN_<id>.pa_bfirst.npy`` int64: the index in its list of each block's first posting.

    ``MAIN_<id>.pa_hot.npy``    int64 per list: where its position pointers start in the
                                next file, or -1 (a list of fewer than ``HOT_SHARE`` of the
                                segment's documents);
    ``MAIN_<id>.pa_pptr.npy``   int64: for each common word's list, where each posting's
                                positions start in the next file (and where the last ends);
    ``MAIN_<id>.pa_pos.npy``    uint16 (uint32 where an article is longer): those
                                positions, posting after posting.

The block offsets let a reader of positions (a snippet, a phrase check of a rare word) go
straight to the block holding a document, where Whoosh walks every block header before it.
The positions of common words ("the", "said", "in") let an exact phrase be checked over
thousands of candidates as array operations: reading them from Whoosh's blocks was most of
the cost of a phrase of common words on a large archive.

A list Whoosh inlines in its term info (a word in one document) has no arrays: it is read
from the term info, as cheap as it gets. A segment without the files (an index built before
them) is read block by block, as before.

Parts:
    ``SegmentRecorder``: keeps the posting lists a segment writer writes (the writer
    processes of a build attach one), so their files are written without reading the
    segment back;
    ``write_segment_arrays(storage, schema, segment)``: the files of one finished segment,
    read back from its Whoosh files;
    ``write_missing(ix)``: the files of every segment of ``ix`` that lacks them;
    ``SegmentArrays.open(storage, segment_id)``: one segment's arrays (read by the slice), or None;
    ``read_blocks(matcher)``: one Whoosh posting list's documents and frequencies, block
    by block (what the files hold, and the reader for segments without them).
"""

from __future__ import annotations

import os
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PostingsWriter
from whoosh.reading import SegmentReader

PARTS = ("keys", "starts", "docs", "freqs", "bstarts", "blocks", "bfirst", "hot", "pptr", "pos")
# A list holding at least this share of a segment's documents (and HOT_MIN_DOCS) has its
# positions in the arrays too: about a hundred words of a news archive, most of its postings.
HOT_SHARE = 0.01
HOT_MIN_DOCS = 256


def _path(folder: str, segment_id: str, part: str) -> Path:
    return Path(folder) / f"{segment_id}.pa_{part}.npy"


def read_blocks(
    matcher, blocks: list | None = None, values: list | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every posting of one segment's term: document numbers (int64) and frequencies
    (float32), read a block at a time (Whoosh's own reader decodes a posting at a time).

    ``blocks``: a list to which each block's ``(offset in .pst, index of its first posting)``
    is appended; ``values``: a list extended with every posting's encoded value."""
    if not isinstance(matcher, W3LeafMatcher):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)
    ids_parts, weight_parts = [], []
    position, first = matcher._baseoffset, 0  # noqa: SLF001
    while True:
        if blocks is not None:
            blocks.append((position, first))
        if matcher._data is None:  # noqa: SLF001
            matcher._read_data()  # noqa: SLF001
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]  # noqa: SLF001
        count = matcher._blocklength  # noqa: SLF001
        if values is not None:
            values.extend(matcher._data[2])  # noqa: SLF001
        block = np.asarray(raw_ids, dtype=np.int64)
        if not matcher._byteids:  # noqa: SLF001
            block = np.cumsum(block)
        ids_parts.append(block)
        if raw_weights is None:
            weight_parts.append(np.ones(count, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weight_parts.append(np.full(count, raw_weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(raw_weights, dtype=np.float32))
        first += count
        if matcher._lastblock:  # noqa: SLF001
            break
        position = matcher._nextoffset  # noqa: SLF001
        matcher._goto(position)  # noqa: SLF001
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


class _Lists:
    """The posting lists of one segment as they are gathered, in ``.pst`` order: what the
    array files are made from."""

    def __init__(self, doc_count: int) -> None:
        self.hot_docs = max(HOT_MIN_DOCS, int(HOT_SHARE * doc_count))
        self.keys: list[int] = []
        self.docs: list[np.ndarray] = []
        self.freqs: list[np.ndarray] = []
        self.blocks: list[list] = []
        self.hot: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # list -> (counts, positions)

    def add(self, key: int, ids, weights, blocks: list, format_, values: list | None) -> None:
        """One list: its key, documents, frequencies, blocks, and (a common word's, with a
        positions format) its encoded values."""
        if values is not None:
            self.hot[len(self.keys)] = _positions(format_.decoder("positions"), values)
        self.keys.append(key)
        self.docs.append(np.asarray(ids, dtype=np.int32))
        self.freqs.append(np.asarray(weights, dtype=np.float32))
        self.blocks.append(blocks)

    def wants_positions(self, doc_frequency: int, format_) -> bool:
        return doc_frequency >= self.hot_docs and format_.supports("positions")


def write_segment_arrays(storage, schema, segment) -> int:
    """Write the array files of a finished ``segment`` into ``storage``'s folder, read back
    from its Whoosh files; the number of posting lists they hold."""
    lists = _Lists(segment.doc_count_all())
    reader = SegmentReader(storage, schema, segment)
    try:
        terms = reader._terms  # noqa: SLF001
        codec = terms._codec  # noqa: SLF001
        postfile = terms._postfile  # noqa: SLF001
        for (fieldname, _text), info in terms.items():
            if info.is_inlined() or fieldname not in schema:
                continue
            format_ = schema[fieldname].format
            if format_ is None:
                continue
            matcher = codec.postings_reader(postfile, info, format_)
            blocks: list = []
            raw: list | None = [] if lists.wants_positions(info.doc_frequency(), format_) else None
            ids, weights = read_blocks(matcher, blocks, raw)
            lists.add(info.extent()[0], ids, weights, blocks, format_, raw)
    finally:
        reader.close()
    return _save(storage.folder, segment.segment_id(), lists)


class RecordingPostingsWriter(W3PostingsWriter):
    """Whoosh's posting list writer that also keeps what it writes, for the array files:
    a segment's arrays then cost no second reading of its postings (``SegmentRecorder``)."""

    def record_into(self, lists: _Lists, fieldobj) -> None:
        self._lists = lists
        self._format_ok = fieldobj.format is not None
        self._rec_positions = self._format_ok and fieldobj.format.supports("positions")

    def start_postings(self, format_, terminfo):
        super().start_postings(format_, terminfo)
        self._rec_blocks: list = []
        self._rec_ids: list = []
        self._rec_weights: list = []
        self._rec_values: list | None = [] if self._rec_positions else None
        self._rec_count = 0

    def _write_block(self, last=False):
        position = self._postfile.tell()
        if not self._blockcount:  # the header Whoosh writes before a list's first block
            position += len(WHOOSH3_HEADER_MAGIC)
        self._rec_blocks.append((position, self._rec_count))
        self._rec_ids.append(self._ids)
        self._rec_weights.append(self._weights)
        if self._rec_values is not None:
            self._rec_values.extend(self._values)
        self._rec_count += len(self._ids)
        super()._write_block(last)

    def finish_postings(self):
        start = self._startoffset
        terminfo = super().finish_postings()
        if self._format_ok and self._rec_blocks:  # an inlined list wrote no block
            count = self._rec_count
            values = self._rec_values
            if not self._lists.wants_positions(count, self._format):
                values = None
            ids = np.concatenate([np.frombuffer(a, dtype=np.uint32) for a in self._rec_ids])
            weights = np.concatenate(
                [np.frombuffer(a, dtype=np.float32) for a in self._rec_weights]
            )
            self._lists.add(start, ids, weights, self._rec_blocks, self._format, values)
        self._rec_blocks = self._rec_ids = self._rec_weights = self._rec_values = None
        return terminfo


class SegmentRecorder:
    """Records the posting lists a Whoosh field writer writes, then writes their arrays.

    ``attach(fieldwriter, doc_count)`` before the segment's postings are written;
    ``save(storage, segment)`` once the segment is finished."""

    def __init__(self) -> None:
        self._lists: _Lists | None = None

    def attach(self, fieldwriter, doc_count: int) -> None:
        lists = self._lists = _Lists(doc_count)
        start_field = fieldwriter.start_field

        def recording_start_field(fieldname, fieldobj):
            start_field(fieldname, fieldobj)
            writer = fieldwriter._postwriter  # noqa: SLF001
            if type(writer) is W3PostingsWriter:
                writer.__class__ = RecordingPostingsWriter
                writer.record_into(lists, fieldobj)

        fieldwriter.start_field = recording_start_field

    def save(self, storage, schema, segment) -> int:
        """Write the arrays of ``segment`` (read back from its files if nothing was
        recorded); how many lists they hold."""
        lists, self._lists = self._lists, None
        if lists is None:
            return write_segment_arrays(storage, schema, segment)
        return _save(storage.folder, segment.segment_id(), lists)


def _save(folder: str, segment_id: str, lists: _Lists) -> int:
    """Write the array files of one segment's gathered lists; how many lists they hold."""
    keys, docs_parts, freq_parts, block_parts = lists.keys, lists.docs, lists.freqs, lists.blocks
    hot_parts = lists.hot
    order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
    counts = np.array([len(docs_parts[i]) for i in order], dtype=np.int64)
    starts = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    docs = np.concatenate([docs_parts[i] for i in order]) if keys else np.zeros(0, np.int32)
    freqs = np.concatenate([freq_parts[i] for i in order]) if keys else np.zeros(0, np.float32)
    if len(freqs) and freqs.max() < 2**16 and np.all(freqs == np.round(freqs)) and freqs.min() >= 0:
        freqs = freqs.astype(np.uint16)
    block_counts = np.array([len(block_parts[i]) for i in order], dtype=np.int64)
    bstarts = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(block_counts, out=bstarts[1:])
    flat = [b for i in order for b in block_parts[i]]
    table = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
    hot = np.full(len(order), -1, dtype=np.int64)
    pptr_parts, pos_parts, used, stored = [], [], 0, 0
    for rank, i in enumerate(order.tolist()):
        if i in hot_parts:
            counts, positions = hot_parts[i]
            hot[rank] = used
            pointers = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=pointers[1:])
            pptr_parts.append(pointers + stored)
            pos_parts.append(positions)
            used += len(pointers)
            stored += len(positions)
    arrays = {
        "hot": hot,
        "pptr": np.concatenate(pptr_parts) if pptr_parts else np.zeros(0, np.int64),
        "pos": _narrow(np.concatenate(pos_parts) if pos_parts else np.zeros(0, np.uint32)),
        "keys": np.asarray(keys, dtype=np.int64)[order],
        "starts": starts,
        "docs": docs,
        "freqs": freqs,
        "bstarts": bstarts,
        "blocks": np.ascontiguousarray(table[:, 0]),
        "bfirst": np.ascontiguousarray(table[:, 1]),
    }
    # keys last: a segment whose keys file exists has all the others
    for part in (*PARTS[1:], "keys"):
        final = _path(folder, segment_id, part)
        tmp = final.with_name(final.name + ".tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, arrays[part])
        os.replace(tmp, final)
    return len(keys)


def _narrow(positions: np.ndarray) -> np.ndarray:
    """uint16 positions where every one fits (articles of fewer than 65,536 words)."""
    if not len(positions) or int(positions.max()) < 2**16:
        return positions.astype(np.uint16)
    return positions


def _positions(decode, raw: list) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's number of positions, and all positions (uint32), of encoded values."""
    lists = [decode(value) for value in raw]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.uint32, count=int(counts.sum()))
    return counts, flat


def write_missing(ix) -> int:
    """Write the arrays of every segment of the Whoosh index ``ix`` that has none (segments
    a merge or the main writer made); how many segments were written."""
    written = 0
    for segment in ix._segments():  # noqa: SLF001
        if (
            segment.doc_count_all()
            and not _path(ix.storage.folder, segment.segment_id(), "keys").exists()
        ):
            write_segment_arrays(ix.storage, ix.schema, segment)
            written += 1
    return written


class SegmentArrays:
    """One segment's posting arrays: the small ones in memory, the large ones read by the
    slice from disk when used (``_Part``)."""

    def __init__(self, keys, starts, docs, freqs, bstarts, blocks, bfirst, hot, pptr, pos):
        self.keys, self.starts, self.docs, self.freqs = keys, starts, docs, freqs
        self.bstarts, self.blocks, self.bfirst = bstarts, blocks, bfirst
        self.hot, self.pptr, self.pos = hot, pptr, pos

    @classmethod
    def open(cls, storage, segment_id: str) -> SegmentArrays | None:
        """The segment's arrays, or None when it has none (or they cannot be read).
        Files are write-once, so an opened segment is kept (``_open``)."""
        folder = getattr(storage, "folder", None)
        if folder is None:
            return None
        keys = _path(folder, segment_id, "keys")
        try:
            stamp = keys.stat().st_mtime_ns
        except OSError:
            return None
        return _open(str(folder), segment_id, stamp)

    def _index(self, info) -> int | None:
        offset = info.extent()[0]
        i = int(np.searchsorted(self.keys, offset))
        if i >= len(self.keys) or int(self.keys[i]) != offset:
            return None
        return i

    def lookup(self, info) -> tuple[np.ndarray, np.ndarray] | None:
        """The documents (int64) and frequencies (float32) of the posting list whose term
        info is ``info``, or None when the arrays do not hold it."""
        i = self._index(info)
        if i is None:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        return (
            self.docs[start:end].astype(np.int64),
            self.freqs[start:end].astype(np.float32),
        )

    def block_map(self, info) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """For the posting list of ``info``: its documents, and the offset and
        first posting of each of its blocks; None when the arrays do not hold it."""
        i = self._index(info)
        if i is None:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        b0, b1 = int(self.bstarts[i]), int(self.bstarts[i + 1])
        return self.docs[start:end], self.blocks[b0:b1], self.bfirst[b0:b1]

    def positions(self, info) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """For a common word's posting list: its documents, where each posting's positions
        start (and the last ends) in the third, and the positions file (read by the slice); None for
        a list without positions here."""
        i = self._index(info)
        if i is None or int(self.hot[i]) < 0:
            return None
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        base = int(self.hot[i])
        return self.docs[start:end], self.pptr[base : base + end - start + 1], self.pos


# The small files (one value a posting list) are read whole; the others by the slice.
SMALL_PARTS = ("keys", "starts", "bstarts", "hot")


class _Part:
    """One large ``.npy`` file, read by the slice (``os.pread``) when indexed, never mapped:
    a serving worker holds only what its queries read (mapped pages of files count in each
    worker's resident memory; bench/RESULTS.md, "Posting arrays on disk")."""

    def __init__(self, path: Path):
        with open(path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _fortran, dtype = read_header(fh)
            self._offset = fh.tell()
        self.path, self.dtype, self._size = path, dtype, int(shape[0]) if shape else 0

    def __len__(self) -> int:
        return self._size

    def _read(self, start: int, end: int) -> np.ndarray:
        start, end = max(0, start), min(self._size, end)
        if end <= start:
            return np.zeros(0, dtype=self.dtype)
        size = self.dtype.itemsize
        fd = os.open(self.path, os.O_RDONLY)
        try:
            raw = os.pread(fd, (end - start) * size, self._offset + start * size)
        finally:
            os.close(fd)
        return np.frombuffer(raw, dtype=self.dtype)

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, _ = key.indices(self._size)
            return self._read(start, stop)
        index = np.asarray(key, dtype=np.int64)
        if not index.size:
            return np.zeros(index.shape, dtype=self.dtype)
        lo = int(index.min())
        return self._read(lo, int(index.max()) + 1)[index - lo]


@lru_cache(maxsize=256)
def _open(folder: str, segment_id: str, stamp: int) -> SegmentArrays | None:
    try:
        parts = [
            np.load(_path(folder, segment_id, p))
            if p in SMALL_PARTS
            else _Part(_path(folder, segment_id, p))
            for p in PARTS
        ]
    except (OSError, ValueError):
        return None
    return SegmentArrays(*parts)
