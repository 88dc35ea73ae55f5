"""Did-you-mean: a query with its misspelt words replaced by close words of the index.

Parts:
    ``SpellIndex(reader)``: built once per index generation: the frequent words of each
    spelling source (people and places names, the unstemmed title and body words) with
    their document counts, in memory, so one-edit candidates are dictionary look-ups
    instead of a walk over the on-disk lexicon (Whoosh's ``terms_within`` costs 10-45 ms a
    word on Reuters-21578, an edit-distance automaton in pure Python);
    ``suggest_query(searcher, spell, builder, parsed, text)``: the corrected query text, or
    None.

What counts as misspelt: a word the index does not know (any close word will do: the
closest, then the most frequent), and a rare word it does know when a word one edit away
is in ``SUGGEST_RATIO`` times more documents (a typo that made it into a few articles:
"goverment"). Only words in at most ``RARE_WORD_SHARE`` of the documents are checked.
"""

from __future__ import annotations

from indexer.schema import name_analyzer
from search_api.query import STOP_WORDS, ParsedQuery, QueryBuilder

# Words longer than this get no spelling suggestion (edit-distance search cost grows with
# length, and nobody misspells a 40-letter word).
MAX_SUGGEST_WORD_CHARS = 30
# A known word is taken for a typo when a word one edit away is in this many times more
# documents (and the engine checks that the corrected query finds this many times more).
SUGGEST_RATIO = 10
# Known words are checked only when they are in at most this share of the documents (or in
# at most RARE_WORD_MIN_DOCS, in a small archive).
RARE_WORD_SHARE = 0.005
RARE_WORD_MIN_DOCS = 5
# SpellIndex keeps the words in at least this many documents: every candidate a known word
# can get (SUGGEST_RATIO times its own count, at least 1).
FREQUENT_WORD_DOCS = SUGGEST_RATIO
_NAMES = name_analyzer()


def spelling_sources(schema) -> list[str]:
    """The fields whose words a correction may come from, names first."""
    sources = ["people", "places"]
    for f in ("title", "body"):
        obj = schema[f]
        sources.append(obj.spelling_fieldname(f) if obj.separate_spelling() else f)
    return [s for s in sources if s in schema]


class SpellIndex:
    """The frequent words of each spelling source of one generation, with document counts."""

    def __init__(self, reader, min_docs: int = FREQUENT_WORD_DOCS):
        self.words: dict[str, dict[str, int]] = {}
        alphabet: set[str] = set()
        for source in spelling_sources(reader.schema):
            counts = {}
            for term, info in reader.iter_field(source):
                df = info.doc_frequency()
                if df >= min_docs:
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    counts[word] = df
                    alphabet.update(word)
            self.words[source] = counts
        self.alphabet = "".join(sorted(alphabet))

    def one_edit(self, word: str, source: str, min_docs: int) -> list[tuple[str, int]]:
        """Frequent words one edit from ``word`` (the first letter kept), with their counts."""
        counts = self.words.get(source, {})
        found = {}
        for cand in _edits(word, self.alphabet):
            df = counts.get(cand, 0)
            if df >= min_docs:
                found[cand] = df
        return list(found.items())


def _edits(word: str, alphabet: str):
    """Every string one deletion, transposition, substitution or insertion away (not at 0)."""
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for c in alphabet:
                if c != tail[0]:
                    yield head + c + tail[1:]
        for c in alphabet:
            yield head + c + tail


def suggest_query(
    searcher, spell, builder: QueryBuilder, parsed: ParsedQuery, text: str
) -> str | None:
    """A did-you-mean: the query with misspelt words replaced by close index words.

    ``spell`` gives the generation's ``SpellIndex`` when called (built on first need). The
    closest, most frequent word wins, names and words alike.
    """
    reader = searcher.reader()
    rare_below = max(RARE_WORD_MIN_DOCS, int(reader.doc_count() * RARE_WORD_SHARE))
    sources = spelling_sources(searcher.schema)
    changed = text
    any_change = False
    for group in parsed.groups:
        for item in group:
            if item.phrase or item.prefix or item.text.lower() in STOP_WORDS:
                continue
            known = max(
                (
                    reader.doc_frequency(f, t)
                    for f in ("title", "body")
                    for t in builder.tokens(f, item.text)
                ),
                default=0,
            )
            if known > rare_below:
                continue  # a common word (maybe in another form): not misspelt
            for word in builder.tokens("people", item.text):  # folded, unstemmed
                if not 3 <= len(word) <= MAX_SUGGEST_WORD_CHARS:
                    continue
                own = max(reader.doc_frequency(src, word) for src in sources)
                if own and not known:
                    continue  # a name or a word of its own: not misspelt
                replacement = _correction(reader, spell, sources, word, own, known)
                if replacement is None:
                    continue
                span = _word_span(changed, word)
                if span is None:
                    continue
                start, end = span
                if changed[start : start + 1].isupper():
                    replacement = replacement[:1].upper() + replacement[1:]
                changed = changed[:start] + replacement + changed[end:]
                any_change = True
    return changed if any_change else None


def _correction(reader, spell, sources, word: str, own: int, known: int):
    """The best replacement for one word: fewest edits, then most documents; or None."""
    # An unknown word takes any close word; a known one only a far commoner one.
    needed = SUGGEST_RATIO * max(own, known) if known else 1
    best = None
    frequent = spell()
    for src in sources:
        for cand, df in frequent.one_edit(word, src, max(needed, FREQUENT_WORD_DOCS)):
            if best is None or (1, -df) < best[0]:
                best = ((1, -df), cand)
    if best is not None or known:
        # A known word's candidates are all frequent (in the SpellIndex), one edit away.
        return best[1] if best else None
    # An unknown word with no frequent neighbour: rarer words, and two edits for long words.
    for src in sources:
        for maxdist in (1, 2):
            if maxdist == 2 and len(word) < 5:
                break
            found = []
            for w in reader.terms_within(src, word, maxdist, prefix=1):
                w = w.decode("utf-8") if isinstance(w, bytes) else w
                if w != word:
                    found.append((w, reader.doc_frequency(src, w)))
            for cand, df in found:
                if best is None or (maxdist, -df) < best[0]:
                    best = ((maxdist, -df), cand)
            if found:
                break
    return best[1] if best else None


def _word_span(text: str, word: str) -> tuple[int, int] | None:
    """Where in ``text`` the names analyzer finds ``word`` (its characters as typed), or None.

    The analyzer itself says which characters make the word, so "Sørem" and "Łodx" are
    found as "sorem" and "lodx" (accents folded by the index's own table)."""
    for token in _NAMES(text, chars=True, mode="query"):
        if token.text == word:
            return token.startchar, token.endchar
    return None
