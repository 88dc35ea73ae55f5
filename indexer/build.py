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
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm
from whoosh import index as whoosh_index

from indexer import store
from indexer.archive import ArchiveFile, Rejected, read_archive_file, walk_archive
from indexer.documents import Article, RawArticle
from indexer.prepare import add_entities, add_quotes, clean_article
from indexer.records import article_document, quote_documents
from indexer.schema import SCHEMA_VERSION, build_quote_schema, build_schema

# Articles per NER task sent to a worker: big enough for nlp.pipe, small enough to balance.
NER_BATCH = 64
# Files cleaned before their articles go through NER and into the writer (bounds memory).
FILES_PER_ROUND = 256


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


def _init_worker(rules) -> None:
    global _worker_rules, _worker_extractor
    from indexer.entities import EntityExtractor

    _worker_rules = rules
    _worker_extractor = EntityExtractor()


@dataclass
class _CleanedFile:
    file: ArchiveFile
    pairs: list[tuple[RawArticle, Article]]
    problems: list[str]
    rejected: str | None


def _clean_file(args: tuple[Path, ArchiveFile, object]) -> _CleanedFile:
    """Read one file and clean its articles (no entities yet). Never raises."""
    root, file, rules = args
    try:
        read = read_archive_file(root, file)
        if read.rejected:
            return _CleanedFile(file, [], read.problems, read.rejected)
        pairs, problems = [], list(read.problems)
        for raw in read.articles:
            article, notes = clean_article(raw, rules)
            label = f"article {raw.id!r}: " if len(read.articles) > 1 else ""
            problems += [label + n for n in notes]
            if article is not None:
                # The markup is not needed past cleaning; don't ship it between processes.
                pairs.append((replace(raw, html=None, body=None), article))
        if not pairs:
            return _CleanedFile(file, [], [], "no article text found")
        return _CleanedFile(file, pairs, problems, None)
    except Exception as exc:  # one odd file must never stop the build
        return _CleanedFile(file, [], [], f"could not be read ({type(exc).__name__}: {exc})")


def _extract_batch(pairs: list[tuple[RawArticle, Article]]) -> list[Article]:
    return add_quotes(add_entities(pairs, _worker_extractor))


# --- main side ---------------------------------------------------------------------------


