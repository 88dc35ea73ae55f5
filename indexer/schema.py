"""The index schema and its analyzer, shared by the indexer and the search API.

Parts:
    ``TOKEN_PATTERN``, ``HyphenFilter`` and ``ApostropheFilter``: the named stages of the
    one analyzer;
    ``news_analyzer()``: the analyzer for indexing *and* querying (tokenise, split
    hyphenated compounds, fold apostrophes, lowercase, fold accents, stem English;
    positions kept, no stop words removed, so phrases match word for word);
    ``build_schema()``: the Whoosh schema of articles; ``build_quote_schema()``: the one of
    quotations (a second index, ``quotes/`` inside each generation); ``SCHEMA_VERSION``:
    bump it whenever a schema or an analyzer stage changes (Whoosh pickles analyzers into
    the index, and the API refuses an index of another version);
    ``fold(text)``: text as the names analyzer folds it, for comparison keys outside the
    index (names, suggestions, spelling).

Analyzer classes live at module level because pickle stores their import path.
"""

from __future__ import annotations

import re
import threading
from functools import cache, lru_cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
    Tokenizer,
)
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.support.charset import accent_map

SCHEMA_VERSION = 6

# A word: a dotted abbreviation ("U.S.", "U.K.") is one, and so is a word with inner
# apostrophes of any style ("Kremlin’s", "don't"), kept whole for ApostropheFilter.
_WORD = r"(?:\w\.){2,}|\w+(?:['’‘ʼ`´]\w+)*"
# Hyphens that join words into a compound: ASCII "-", U+2010 HYPHEN and U+2011
# NON-BREAKING HYPHEN, with a word on both sides. Not between two digits ("2004-05", "3-1"
# are ranges and scores, printed as often with an en dash), and never a dash ("–", "—").
_HYPHEN = r"[\-\u2010\u2011]"
_JOINT = rf"(?:(?<!\d){_HYPHEN}|{_HYPHEN}(?!\d))"
# One token per word or hyphenated compound ("e-mail", "U.S.-led", "mother-in-law's").
TOKEN_PATTERN = re.compile(rf"(?:{_WORD})(?:{_JOINT}(?:{_WORD}))*", re.UNICODE)

_HYPHENS = re.compile(_HYPHEN)
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_POSSESSIVE = re.compile(r"['’‘ʼ`´][sS]$")


