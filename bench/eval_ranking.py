"""Ranking evaluation: our engine against SQLite FTS5 and tantivy BM25 on known-item queries.

Parts:
    ``prepare_archive`` / ``ensure_index``: lay out each test collection as an archive folder
    under ``bench/out/ranking/<corpus>/archive`` (Reuters as the JSONL that
    ``reuters_to_jsonl`` writes, BBC as copies of its ``<topic>/NNN.txt`` files) and build our
    index from it once (reused until ``--rebuild`` or a schema change);
    ``ArchiveEngine``: our ``search_api.engine.Engine`` behind the peers' tiny interface;
    ``ENGINES``: every engine variant by name (``archive``, ``fts5``, ``fts5-title3``,
    ``tantivy``, ``tantivy-title3``);
    ``evaluate``: run every query of every set on every engine, keeping ranks and timings;
    ``summarise`` / ``format_table`` / ``print_failures``: success@1, success@10, MRR@10 and
    p50 latency per collection, set and engine, and the queries our engine loses.

The query sets come from ``bench/ranking_queries.py`` (seeded, fixed). A hit is correct when
it is the story the query was made from or a duplicate of it (same normalised body). Our
engine gives a text dump's 2nd article the id ``path#2``: the part before ``#`` names the
file, so such a hit still counts for the file (and the split is reported).

Run::

    .venv/bin/python bench/eval_ranking.py [--limit N] [--engines archive,fts5,tantivy]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.peers import Fts5Engine, TantivyEngine  # noqa: E402
from bench.ranking_queries import (  # noqa: E402
    BBC_CORPUS,
    DEFAULT_PER_SET,
    DEFAULT_SEED,
    SET_NAMES,
    Doc,
    Query,
    build_query_sets,
    load_corpus,
    write_queries,
)
from bench.reuters import read_stories  # noqa: E402
from bench.reuters_to_jsonl import records, write_jsonl  # noqa: E402

OUT = REPO / "bench" / "out" / "ranking"
K = 10


class ArchiveEngine:
    """Our engine (``search_api.engine.Engine``) with the peers' interface.

    ``last_mode`` keeps how the last query was answered ("all" words or the "any" fallback),
    so failures can be explained.
    """

    name = "archive"

    def __init__(self, index_dir: Path):
        from search_api.engine import Engine  # imported late: peers-only runs need no index

        self._engine = Engine(index_dir)
        self.last_mode = ""

    def index(self, docs: Sequence[Doc]) -> None:
        """Nothing to do: the index is built from the archive folder by ``ensure_index``."""

    def search(self, query_text: str, k: int = K) -> list[str]:
        """Ids of the best ``k`` articles (an error answers nothing, and says so in the mode)."""
        from search_api.engine import SearchRequest
        from search_api.query import QueryError

        try:
            resp = self._engine.search(SearchRequest(q=query_text, per_page=k))
        except QueryError as exc:
            self.last_mode = f"error: {exc}"
            return []
        self.last_mode = resp.mode
        return [hit.id for hit in resp.results]


# name -> (family, factory(corpus_out_dir) -> engine). A family name on the command line
# selects all of its variants.
ENGINES: dict[str, tuple[str, Callable[[Path], object]]] = {
    "archive": ("archive", lambda out: ArchiveEngine(out / "index")),
    "fts5": ("fts5", lambda out: Fts5Engine()),
    "fts5-title3": ("fts5", lambda out: Fts5Engine(weights=(3.0, 1.0))),
    "tantivy": ("tantivy", lambda out: TantivyEngine()),
    "tantivy-title3": ("tantivy", lambda out: TantivyEngine(field_boosts={"title": 3.0})),
}


def prepare_archive(corpus: str, out: Path) -> Path:
    """Write the collection as an archive folder for our indexer; return the folder."""
    archive = out / "archive"
    if corpus == "reuters":
        path = archive / "reuters.jsonl"
        if not path.exists():
            archive.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                write_jsonl(records(read_stories()), fh)
            tmp.replace(path)
    elif corpus == "bbc":
        # Copies, not symlinks: the archive walker does not follow symlinked folders, and a
        # copy keeps the build independent of the shared folder's layout.
        for src in sorted(BBC_CORPUS.glob("*/*.txt")):
            dest = archive / "bbc" / src.parent.name / src.name
            if not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    else:
        raise ValueError(f"unknown corpus {corpus!r}")
    return archive


def ensure_index(corpus: str, out: Path, rebuild: bool = False) -> None:
    """Build our index of the collection unless a servable one is there already."""
    from indexer import store
    from indexer.build import build_index
    from search_api.engine import Engine

    index_dir = out / "index"
    if rebuild and index_dir.exists():
        shutil.rmtree(index_dir)
    if store.current_generation(index_dir) is not None:
        try:
            Engine(index_dir).health()
            return
        except store.IndexUnavailable as exc:  # e.g. built with an older schema version
            print(f"[{corpus}] rebuilding our index: {exc}", file=sys.stderr)
            shutil.rmtree(index_dir)
    archive = prepare_archive(corpus, out)
    print(f"[{corpus}] building our index from {archive} (takes minutes) ...", file=sys.stderr)
    started = time.perf_counter()
    report = build_index(archive, index_dir, workers=2, progress=True)
    print(
        f"[{corpus}] built in {time.perf_counter() - started:.0f} s: {report.documents} "
        f"articles, {len(report.rejected)} rejected files, {len(report.problems)} problems",
        file=sys.stderr,
    )


def index_notes(corpus: str, out: Path, docs: Sequence[Doc]) -> list[str]:
    """What our index holds that differs from the collection (split files, other titles)."""
    from whoosh import index as whoosh_index

    from indexer import store

    gen = store.current_generation(out / "index")
    truth = {d.id: d.title for d in docs}
    ids, split, retitled = set(), 0, []
    with whoosh_index.open_dir(str(gen)).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            article_id = fields.get("id", "")
            base = article_id.split("#", 1)[0]
            ids.add(base)
            if "#" in article_id:
                split += 1
            elif base in truth and " ".join(fields.get("title", "").split()) != " ".join(
                truth[base].split()
            ):
                retitled.append((base, truth[base], fields.get("title", "")))
    missing = [d.id for d in docs if d.id not in ids]
    notes = [
        f"{corpus}: our index holds {len(ids)} of {len(docs)} documents"
        f" ({len(missing)} missing{': ' + ', '.join(missing[:5]) if missing else ''});"
        f" {split} extra articles from split files; {len(retitled)} with another title"
    ]
    for doc_id, want, got in retitled[:5]:
        notes.append(f"    {doc_id}: title {got!r}, collection says {want!r}")
    return notes


@dataclass
class Outcome:
    """One query on one engine."""

    rank: int | None  # 1-based rank of the first correct hit within the top K, else None
    latency_ms: float
    results: list[str]
    mode: str = ""


@dataclass
class Run:
    """All outcomes of one engine on one collection, by set."""

    engine: str
    corpus: str
    index_s: float
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)


def rank_of(results: Sequence[str], targets: Sequence[str]) -> int | None:
    """1-based rank of the first result that is one of ``targets`` (``path#2`` -> ``path``)."""
    for position, doc_id in enumerate(results, 1):
        if doc_id.split("#", 1)[0] in targets:
            return position
    return None


def evaluate(engine, name: str, corpus: str, docs, sets: dict[str, list[Query]]) -> Run:
    """Index (peers) and run every query; time each search in-process."""
    started = time.perf_counter()
    engine.index(docs)
    run = Run(name, corpus, time.perf_counter() - started)
    engine.search("warm up the searcher", K)  # opening files is not query latency
    for set_name, queries in sets.items():
        outcomes = []
        for query in queries:
            t0 = time.perf_counter()
            results = engine.search(query.text, K)
            elapsed_ms = (time.perf_counter() - t0) * 1000
            mode = getattr(engine, "last_mode", "")
            outcomes.append(Outcome(rank_of(results, query.targets), elapsed_ms, results, mode))
        run.outcomes[set_name] = outcomes
    return run


@dataclass(frozen=True)
class Summary:
    """The numbers of one engine on one set."""

    n: int
    success_1: float
    success_10: float
    mrr_10: float
    p50_ms: float
    p90_ms: float
    fallback: float  # share answered by our any-word fallback (0 for the peers)


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    """success@1, success@10, MRR@10 and latency percentiles."""
    n = len(outcomes)
    latencies = sorted(o.latency_ms for o in outcomes)
    return Summary(
        n=n,
        success_1=sum(o.rank == 1 for o in outcomes) / n,
        success_10=sum(o.rank is not None for o in outcomes) / n,
        mrr_10=sum(1 / o.rank for o in outcomes if o.rank) / n,
        p50_ms=statistics.median(latencies),
        p90_ms=latencies[min(n - 1, int(0.9 * n))],
        fallback=sum(o.mode == "any" for o in outcomes) / n,
    )


def format_table(runs: Sequence[Run]) -> str:
    """One markdown table: collection, set, engine and the numbers."""
    lines = [
        "| collection | set | n | engine | success@1 | success@10 | MRR@10 | p50 ms | p90 ms "
        "| any-word |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    corpora = list(dict.fromkeys(r.corpus for r in runs))
    for corpus in corpora:
        for set_name in SET_NAMES:
            for run in (r for r in runs if r.corpus == corpus and set_name in r.outcomes):
                s = summarise(run.outcomes[set_name])
                lines.append(
                    f"| {corpus} | {set_name} | {s.n} | {run.engine} | {s.success_1:.3f} | "
                    f"{s.success_10:.3f} | {s.mrr_10:.3f} | {s.p50_ms:.1f} | {s.p90_ms:.1f} | "
                    f"{f'{s.fallback:.2f}' if run.engine == 'archive' else ''} |"
                )
    return "\n".join(lines)


def print_failures(
    runs: Sequence[Run],
    sets: dict[str, dict[str, list[Query]]],
    docs: dict[str, dict[str, Doc]],
    per_set: int,
) -> str:
    """Queries our engine ranks worse than the best peer does, ``per_set`` per set.

    Losses to a peer come first (they show what a BM25 ranker gets right and we do not),
    then other misses of the top rank.
    """
    lines = []
    for corpus, corpus_sets in sets.items():
        ours = next((r for r in runs if r.corpus == corpus and r.engine == "archive"), None)
        peers = [r for r in runs if r.corpus == corpus and r.engine != "archive"]
        if ours is None:
            continue
        titles = {d.id: d.title for d in docs[corpus].values()}
        for set_name, queries in corpus_sets.items():
            rows = []
            for i, query in enumerate(queries):
                mine = ours.outcomes[set_name][i]
                best = min(
                    ((p.outcomes[set_name][i].rank or 99, p.engine) for p in peers),
                    default=(99, ""),
                )
                if (mine.rank or 99) <= 1:
                    continue
                lost = (mine.rank or 99) > best[0]
                rows.append((not lost, i, query, mine, best))
            rows.sort(key=lambda r: (r[0], r[1]))
            losses = sum(1 for r in rows if not r[0])
            lines.append(
                f"\n## {corpus} / {set_name}: ours misses rank 1 on {len(rows)} of "
                f"{len(queries)}; a peer ranks the story higher on {losses}"
            )
            for _won, _i, query, mine, best in rows[:per_set]:
                peer_rank = best[0] if best[0] < 99 else "-"
                lines.append(
                    f"- q={query.text!r}\n    target {query.target} {titles[query.target]!r}\n"
                    f"    ours rank {mine.rank or '-'} (mode {mine.mode}); best peer "
                    f"{best[1]} rank {peer_rank}"
                )
                for doc_id in mine.results[:3]:
                    title = titles.get(doc_id.split("#", 1)[0], "?")
                    lines.append(f"    ours: {doc_id} {title!r}")
    return "\n".join(lines)


def selected_engines(spec: str) -> list[str]:
    """Engine names from a comma list of names or families (``fts5`` = both FTS5 variants)."""
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    names = [n for n, (family, _f) in ENGINES.items() if n in wanted or family in wanted]
    unknown = [w for w in wanted if w not in ENGINES and w not in {f for f, _ in ENGINES.values()}]
    if unknown:
        raise SystemExit(f"unknown engine(s): {', '.join(unknown)}; known: {', '.join(ENGINES)}")
    return names


def apply_overrides(assignments: Sequence[str]) -> list[str]:
    """Set module constants of our engine for a tuning run: ``search_api.engine.BM25_K1=0.9``.

    Only names that already exist can be set, and values are Python literals, so a typo
    fails loudly instead of measuring the defaults. Returns the assignments, for the report.
    """
    done = []
    for assignment in assignments:
        target, _, raw = assignment.partition("=")
        module_name, _, attr = target.strip().rpartition(".")
        module = importlib.import_module(module_name)
        if not hasattr(module, attr):
            raise SystemExit(f"--set: {module_name} has no {attr}")
        setattr(module, attr, ast.literal_eval(raw.strip()))
        done.append(f"{module_name}.{attr} = {getattr(module, attr)!r}")
    return done


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=DEFAULT_PER_SET, help="queries per set")
    parser.add_argument("--engines", default=",".join(ENGINES), help="names or families")
    parser.add_argument("--corpora", default="reuters,bbc")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rebuild", action="store_true", help="rebuild our indexes")
    parser.add_argument("--examples", type=int, default=10, help="failures shown per set")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=VALUE",
        help="override a constant of our engine for this run (repeatable), e.g. "
        "search_api.engine.BM25_K1=0.9",
    )
    args = parser.parse_args(argv)
    engine_names = selected_engines(args.engines)
    overrides = apply_overrides(args.set)

    runs: list[Run] = []
    all_sets: dict[str, dict[str, list[Query]]] = {}
    all_docs: dict[str, dict[str, Doc]] = {}
    notes: list[str] = [f"override: {o}" for o in overrides]
    for corpus in args.corpora.split(","):
        out = OUT / corpus
        docs = load_corpus(corpus)
        # Sets are always built at full size and then cut, so --limit N runs the same
        # first N queries of every set as a full run.
        sets = build_query_sets(corpus, docs, DEFAULT_PER_SET, args.seed)
        sets = {name: queries[: args.limit] for name, queries in sets.items()}
        for name, queries in sets.items():
            write_queries(OUT / "queries" / f"{corpus}-{name}.jsonl", queries)
        all_sets[corpus] = sets
        all_docs[corpus] = {d.id: d for d in docs}
        groups = len({d.group for d in docs})
        notes.append(f"{corpus}: {len(docs)} documents ({groups} distinct bodies)")
        if "archive" in engine_names:
            ensure_index(corpus, out, rebuild=args.rebuild)
            notes += index_notes(corpus, out, docs)
        for name in engine_names:
            engine = ENGINES[name][1](out)
            run = evaluate(engine, name, corpus, docs, sets)
            print(f"[{corpus}] {name}: indexed in {run.index_s:.1f} s", file=sys.stderr)
            runs.append(run)
            del engine  # peers hold their index in memory

    table = format_table(runs)
    failures = print_failures(runs, all_sets, all_docs, args.examples)
    print("\n".join(notes))
    print()
    print(table)
    print(failures)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last-run.md").write_text(
        "\n".join(notes) + "\n\n" + table + "\n" + failures + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
