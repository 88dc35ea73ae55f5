"""Related stories (issue 16): how often the related stories are on the article's subject.

Two corpora whose articles carry a gold subject, neither used to write the code:

    Reuters-21578 (../shared/corpora/reuters21578): a related story is on the subject when
    it shares a gold TOPICS label with the article; the sample is drawn from the stories
    that have topics; the stories are indexed with the collection's own PEOPLE/PLACES as
    tags (the tagged export of bench/build_scale.py, so no NER runs);
    BBC News (../shared/corpora/bbc): on the subject when in the same category (the
    folder); people and places come from the indexer's own NER.

For each sampled article, the top ``--limit`` related stories (``search_api.related``,
exactly what ``GET /articles/{id}/related`` answers) are compared with its label: the
score is the share of the ``limit`` slots filled by a story on the subject (an empty slot
counts as a miss). The floor: ``limit`` other articles drawn at random from the index.
Each choice (key-term model, number of key terms, weight of people/places) is one row.
Reuters is measured twice, on a tuning sample (seed 1) and on a disjoint held-out sample
(seed 2); BBC is measured once (seed 1). In-process latency of the default choice is
measured on every index (and on ``--extra-index`` ones, read-only: e.g. the 16x build),
beside a search for each article's title in the same run as the yardstick.

Indexes are built once under ``bench/out/related/`` (gitignored) and reused. Run::

    .venv/bin/python bench/eval_related.py [--sample 500] [--quick]
    .venv/bin/python bench/eval_related.py --latency-only --extra-index INDEX_DIR
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

from bench.build_scale import tagged_records  # noqa: E402
from bench.perf import base_records  # noqa: E402
from bench.reuters import read_stories  # noqa: E402
from indexer import store  # noqa: E402
from indexer.build import build_index  # noqa: E402
from search_api import related as related_module  # noqa: E402
from search_api.engine import Engine, SearchRequest  # noqa: E402
from search_api.postings import GenerationArrays  # noqa: E402
from search_api.query import QueryError  # noqa: E402

OUT = REPO / "bench" / "out" / "related"
BBC = REPO.parent / "shared" / "corpora" / "bbc"
LIMIT = 5
# The choices measured: (model, key terms, weight of people/places[, the largest share of
# the articles a key term may be in]).
CHOICES = [
    ("tfidf", 10, 0.25),
    ("tfidf", 25, 0.0),
    ("tfidf", 25, 0.25),
    ("tfidf", 25, 0.5),
    ("tfidf", 25, 1.0),
    ("tfidf", 25, 3.0),
    ("tfidf", 40, 0.25),
    # Common words left out (a cheaper query on a big archive: fewer, shorter postings).
    ("tfidf", 25, 0.25, 0.10),
    ("tfidf", 25, 0.25, 0.05),
    ("bo1", 25, 0.0),
    ("bo1", 25, 0.25),
    ("bo1", 25, 1.0),
]
QUICK_CHOICES = [("tfidf", 25, 0.25), ("bo1", 25, 0.25)]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_once(name: str, records: list[dict], workers: int = 2) -> Path:
    """The index of ``records`` (one JSONL archive file) in ``OUT/name``, built if absent."""
    root = OUT / name
    index_dir = root / "index"
    if store.current_generation(index_dir) is not None:
        return index_dir
    archive = root / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    with (archive / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    log(f"building {name} ({len(records)} articles) ...")
    started = time.perf_counter()
    report = build_index(archive, index_dir, workers=workers)
    log(f"{name}: built in {time.perf_counter() - started:.0f} s: {report}")
    return index_dir


def reuters_labels() -> tuple[list[dict], dict[str, set[str]]]:
    """The tagged Reuters export and each story's gold topics (by article id)."""
    OUT.mkdir(parents=True, exist_ok=True)
    base = base_records(OUT)
    topics = {f"reuters-{s['newid']}": set(s["topics"]) for s in read_stories()}
    return tagged_records(base), topics


