"""Performance benchmark: build cost, query latency, HTTP latency and throughput, peers, growth.

Parts (each a stage that writes ``<out>/<stage>.json``; ``summary`` reads them all):
    ``corpus``: Reuters-21578 as archive JSONL (``bench/reuters_to_jsonl.py``), replicated
    under new ids (``reuters-123-r2`` ...) for the 4x and 16x scales;
    ``queries``: the seeded query set (``queries.json``: ~100 keyword mixes of 1-3 content
    words, ~100 quoted phrases of 3-6 words from bodies), plus the Zipf log and the distinct
    queries for wrk (``bench/zipf_log.py``);
    ``build``: a fresh full build of 1x with ``build_index(workers=2)`` and the real NER,
    split into cleaning, NER and Whoosh writing by wrapping functions (no indexer code is
    changed), then a rebuild of the unchanged archive;
    ``scale``: builds at every ``--scale`` with a keyword stand-in extractor (NER would take
    hours at 16x; its cost is linear in documents and measured by ``build``), index size and
    in-process p50 at each scale;
    ``inproc``: ``Engine.search`` p50/p95/p99 over the query set (top 10 with snippets);
    ``peers``: SQLite FTS5 and tantivy on the same documents and queries, top 10 with snippets;
    ``http``: real gunicorn (``gunicorn.conf.py``, 2 workers): sequential keep-alive client
    p50/p95, wrk throughput for the Zipf log and the distinct queries, the same against a
    bare Falcon app (``bench/bare_app.py``), and each worker's RSS afterwards.

Run::

    .venv/bin/python bench/perf.py [--scale 1 4 16] [--quick] [--skip-build] [--out DIR]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# This file is bench/perf.py: drop its own folder from the path so ``bench`` names the
# package folder (bench.peers ...), not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

from bench.peers import Fts5Engine, TantivyEngine, parse_query  # noqa: E402
from bench.reuters import read_stories  # noqa: E402
from bench.reuters_to_jsonl import records, write_jsonl  # noqa: E402
from bench.zipf_log import distinct_queries, zipf_log  # noqa: E402

DEFAULT_OUT = REPO / "bench" / "out" / "perf"
RANKING_JSONL = REPO / "bench" / "out" / "ranking" / "reuters" / "archive" / "reuters.jsonl"
SEED = 20261127
K = 10
STAGES = ("corpus", "queries", "build", "scale", "inproc", "peers", "http", "summary")

# Words a query mix should not be made of (function words, wire-service furniture).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when which while who whom why will
    with would you your said says say mln pct reuter reuters dlrs year years told also one two
    three four five six seven eight nine ten last first next new per cts share shares inc corp
    co ltd company would may week month today yesterday""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")


# --- small helpers -----------------------------------------------------------------------


def log(msg: str) -> None:
    """Progress on stderr, with a timestamp."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of latencies in milliseconds (nearest-rank percentiles)."""
    ordered = sorted(values_ms)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return round(ordered[index], 2)

    return {
        "n": len(ordered),
        "p50_ms": rank(50),
        "p95_ms": rank(95),
        "p99_ms": rank(99),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def dir_size_bytes(path: Path) -> int:
    """Bytes of the regular files below ``path`` (symlinks not followed)."""
    total = 0
    for item in Path(path).rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
    return total


def save(out: Path, stage: str, data: dict) -> None:
    """Write one stage's results."""
    (out / f"{stage}.json").write_text(json.dumps(data, indent=2, default=str), "utf-8")


def load(out: Path, stage: str) -> dict | None:
    """Read one stage's results, or None when the stage has not run."""
    path = out / f"{stage}.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    import falcon
    import whoosh

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_gib": round(mem_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "whoosh": whoosh.versionstring(),
        "falcon": falcon.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_avg_at_start": os.getloadavg(),
    }


# --- corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One story as the peers index it."""

    id: str
    title: str
    body: str


