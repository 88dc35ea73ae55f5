"""One page of hits: each result's stored record and its snippet, for articles and quotations.

``page_rows(searcher, top, page, per_page, query, ...)`` cuts the page out of a ranked run,
reads the stored fields of its documents once, and makes the snippets of the documents
whose text matched (``search_api.snippets``: the query's words and phrases, marked); a
document whose text did not match (a filter, a title-only match) gets the opening of its
text. The engine maps each ``Row`` to its response type (``Hit`` or ``QuoteHit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from search_api.query import STOP_WORDS
from search_api.snippets import (
    SNIPPET_CHARS,
    Snippet,
    highlight_parts,
    lead_snippet,
    page_snippets,
)


@dataclass(frozen=True)
class Row:
    """One result of a page: its stored fields, its score and its snippet."""

    docnum: int
    score: float | None
    fields: dict
    snippet: Snippet | None
    snippet_html: str


def page_rows(
    searcher,
    top: list[tuple[int, float | None]],
    page: int,
    per_page: int,
    query,
    *,
    whole_below: int = 0,
    lead_chars: int = SNIPPET_CHARS,
) -> list[Row]:
    """The rows of page ``page`` of ``top`` (``query`` None: no snippets, the openings)."""
    start = (page - 1) * per_page
    chosen = top[start : start + per_page]
    stored = {docnum: searcher.stored_fields(docnum) for docnum, _ in chosen}
    snippets: dict[int, Snippet] = {}
    if query is not None and chosen:
        texts = {d: f.get("body", "") for d, f in stored.items()}
        terms, phrases = highlight_parts(query, STOP_WORDS)
        snippets = page_snippets(
            searcher, list(stored), terms, texts, whole_below=whole_below, phrases=phrases
        )
    rows = []
    for docnum, score in chosen:
        fields = stored[docnum]
        snippet = snippets.get(docnum)
        html = snippet.html if snippet else lead_snippet(fields.get("body", ""), lead_chars)
        score = round(score, 4) if score is not None else None
        rows.append(Row(docnum, score, fields, snippet, html))
    return rows