def bbc_records() -> tuple[list[dict], dict[str, set[str]]]:
    """The BBC articles as JSONL records (no tags: NER finds them) and each one's category."""
    records, labels = [], {}
    for path in sorted(BBC.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # sport/199.txt: one Latin-1 pound sign
        title, _, body = text.strip().partition("\n")
        article_id = f"bbc/{path.parent.name}/{path.stem}"
        records.append({"id": article_id, "title": title.strip(), "body": body.strip()})
        labels[article_id] = {path.parent.name}
    return records, labels


class Judge:
    """One index opened as the API opens it, and the gold labels of its articles."""

    def __init__(self, index_dir: Path, labels: dict[str, set[str]] | None = None):
        self.engine = Engine(index_dir)
        self.labels = labels or {}
        opened = self.engine._open()  # noqa: SLF001 (the engine's own searcher and arrays)
        self.searcher = opened.searcher
        self.arrays = self.engine._per_generation(opened, "postings", GenerationArrays)  # noqa: SLF001
        self.frequencies = related_module.DocFrequencies()
        self.ids = [fields["id"] for fields in self.searcher.all_stored_fields()]

    def related_ids(
        self, article_id: str, model: str, terms: int, entity: float, max_df: float | None = None
    ) -> list[str]:
        docnum = self.searcher.document_number(id=article_id)
        stored = related_module.article_from_stored(self.searcher.stored_fields(docnum))
        found = related_module.find_related(
            self.searcher,
            self.arrays,
            docnum,
            stored,
            LIMIT,
            count=terms,
            entity_weight=entity,
            model=model,
            frequencies=self.frequencies,
            max_df_share=max_df,
        )
        return [r.id for r, _ in found]

    def on_subject(self, article_id: str, others: list[str]) -> int:
        mine = self.labels.get(article_id, set())
        return sum(1 for other in others if mine & self.labels.get(other, set()))


def sample(ids: list[str], n: int, seed: int, exclude: set[str] = frozenset()) -> list[str]:
    pool = sorted(set(ids) - set(exclude))
    return random.Random(seed).sample(pool, min(n, len(pool)))


def evaluate(judge: Judge, articles: list[str], choices, seed: int) -> list[dict]:
    """One row per choice, and the random floor."""
    rows = []
    for model, terms, entity, *rest in choices:
        max_df = rest[0] if rest else None
        hits = filled = 0
        started = time.perf_counter()
        for article_id in articles:
            got = judge.related_ids(article_id, model, terms, entity, max_df)
            filled += len(got)
            hits += judge.on_subject(article_id, got)
        ms = (time.perf_counter() - started) * 1000 / max(1, len(articles))
        row = {
            "choice": f"{model}, {terms} terms, people/places x{entity:g}"
            + (f", words in <= {max_df:.0%} of articles" if max_df else ""),
            "on_subject": round(hits / (LIMIT * len(articles)), 3),
            "filled": round(filled / (LIMIT * len(articles)), 3),
            "mean_ms": round(ms, 1),
        }
        log(f"  {row}")
        rows.append(row)
    rng = random.Random(seed)
    hits = 0
    for article_id in articles:
        others = []
        while len(others) < LIMIT:
            other = rng.choice(judge.ids)
            if other != article_id and other not in others:
                others.append(other)
        hits += judge.on_subject(article_id, others)
    rows.append(
        {
            "choice": f"floor: {LIMIT} random articles",
            "on_subject": round(hits / (LIMIT * len(articles)), 3),
            "filled": 1.0,
            "mean_ms": None,
        }
    )
    log(f"  {rows[-1]}")
    return rows


def latency(index_dir: Path, n: int, seed: int = 7) -> dict:
    """In-process ``Engine.related`` (the served path, defaults) over ``n`` random articles,
    and, as the same run's yardstick, ``Engine.search`` for each one's title (a page of 10
    with facets and snippets), alternating: a warm-up pass over other articles first."""
    engine = Engine(index_dir)
    searcher = engine._open().searcher  # noqa: SLF001
    stored = {fields["id"]: fields.get("title") or "" for fields in searcher.all_stored_fields()}
    ids = sorted(stored)
    rng = random.Random(seed)
    for article_id in rng.sample(ids, min(50, len(ids))):
        engine.related(article_id, LIMIT)
        if stored[article_id].strip():
            engine.search(SearchRequest(q=stored[article_id]))
    related_ms, search_ms = [], []
    for article_id in rng.sample(ids, min(n, len(ids))):
        started = time.perf_counter()
        engine.related(article_id, LIMIT)
        related_ms.append((time.perf_counter() - started) * 1000)
        if stored[article_id].strip():
            started = time.perf_counter()
            try:
                engine.search(SearchRequest(q=stored[article_id]))
            except QueryError:
                continue
            search_ms.append((time.perf_counter() - started) * 1000)

    def summary(times: list[float]) -> dict:
        times = sorted(times)
        return {
            "requests": len(times),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
        }

    return {
        "documents": len(ids),
        "related": summary(related_ms),
        "title_search": summary(search_ms),
    }


def ab_terms(index_dir: Path, n: int, counts: list[int], seed: int = 11) -> dict:
    """The cost of the number of key terms: ``find_related`` with each count on the same
    articles, the order of the counts alternating from one article to the next (A B, B A)."""
    judge = Judge(index_dir)
    rng = random.Random(seed)
    times: dict[int, list[float]] = {c: [] for c in counts}
    for i, article_id in enumerate(rng.sample(judge.ids, min(n + 20, len(judge.ids)))):
        order = counts if i % 2 == 0 else counts[::-1]
        for count in order:
            started = time.perf_counter()
            judge.related_ids(article_id, related_module.DEFAULT_MODEL, count, 0.25)
            if i >= 20:  # the first 20: warm-up
                times[count].append((time.perf_counter() - started) * 1000)
    return {
        str(c): {
            "median_ms": round(statistics.median(t), 1),
            "p95_ms": round(sorted(t)[int(0.95 * (len(t) - 1))], 1),
        }
        for c, t in times.items()
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| choice | on subject | slots filled | ms per article |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        ms = "" if r["mean_ms"] is None else f"{r['mean_ms']:.1f}"
        lines.append(f"| {r['choice']} | {r['on_subject']:.3f} | {r['filled']:.3f} | {ms} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=500, help="articles per sample")
    parser.add_argument("--quick", action="store_true", help="two choices only")
    parser.add_argument("--latency", type=int, default=300, help="articles timed per index")
    parser.add_argument(
        "--extra-index",
        type=Path,
        action="append",
        default=[],
        help="another index directory (holding current/) to time, read-only",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only time the --extra-index indexes (no quality rows, nothing built)",
    )
    parser.add_argument("--output", type=Path, default=OUT / "results.json")
    parser.add_argument(
        "--ab-terms",
        type=int,
        nargs="*",
        default=[],
        help="with --latency-only: also time these numbers of key terms against each other",
    )
    args = parser.parse_args(argv)
    if args.latency_only:
        timed = {str(extra): latency(extra, args.latency) for extra in args.extra_index}
        if args.ab_terms:
            for extra in args.extra_index:
                timed[str(extra)]["key_terms_ab"] = ab_terms(extra, args.latency, args.ab_terms)
        print(json.dumps(timed, indent=1))
        return 0
    choices = QUICK_CHOICES if args.quick else CHOICES
    results: dict = {"limit": LIMIT, "sample": args.sample}

    records, topics = reuters_labels()
    reuters = Judge(build_once("reuters", records), topics)
    with_topics = [i for i in reuters.ids if topics.get(i)]
    tuning = sample(with_topics, args.sample, seed=1)
    held_out = sample(with_topics, args.sample, seed=2, exclude=set(tuning))
    log(f"reuters: {len(reuters.ids)} articles, {len(with_topics)} with topics")
    results["reuters_tuning"] = evaluate(reuters, tuning, choices, seed=1)
    results["reuters_held_out"] = evaluate(reuters, held_out, choices, seed=2)

    records, categories = bbc_records()
    bbc = Judge(build_once("bbc", records), categories)
    log(f"bbc: {len(bbc.ids)} articles")
    results["bbc"] = evaluate(bbc, sample(bbc.ids, args.sample, seed=1), choices, seed=1)

    results["latency"] = {
        "reuters": latency(OUT / "reuters" / "index", args.latency),
        "bbc": latency(OUT / "bbc" / "index", args.latency),
    }
    for extra in args.extra_index:
        results["latency"][str(extra)] = latency(extra, args.latency)
    log(json.dumps(results["latency"], indent=1))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    for name in ("reuters_tuning", "reuters_held_out", "bbc"):
        print(f"\n### {name}\n\n{table(results[name])}")
    print(f"\nlatency: {json.dumps(results['latency'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
