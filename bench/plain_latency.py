"""Latency of plain queries (none of issue 15's features) with one checkout's code.

For an A/B of two versions of the code, one process each, run in turn (A B A B)::

    git archive 6c303c7 | tar -x -C /tmp/before      # the code before issue 15
    # build /tmp/before-index with that code from bench/out/newsroom/archive, then:
    python bench/plain_latency.py /tmp/before /tmp/before-index
    python bench/plain_latency.py . bench/out/newsroom/index
    ... (again, twice)

Prints the median, the 90th percentile and the total of three rounds of the queries, in
milliseconds, as one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

QUERIES = [
    "oil prices", "interest rates", "coffee", "gold", "trade deficit", "wheat exports",
    "dollar", "bank profits", "earnings", "opec output", "crude oil", "money supply",
    "takeover bid", "merger", "grain", "sugar", "tin", "copper", "bonds", "inflation",
    '"interest rates"', "oil -opec", "bank OR banks",
    "why did the central bank raise interest rates",
]  # fmt: skip


def main(code: str, index: str, rounds: int = 3) -> None:
    sys.path.insert(0, code)
    from search_api.engine import Engine, SearchRequest

    engine = Engine(index)
    for q in QUERIES:
        engine.search(SearchRequest(q=q))
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            engine.search(SearchRequest(q=q))
            times.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "median": round(statistics.median(times), 2),
                "p90": round(statistics.quantiles(times, n=10)[-1], 2),
                "total": round(sum(times), 1),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