def base_records(out: Path) -> list[dict]:
    """Reuters-21578 stories with a body, as archive JSONL records (cached in ``out``)."""
    path = out / "reuters.jsonl"
    if not path.exists():
        if RANKING_JSONL.exists():
            shutil.copyfile(RANKING_JSONL, path)
        else:
            with path.open("w", encoding="utf-8") as fh:
                write_jsonl(records(read_stories()), fh)
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def scaled_archive(out: Path, base: list[dict], scale: int) -> Path:
    """An archive folder holding ``scale`` copies of the corpus; copy r>1 gets ids ``-r<r>``
    and is dated r-1 years earlier (1987 becomes 1986, 1985, ...), as a long archive spans
    years.

    Copies go to one JSONL file each, so the archive is ``scale`` files.
    """
    archive = out / f"archive-{scale}x"
    for copy in range(1, scale + 1):
        path = archive / f"reuters-r{copy}.jsonl"
        if path.exists():
            continue
        archive.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for rec in base:
                if copy > 1:
                    rec = {**rec, "id": f"{rec['id']}-r{copy}"}
                    if rec.get("date", "")[:4].isdigit():  # copy r is dated r-1 years earlier
                        rec["date"] = f"{int(rec['date'][:4]) - copy + 1:04d}{rec['date'][4:]}"
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        tmp.replace(path)
    return archive


# --- queries -----------------------------------------------------------------------------


def content_vocabulary(base: list[dict]) -> tuple[list[str], list[int]]:
    """Content words and their document frequencies (weights for drawing query words).

    Content words: alphabetic, 4+ letters, not a stopword, in at least 5 stories and at most
    10% of them (so a mix is neither a typo nor "market").
    """
    df: Counter[str] = Counter()
    for rec in base:
        df.update({w.lower() for w in _WORD.findall(rec["title"] + " " + rec["body"])})
    limit = len(base) // 10
    words = sorted(
        w for w, n in df.items() if len(w) >= 4 and w not in STOPWORDS and 5 <= n <= limit
    )
    return words, [df[w] for w in words]


def keyword_mix(rng: random.Random, words: list[str], weights: list[int]) -> str:
    """1-3 distinct content words drawn by document frequency."""
    n = rng.choice((1, 2, 2, 3, 3))
    picked: list[str] = []
    while len(picked) < n:
        word = rng.choices(words, weights)[0]
        if word not in picked:
            picked.append(word)
    return " ".join(picked)


def body_phrase(rng: random.Random, base: list[dict]) -> str:
    """3-6 consecutive words of a random body (letters only), quoted."""
    while True:
        rec = rng.choice(base)
        tokens = _WORD.findall(rec["body"])
        n = rng.randint(3, 6)
        if len(tokens) < n + 10:
            continue
        start = rng.randrange(5, len(tokens) - n)
        span = tokens[start : start + n]
        # A phrase of stopwords only says nothing; want one content word at least.
        if any(t.lower() not in STOPWORDS and len(t) >= 4 for t in span):
            return '"' + " ".join(span) + '"'


def make_queries(base: list[dict], n_keywords: int, n_phrases: int, seed: int = SEED) -> dict:
    """The fixed query set (keywords, phrases) and the vocabulary the wrk logs draw from."""
    rng = random.Random(seed)
    words, weights = content_vocabulary(base)
    keywords: list[str] = []
    while len(keywords) < n_keywords:
        q = keyword_mix(rng, words, weights)
        if q not in keywords:
            keywords.append(q)
    phrases: list[str] = []
    while len(phrases) < n_phrases:
        q = body_phrase(rng, base)
        if q not in phrases:
            phrases.append(q)
    return {"seed": seed, "keywords": keywords, "phrases": phrases, "vocabulary": len(words)}


def stage_queries(out: Path, base: list[dict], quick: bool) -> dict:
    """Write queries.json, zipf.paths and distinct.paths."""
    qs = make_queries(base, 100, 100)
    words, weights = content_vocabulary(base)
    queries = qs["keywords"] + qs["phrases"]
    zipf = zipf_log(queries, n=2000, s=1.1, seed=SEED)
    taken = set(queries)
    distinct = distinct_queries(
        lambda rng: keyword_mix(rng, words, weights), n=12000, seed=SEED + 1, exclude=taken
    )
    (out / "queries.json").write_text(json.dumps(qs, indent=2, ensure_ascii=False), "utf-8")
    write_paths(out / "zipf.paths", zipf)
    write_paths(out / "distinct.paths", distinct)
    zipf_counts = Counter(zipf)
    return {
        "keywords": len(qs["keywords"]),
        "phrases": len(qs["phrases"]),
        "vocabulary": qs["vocabulary"],
        "zipf_requests": len(zipf),
        "zipf_distinct": len(zipf_counts),
        "zipf_top_share": round(zipf_counts.most_common(1)[0][1] / len(zipf), 3),
        "distinct_queries": len(distinct),
    }