class ApostropheFilter(Filter):
    """Folds apostrophe styles and possessives: Kremlin’s = Kremlin's = Kremlin.

    Also joins dotted abbreviations ("U.S." -> "US") so they match the undotted form.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if "." in text:
                text = text.replace(".", "")
            text = _POSSESSIVE.sub("", text)
            t.text = _APOSTROPHES.sub("", text)
            if t.text:
                yield t


class HyphenFilter(Filter):
    """Makes a hyphenated compound match its joined spelling and each of its parts.

    At query time "e-mail" becomes "email". Anywhere else (indexing, and the spelling
    words Whoosh collects without a mode) it becomes "e", "mail" and "email", all at the
    compound's one position, so the words around it keep theirs: the phrase "send email
    now" matches "send e-mail now" as well as "send email now". Each part marks its own
    characters; the joined word marks the whole compound (a snippet marks "e-mail" whole
    for "email"). Runs first, on the text as written, so the offsets are exact.
    """

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if "-" not in text and "\u2010" not in text and "\u2011" not in text:
                yield t
                continue
            parts = _HYPHENS.split(text)
            joined = "".join(parts)
            start = t.startchar if t.chars else 0
            end = t.endchar if t.chars else 0
            if t.mode != "query":
                offset, seen = start, set()
                for part in parts:
                    if part.lower() not in seen:  # "bye-bye": one "bye", not two at one place
                        seen.add(part.lower())
                        t.text = part
                        if t.chars:
                            t.startchar, t.endchar = offset, offset + len(part)
                        yield t
                    offset += len(part) + 1  # every hyphen is one character
            t.text = joined
            if t.chars:
                t.startchar, t.endchar = start, end
            yield t


# The last text the body analyzer indexed and its tokens, per thread: the pairs field is
# indexed right after the body (Whoosh indexes fields in name order) from the same text,
# so it replays these tokens instead of analysing the body a second time.
_LAST = threading.local()


class RecordingTokenizer(RegexTokenizer):
    """``RegexTokenizer`` that hands ``RecordFilter`` the text it is given to index (with
    positions, stemmed: not the spelling words Whoosh then collects unstemmed)."""

    def __call__(self, value, **kwargs):
        recording = (
            kwargs.get("mode") == "index" and kwargs.get("positions") and not kwargs.get("no_morph")
        )
        _LAST.pending = value if recording else None
        return super().__call__(value, **kwargs)


class RecordFilter(Filter):
    """Notes every token (word, position) of a text ``RecordingTokenizer`` was given to
    index; once all are through, they are the last analysis ``PairTokenizer`` replays."""

    def __call__(self, tokens):
        value = getattr(_LAST, "pending", None)
        noted: list[tuple[str, int]] = []
        for t in tokens:
            if value is not None:
                noted.append((t.text, t.pos))
            yield t
        if value is not None:
            _LAST.value, _LAST.tokens = value, noted


def news_analyzer(record: bool = False):
    """The one analyzer used for every text field, at index and at query time.

    ``record``: the body field's copy also notes its tokens for ``PairTokenizer``.
    """
    tokenizer = RecordingTokenizer(TOKEN_PATTERN) if record else RegexTokenizer(TOKEN_PATTERN)
    chain = (
        tokenizer
        | HyphenFilter()
        | ApostropheFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StemFilter(lang="en")
    )
    return chain | RecordFilter() if record else chain


@cache
def pair_words() -> frozenset[str]:
    """The common words (``indexer/data/pairs.toml``) as the analyzer indexes them."""
    from indexer.wordlists import word_lists

    analyzer = news_analyzer()
    return frozenset(t.text for w in word_lists("pairs")["common"] for t in analyzer(w))


def word_pairs(tokens) -> list[tuple[str, int]]:
    """The pairs of adjacent words of which one is common, each at its first word's
    position, from ``(word, position)`` tokens in order (several words can share one
    position: a hyphenated compound's parts and the joined word)."""
    common = pair_words()
    at: dict[int, list[str]] = {}
    for text, pos in tokens:
        at.setdefault(pos, []).append(text)
    out = []
    for pos in sorted(at):
        following = at.get(pos + 1)
        if not following:
            continue
        for first in at[pos]:
            for second in following:
                if first in common or second in common:
                    out.append((f"{first} {second}", pos))
    return out


# The fields whose common-word pairs the index holds, and the field holding them.
PAIR_FIELDS = {"body": "body_pairs"}


def pair_term(first: str, second: str) -> str | None:
    """The pairs field's term for two adjacent indexed words, or None when the index does
    not hold that pair (neither word is common)."""
    common = pair_words()
    if first in common or second in common:
        return f"{first} {second}"
    return None


class PairTokenizer(Tokenizer):
    """The pairs field's analyzer: the common-word pairs (``word_pairs``) of a text, read
    from the body analyzer's notes when it has just analysed the same text, else by
    analysing it."""

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", **kwargs,
    ):  # fmt: skip
        if getattr(_LAST, "value", None) == value:
            tokens = _LAST.tokens
        else:
            tokens = [(t.text, t.pos) for t in news_analyzer()(value, positions=True)]
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in word_pairs(tokens):
            t.text, t.boost, t.stopped = text, 1.0, False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def name_analyzer():
    """Analyzer for people and places: folded like text, but not stemmed (names).

    "Jean-Claude Juncker" is found as ``people:juncker``, ``people:jean-claude``,
    ``people:jeanclaude`` and ``people:claude`` (``HyphenFilter``).
    """
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | HyphenFilter()
        | ApostropheFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
    )


# Separator for the multi-valued exact fields (people_tag, places_tag, authors_tag); names
# never hold it.
TAG_SEPARATOR = ","


