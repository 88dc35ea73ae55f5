"""Measure the newsroom features of issue 15 on Reuters-21578: freshness and latency.

Stages (``--stages``, default all three):

- ``recency``: for topical queries, the share of the top 10 that ``sort=recent`` changes
  against ``relevance`` (and how often the first result changes), at the default half-life
  (365 days) and at 30 days (Reuters spans only Feb-Oct 1987, so a year's half-life moves
  little); and known-item phrase queries (six words quoted from a story's body): is the
  story still first with ``sort=recent``?
- ``latency``: in-process A/B (A B A B, every query once a round), the cost of each
  feature against the same search without it: ``sort=recent``, ``author=``/``section=``
  filters, ``timeline=1``, the country aliases on a query that has one, and every query
  that uses none of them against an engine without the two new facets and the aliases
  (what the search did before);
- ``parts``: what every query pays now: the two new facets counted, the alias lookup while
  planning. The whole search against the code before issue 15 is ``bench/plain_latency.py``
  (one process per version).

The index: Reuters as JSONL (``bench/reuters_to_jsonl.py``'s records), built without NER
(the stories' gold PLACES as places, no people), with a made-up byline and section per
story (a name from fixed lists chosen by the story's number; its first TOPICS code) so that
the author and section facets and filters have values to count; the numbers say what the
features cost, not how good Reuters' metadata is. Built once into
``bench/out/newsroom/`` (about 2 minutes), reused while the schema version holds. Run::

    .venv/bin/python bench/eval_newsroom.py [--stages recency latency] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import DEFAULT_CORPUS, read_stories  # noqa: E402
from bench.reuters_to_jsonl import records  # noqa: E402
from indexer import store  # noqa: E402
from indexer.schema import SCHEMA_VERSION  # noqa: E402
from search_api import facets as facets_module  # noqa: E402
from search_api.engine import Engine, SearchRequest  # noqa: E402
from search_api.synonyms import Synonyms  # noqa: E402

OUT = REPO / "bench" / "out" / "newsroom"
FIRST = "Ann Bo Cy Di Ed Flo Gus Hal Ivy Jo".split()
LAST = "Lee Chan Dale Park Moss Reed Hart Cole Wood Shaw".split()
PLACES = {"usa": "United States", "uk": "United Kingdom", "ussr": "Soviet Union"}
TOPICAL = [
    "oil prices", "interest rates", "coffee", "gold", "trade deficit", "wheat exports",
    "dollar", "bank profits", "earnings", "opec output", "crude oil", "money supply",
    "takeover bid", "merger", "grain", "sugar", "tin", "copper", "bonds", "inflation",
    "unemployment", "budget", "tax", "shipping strike", "stock market", "yen",
    "soybeans", "cocoa", "natural gas", "acquisition",
]  # fmt: skip
LATENCY_QUERIES = TOPICAL[:20] + ['"interest rates"', "oil -opec", "bank OR banks"]
ALIAS_QUERIES = ["uk trade", "us dollar", "britain economy", "america wheat", "usa imports"]


class _NoEntities:
    """Never asked: every record gives its people and places."""

    def extract_many(self, items):  # pragma: no cover - people/places are given
        raise AssertionError("no NER in this benchmark")


class _NoAliases(Engine):
    """The engine without the built-in country aliases (for the A/B)."""

    def _read_synonyms(self) -> Synonyms:
        return Synonyms()


def prepare(corpus: Path) -> Path:
    """The index of Reuters with places, bylines and sections (built once)."""
    index_dir = OUT / "index"
    gen = store.current_generation(index_dir)
    if gen is not None and store.read_meta(gen).schema_version == SCHEMA_VERSION:
        return index_dir
    from indexer.build import build_index

    archive = OUT / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    stories = {f"reuters-{s['newid']}": s for s in read_stories(corpus)}
    with (archive / "reuters.jsonl").open("w", encoding="utf-8") as out:
        for rec in records(stories.values()):
            story = stories[rec["id"]]
            n = story["newid"]
            rec["people"] = []
            rec["places"] = [PLACES.get(p, p.replace("-", " ").title()) for p in story["places"]]
            rec["author"] = f"By {FIRST[n % 10]} {LAST[n // 10 % 10]}"
            if story["topics"]:
                rec["section"] = story["topics"][0].replace("-", " ").title()
            out.write(json.dumps(rec) + "\n")
    started = time.perf_counter()
    build_index(archive, index_dir, extractor=_NoEntities())
    print(f"built {index_dir} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return index_dir


def top(engine: Engine, **params) -> list[str]:
    return [h.id for h in engine.search(SearchRequest(**params)).results]


def recency(index_dir: Path, corpus: Path) -> None:
    print("### sort=recent against relevance (Reuters-21578, dated stories)\n")
    print("| half-life | queries | top 10 changed (mean) | first result changed |")
    print("|---|---|---|---|")
    for half_life in (365.0, 30.0):
        engine = Engine(index_dir, recency_half_life_days=half_life)
        changed, firsts = [], 0
        for q in TOPICAL:
            rel = top(engine, q=q)
            rec = top(engine, q=q, sort="recent")
            if not rel:
                continue
            changed.append(len(set(rel) - set(rec)) / len(rel))
            firsts += rel[0] != rec[0]
        print(
            f"| {half_life:.0f} days | {len(changed)} | {statistics.mean(changed):.0%} | "
            f"{firsts}/{len(changed)} |"
        )
    print()
    stories = [s for s in read_stories(corpus) if s["body"] and s["date"]]
    rng = random.Random(15)
    sample = rng.sample([s for s in stories if len(s["body"].split()) >= 60], 100)
    rows = []
    for half_life in (365.0, 30.0):
        engine = Engine(index_dir, recency_half_life_days=half_life)
        first = {"relevance": set(), "recent": set()}
        in_top10 = {"relevance": 0, "recent": 0}
        for story in sample:
            words = story["body"].split()[20:26]
            q = '"' + " ".join(words) + '"'
            target = f"reuters-{story['newid']}"
            for sort in first:
                got = top(engine, q=q, sort=sort)
                if got[:1] == [target]:
                    first[sort].add(target)
                in_top10[sort] += target in got
        rows.append((half_life, first, in_top10))
    print("### known stories: six words of the body, quoted (100 stories, seed 15)\n")
    print(
        "| half-life | first with relevance | first with recent | first with both | "
        "in the top 10 (relevance / recent) |"
    )
    print("|---|---|---|---|---|")
    for half_life, first, in_top10 in rows:
        both = len(first["relevance"] & first["recent"])
        print(
            f"| {half_life:.0f} days | {len(first['relevance'])}/100 | "
            f"{len(first['recent'])}/100 | {both}/100 | "
            f"{in_top10['relevance']} / {in_top10['recent']} |"
        )
    print()


def _time(engine: Engine, requests: list[SearchRequest]) -> list[float]:
    out = []
    for req in requests:
        started = time.perf_counter()
        engine.search(req)
        out.append((time.perf_counter() - started) * 1000)
    return out


def ab(label: str, a, b, rounds: int) -> list[str]:
    """``a``, ``b``: (engine, requests); the median ms per query of each, A B A B."""
    for engine, requests in (a, b):
        _time(engine, requests)  # warm: per-generation arrays, postings cache
    times_a, times_b, ratios = [], [], []
    for _ in range(rounds):
        ta, tb = _time(*a), _time(*b)
        times_a += ta
        times_b += tb
        ratios.append(sum(tb) / sum(ta))
    ma, mb = statistics.median(times_a), statistics.median(times_b)
    return [label, f"{ma:.2f}", f"{mb:.2f}", f"{statistics.median(ratios):.2f}"]


def latency(index_dir: Path, rounds: int) -> None:
    engine = Engine(index_dir)
    saved = dict(facets_module.FACET_FIELDS)
    try:  # "before": no author/section facets, no aliases
        for name in ("author", "section"):
            del facets_module.FACET_FIELDS[name]
        before = _NoAliases(index_dir)
        before.search(SearchRequest(q="warm"))  # its FacetIndex is built now
    finally:
        facets_module.FACET_FIELDS.clear()
        facets_module.FACET_FIELDS.update(saved)
    no_aliases = _NoAliases(index_dir)
    plain = [SearchRequest(q=q) for q in LATENCY_QUERIES]
    writer = engine.search(SearchRequest(q="oil")).facets["author"][0]["value"]
    rows = [
        ab("queries using none of them: before -> now", (before, plain), (engine, plain), rounds),
        ab(
            "sort=recent vs relevance",
            (engine, plain),
            (engine, [replace(r, sort="recent") for r in plain]),
            rounds,
        ),
        ab(
            f"author={writer} filter vs none",
            (engine, plain),
            (engine, [replace(r, authors=(writer,)) for r in plain]),
            rounds,
        ),
        ab(
            "section=Crude filter vs none",
            (engine, plain),
            (engine, [replace(r, sections=("Crude",)) for r in plain]),
            rounds,
        ),
        ab(
            "timeline=1 vs 0",
            (engine, plain),
            (engine, [replace(r, timeline=True) for r in plain]),
            rounds,
        ),
        ab(
            "a country alias in the query: aliases off -> on",
            (no_aliases, [SearchRequest(q=q) for q in ALIAS_QUERIES]),
            (engine, [SearchRequest(q=q) for q in ALIAS_QUERIES]),
            rounds,
        ),
    ]
    print(f"### latency, in-process, A B A B ({rounds} rounds, median ms per query)\n")
    print("| feature (A -> B) | A ms | B ms | B/A (median of rounds) |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()


def parts(index_dir: Path) -> None:
    """What the features add to every query: the two new facets, the alias lookup."""
    import numpy as np
    from whoosh import index

    from search_api.facets import FacetIndex
    from search_api.query import QueryBuilder, parse_query

    searcher = index.open_dir(str(store.current_generation(index_dir))).searcher()
    reader = searcher.reader()
    full = FacetIndex(reader)
    saved = dict(facets_module.FACET_FIELDS)
    try:
        for name in ("author", "section"):
            del facets_module.FACET_FIELDS[name]
        two = FacetIndex(reader)
    finally:
        facets_module.FACET_FIELDS.clear()
        facets_module.FACET_FIELDS.update(saved)

    def median_ms(run, times: int) -> float:
        out = []
        for _ in range(times):
            started = time.perf_counter()
            run()
            out.append((time.perf_counter() - started) * 1000)
        return statistics.median(out)

    print("### per-query parts, in-process (median ms)\n")
    print("| part | without | with |")
    print("|---|---|---|")
    rng = np.random.default_rng(1)
    for n in (100, 2000, min(19000, reader.doc_count_all())):
        docs = np.sort(rng.choice(reader.doc_count_all(), n, replace=False))
        a = median_ms(lambda docs=docs: two.count(docs, 10), 100)
        b = median_ms(lambda docs=docs: full.count(docs, 10), 100)
        print(
            f"| facets of {n:,} matches: people, places, year (+ author, section) | "
            f"{a:.3f} | {b:.3f} |"
        )
    queries = ["oil prices", "interest rates in japan", "coffee", TOPICAL[-1]]
    plain, aliased = QueryBuilder(searcher), QueryBuilder(searcher, synonyms=Synonyms.builtin())
    a = median_ms(lambda: [plain.plan(parse_query(q)) for q in queries], 200) / len(queries)
    b = median_ms(lambda: [aliased.plan(parse_query(q)) for q in queries], 200) / len(queries)
    print(f"| planning a query without a country name (+ the alias lookup) | {a:.3f} | {b:.3f} |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--stages", nargs="+", default=["recency", "latency", "parts"])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    index_dir = prepare(args.corpus)
    if "recency" in args.stages:
        recency(index_dir, args.corpus)
    if "latency" in args.stages:
        latency(index_dir, args.rounds)
    if "parts" in args.stages:
        parts(index_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