def search_path(q: str) -> str:
    """The request path of one search (top 10)."""
    from urllib.parse import urlencode

    return "/search?" + urlencode({"q": q, "per_page": K})


def write_paths(path: Path, queries: Iterable[str]) -> None:
    """One request path a line, for the wrk replay script."""
    path.write_text("".join(search_path(q) + "\n" for q in queries), "utf-8")


def load_queries(out: Path) -> list[str]:
    """The query set: keywords then phrases."""
    qs = json.loads((out / "queries.json").read_text("utf-8"))
    return qs["keywords"] + qs["phrases"]


# --- builds ------------------------------------------------------------------------------


def _timed_to_file(fn: Callable, label: str, log_dir: Path) -> Callable:
    """``fn`` wrapped to append its wall time to ``<log_dir>/<pid>.tsv`` (works in workers)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            with (log_dir / f"{os.getpid()}.tsv").open("a") as fh:
                fh.write(f"{label}\t{elapsed:.6f}\n")

    return wrapper


def _timed_here(totals: dict[str, float], label: str, fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - started

    return wrapper


def instrumented_build(archive: Path, index_dir: Path, log_dir: Path, **kwargs) -> dict:
    """``build_index`` with its parts timed: the per-article work (cleaning, NER and
    quotations: ``indexer.build._prepare``, in whichever process runs it) and Whoosh's
    ``SegmentWriter.commit`` (in the writer processes too, forked after the wrappers are in
    place); each process appends to its own file, so the totals are seconds summed over
    processes; nothing in ``indexer`` is edited.
    """
    from whoosh.writing import SegmentWriter

    from indexer import build

    if log_dir.exists():
        shutil.rmtree(log_dir)
    log_dir.mkdir(parents=True)
    main_totals: dict[str, float] = {}  # (every part is timed in its own process now)
    saved = build._prepare
    saved_writer = SegmentWriter.commit
    build._prepare = _timed_to_file(build._prepare, "prepare", log_dir)
    SegmentWriter.commit = _timed_to_file(SegmentWriter.commit, "whoosh_commit", log_dir)
    try:
        started = time.perf_counter()
        report = build.build_index(archive, index_dir, **kwargs)
        wall = time.perf_counter() - started
    finally:
        build._prepare = saved
        SegmentWriter.commit = saved_writer
    worker: dict[str, float] = {}
    for path in log_dir.glob("*.tsv"):
        for line in path.read_text().splitlines():
            label, seconds = line.split("\t")
            worker[label] = worker.get(label, 0.0) + float(seconds)
    from indexer import store

    gen = store.current_generation(index_dir)
    return {
        "wall_s": round(wall, 2),
        "documents": report.documents,
        "articles_written": report.articles_written,
        "docs_per_s": round(report.articles_written / wall, 1) if wall else None,
        "full_rebuild": report.full_rebuild,
        "rejected": len(report.rejected),
        "problems": len(report.problems),
        "index_bytes": dir_size_bytes(gen) if gen else 0,
        "worker_s": {k: round(v, 2) for k, v in worker.items()},
        "main_s": {k: round(v, 2) for k, v in main_totals.items()},
    }


def stage_build(out: Path, quick: bool) -> dict:
    """Fresh full build of 1x with the real NER and 2 workers; then the unchanged rebuild."""
    archive = out / "archive-1x"
    index_dir = out / "index-1x-ner"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    log(f"fresh full build of {archive} with NER, workers=2 (minutes) ...")
    full = instrumented_build(archive, index_dir, out / "timing-build", workers=2)
    log(f"built in {full['wall_s']} s: {full['documents']} articles")
    started = time.perf_counter()
    from indexer.build import build_index

    again = build_index(archive, index_dir, workers=2)
    rebuild_s = time.perf_counter() - started
    log(f"unchanged rebuild {rebuild_s:.2f} s")
    return {
        "archive": str(archive.relative_to(REPO)),
        "full": full,
        "rebuild_unchanged_s": round(rebuild_s, 2),
        "rebuild_unchanged_files": len(again.unchanged),
        "rebuild_wrote": again.articles_written,
    }


def stage_scale(out: Path, base: list[dict], scales: Sequence[int], skip_build: bool) -> dict:
    """Build each scale as a user would, then measure its queries in-process and over HTTP.

    The archive is the JSONL export that carries its own ``people``/``places`` (Reuters' gold
    labels: the documented way a CMS export skips NER), built by ``python -m indexer build
    --workers 2`` in a process of its own (``bench/build_scale.py``'s ``run_build``).
    """
    from bench.build_scale import run_build, tagged_records

    queries = load_queries(out)
    warm = warmup_queries(out)
    rows = load(out, "scale") or {}  # other scales of an earlier run stay in the table
    tagged = tagged_records(base)
    for scale in scales:
        archive = scaled_archive(out / "tagged", tagged, scale)
        index_dir = out / f"index-{scale}x-tagged"
        if skip_build and (index_dir / "current").exists():
            build = rows.get(str(scale), {}).get("build")
        else:
            if index_dir.exists():
                shutil.rmtree(index_dir)
            log(f"{scale}x: building {len(base) * scale} tagged stories ...")
            build = run_build(archive, index_dir)
            build["index_bytes"] = dir_size_bytes(index_dir / "current")
            log(f"{scale}x: built in {build['wall_s']} s, {build['index_bytes'] / 2**20:.0f} MiB")
        latency = engine_latency(index_dir, queries, warm)
        log(f"{scale}x: in-process p50 {latency['all']['p50_ms']} ms")
        http = scale_http(out, index_dir, queries, warm, scale)
        log(f"{scale}x: HTTP {http['sequential']['all']}")
        rows[str(scale)] = {
            "stories": len(base) * scale,
            "build": build,
            "latency": latency,
            "http": http,
        }
        save(out, "scale", rows)  # a long run keeps what it measured so far
    return dict(sorted(rows.items(), key=lambda kv: int(kv[0])))


def scale_http(
    out: Path, index_dir: Path, queries: Sequence[str], warm: Sequence[str], scale: int
) -> dict:
    """The query set over real gunicorn (2 workers) on one scale's index: sequential
    keep-alive latency, then a short wrk run of the distinct queries, then each worker's
    memory (after load, so the per-generation arrays and the postings cache are in it)."""
    server = Gunicorn(
        "search_api.wsgi:app",
        out / f"gunicorn-{scale}x.log",
        {"SEARCH_INDEX_DIR": str(index_dir)},
    )
    try:
        sequential = sequential_latency(
            server.port, [search_path(q) for q in queries], [search_path(q) for q in warm]
        )
        distinct = run_wrk(out, server.base, out / "distinct.paths", 10, f"distinct-{scale}x")
        memory = server.memory()
    finally:
        server.stop()
    return {"sequential": sequential, "distinct": distinct, "memory_after_load": memory}


# --- in-process queries ------------------------------------------------------------------


def warmup_queries(out: Path, n: int = 100) -> list[str]:
    """Queries for warm-up passes: the tail of the distinct list, never measured anywhere."""
    from urllib.parse import parse_qs, urlsplit

    paths = (out / "distinct.paths").read_text("utf-8").splitlines()[-n:]
    return [parse_qs(urlsplit(p).query)["q"][0] for p in paths]


def engine_latency(index_dir: Path, queries: Sequence[str], warm: Sequence[str]) -> dict:
    """``Engine.search`` latencies over ``queries`` (first asking, then a repeat pass).

    The engine caches results, so the warm-up uses other queries (it warms the searcher,
    the OS page cache and the per-generation facet data); the first pass over the set then
    measures real searches, the second pass the cache.
    """
    from search_api.engine import Engine, SearchRequest
    from search_api.query import QueryError

    engine = Engine(index_dir)
    errors = 0

    def run(q: str, collapse: bool = True) -> float:
        nonlocal errors
        started = time.perf_counter()
        try:
            engine.search(SearchRequest(q=q, per_page=K, collapse=collapse))
        except QueryError:
            errors += 1
        return (time.perf_counter() - started) * 1000

    for q in warm:
        run(q)
    first = [run(q) for q in queries]
    repeat = [run(q) for q in queries]
    # The same set with near-duplicates listed one by one (collapse=false), as the engine
    # answered before issue 16: a scaled archive is all copies, its every story a group.
    engine = Engine(index_dir)
    for q in warm:
        run(q, False)
    flat = [run(q, False) for q in queries]
    half = len(queries) // 2
    return {
        "all": percentiles(first),
        "keywords": percentiles(first[:half]),
        "phrases": percentiles(first[half:]),
        "repeat_cached": percentiles(repeat),
        "collapse_off": percentiles(flat),
        "query_errors": errors,
    }


def current_index(out: Path) -> tuple[Path, str]:
    """The 1x index with real NER: this run's, else the ranking evaluation's."""
    for index_dir, note in (
        (out / "index-1x-ner", "this run's fresh 1x build (real NER)"),
        (REPO / "bench/out/ranking/reuters/index", "bench/out/ranking/reuters/index (reused)"),
    ):
        if (index_dir / "current").exists():
            return index_dir, note
    raise SystemExit("no 1x index: run the build stage first")


def stage_inproc(out: Path) -> dict:
    """In-process latency of our engine on the 1x index; a cProfile of one pass to a file."""
    import cProfile
    import pstats

    index_dir, note = current_index(out)
    queries = load_queries(out)
    warm = warmup_queries(out)
    result = {"index": note, **engine_latency(index_dir, queries, warm)}
    log(f"in-process p50/p95/p99 {result['all']}")

    from search_api.engine import Engine, SearchRequest
    from search_api.query import QueryError

    engine = Engine(index_dir)
    for q in warm:
        try:
            engine.search(SearchRequest(q=q, per_page=K))
        except QueryError:
            pass
    profiler = cProfile.Profile()
    profiler.enable()
    for q in queries:
        try:
            engine.search(SearchRequest(q=q, per_page=K))
        except QueryError:
            pass
    profiler.disable()
    with (out / "profile-inproc.txt").open("w") as fh:
        stats = pstats.Stats(profiler, stream=fh).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    return result


# --- peers -------------------------------------------------------------------------------


class Fts5Snippets(Fts5Engine):
    """``bench.peers.Fts5Engine`` in a database file, answering with ``snippet()`` too."""

    def __init__(self, path: Path):
        super().__init__()
        self._db.close()
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    def search_snippets(self, query_text: str, k: int = K) -> list[tuple[str, str, str]]:
        """``(id, title, snippet)`` of the best ``k``: ``snippet()`` of the body, 24 tokens."""
        expression = self.match_expression(parse_query(query_text))
        if not expression:
            return []
        rows = self._db.execute(
            "SELECT doc_id, title, snippet(docs, 2, '<mark>', '</mark>', '…', 24) "
            f"FROM docs WHERE docs MATCH ? ORDER BY {self._rank} LIMIT ?",
            (expression, k),
        )
        return list(rows)


class TantivySnippets(TantivyEngine):
    """``bench.peers.TantivyEngine`` on disk with stored text, answering with snippets."""

    def __init__(self, path: Path):
        import tantivy

        super().__init__()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
        for name in ("title", "body"):
            builder.add_text_field(
                name, stored=True, tokenizer_name="en_stem", index_option="position"
            )
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema, path=str(path))

    def search_snippets(self, query_text: str, k: int = K) -> list[tuple[str, str, str]]:
        """``(id, title, snippet)`` of the best ``k``: ``SnippetGenerator`` on the body."""
        import tantivy

        text = self.query_string(parse_query(query_text))
        if not text or self._searcher is None:
            return []
        query = self._index.parse_query(text, ["title", "body"])
        hits = self._searcher.search(query, limit=k).hits
        generator = tantivy.SnippetGenerator.create(self._searcher, query, self._schema, "body")
        generator.set_max_num_chars(200)
        out = []
        for _score, address in hits:
            doc = self._searcher.doc(address)
            snippet = generator.snippet_from_doc(doc).to_html()
            out.append((doc["doc_id"][0], doc["title"][0], snippet))
        return out


def stage_peers(out: Path, base: list[dict]) -> dict:
    """Build FTS5 and tantivy on the same stories; latency over the same queries."""
    docs = [Doc(r["id"], r.get("title", ""), r["body"]) for r in base]
    queries = load_queries(out)
    warm = warmup_queries(out)
    results = {}
    for name, make, where in (
        ("fts5", Fts5Snippets, out / "peer-fts5.db"),
        ("tantivy", TantivySnippets, out / "peer-tantivy"),
    ):
        if where.is_dir():
            shutil.rmtree(where)
        elif where.exists():
            where.unlink()
        if name == "tantivy":
            where.mkdir()
        log(f"peer {name}: indexing {len(docs)} stories ...")
        started = time.perf_counter()
        engine = make(where)
        engine.index(docs)
        build_s = time.perf_counter() - started
        size = dir_size_bytes(where) if where.is_dir() else where.stat().st_size
        for q in warm:
            engine.search_snippets(q)
        timings, empty = [], 0
        for q in queries:
            started = time.perf_counter()
            hits = engine.search_snippets(q)
            timings.append((time.perf_counter() - started) * 1000)
            empty += not hits
        half = len(queries) // 2
        results[name] = {
            "build_s": round(build_s, 2),
            "index_bytes": size,
            "all": percentiles(timings),
            "keywords": percentiles(timings[:half]),
            "phrases": percentiles(timings[half:]),
            "queries_without_hits": empty,
        }
        log(f"peer {name}: built {build_s:.1f} s, {results[name]['all']}")
    return results


# --- HTTP --------------------------------------------------------------------------------

WRK_SCRIPT = r"""
-- Replays request paths from a file (one a line); thread i of n takes lines i, i+n, ...
-- so no two threads send the same line. Usage: wrk ... -s replay.lua URL -- FILE NTHREADS
local paths, counter, step = {}, 0, 1
local threads_made = 0
function setup(thread)
  thread:set("tid", threads_made)
  threads_made = threads_made + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  counter = tid
  step = tonumber(args[2])
end
function request()
  local path = paths[(counter % #paths) + 1]
  counter = counter + step
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, '
    .. '"p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


class Gunicorn:
    """gunicorn with the project's ``gunicorn.conf.py`` and 2 workers, on a free port."""

    def __init__(self, app: str, log_path: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(gunicorn), app, "-c", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not come up; see {log_path}") from None
                time.sleep(0.2)
        time.sleep(1.0)  # both workers booted

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the master)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()]

    def memory(self) -> dict:
        """VmRSS, VmHWM (peak), RssAnon, RssFile and Pss of the master and each worker, in MiB."""

        def status(pid: int) -> dict:
            # RssFile counts mapped index pages once per mapping (every thread's searcher
            # maps the segment files); Pss shares them out between processes.
            fields = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    fields[key + "_mib"] = round(int(value.split()[0]) / 1024, 1)
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key, _, value = line.partition(":")
                if key == "Pss":
                    fields["Pss_mib"] = round(int(value.split()[0]) / 1024, 1)
            return fields

        return {
            "master": status(self.proc.pid),
            "workers": [status(pid) for pid in self.worker_pids()],
        }

    def stop(self) -> None:
        """Stop the master (it stops its workers) and wait."""
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def sequential_latency(port: int, paths: Sequence[str], warm: Sequence[str]) -> dict:
    """One keep-alive connection, one request after the other; status counts too."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    statuses: Counter[int] = Counter()

    def get(path: str) -> float:
        started = time.perf_counter()
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        elapsed = (time.perf_counter() - started) * 1000
        statuses[resp.status] += 1
        return elapsed

    for path in warm:
        get(path)
    statuses.clear()
    first = [get(p) for p in paths]
    repeat = [get(p) for p in paths]
    conn.close()
    half = len(paths) // 2
    return {
        "all": percentiles(first),
        "keywords": percentiles(first[:half]),
        "phrases": percentiles(first[half:]),
        "repeat_cached": percentiles(repeat),
        "statuses": dict(statuses),
    }


def run_wrk(out: Path, base: str, paths_file: Path, seconds: int, label: str) -> dict:
    """wrk -t2 -c8 replaying ``paths_file``; its summary as a dict (req/s included)."""
    script = out / "replay.lua"
    script.write_text(WRK_SCRIPT, "utf-8")
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    cmd += ["--", str(paths_file), "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    (out / f"wrk-{label}.txt").write_text(done.stdout + done.stderr, "utf-8")
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    data["req_per_s"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    data["paths_in_file"] = sum(1 for _ in paths_file.open())
    log(f"wrk {label}: {data['req_per_s']} req/s, p50 {data['p50_us'] / 1000:.1f} ms")
    return data


def stage_http(out: Path, quick: bool) -> dict:
    """Sequential latency, wrk throughput and worker memory through real gunicorn."""
    index_dir, note = current_index(out)
    seconds = 5 if quick else 15
    queries = load_queries(out)
    paths = [search_path(q) for q in queries]
    warm = [search_path(q) for q in warmup_queries(out)]
    # wrk must not replay the warm-up queries: drop them from its distinct list.
    distinct_all = (out / "distinct.paths").read_text("utf-8").splitlines()
    distinct_file = out / "distinct-wrk.paths"
    distinct_file.write_text("\n".join(distinct_all[: -len(warm)]) + "\n", "utf-8")
    result: dict = {"index": note, "wrk": f"wrk -t2 -c8 -d{seconds}s", "gunicorn_workers": 2}
    server = Gunicorn(
        "search_api.wsgi:app", out / "gunicorn-search.log", {"SEARCH_INDEX_DIR": str(index_dir)}
    )
    try:
        result["sequential"] = sequential_latency(server.port, paths, warm)
        log(f"HTTP sequential {result['sequential']['all']}")
        result["memory_before_load"] = server.memory()
        result["search_zipf"] = run_wrk(out, server.base, out / "zipf.paths", seconds, "zipf")
        result["search_distinct"] = run_wrk(out, server.base, distinct_file, seconds, "distinct")
        result["memory_after_load"] = server.memory()
    finally:
        server.stop()
    bare = Gunicorn("bench.bare_app:app", out / "gunicorn-bare.log")
    try:
        result["bare_zipf"] = run_wrk(out, bare.base, out / "zipf.paths", seconds, "bare")
        result["bare_memory"] = bare.memory()
    finally:
        bare.stop()
    return result


# --- summary -----------------------------------------------------------------------------

TARGETS = {
    "build_s": 300.0,
    "http_p50_ms": 15.0,
    "http_p95_ms": 60.0,
    "zipf_vs_bare": 0.5,
    "distinct_req_s": 100.0,
    "rebuild_s": 5.0,
    "worker_rss_mib": 500.0,
}


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "**FAIL**"


def summary(out: Path) -> str:
    """The results of every stage that ran, as Markdown tables."""
    lines = ["# Benchmark summary (generated by bench/perf.py)", ""]
    m = load(out, "machine") or {}
    lines.append(
        f"Machine: {m.get('cpu')} x {m.get('cores')} cores, {m.get('mem_gib')} GiB, "
        f"{m.get('os')}, Python {m.get('python')}, Whoosh {m.get('whoosh')}, Falcon "
        f"{m.get('falcon')}, SQLite {m.get('sqlite')}; load average at start "
        f"{m.get('load_avg_at_start')}."
    )
    lines += ["", "| target | measured | goal | verdict |", "| --- | ---: | ---: | --- |"]
    build, http = load(out, "build"), load(out, "http")
    if build:
        full = build["full"]
        lines.append(
            f"| full build incl. cleaning and NER (1x, workers=2) | {full['wall_s']} s "
            f"({full['docs_per_s']} docs/s) | <= 300 s | "
            f"{verdict(full['wall_s'] <= TARGETS['build_s'])} |"
        )
        lines.append(
            f"| unchanged rebuild | {build['rebuild_unchanged_s']} s | <= 5 s | "
            f"{verdict(build['rebuild_unchanged_s'] <= TARGETS['rebuild_s'])} |"
        )
    if http:
        seq = http["sequential"]["all"]
        lines.append(
            f"| HTTP p50 / p95 (sequential, keep-alive) | {seq['p50_ms']} / {seq['p95_ms']} ms "
            f"| <= 15 / 60 ms | {verdict(seq['p50_ms'] <= 15 and seq['p95_ms'] <= 60)} |"
        )
        ratio = http["search_zipf"]["req_per_s"] / http["bare_zipf"]["req_per_s"]
        lines.append(
            f"| Zipf throughput vs bare Falcon | {http['search_zipf']['req_per_s']} / "
            f"{http['bare_zipf']['req_per_s']} req/s = {ratio:.3f} | >= 0.5 | "
            f"{verdict(ratio >= TARGETS['zipf_vs_bare'])} |"
        )
        distinct = http["search_distinct"]["req_per_s"]
        lines.append(
            f"| distinct-query throughput (2 workers) | {distinct} req/s | >= 100 req/s | "
            f"{verdict(distinct >= TARGETS['distinct_req_s'])} |"
        )
        rss = [w["VmRSS_mib"] for w in http["memory_after_load"]["workers"]]
        lines.append(
            f"| memory per worker (VmRSS after load) | {' / '.join(map(str, rss))} MiB | "
            f"<= 500 MB | {verdict(max(rss) <= TARGETS['worker_rss_mib'])} |"
        )
    inproc, peers = load(out, "inproc"), load(out, "peers") or {}
    if inproc:
        lines += ["", "| engine | build s | index MiB | p50 | p95 | p99 ms | p50 vs ours |"]
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        ours = inproc["all"]
        b = build["full"] if build else {}
        lines.append(
            f"| ours (Whoosh, NER) | {b.get('wall_s', '-')} | "
            f"{b.get('index_bytes', 0) / 2**20:.0f} | {ours['p50_ms']} | {ours['p95_ms']} | "
            f"{ours['p99_ms']} | 1.00 |"
        )
        for name, p in peers.items():
            lines.append(
                f"| {name} | {p['build_s']} | {p['index_bytes'] / 2**20:.0f} | "
                f"{p['all']['p50_ms']} | {p['all']['p95_ms']} | {p['all']['p99_ms']} | "
                f"{p['all']['p50_ms'] / ours['p50_ms']:.3f} |"
            )
    scale = load(out, "scale")
    if scale:
        lines += ["", *scale_table(scale)]
    lines.append("")
    return "\n".join(lines)


def scale_table(scale: dict) -> list[str]:
    """The growth table: build, size, in-process and HTTP latency, memory, per scale, with
    each measure's ratio to 1x."""
    lines = [
        "| scale | stories | build s (docs/s) | index MiB | in-process p50 / p95 / p99 ms "
        "| HTTP p50 / p95 / p99 ms | distinct req/s | RSS per worker MiB "
        "| in-process p50 / p95, collapse=false |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    first = scale.get("1") or next(iter(scale.values()))

    def ratio(value: float, base: float) -> str:
        return f" (x{value / base:.2f})" if base and value != base else ""

    for key, row in scale.items():
        bld = row["build"] or {}
        lat = row["latency"]["all"]
        base_lat = first["latency"]["all"]
        http = row.get("http")
        cells = [
            f"{key}x",
            str(row["stories"]),
            f"{bld.get('wall_s')} ({bld.get('docs_per_s', '-')})",
            f"{bld.get('index_bytes', 0) / 2**20:.0f}",
            f"{lat['p50_ms']}{ratio(lat['p50_ms'], base_lat['p50_ms'])} / {lat['p95_ms']} / "
            f"{lat['p99_ms']}",
        ]
        if http:
            seq = http["sequential"]["all"]
            base_seq = (first.get("http") or http)["sequential"]["all"]
            rss = [w["VmRSS_mib"] for w in http["memory_after_load"]["workers"]]
            cells += [
                f"{seq['p50_ms']}{ratio(seq['p50_ms'], base_seq['p50_ms'])} / "
                f"{seq['p95_ms']}{ratio(seq['p95_ms'], base_seq['p95_ms'])} / {seq['p99_ms']}",
                str(http["distinct"]["req_per_s"]),
                " / ".join(map(str, rss)),
            ]
        else:
            cells += ["-", "-", "-"]
        flat = row["latency"].get("collapse_off")
        cells.append(f"{flat['p50_ms']} / {flat['p95_ms']}" if flat else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4, 16], help="corpus copies")
    parser.add_argument("--quick", action="store_true", help="2,000 stories, short wrk runs")
    parser.add_argument(
        "--skip-build", action="store_true", help="reuse the indexes already in --out"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--stages", nargs="+", choices=STAGES, default=list(STAGES), help="stages to run"
    )
    args = parser.parse_args(argv)
    if {"scale", "http"} & set(args.stages) and shutil.which("wrk") is None:
        parser.error("the HTTP stages need wrk: `make bench-tools` (apt-get install wrk)")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    base = base_records(out)
    if args.quick:
        base = base[:2000]
        out = out / "quick"
        out.mkdir(exist_ok=True)
    stages = set(args.stages)
    if args.skip_build:
        stages -= {"build"}
    save(out, "machine", machine())
    scaled_archive(out, base, 1)
    if "queries" in stages or not (out / "queries.json").exists():
        save(out, "queries-stats", stage_queries(out, base, args.quick))
    if "build" in stages:
        save(out, "build", stage_build(out, args.quick))
    if "scale" in stages:
        save(out, "scale", stage_scale(out, base, args.scale, args.skip_build))
    if "inproc" in stages:
        save(out, "inproc", stage_inproc(out))
    if "peers" in stages:
        save(out, "peers", stage_peers(out, base))
    if "http" in stages:
        save(out, "http", stage_http(out, args.quick))
    if "summary" in stages:
        text = summary(out)
        (out / "summary.md").write_text(text, "utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
