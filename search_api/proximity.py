"""Proximity: the best hits re-ranked so that adjacent query words found close together score more.

``proximity_rerank(searcher, top, pairs)`` reads the positions of the pair words (a plan's
``pairs``) for the given documents only (the posting blocks that hold them), so its cost
does not grow with the result set. Settings (``PROXIMITY_BOOST``, ``PROXIMITY_WINDOW``,
``PROXIMITY_CANDIDATES``) live in ``search_api.query`` with the other ranking settings, where
``bench/eval_ranking.py --set`` can change them.
"""

from __future__ import annotations

from search_api import query as query_module
from search_api.postings import term_values

# Fields whose word positions feed the proximity re-rank.
PROXIMITY_FIELDS = ("body", "title")


def proximity_rerank(
    searcher,
    top: list[tuple[int, float | None]],
    pairs: list[tuple[str, str]],
    boost: float | None = None,
    weights=None,
) -> list[tuple[int, float | None]]:
    """Re-rank the best hits: adjacent query words close together score more.

    Looks in the body and the title. Reads the positions of the pair words for these
    documents only (the posting blocks that hold them), so the cost does not grow with the
    result set. ``weights`` (per document number): the multiplier the scores were given
    (``sort=recent``), applied to the bonus too.
    """
    docs = [d for d, _ in top]
    terms = {t for pair in pairs for t in pair}
    reader = searcher.reader()
    positions: dict[tuple[str, str], dict[int, list[int]]] = {}
    for fname in PROXIMITY_FIELDS:
        for term in terms:
            if (fname, term) in reader:
                positions[(fname, term)] = term_values(reader, fname, term, docs)
    idf = {key: searcher.idf(*key) for key in positions}
    boost = query_module.PROXIMITY_BOOST if boost is None else boost
    window = query_module.PROXIMITY_WINDOW
    out = []
    for d, score in top:
        bonus = 0.0
        for fname in PROXIMITY_FIELDS:
            for a, b in pairs:
                ka, kb = (fname, a), (fname, b)
                pa, pb = positions.get(ka, {}).get(d), positions.get(kb, {}).get(d)
                if pa and pb and _within(pa, pb, window):
                    bonus += boost * (idf[ka] + idf[kb])
        if weights is not None:
            bonus *= float(weights[d])
        out.append((d, (score or 0.0) + bonus))
    out.sort(key=lambda ds: -ds[1])
    return out


def _within(first: list[int], second: list[int], window: int) -> bool:
    """Whether some position in ``second`` follows one in ``first`` by 1..window words."""
    j = 0
    for p in first:
        while j < len(second) and second[j] <= p:
            j += 1
        if j < len(second) and second[j] - p <= window:
            return True
    return False
