"""How fast quotation search answers, in-process, on a built index (e.g. the perf index).

Draws quotations from the index's own quotes (seeded) and asks, through ``Engine.quotes``
(no HTTP, no result cache: a fresh engine per kind of query):

- ``phrase``: a quoted run of 4-6 consecutive words of a quotation (what a reporter pastes);
- ``phrase-oldest``: the same, ``sort=oldest`` ("where did it first appear");
- ``words``: the same words without quotation marks;
- ``speaker``: a word of a speaker's name, newest first.

Run (after ``make bench`` built ``bench/out/perf/index-1x-ner``)::

    .venv/bin/python -m bench.quote_latency [--index bench/out/perf/index-1x-ner] [-n 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from indexer import store
from search_api.engine import Engine, QuoteRequest

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INDEX = REPO / "bench" / "out" / "perf" / "index-1x-ner"


def sample_requests(index_dir: Path, n: int, seed: int = 5) -> dict[str, list[QuoteRequest]]:
    """Requests of each kind, drawn from the quotations in the index."""
    from whoosh import index as whoosh_index

    gen = store.current_generation(index_dir)
    if gen is None:
        raise SystemExit(f"no index in {index_dir}: run `make bench` (or build one) first")
    ix = whoosh_index.open_dir(str(gen / store.QUOTES_DIR))
    with ix.searcher() as searcher:
        stored = [f for f in searcher.all_stored_fields() if len(f["body"].split()) >= 6]
    rng = random.Random(seed)
    picks = rng.sample(stored, min(n, len(stored)))
    phrases = []
    for fields in picks:
        words = fields["body"].replace('"', " ").split()
        size = rng.randint(4, 6)
        start = rng.randrange(0, len(words) - size + 1)
        phrases.append(" ".join(words[start : start + size]))
    speakers = [f["speaker"].split()[-1] for f in picks if f.get("speaker")]
    return {
        "phrase": [QuoteRequest(q=f'"{p}"') for p in phrases],
        "phrase-oldest": [QuoteRequest(q=f'"{p}"', sort="oldest") for p in phrases],
        "words": [QuoteRequest(q=p) for p in phrases],
        "speaker": [QuoteRequest(speaker=s) for s in speakers],
    }


def measure(index_dir: Path, requests: list[QuoteRequest]) -> tuple[list[float], int]:
    """Milliseconds per request (first request warms the searcher) and how many found any."""
    engine = Engine(index_dir)
    engine.quotes(QuoteRequest(q="said"))
    times, found = [], 0
    for req in requests:
        began = time.perf_counter()
        resp = engine.quotes(req)
        times.append((time.perf_counter() - began) * 1000)
        found += resp.total > 0
    return times, found


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    parser.add_argument("-n", type=int, default=300, help="quotations to draw")
    args = parser.parse_args(argv)
    meta = store.read_meta(store.current_generation(args.index))
    print(f"index {args.index}: {meta.documents} articles, {meta.quotes} quotations")
    print("| query | n | found | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for kind, requests in sample_requests(args.index, args.n).items():
        times, found = measure(args.index, requests)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"| {kind} | {len(times)} | {found} | {statistics.median(times):.1f} | "
            f"{p95:.1f} | {max(times):.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
