"""Completions for a search box: people, places, titles and frequent words for a prefix.

Parts:
    ``NameIndex``: the people and places of one index generation, folded for prefix matching
    and ranked by how many articles carry them (built once per generation);
    ``suggest(searcher, names, text)``: up to ``limit`` completions, names first, then
    titles, then frequent words.

What the user typed is earlier words and a last, unfinished one. Every completion fits the
whole text: a name or title holds the earlier words right before a word starting with the
last one, and a word completes the last one only where it follows the earlier words
somewhere in the archive (a phrase of a title or a body, checked on word positions: "gordon
b" gives "gordon brown", never "gordon because"). No completion ends in a stop word.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from indexer.schema import fold
from search_api.phrase import Phrase
from search_api.query import STOP_WORDS
from search_api.responses import Suggestion

MAX_PREFIX_CHARS = 100
MAX_NAMES = 3
MAX_TITLES = 3
# Prefix expansion for title completions: the most frequent words only (speed).
MAX_TITLE_WORDS = 8
# Words of the vocabulary read for a last word of one or two letters (thousands start with
# "b"): enough to pick frequent words.
MAX_PREFIX_WORDS = 500
# Documents per field read for what follows the earlier words of a prefix (suggest runs on
# every keystroke: bounded work).
MAX_PHRASE_DOCUMENTS = 100
# Characters read after the earlier words for the word that follows them.
MAX_WORD_CHARS = 80


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
        """Names that hold the folded prefix's words in a row, the last one as a prefix.

        "tony bl" finds Tony Blair, "blai" too (a later word), "blair t" does not.
        """
        typed = prefix.split()
        head, last = typed[:-1], typed[-1] if typed else ""
        out = []
        for name, folded, words, _ in self.entries[kind]:
            if folded.startswith(prefix) or _fits_at_later_word(words, head, last):
                out.append(name)
                if len(out) >= limit:
                    break
        return out


def _fits_at_later_word(words: tuple[str, ...], head: list[str], last: str) -> bool:
    n = len(head)
    for start in range(1, len(words) - n):
        if list(words[start : start + n]) == head and words[start + n].startswith(last):
            return True
    return False


def suggest(searcher, names: NameIndex, analyze, text: str, limit: int = 10) -> list[Suggestion]:
    """Completions for what the user has typed so far.

    Args:
        analyze: the body analyzer as a function text -> index terms (for titles and the
            phrase checks).
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
    if not head:
        if len(prefix) >= 3:
            for title in _titles(searcher, analyze, last):
                add(title, "title")
        for word in _completions(searcher.reader(), last):
            if word not in STOP_WORDS:
                add(word, "term")
        return out
    found = _continuations(searcher, [t for w in head for t in analyze(w)], last)
    if len(prefix) >= 3:
        for title in found.titles[:MAX_TITLES]:
            add(title, "title")
    for word in found.words:
        add(" ".join([*head, word]), "term")
    return out


@dataclass
class _Continuations:
    words: list[str]  # that follow the earlier words, most documents first
    titles: list[str]  # whose title holds the whole typed text


def _continuations(searcher, head_terms: list[str], last: str) -> _Continuations:
    """What follows the earlier words in the first documents that hold them.

    The documents holding the earlier words as a phrase are found on the index's word
    positions; the word after each occurrence is read from the stored text (bodies keep
    character offsets, so only that word is read) and folded by the index's own analyzer
    without stemming, as the vocabulary of completions is. At most
    ``MAX_PHRASE_DOCUMENTS`` documents per field are read: bounded work per keystroke.
    """
    if not head_terms:
        return _Continuations([], [])
    analyzer = searcher.schema["body"].analyzer
    docs_with: dict[str, set[tuple[int, int]]] = {}  # word -> (segment, docnum) holding it
    title_hits: list[tuple[str, str]] = []  # (word, title)

    def note(word: str, where: tuple[int, int]) -> None:
        docs_with.setdefault(word, set()).add(where)

    for where, title, ends in _phrase_ends(searcher, "title", head_terms):
        words = {t.pos: t.text for t in _tokens(analyzer, title, no_morph=True)}
        for end in sorted(ends):
            word = words.get(end + 1, "")
            # A title may go on with the typed stop word itself ("gordon be" -> "Gordon Be
            # Good"); a completed word never is one (below).
            if word.startswith(last) and (word not in STOP_WORDS or word == last):
                note(word, where)
                title_hits.append((word, title))
                break
    for where, body, ends in _phrase_ends(searcher, "body", head_terms, chars=True):
        for endchar in ends:
            # The next token of the text is the word at the next position.
            following = body[endchar : endchar + MAX_WORD_CHARS]
            word = next((t.text for t in _tokens(analyzer, following, no_morph=True)), "")
            if word.startswith(last):
                note(word, where)
    ranked = sorted(docs_with, key=lambda w: (-len(docs_with[w]), w))
    rank = {w: n for n, w in enumerate(ranked)}
    titles = [title for _, title in sorted(title_hits, key=lambda hit: rank[hit[0]])]
    return _Continuations([w for w in ranked if w not in STOP_WORDS], titles)


def _tokens(analyzer, text: str, **kwargs):
    # Whoosh reuses one Token object: read its values as they come.
    return (_Token(t.text, t.pos) for t in analyzer(text, positions=True, **kwargs))


@dataclass(frozen=True)
class _Token:
    text: str
    pos: int


def _phrase_ends(searcher, field: str, terms: list[str], chars: bool = False):
    """((segment, docnum), stored text, ends) for the first documents holding ``terms``.

    ``ends`` are the word positions where the phrase ends in the document, or with
    ``chars`` the character offsets where it ends (the field must store them). Matchers
    work per segment; deleted documents are left out by the segment's postings.
    """
    budget = MAX_PHRASE_DOCUMENTS
    for segment, (leaf, _) in enumerate(searcher.leaf_searchers()):
        if any((field, t) not in leaf.reader() for t in terms):
            continue
        query = Phrase(field, terms) if len(terms) > 1 else wq.Term(field, terms[0])
        phrase = query.matcher(leaf)
        last = wq.Term(field, terms[-1]).matcher(leaf) if chars else None
        while phrase.is_active():
            if budget == 0:
                return
            budget -= 1
            docnum = phrase.id()
            ends = {span.end for span in phrase.spans()}
            if last is not None:
                last.skip_to(docnum)
                ends = {ec for pos, _, ec in last.value_as("characters") if pos in ends}
            yield (segment, docnum), leaf.stored_fields(docnum).get(field) or "", ends
            phrase.next()


def _completions(reader, last: str) -> list[str]:
    """Words of titles and bodies starting with ``last``, most frequent first."""
    frequency: dict[str, int] = {}
    for field in ("spell_title", "spell_body"):
        for n, term in enumerate(reader.expand_prefix(field, last)):
            if n >= MAX_PREFIX_WORDS:
                break
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            frequency[word] = frequency.get(word, 0) + reader.doc_frequency(field, term)
    return [w for w, _ in sorted(frequency.items(), key=lambda kv: (-kv[1], kv[0]))]


def _titles(searcher, analyze, last: str) -> list[str]:
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
    results = searcher.search(wq.Or(expanded), limit=MAX_TITLES)
    return [hit["title"] for hit in results]
