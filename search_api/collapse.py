"""One result per story: near-duplicates collapsed over the ranked candidates.

The indexer gives every article a group (indexer/duplicates.py: the ``group`` column of both
indexes); here each generation's groups are read once into an array (docnum -> a small
group number), and a query's ranked candidates are cut down to the first member of each
group, with numpy (``np.unique`` over the candidates only: the cost grows with the page
depth, not with the number of matches). Counting the groups of all matches (``stories``)
and finding the other members of a page's groups are one vectorised pass over the match
array each, as the facets are.

Parts:
    ``GroupKeys(reader, fields)``: per generation, each document's key (the group, or for
    quotations the group and the folded words' key); a document without one is its own;
    ``first_of_groups(top, keys, need)``: the best-ranked member of each group, in rank
    order, and whether ``need`` groups were found;
    ``members(docnums, keys, chosen, limit)``: the other matching members of each chosen
    document's group;
    ``count_groups(docnums, keys)``: how many groups the matches hold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Candidates fetched per result wanted when collapsing, at first: this many, or twice the
# size of the group an article is in on average, if more (more when they fall short).
CANDIDATE_FACTOR = 3
# Each retry fetches this many times as many candidates.
GROWTH = 4
# Other versions listed per result (the rest are counted in no list: a story republished
# hundreds of times would make every page heavy).
MAX_DUPLICATES = 20


class GroupKeys:
    """Each document's collapse key in one index generation (a small integer).

    Args:
        reader: the generation's reader.
        arrays: its ``search_api.postings.GenerationArrays`` (the raw columns are read there).
        fields: the numeric columns whose values together make the key: ``("group",)`` for
            articles, ``("group", "text_key")`` for quotations.
    """

    def __init__(self, reader, arrays, fields: Sequence[str] = ("group",)):
        size = reader.doc_count_all()
        key = np.zeros(size, dtype=np.int64)
        missing = np.zeros(size, dtype=bool)
        for field in fields:
            if field not in reader.schema:
                missing[:] = True
                continue
            values, absent = arrays.raw_column(reader, field)
            if len(values) != size:  # an empty index
                missing[:] = True
                continue
            # Dense ranks first, so two columns combine into one int64 without overflow.
            ranks = np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
            key = key * (int(ranks.max(initial=0)) + 1) + ranks
            missing |= absent
        # A document without a group (an older record) is a story of its own.
        if missing.any():
            key[missing] = -1 - np.flatnonzero(missing)
        dense = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
        self.keys = dense
        self.count = int(dense.max(initial=-1)) + 1
        # The size of an article's group, on average over articles (not over groups): what
        # a ranked candidate brings along. 16 copies of every story: 16.
        sizes = np.bincount(dense, minlength=self.count).astype(np.float64)
        self.mean_size = float((sizes**2).sum() / sizes.sum()) if len(sizes) else 1.0

    def candidates(self, need: int) -> int:
        """How many ranked candidates to fetch for ``need`` groups at first."""
        return need * max(CANDIDATE_FACTOR, math.ceil(2 * self.mean_size))


def first_of_groups(
    top: list[tuple[int, float | None]], keys: np.ndarray, need: int
) -> tuple[list[tuple[int, float | None]], bool]:
    """The first (best-ranked) member of each group among ranked ``top``, in rank order: at
    most ``need`` of them, and whether there were ``need``."""
    if not top:
        return [], need <= 0
    docs = np.fromiter((d for d, _ in top), dtype=np.int64, count=len(top))
    _, first = np.unique(keys[docs], return_index=True)
    first.sort()
    return [top[i] for i in first[:need].tolist()], len(first) >= need


def members(
    docnums: np.ndarray,
    keys: np.ndarray,
    chosen: Sequence[int],
    limit: int = MAX_DUPLICATES,
    ranked: Sequence[int] = (),
) -> dict[int, list[int]]:
    """The other matching members of each chosen document's group (at most ``limit`` each):
    those in ``ranked`` (the candidates, best first) in that order, then by document
    number."""
    if not len(chosen) or not len(docnums):
        return {d: [] for d in chosen}
    chosen_keys = keys[np.asarray(chosen, dtype=np.int64)]
    matched = np.asarray(docnums, dtype=np.int64)
    inside = matched[np.isin(keys[matched], chosen_keys)]
    rank = {d: i for i, d in enumerate(ranked)}
    by_key: dict[int, list[int]] = {}
    for doc in sorted(inside.tolist(), key=lambda d: (rank.get(d, len(rank)), d)):
        by_key.setdefault(int(keys[doc]), []).append(doc)
    out = {}
    for doc, key in zip(chosen, chosen_keys.tolist(), strict=True):
        out[doc] = [d for d in by_key.get(key, []) if d != doc][:limit]
    return out


def count_groups(docnums: np.ndarray, keys: np.ndarray, size: int) -> int:
    """How many groups the matching documents ``docnums`` hold (``size``: the number of
    groups in the generation)."""
    if not len(docnums):
        return 0
    seen = np.zeros(size, dtype=bool)
    seen[keys[np.asarray(docnums, dtype=np.int64)]] = True
    return int(np.count_nonzero(seen))
