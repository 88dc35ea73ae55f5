"""Whoosh segment writing for builds: a faster segment writer and writer processes.

Parts:
    ``SegmentBuilder``: Whoosh's ``SegmentWriter`` with its postings gathered per term
    (``indexer.postingpool.TermPool``) instead of one tuple each in Whoosh's pool, and
    written term by term with each field's lengths read once (Whoosh asks for every
    posting's field length, and for a field without lengths checks on disk, a ``stat``
    per posting, whether the lengths file exists); ``open_writer(ix)`` opens one;
    ``ParallelWriter``: analysis and segment writing in worker processes (forked), one
    segment per process for the articles and one for their quotations, fed batches of
    records from the main process; ``finish()`` returns the finished segments;
    The article segment of each writer process gets its posting arrays
    (``indexer.postarrays``) in that process, beside the segment, from the lists recorded
    as the segment was written;
    ``commit_with_segments(writer, segments)``: the main writer's commit (its deletions and
    Whoosh's merge of small older segments) with those segments added to the index as they
    are: no merge pass over the new documents.

Whoosh 2.7 is no longer developed, so the private writer methods used here
(``_merge_segments``, ``_finalize_segment``, ``_close_segment``, ``_commit_toc``,
``_finish``) are the ones its own ``MpWriter(multisegment=True)`` uses, and will not move.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Sequence

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer import postarrays
from indexer.postingpool import TermPool, write_terms

# Records sent to a writer process at a time.
BATCH_DOCS = 256
# Whoosh's in-memory posting pool of each writer, in MB (spilled to sorted runs beyond).
ARTICLE_LIMIT_MB = 512
QUOTE_LIMIT_MB = 32


class SegmentBuilder(SegmentWriter):
    """``SegmentWriter`` that gathers its postings per term (``indexer.postingpool``)
    instead of in Whoosh's pool, and writes them term by term.

    ``recorder``: a ``postarrays.SegmentRecorder`` that keeps the posting lists as the
    segment is written (for its array files), or None."""

    recorder: postarrays.SegmentRecorder | None = None

    def __init__(self, ix, *, limitmb: int, **kwargs) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        if self.recorder is not None:
            self.recorder.attach(self.fieldwriter, self.docnum)
        lengths = self.per_document_reader() if self.codec.length_stats else None
        write_terms(self.fieldwriter, self.schema, lengths, self.pool.terms())
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def open_writer(
    ix, limitmb: int, *, lock: bool = True, record_arrays: bool = False
) -> SegmentBuilder:
    """A ``SegmentBuilder`` on ``ix`` (separate files per segment: see ``indexer.build``);
    ``record_arrays``: with a recorder for the segment's posting arrays."""
    writer = SegmentBuilder(ix, limitmb=limitmb, compound=False, _lk=lock)
    if record_arrays:
        writer.recorder = postarrays.SegmentRecorder()
    return writer


def commit_with_segments(writer: SegmentWriter, segments: Sequence) -> None:
    """Commit ``writer`` with finished ``segments`` (of writer processes) added to the TOC.

    The writer's own work comes first, as in ``commit()``: its deletions, and Whoosh's
    default merge of small older segments (``MERGE_SMALL``), so an index built up by many
    small incremental builds keeps few segments.
    """
    final = list(writer._merge_segments(None, False, True))
    final += [s for s in segments if s is not None]
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


