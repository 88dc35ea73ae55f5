"""Write or update the index: incremental, atomic, both cores, with a closing report.

Parts:
    ``build_index(archive_dir, index_dir, ...)``: the whole build; returns a ``BuildReport``;
    ``BuildReport``: what happened to every file (indexed, updated, unchanged, deleted,
    rejected with its reason) and the line-level problems, with ``format()`` for the CLI;
    ``_clean_file`` / ``_extract_batch``: the work a worker process does (reading and cleaning
    a file; NER for a batch of articles). Only the main process writes the index.

How a build goes: walk the archive and hash every file; compare with the manifest of the
current generation; if nothing changed, stop there. Otherwise start a new generation from
hard links of the current one (or empty for a full build), delete the articles of changed
and removed files, add the new ones, commit, and switch ``current`` (``indexer.store``).
Each new article gets its near-duplicate group as it is written (``indexer.duplicates``:
its store is committed just before the switch).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index

from indexer import postarrays, store
from indexer.archive import ArchiveFile, Rejected, read_archive_file, walk_archive
from indexer.cache import BuildCache, code_fingerprint, extractor_key, record_key
from indexer.documents import Article, RawArticle
from indexer.duplicates import THRESHOLD, GroupStore
from indexer.prepare import add_entities, add_quotes, clean_article
from indexer.records import article_document, quote_documents
from indexer.schema import SCHEMA_VERSION, build_quote_schema, build_schema
from indexer.writing import (
    ARTICLE_LIMIT_MB,
    QUOTE_LIMIT_MB,
    ParallelWriter,
    commit_with_segments,
    detach_from_parent,
    open_writer,
)

# Articles per task sent to a worker: big enough for nlp.pipe, small enough to balance.
PREPARE_BATCH = 64
# Records looked up in the cache at a time.
CACHE_LOOKUP = 256


@dataclass
class BuildReport:
    """What a build did, file by file."""

    indexed: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    articles_written: int = 0
    grouped: int = 0  # new articles that joined an existing near-duplicate group
    reused: int = 0
    documents: int = 0
    quotes: int = 0
    elapsed_s: float = 0.0
    full_rebuild: bool = False
    generation: str | None = None

    def format(self) -> str:
        """The closing report printed by ``python -m indexer build``."""
        kind = "full build" if self.full_rebuild else "incremental build"
        per_file = Counter(path for path, _ in self.problems)

        def count(label: str, paths: list[str]) -> str:
            line = f"  {label:<10} {len(paths):>7} files"
            problems = sum(per_file[p] for p in paths)
            if problems:
                line += f" ({problems} problem{'' if problems == 1 else 's'})"
            return line

        lines = [
            f"Build finished in {self.elapsed_s:.1f} s ({kind}): "
            f"{self.documents} articles in the index, {self.articles_written} written; "
            f"{self.quotes} quotations.",
            count("indexed", self.indexed),
            count("updated", self.updated),
            count("unchanged", self.unchanged),
            count("deleted", self.deleted),
            count("rejected", [r.path for r in self.rejected]),
        ]
        if self.grouped:
            lines.append(
                f"  grouped    {self.grouped:>7} articles (near-duplicates of an article indexed)"
            )
        if self.reused:
            lines.append(
                f"  reused     {self.reused:>7} articles (cleaned and tagged by an earlier build)"
            )
        if self.rejected:
            lines.append("Rejected files:")
            lines += [f"  {r.path}: {r.reason}" for r in self.rejected]
        if self.problems:
            lines.append("Problems (the rest of each file was indexed):")
            lines += [f"  {path}: {msg}" for path, msg in self.problems]
        return "\n".join(lines)


# --- worker side -------------------------------------------------------------------------

_worker_rules = None
_worker_extractor = None


def _init_worker(rules, extractor, close_fds: Sequence[int] | None = None) -> None:
    global _worker_rules, _worker_extractor
    if close_fds is not None:  # a forked worker process
        detach_from_parent(close_fds)
    _worker_rules = rules
    _worker_extractor = extractor  # None: the real NER, loaded on first need


def _extractor():
    global _worker_extractor
    if _worker_extractor is None:
        from indexer.entities import EntityExtractor

        _worker_extractor = EntityExtractor()
    return _worker_extractor


def _prepare(raws: Sequence[RawArticle]) -> list[tuple[str, object]]:
    """Clean, tag and find the quotations of raw articles (a worker's task).

    Returns, per article: ``("ok", (article or None, notes))``, or ``("error", message)``
    when cleaning raised (one odd record never stops the build).
    """
    out: list[tuple[str, object]] = []
    pairs = []
    for raw in raws:
        try:
            article, notes = clean_article(raw, _worker_rules)
        except Exception as exc:
            out.append(("error", f"{type(exc).__name__}: {exc}"))
            continue
        out.append(("ok", [article, notes]))
        if article is not None:
            pairs.append((raw, article, len(out) - 1))
    needs_ner = any(raw.people is None or raw.places is None for raw, _, _ in pairs)
    extractor = _extractor() if needs_ner else None
    done = add_quotes(add_entities([(raw, art) for raw, art, _ in pairs], extractor))
    for (_, _, slot), article in zip(pairs, done, strict=True):
        out[slot][1][0] = article
    return [(status, tuple(value) if status == "ok" else value) for status, value in out]


# --- main side ---------------------------------------------------------------------------


def build_index(
    archive_dir: Path,
    index_dir: Path,
    *,
    extractor=None,
    rules=None,
    workers: int = 1,
    progress: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_article: Callable[[str], None] | None = None,
    duplicate_threshold: float | None = THRESHOLD,
) -> BuildReport:
    """Build or update the index of ``archive_dir`` in ``index_dir``.

    Args:
        extractor: an ``EntityExtractor`` (or a stand-in with ``extract_many``) to use
            instead of the real NER, which is loaded lazily where an article needs it.
        rules: per-site cleaning rules (``indexer.clean.siterules.SiteRules``) or None.
        workers: processes for cleaning and NER, and as many for Whoosh writing; 1 runs
            everything in this process.
        progress: show a progress bar (only on a terminal).
        clock: source of "now" for the generation name and ``built_at``.
        on_article: called with each article id once it is handed to the index writer
            (tests use it to kill a build midway).
        duplicate_threshold: the similarity from which articles are one story
            (``indexer.duplicates``); None writes no groups (every article its own story;
            for measuring what grouping costs).

    Raises:
        store.BuildLocked: another build is running.
        FileNotFoundError: the archive folder does not exist.
    """
    started = time.monotonic()
    archive_dir, index_dir = Path(archive_dir), Path(index_dir)
    if not archive_dir.is_dir():
        raise FileNotFoundError(f"archive folder {archive_dir} does not exist")
    report = BuildReport()
    with store.BuildLock(index_dir) as lock:
        current = store.current_generation(index_dir)
        manifest: dict[str, dict] | None = None
        if current is not None:
            try:
                if store.read_meta(current).schema_version == SCHEMA_VERSION:
                    manifest = store.read_manifest(current)
            except store.IndexUnavailable:
                manifest = None
        if manifest is not None and not GroupStore.matches(index_dir, duplicate_threshold):
            manifest = None  # grouped with other parameters (or none): every article again
        report.full_rebuild = manifest is None
        old = manifest or {}

        found: dict[str, ArchiveFile] = {}
        for item in walk_archive(archive_dir):
            if isinstance(item, Rejected):
                report.rejected.append(item)
            else:
                found[item.path] = item
        todo = []
        for path, file in found.items():
            if path not in old:
                todo.append(file)
            elif old[path]["hash"] != file.content_hash:
                todo.append(file)
            else:
                report.unchanged.append(path)
                # Reported again on every build until the file changes.
                report.problems += [(path, p) for p in store.manifest_problems(old[path])]
        report.deleted = sorted(p for p in old if p not in found)

        if not todo and not report.deleted and current is not None and manifest is not None:
            return _unchanged(report, current, started)

        tmp = store.new_generation_dir(index_dir, clock())
        quotes_dir = tmp / store.QUOTES_DIR
        if manifest is not None:
            store.copy_generation(current, tmp)
            ix = whoosh_index.open_dir(str(tmp))
            qx = whoosh_index.open_dir(str(quotes_dir))
        else:
            ix = whoosh_index.create_in(str(tmp), build_schema())
            quotes_dir.mkdir()
            qx = whoosh_index.create_in(str(quotes_dir), build_quote_schema())
        new_manifest = {p: old[p] for p in report.unchanged}
        taken = {aid: p for p in report.unchanged for aid in old[p]["ids"]}

        # compound=False (in open_writer): Whoosh 2.7 copies each file of a compound segment
        # into memory (BytesIO over the mmap) for every searcher; with one searcher per
        # server thread that cost ~80 MB per thread on Reuters. Separate files are read in
        # place.
        writer = open_writer(ix, ARTICLE_LIMIT_MB)
        quote_writer = open_writer(qx, QUOTE_LIMIT_MB)
        parallel = pool = cache = groups = None
        try:
            for path in report.deleted:
                writer.delete_by_term("source", path)
                quote_writer.delete_by_term("source", path)
            for file in todo:
                if file.path in old:
                    writer.delete_by_term("source", file.path)
                    quote_writer.delete_by_term("source", file.path)
            if todo and workers > 1:
                # Forked before the cache is opened: no process shares its connection.
                helper_fds = [lock.fd]
                parallel = ParallelWriter(tmp, quotes_dir, workers, helper_fds)
                pool = multiprocessing.get_context("fork").Pool(
                    workers, initializer=_init_worker, initargs=(rules, extractor, helper_fds)
                )
            else:
                _init_worker(rules, extractor)
            sink = parallel or _DirectSink(writer, quote_writer)
            cache = BuildCache(index_dir, time.time_ns())
            groups = GroupStore(index_dir, threshold=duplicate_threshold)
            # The store keeps the articles of unchanged files only: changed and deleted
            # files leave no signature behind (nor does a killed build's leftover).
            groups.begin(report.unchanged if manifest is not None else None)
            ner_key = extractor_key(extractor) if extractor is not None else _real_ner_key()
            fingerprint = code_fingerprint(ner_key, rules)
            for state, article in _process(
                archive_dir, todo, cache, fingerprint, pool, workers, progress
            ):
                path = state.file.path
                if article is not None:
                    # Written as they come: a file of a million records is never all in
                    # memory. Duplicates are judged in archive order, as always.
                    if article.id in taken:
                        state.duplicates.append(
                            f"duplicate id {article.id!r} (already in {taken[article.id]})"
                        )
                        continue
                    taken[article.id] = path
                    group = groups.assign(article.id, path, article.title, article.body)
                    sink.add(
                        article_document(article, state.file.content_hash, group),
                        list(quote_documents(article, group)),
                    )
                    state.ids.append(article.id)
                    if on_article is not None:
                        on_article(article.id)
                    continue
                done = state.done()
                report.reused += done.reused
                if done.rejected:
                    report.problems += [(path, p) for p in done.problems]
                    report.rejected.append(Rejected(path, done.rejected))
                    continue
                problems = done.problems + state.duplicates
                report.articles_written += len(state.ids)
                report.problems += [(path, p) for p in problems]
                # The file's problems stay with its entry, for the builds that skip it.
                new_manifest[path] = store.manifest_entry(
                    state.file.content_hash, state.ids, problems
                )
                (report.updated if path in old else report.indexed).append(path)
            if pool is not None:
                pool.close()
                pool.join()
                pool = None
            segments, quote_segments = parallel.finish() if parallel else ([], [])
        except BaseException:
            if pool is not None:
                pool.terminate()
                pool.join()
            if parallel is not None:
                parallel.cancel()
            if cache is not None:
                cache.close()
            if groups is not None:
                groups.close()
            writer.cancel()
            quote_writer.cancel()
            raise
        if manifest is not None and not (report.indexed or report.updated or report.deleted):
            # Only files that were rejected again: the current generation stays as it is.
            writer.cancel()
            quote_writer.cancel()
            ix.close()
            qx.close()
            store.discard_generation(tmp)
            cache.close()
            groups.close()
            report.rejected.sort(key=lambda r: r.path)
            return _unchanged(report, current, started)
        commit_with_segments(writer, segments)
        commit_with_segments(quote_writer, quote_segments)
        postarrays.write_missing(ix)  # merged segments, the main writer's own
        documents = ix.doc_count()
        quotations = qx.doc_count()
        ix.close()
        qx.close()

        report.grouped = groups.grouped
        # Committed before the switch: a kill in between leaves rows of files the published
        # index lacks, which the next build (reading those files again) drops first.
        groups.commit()
        groups.close()

        meta = store.IndexMeta(
            schema_version=SCHEMA_VERSION,
            built_at=clock().replace(microsecond=0).isoformat(),
            documents=documents,
            quotes=quotations,
        )
        final = store.publish_generation(index_dir, tmp, meta, new_manifest)
        store.collect_garbage(index_dir)
        # Only now, with the new index safe: what no article of it needs leaves the cache.
        cache.prune(new_manifest, [f.path for f in todo])
        cache.close()
        report.documents = documents
        report.quotes = quotations
        report.generation = final.name
        report.rejected.sort(key=lambda r: r.path)
        report.problems.sort(key=lambda item: item[0])  # by file; in-file order kept
        report.elapsed_s = time.monotonic() - started
        return report


def _unchanged(report: BuildReport, current: Path, started: float) -> BuildReport:
    """The report of a build that leaves the current generation as it is."""
    meta_now = store.read_meta(current)
    report.documents, report.quotes = meta_now.documents, meta_now.quotes
    report.generation = current.name
    report.problems.sort(key=lambda item: item[0])
    report.elapsed_s = time.monotonic() - started
    return report


def _real_ner_key() -> str:
    from indexer.entities import ner_cache_key

    return ner_cache_key()


class _DirectSink:
    """Records straight into this process's writers (builds with one worker)."""

    def __init__(self, writer, quote_writer) -> None:
        self._writer, self._quote_writer = writer, quote_writer

    def add(self, article: dict, quotes: Sequence[dict]) -> None:
        self._writer.add_document(**article)
        for doc in quotes:
            self._quote_writer.add_document(**doc)


@dataclass
class _FileDone:
    """How one file ended: its problems, or why it was rejected."""

    problems: list[str]
    rejected: str | None
    reused: int = 0


@dataclass
class _FileState:
    """One file on its way through the build."""

    file: ArchiveFile
    read_problems: list[str]
    rejected: str | None
    many: bool
    cleaned: int = 0  # articles with text (written, or duplicates)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    reused: int = 0
    ids: list[str] = field(default_factory=list)  # written to the index
    duplicates: list[str] = field(default_factory=list)

    def done(self) -> _FileDone:
        if self.rejected:
            return _FileDone(self.read_problems, self.rejected)
        if not self.cleaned:
            reason = f"could not be read ({self.error})" if self.error else None
            return _FileDone([], reason or "no article text found")
        return _FileDone(self.read_problems + self.notes, None, self.reused)


# One item of the stream: (file, raw article, cache key, cached entry); raw None: file done.
_Item = tuple[_FileState, RawArticle | None, str | None, object]


def _items(
    archive_dir: Path, files: Sequence[ArchiveFile], cache: BuildCache, fingerprint: bytes
) -> Iterator[_Item]:
    """Every article of every file, in order, with its cached result if there is one."""
    for file in files:
        read = read_archive_file(archive_dir, file)
        state = _FileState(file, list(read.problems), read.rejected, len(read.articles) > 1)
        if not read.rejected:
            for start in range(0, len(read.articles), CACHE_LOOKUP):
                raws = read.articles[start : start + CACHE_LOOKUP]
                keys = [record_key(raw, fingerprint) for raw in raws]
                cached = cache.get_many(keys)
                for raw, key in zip(raws, keys, strict=True):
                    yield state, raw, key, cached.get(key)
        yield state, None, None, None


def _tasks(items: Iterator[_Item]) -> Iterator[tuple[list[_Item], list[RawArticle]]]:
    """The stream cut into tasks: up to ``PREPARE_BATCH`` articles to prepare each."""
    batch: list[_Item] = []
    misses: list[RawArticle] = []
    for item in items:
        batch.append(item)
        if item[1] is not None and item[3] is None:
            misses.append(item[1])
        if len(misses) >= PREPARE_BATCH or len(batch) >= 8 * PREPARE_BATCH:
            yield batch, misses
            batch, misses = [], []
    if batch:
        yield batch, misses


def _process(
    archive_dir: Path,
    files: list[ArchiveFile],
    cache: BuildCache,
    fingerprint: bytes,
    pool,
    workers: int,
    progress: bool,
) -> Iterator[tuple[_FileState, Article | None]]:
    """Read, clean and tag the files (cached results reused), in order.

    Yields each clean article as ``(file, article)``, and ``(file, None)`` when a file is
    done.

    Files are read here; their articles go in tasks of ``PREPARE_BATCH`` to the worker
    pool (a few tasks ahead, so the workers never wait for the writer), each result is
    put in the cache at once.
    """
    bar = tqdm(
        total=len(files),
        unit="file",
        disable=not (progress and sys.stderr.isatty()),
        desc="indexing",
    )
    pending: deque = deque()
    ahead = 2 * workers + 2

    def finish_task(batch: list[_Item], result) -> Iterator[tuple[_FileState, Article | None]]:
        results = iter(result.get() if pool is not None else result)
        fresh, hits, ready = [], [], []
        for state, raw, key, cached in batch:
            if raw is None:
                ready.append((state, None))
                continue
            if cached is None:
                status, value = next(results)
                if status == "error":
                    state.error = state.error or str(value)
                    label = f"article {raw.id!r}: " if state.many else ""
                    state.notes.append(f"{label}could not be cleaned ({value})")
                    continue
                fresh.append((key, raw.source, value))
                article, notes = value
            else:
                hits.append(key)
                article, notes = cached
                state.reused += article is not None
            label = f"article {raw.id!r}: " if state.many else ""
            state.notes += [label + n for n in notes]
            if article is not None:
                state.cleaned += 1
                ready.append((state, article))
        # Stored before any of it is written: a build killed from here on keeps it.
        cache.put_many(fresh)
        cache.touch(hits)
        for state, article in ready:
            if article is None:
                bar.update(1)
            yield state, article

    try:
        for batch, misses in _tasks(_items(archive_dir, files, cache, fingerprint)):
            if pool is not None:
                pending.append((batch, pool.apply_async(_prepare, (misses,))))
                while len(pending) > ahead:
                    yield from finish_task(*pending.popleft())
            else:
                yield from finish_task(batch, _prepare(misses))
        while pending:
            yield from finish_task(*pending.popleft())
    finally:
        bar.close()
