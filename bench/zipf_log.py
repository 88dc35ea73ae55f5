"""Request logs for the throughput runs: a Zipf-repeated log and a log of distinct queries.

Parts:
    ``zipf_log(queries, n, s, seed)``: ``n`` requests drawn with probability proportional to
    ``1 / rank**s`` over the queries in a seeded random rank order (a few queries are asked
    very often, most rarely, as in a real search log);
    ``distinct_queries(make, n, seed, exclude)``: ``n`` different queries from a generator
    (each used once, so no result cache can help).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


def zipf_log(queries: Sequence[str], n: int = 2000, s: float = 1.1, seed: int = 0) -> list[str]:
    """``n`` requests drawn Zipf(``s``) over ``queries`` (ranks assigned by a seeded shuffle)."""
    rng = random.Random(seed)
    ranked = list(queries)
    rng.shuffle(ranked)
    weights = [1.0 / (rank**s) for rank in range(1, len(ranked) + 1)]
    return rng.choices(ranked, weights, k=n)


def distinct_queries(
    make: Callable[[random.Random], str],
    n: int = 3000,
    seed: int = 0,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """``n`` different queries from ``make(rng)``, none of them in ``exclude``."""
    rng = random.Random(seed)
    seen: set[str] = set(exclude)
    out: list[str] = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > 50 * n:
            raise ValueError(f"only {len(out)} distinct queries after {attempts} attempts")
        q = make(rng)
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out
