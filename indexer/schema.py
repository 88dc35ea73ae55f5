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
from functools import lru_cache

from whoosh.analysis import (
    Filter,
    RegexTokenizer,
)
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

# 6: the ``group`` field of both schemas (near-duplicates, indexer/duplicates.py) and the
# quotation index's ``text_key``.
SCHEMA_VERSION = 6

_english_stem = stemmer_for_language("en")  # the stemmer of StemFilter(lang="en")

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
            if text.isalnum():  # most words: no dot, no apostrophe
                yield t
                continue
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
            if text.isalnum() or (
                "-" not in text and "\u2010" not in text and "\u2011" not in text
            ):
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


class FoldFilter(Filter):
    """Lowercases and folds accents: ``LowercaseFilter`` then ``CharsetFilter(accent_map)``
    in one stage, the fold skipped for a lowercased ASCII word (which it would leave as it
    is). A third of the cost of the two stages on news text, the same words."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text.lower()
            if not text.isascii():
                text = text.translate(accent_map)
            t.text = text
            yield t


class EnglishStemFilter(Filter):
    """``StemFilter(lang="en")`` with a plain dict for its cache of stems: Whoosh's LFU
    cache costs about as much per word as the stemming it saves. The same stems; emptied
    when it holds ``STEM_CACHE`` words (a process's vocabulary rarely gets there)."""

    is_morph = True  # skipped where Whoosh asks for words unstemmed (spelling, no_morph)
    STEM_CACHE = 200_000

    def __init__(self):
        self._cache: dict[str, str] = {}
        self.words: set[str] = set()
        self.words_of = None

    def __getstate__(self):
        return {}  # pickled into the index with the schema: no cache, no function

    def __setstate__(self, state):
        self.__init__()

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __hash__(self):
        return hash(self.__class__)

    def __call__(self, tokens):
        cache = self._cache
        # The words of this stream before stemming: the spelling words ``NewsText`` takes
        # instead of analysing the same value a second time.
        words = self.words = set()
        add = words.add
        for t in tokens:
            text = t.text
            add(text)
            stemmed = cache.get(text)
            if stemmed is None:
                if len(cache) >= self.STEM_CACHE:
                    cache.clear()
                stemmed = cache[text] = _english_stem(text)
            t.text = stemmed
            yield t


class NewsText(TEXT):
    """``TEXT`` whose spelling words (``spelling=True``) come from the indexing pass.

    Whoosh indexes a field's value, then analyses the same value again with ``no_morph``
    for the spelling words: the same tokens, unstemmed. ``EnglishStemFilter`` keeps the
    words it saw before stemming, so the second pass is a sorted set instead of a second
    analysis (measured: 1% of a tags-given build's CPU, bench/RESULTS.md). Any other value
    (or an analyzer without that filter) is analysed as Whoosh does it. The same words
    (``tests/test_analysis.py``).
    """

    def _stem_filter(self):
        for item in getattr(self.analyzer, "items", ()):
            if isinstance(item, EnglishStemFilter):
                return item
        return None

    def index(self, value, **kwargs):
        stem = self._stem_filter()
        if stem is not None:
            stem.words_of = None
        yield from super().index(value, **kwargs)
        if stem is not None:
            stem.words_of = value  # every word of ``value`` went through the filter

    def spellable_words(self, value):
        stem = self._stem_filter()
        if stem is not None and stem.words_of is value and not isinstance(value, list | tuple):
            stem.words_of = None
            return iter(sorted(stem.words))
        return super().spellable_words(value)


def news_analyzer():
    """The one analyzer used for every text field, at index and at query time."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | HyphenFilter()
        | ApostropheFilter()
        | FoldFilter()
        | EnglishStemFilter()
    )


def name_analyzer():
    """Analyzer for people and places: folded like text, but not stemmed (names).

    "Jean-Claude Juncker" is found as ``people:juncker``, ``people:jean-claude``,
    ``people:jeanclaude`` and ``people:claude`` (``HyphenFilter``).
    """
    return RegexTokenizer(TOKEN_PATTERN) | HyphenFilter() | ApostropheFilter() | FoldFilter()


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
        title=NewsText(analyzer=text, stored=True, spelling=True),
        body=NewsText(analyzer=text, stored=True, chars=True, spelling=True),
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
        # The article's near-duplicate group (indexer/duplicates.py): one result per group.
        group=NUMERIC(int, bits=64, stored=True, sortable=True),
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
        body=NewsText(analyzer=text, stored=True, chars=True, spelling=True),
        speaker=TEXT(analyzer=names, stored=True),
        title=TEXT(analyzer=text, stored=True),
        kind=ID(stored=True),
        date=DATETIME(stored=True, sortable=True),
        dated=NUMERIC(int, sortable=True),
        url=STORED(),
        position=NUMERIC(int, stored=True, sortable=True),
        # The article's group, and a hash of the folded quoted words: the same quotation in
        # near-duplicate articles shares both (folded into its first appearance).
        group=NUMERIC(int, bits=64, stored=True, sortable=True),
        text_key=NUMERIC(int, bits=64, sortable=True),
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
