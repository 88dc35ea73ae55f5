"""Freshness for ``sort=recent``: one multiplier per document, computed once per generation.

``sort=recent`` ranks by ``score * (floor + (1 - floor) * 2 ** (-age_days / half_life))``:
relevance blended with age, so this year's budget story comes first for "budget" while an
old story that matches far better still wins (the decay never takes more than ``1 -
floor`` of a score). The age is counted from the newest dated article in the index, not
from today: an archive that ends in 1987 is not all "old". Undated articles count as old
(the floor). ``RecencyWeights(reader, half_life_days, floor)`` holds the array
(``weights[docnum]``) that ``search_api.postings.collect`` multiplies every match's score
by before it picks the best, so the whole result set is ranked, not only a head.
"""

from __future__ import annotations

import numpy as np

from search_api.postings import column_values

_MICROSECONDS_A_DAY = 86_400_000_000


class RecencyWeights:
    """The freshness multiplier of every document of one index generation."""

    def __init__(self, reader, half_life_days: float = 365.0, floor: float = 0.5):
        size = reader.doc_count_all()
        ticks = np.zeros(size, dtype=np.float64)
        dated = np.zeros(size, dtype=bool)
        for sub, offset in reader.leaf_readers():
            count = sub.doc_count_all()
            if not count or not sub.has_column("date"):
                continue  # a segment without a dated article has no date column
            values = column_values(sub.column_reader("date", translate=False), count)
            missing = values == np.iinfo(np.uint64).max if values.dtype.kind == "u" else None
            here = np.ones(count, dtype=bool) if missing is None else ~missing
            ticks[offset : offset + count] = np.where(here, values, 0).astype(np.float64)
            dated[offset : offset + count] = here
        self.weights = np.full(size, float(floor), dtype=np.float64)
        if dated.any():
            newest = ticks[dated].max()
            age_days = np.maximum(newest - ticks[dated], 0.0) / _MICROSECONDS_A_DAY
            self.weights[dated] = floor + (1.0 - floor) * np.exp2(-age_days / half_life_days)