def _rounds(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build_index(
    archive_dir: Path,
    index_dir: Path,
    *,
    extractor=None,
    rules=None,
    workers: int = 1,
    progress: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> BuildReport:
    """Build or update the index of ``archive_dir`` in ``index_dir``.

    Args:
        extractor: an ``EntityExtractor`` for in-process builds (loaded lazily if None).
        rules: per-site cleaning rules (``indexer.clean.siterules.SiteRules``) or None.
        workers: processes for cleaning and NER; 1 runs everything in this process.
        progress: show a progress bar (only on a terminal).
        clock: source of "now" for the generation name and ``built_at``.

    Raises:
        store.BuildLocked: another build is running.
        FileNotFoundError: the archive folder does not exist.
    """
    started = time.monotonic()
    archive_dir, index_dir = Path(archive_dir), Path(index_dir)
    if not archive_dir.is_dir():
        raise FileNotFoundError(f"archive folder {archive_dir} does not exist")
    report = BuildReport()
    with store.BuildLock(index_dir):
        current = store.current_generation(index_dir)
        manifest: dict[str, dict] | None = None
        if current is not None:
            try:
                if store.read_meta(current).schema_version == SCHEMA_VERSION:
                    manifest = store.read_manifest(current)
            except store.IndexUnavailable:
                manifest = None
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
            meta_now = store.read_meta(current)
            report.documents, report.quotes = meta_now.documents, meta_now.quotes
            report.generation = current.name
            report.problems.sort(key=lambda item: item[0])
            report.elapsed_s = time.monotonic() - started
            return report

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

        # compound=False: Whoosh 2.7 copies each file of a compound segment into memory
        # (BytesIO over the mmap) for every searcher; with one searcher per server thread
        # that cost ~80 MB per thread on Reuters. Separate files are read in place.
        writer = ix.writer(limitmb=256, compound=False)
        quote_writer = qx.writer(limitmb=64, compound=False)
        try:
            for path in report.deleted:
                writer.delete_by_term("source", path)
                quote_writer.delete_by_term("source", path)
            for file in todo:
                if file.path in old:
                    writer.delete_by_term("source", file.path)
                    quote_writer.delete_by_term("source", file.path)
            for cleaned in _process(archive_dir, todo, rules, extractor, workers, progress):
                path = cleaned.file.path
                problems = list(cleaned.problems)
                if cleaned.rejected:
                    report.problems += [(path, p) for p in problems]
                    report.rejected.append(Rejected(path, cleaned.rejected))
                    continue
                ids = []
                for article in cleaned.articles:
                    if article.id in taken:
                        problems.append(
                            f"duplicate id {article.id!r} (already in {taken[article.id]})"
                        )
                        continue
                    taken[article.id] = path
                    writer.add_document(**article_document(article, cleaned.file.content_hash))
                    for doc in quote_documents(article):
                        quote_writer.add_document(**doc)
                    ids.append(article.id)
                report.articles_written += len(ids)
                report.problems += [(path, p) for p in problems]
                # The file's problems stay with its entry, for the builds that skip it.
                new_manifest[path] = store.manifest_entry(cleaned.file.content_hash, ids, problems)
                (report.updated if path in old else report.indexed).append(path)
        except BaseException:
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
            meta_now = store.read_meta(current)
            report.documents, report.quotes = meta_now.documents, meta_now.quotes
            report.generation = current.name
            report.rejected.sort(key=lambda r: r.path)
            report.problems.sort(key=lambda item: item[0])
            report.elapsed_s = time.monotonic() - started
            return report
        writer.commit()
        quote_writer.commit()
        documents = ix.doc_count()
        quotations = qx.doc_count()
        ix.close()
        qx.close()

        meta = store.IndexMeta(
            schema_version=SCHEMA_VERSION,
            built_at=clock().replace(microsecond=0).isoformat(),
            documents=documents,
            quotes=quotations,
        )
        final = store.publish_generation(index_dir, tmp, meta, new_manifest)
        store.collect_garbage(index_dir)
        report.documents = documents
        report.quotes = quotations
        report.generation = final.name
        report.rejected.sort(key=lambda r: r.path)
        report.problems.sort(key=lambda item: item[0])  # by file; in-file order kept
        report.elapsed_s = time.monotonic() - started
        return report


@dataclass
class _FileArticles:
    file: ArchiveFile
    articles: list[Article]
    problems: list[str]
    rejected: str | None


def _process(
    archive_dir: Path,
    files: list[ArchiveFile],
    rules,
    extractor,
    workers: int,
    progress: bool,
) -> Iterator[_FileArticles]:
    """Clean and tag the given files, round by round, in worker processes when it pays."""
    bar = tqdm(
        total=len(files),
        unit="file",
        disable=not (progress and sys.stderr.isatty()),
        desc="indexing",
    )
    # An extractor handed in (tests, small jobs) means: stay in this process.
    use_pool = workers > 1 and extractor is None and bool(files)
    pool = None
    if use_pool:
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(rules,)
        )
    elif extractor is None:
        from indexer.entities import EntityExtractor

        extractor = EntityExtractor()
    try:
        for round_files in _rounds(files, FILES_PER_ROUND):
            args = [(archive_dir, f, rules) for f in round_files]
            cleaned = pool.map(_clean_file, args) if pool else [_clean_file(a) for a in args]
            pairs = [pair for c in cleaned for pair in c.pairs]
            batches = list(_rounds(pairs, NER_BATCH))
            if pool:
                tagged = [a for batch in pool.imap(_extract_batch, batches) for a in batch]
            else:
                tagged = add_quotes(add_entities(pairs, extractor))
            it = iter(tagged)
            for c in cleaned:
                yield _FileArticles(c.file, [next(it) for _ in c.pairs], c.problems, c.rejected)
                bar.update(1)
    finally:
        bar.close()
        if pool:
            pool.terminate()
            pool.join()