def detach_from_parent(close_fds: Sequence[int] = ()) -> None:
    """In a forked helper process: let go of the parent's lock, die when the parent dies.

    A helper keeps copies of the parent's file descriptors, the build lock's among them:
    were the parent killed (``kill -9``), the orphaned helpers would hold the lock and
    block every later build. So the helper closes those copies, and a watcher thread ends
    it once its parent is gone.
    """
    for fd in close_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _writer_main(article_dir: str, quote_dir: str, jobs, results, close_fds) -> None:
    """A writer process: add every batch it takes to its two segments, then return them."""
    detach_from_parent(close_fds)
    try:
        ix = whoosh_index.open_dir(article_dir)
        qx = whoosh_index.open_dir(quote_dir)
        writers = (
            open_writer(ix, ARTICLE_LIMIT_MB, lock=False, record_arrays=True),
            open_writer(qx, QUOTE_LIMIT_MB, lock=False),
        )
        while (job := jobs.get()) is not None:
            for writer, docs in zip(writers, job, strict=True):
                for doc in docs:
                    writer.add_document(**doc)
        segments = []
        for writer in writers:
            if writer.docnum:
                segments.append(writer._finalize_segment())
                if writer.recorder is not None:  # the articles' segment: its posting arrays
                    writer.recorder.save(ix.storage, ix.schema, segments[-1])
            else:
                writer._close_segment()
                segments.append(None)
            # No writer._finish(): the temporary folder is shared with the main writer,
            # whose commit removes it.
        results.put(("ok", segments))
    except BaseException:
        results.put(("error", traceback.format_exc()))


class ParallelWriter:
    """Writer processes that analyse and write the new records, one segment pair each.

    Args:
        article_dir, quote_dir: the two Whoosh index folders of the generation being built
            (the main process holds their locks and commits them).
        procs: how many writer processes.
        close_fds: the parent's descriptors a writer process must not keep (the build lock).
    """

    def __init__(self, article_dir, quote_dir, procs: int, close_fds: Sequence[int] = ()) -> None:
        ctx = multiprocessing.get_context("fork")
        self._jobs = ctx.Queue(procs * 4)  # bounded: the main process waits for writers
        self._results = ctx.Queue()
        self._procs = [
            ctx.Process(
                target=_writer_main,
                args=(str(article_dir), str(quote_dir), self._jobs, self._results, close_fds),
                daemon=True,
            )
            for _ in range(procs)
        ]
        for proc in self._procs:
            proc.start()
        self._articles: list[dict] = []
        self._quotes: list[dict] = []

    def add(self, article: dict, quotes: Sequence[dict]) -> None:
        """Queue one article record and its quotation records."""
        self._articles.append(article)
        self._quotes.extend(quotes)
        if len(self._articles) >= BATCH_DOCS:
            self._flush()

    def _put(self, item) -> None:
        while True:
            try:
                self._jobs.put(item, timeout=5)
                return
            except queue.Full:
                if not all(p.is_alive() for p in self._procs):
                    raise RuntimeError(self._failure("a writer process died")) from None

    def _flush(self) -> None:
        if self._articles or self._quotes:
            self._put((self._articles, self._quotes))
            self._articles, self._quotes = [], []

    def _failure(self, default: str) -> str:
        try:
            status, detail = self._results.get_nowait()
            if status == "error":
                return f"a writer process failed:\n{detail}"
        except queue.Empty:
            pass
        return default

    def finish(self) -> tuple[list, list]:
        """Send what is left, stop the processes; their (article, quote) segments."""
        self._flush()
        for _ in self._procs:
            self._put(None)
        article_segments, quote_segments = [], []
        for _ in self._procs:
            status, detail = self._next_result()
            if status == "error":
                raise RuntimeError(f"a writer process failed:\n{detail}")
            article_segments.append(detail[0])
            quote_segments.append(detail[1])
        for proc in self._procs:
            proc.join()
        return article_segments, quote_segments

    def _next_result(self) -> tuple[str, object]:
        while True:
            try:
                return self._results.get(timeout=5)
            except queue.Empty:
                # A process that died without a word (killed, out of memory) sends nothing.
                if sum(p.is_alive() for p in self._procs) == 0 and self._results.empty():
                    raise RuntimeError("a writer process died before finishing") from None

    def cancel(self) -> None:
        """Stop the processes without finishing (their files die with the generation)."""
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join()