def build_schema() -> Schema:
    """The Whoosh schema of the article index.

    Field weights are applied at query time (``search_api.query``), not here, so they can
    be tuned without rebuilding. ``people``/``places`` are searched by any word
    (``people:putin``);
    ``people_tag``/``places_tag`` hold the exact canonical names for filters and facets.
    """
    text = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True, spelling=True),
        body=TEXT(analyzer=news_analyzer(record=True), stored=True, chars=True, spelling=True),
        # Every pair of adjacent body words of which one is common ("in order", "order
        # to"), with positions: exact phrases of common words are matched from these
        # (search_api.postings); never searched or shown otherwise.
        body_pairs=TEXT(analyzer=PairTokenizer()),
        people=TEXT(analyzer=names, spelling=True),
        places=TEXT(analyzer=names, spelling=True),
        people_tag=KEYWORD(stored=True, commas=True, lowercase=False),
        places_tag=KEYWORD(stored=True, commas=True, lowercase=False),
        date=DATETIME(stored=True, sortable=True),
        # 1 when the article has a date: date orders put undated articles last both ways.
        dated=NUMERIC(int, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True),
        url=STORED(),
        # The byline as given; ``authors`` its people's names (``author:doe`` searches them),
        # ``authors_tag`` the exact names and ``section`` the exact section (filters, facets).
        author=TEXT(analyzer=names, stored=True),
        authors=TEXT(analyzer=names),
        authors_tag=KEYWORD(stored=True, commas=True, lowercase=False),
        section=ID(stored=True),
        source=ID(stored=True),
        content_hash=STORED(),
        # [[start, end, text, speaker], ...]: where the body's quotations are (for /search).
        quotes=STORED(),
    )


def build_quote_schema() -> Schema:
    """The Whoosh schema of the quotation index: one record per quotation.

    The text fields follow the article schema on purpose, so that the one query builder
    and the one snippet maker serve both: ``body`` holds the quoted words (the shared
    analyzer: a phrase finds them), ``title`` the article's title; ``speaker`` the
    speaker's name as stored, searchable by any word of it (``speaker=putin``).
    """
    text = news_analyzer()
    names = name_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        article_id=ID(stored=True),
        source=ID(stored=True),
        body=TEXT(analyzer=news_analyzer(record=True), stored=True, chars=True, spelling=True),
        # Every pair of adjacent body words of which one is common ("in order", "order
        # to"), with positions: exact phrases of common words are matched from these
        # (search_api.postings); never searched or shown otherwise.
        body_pairs=TEXT(analyzer=PairTokenizer()),
        speaker=TEXT(analyzer=names, stored=True),
        title=TEXT(analyzer=text, stored=True),
        kind=ID(stored=True),
        date=DATETIME(stored=True, sortable=True),
        dated=NUMERIC(int, sortable=True),
        url=STORED(),
        position=NUMERIC(int, stored=True, sortable=True),
    )


# --- "the same word" outside the index ---------------------------------------------------

_FOLD_ANALYZER = name_analyzer()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """``text`` as the names analyzer sees it: the one definition of "the same word".

    The tokens of ``name_analyzer`` (apostrophes and possessives folded, lower-cased,
    accents folded by Whoosh's ``accent_map``; no stemming), joined by single spaces. It
    folds per token on purpose: the index compares tokens, so whatever separates two
    tokens there (a space, punctuation between words) is one space here, and punctuation
    that is no token is gone. So ``fold("Søren Kierkegaard") == "soren kierkegaard"``,
    ``fold("Łódź") == "lodz"``, ``fold("Kremlin’s") == "kremlin"``, ``fold("U.S.") ==
    fold("US") == "us"`` and ``fold("--") == ""``. Whoosh's table maps "ß" to "s", so
    ``fold("Weiß") == "weis"``. A text is folded whole, so a name of several words keeps
    its word order (and a multi-word key never equals a one-word one).

    Use it for comparison keys (names, suggestions, spelling), never for display, and not
    where character positions in the original text matter: the output is shorter.

    Args:
        text: any text.

    Returns:
        The folded tokens, space-separated; ``""`` when ``text`` holds no word.
    """
    # A hyphenated compound folds to its parts ("Kilroy-Silk" = "Kilroy Silk"): the index
    # holds the parts and the joined word at one position, a key wants one spelling.
    return " ".join(token.text for token in _FOLD_ANALYZER(_HYPHENS.sub(" ", text)))
