"""Completions for a search box: people, places, titles and frequent words for a prefix.

Parts:
    ``NameIndex``: the people and places of one index generation, folded for prefix matching
    and ranked by how many articles carry them (built once per generation);
    ``suggest(searcher, names, text)``: up to ``limit`` completions, names first, then
    titles, then frequent words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from whoosh import query as wq

MAX_PREFIX_CHARS = 100
MAX_NAMES = 3
MAX_TITLES = 3
# Prefix expansion for title completions: the most frequent words only (speed).
MAX_TITLE_WORDS = 8


def fold(text: str) -> str:
    """Lower case without accents: how prefixes are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Suggestion:
    """One completion and where it comes from (title, person, place, term)."""

    text: str
    kind: str


class NameIndex:
    """People and places of one generation, for prefix lookups."""

    def __init__(self, reader):
        self.entries: dict[str, list[tuple[str, str, tuple[str, ...], int]]] = {}
        for kind, field in (("person", "people_tag"), ("place", "places_tag")):
            rows = []
            for term in reader.lexicon(field):
                name = term.decode("utf-8") if isinstance(term, bytes) else term
                folded = fold(name)
                rows.append(
                    (name, folded, tuple(folded.split()), reader.doc_frequency(field, term))
                )
            rows.sort(key=lambda r: -r[3])
            self.entries[kind] = rows

    def lookup(self, kind: str, prefix: str, limit: int) -> list[str]:
        """Names whose folded form, or one of its words, starts with the folded prefix."""
        out = []
        for name, folded, words, _ in self.entries[kind]:
            if folded.startswith(prefix) or any(w.startswith(prefix) for w in words[1:]):
                out.append(name)
                if len(out) >= limit:
                    break
        return out


def suggest(searcher, names: NameIndex, analyze, text: str, limit: int = 10) -> list[Suggestion]:
    """Completions for what the user has typed so far.

    Args:
        analyze: the body analyzer as a function text -> index terms (for the title query).
    """
    prefix = " ".join(fold(text).split())
    if not prefix:
        return []
    out: list[Suggestion] = []
    seen: set[str] = set()

    def add(value: str, kind: str) -> None:
        key = fold(value)
        if key not in seen and len(out) < limit:
            seen.add(key)
            out.append(Suggestion(value, kind))

    for kind in ("person", "place"):
        for name in names.lookup(kind, prefix, MAX_NAMES):
            add(name, kind)
    words = prefix.split()
    last, head = words[-1], words[:-1]
    if len(prefix) >= 3:
        for title in _titles(searcher, analyze, head, last):
            add(title, "title")
    reader = searcher.reader()
    frequency: dict[str, int] = {}
    for field in ("spell_title", "spell_body"):
        for n, term in enumerate(reader.expand_prefix(field, last)):
            if n >= 500:  # a one-letter prefix: enough to pick frequent words
                break
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            frequency[word] = frequency.get(word, 0) + reader.doc_frequency(field, term)
    for word, _ in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0])):
        add(" ".join([*head, word]), "term")
    return out


def _titles(searcher, analyze, head: list[str], last: str) -> list[str]:
    parts: list[wq.Query] = [wq.Term("title", t) for w in head for t in analyze(w)]
    reader = searcher.reader()
    words = list(reader.expand_prefix("spell_title", last))
    if len(words) > MAX_TITLE_WORDS:
        # Keep the words most titles use: completions should lead to many articles.
        words.sort(key=lambda w: -reader.doc_frequency("spell_title", w))
        words = words[:MAX_TITLE_WORDS]
    expanded = [
        wq.Term("title", t)
        for term in words
        for t in analyze(term.decode("utf-8") if isinstance(term, bytes) else term)
    ]
    if not expanded:
        return []
    parts.append(wq.Or(expanded))
    results = searcher.search(wq.And(parts), limit=MAX_TITLES)
    return [hit["title"] for hit in results]
