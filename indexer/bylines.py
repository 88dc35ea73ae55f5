"""Bylines -> the people who wrote the article.

A byline is a string as the page or the record gives it: "By Jane Doe and John Roe in
Moscow", "Jane Doe, Political Editor", "JANE DOE | Reuters", "Reporting by Jane Doe;
Editing by John Roe". ``split_byline`` cuts it at its separators (commas, "and", "&", ";",
"|", "/"), drops the "By" in front, what follows "in"/"at"/"from" (a place), job titles,
places, agencies and editors, and keeps the parts that look like a person's name (two to
five capitalised words, particles such as "de" or "van" allowed inside), title-cased when
written in capitals and de-duplicated by the index's own folding (``indexer.schema.fold``).
Word lists are in ``indexer/data/bylines.toml``; ``author_list`` does the same for a
record's own list of names (a newsroom's list, kept as given apart from the "By").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.names import PARTICLES
from indexer.places import canonical_country, is_region_abbreviation, smart_title
from indexer.schema import TAG_SEPARATOR, fold
from indexer.wordlists import word_lists

_WORDS = word_lists("bylines")
TITLE_WORDS = frozenset(_WORDS["title_words"])
NOT_A_PERSON = frozenset(w.replace("_", " ") for w in _WORDS["not_a_person"])
TWO_WORD_PLACES = frozenset(w.replace("_", " ") for w in _WORDS["two_word_places"])
NOT_AUTHOR_PREFIXES = tuple(w.replace("_", " ") for w in _WORDS["not_author_prefixes"])

# Most names a byline is read for: a longer list is a page's list of every writer.
MAX_AUTHORS = 10
MAX_BYLINE_CHARS = 500

_BY = re.compile(
    r"^\s*(?:(?:additional\s+)?(?:written|words|posted|reporting|reported|compiled|story|"
    r"text|report)\s+)?by\b[\s:]*",
    re.I,
)
# "View all posts by Jane Doe", "More stories from Jane Doe": what precedes the name.
_LEAD_IN = re.compile(r"^.*?\b(?:posts|articles|stories|more)\s+(?:by|from)\s+", re.I)
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\S+@\S+|https?://\S+|(?<!\w)@\w+", re.I)
_SEPARATORS = re.compile(r"\s*(?:[,;|/•·\n]|\s(?:and|&|with)\s|\s-\s|\s–\s|\s—\s)\s*", re.I)
_LEADING_AND = re.compile(r"^\s*(?:and|&)\s+", re.I)
# A place or a publication after the name: "in Moscow", "for The Mail on Sunday".
_PLACE_CUT = re.compile(r"\s+(?:in|at|from|for|reporting\s+from)\s+.*$", re.I | re.S)
# A word written as one with inner capitals ("PhillyVoice"): a brand, not a name ("McDonald",
# "MacLeod", "DeShawn" are names: a capital after one to three letters is allowed).
_BRAND = re.compile(r"^[A-Z][a-z]{3,}[A-Z]")
_DIGIT = re.compile(r"\d")
_TOKEN_EDGE = ",:;'\"“”‘’()"


def split_byline(byline: str | None) -> tuple[str, ...]:
    """The people's names of a byline, in the order it gives them.

    >>> split_byline("By Jane Doe and John Roe in Moscow")
    ('Jane Doe', 'John Roe')
    >>> split_byline("Jane Doe, Political Editor")
    ('Jane Doe',)

    Args:
        byline: the byline as written (``None`` or blank: no names).

    Returns:
        The names, de-duplicated (the first spelling kept); ``()`` when no part of it looks
        like a person's name (an agency, "Staff").
    """
    if not byline or not byline.strip():
        return ()
    text = _NOISE.sub(" ", _LEAD_IN.sub("", byline[:MAX_BYLINE_CHARS]))
    names: list[str] = []
    for part in _SEPARATORS.split(text):
        if part.lower().lstrip().startswith(NOT_AUTHOR_PREFIXES):
            continue
        part = _BY.sub("", _LEADING_AND.sub("", part))
        part = _PLACE_CUT.sub("", part).strip(" \t" + _TOKEN_EDGE)
        name = _as_name(part)
        if name:
            names.append(name)
    return _unique(names)


def author_list(values: Iterable[str]) -> tuple[str, ...]:
    """A record's own list of names, kept as given (white space, "By " and commas off)."""
    names = []
    for value in values:
        value = " ".join(_BY.sub("", value).replace(TAG_SEPARATOR, " ").split())
        if value:
            names.append(value)
    return _unique(names)


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(fold(name), name)
    return tuple(seen.values())[:MAX_AUTHORS]


def _word(token: str) -> str:
    """A token without its edge punctuation; a final dot stays on initials ("R.C.", "S.")."""
    word = token.strip(_TOKEN_EDGE)
    if word.endswith(".") and "." not in word[:-1] and len(word) > 3:
        word = word[:-1]  # "Doe." at the end of a sentence
    return word.strip(".") if set(word) <= {"."} else word


def _trim(words: list[str]) -> list[str]:
    """A name followed by its desk or brand ("Adam Aaronson PhillyVoice Staff"): the words
    before the first title, agency or brand word, when two or more are left."""
    for i, word in enumerate(words):
        key = word.lower().replace(".", "")
        if i >= 2 and (key in TITLE_WORDS or key in NOT_A_PERSON or _BRAND.match(word)):
            return words[:i]
    return words


def _as_name(part: str) -> str | None:
    """``part`` as a person's name, or None when it is a title, a place or an agency."""
    words = _trim([w for w in (_word(t) for t in part.split()) if w])
    if not 2 <= len(words) <= 5 or _DIGIT.search(part):
        return None
    if words[0].lower() == "the":
        return None  # "The Planetary Press", "The Local"
    keys = [w.lower().replace(".", "") for w in words]
    if any(k in TITLE_WORDS or k in NOT_A_PERSON for k in keys):
        return None
    joined = " ".join(keys)
    if joined in NOT_A_PERSON or joined in TWO_WORD_PLACES:
        return None
    if any(" ".join(keys[i : i + 2]) in NOT_A_PERSON for i in range(len(keys) - 1)):
        return None
    for word, key in zip(words, keys, strict=True):
        if not word[0].isupper() and key not in PARTICLES:
            return None
        if not any(ch.isalpha() for ch in word) or _BRAND.match(word):
            return None
    name = " ".join(words)
    if canonical_country(name) or is_region_abbreviation(name):
        return None
    if name.isupper():  # "R.C. BAKER" -> "R.C. Baker": initials stay capitals
        name = " ".join(w.upper() if "." in w else w for w in smart_title(name).split())
    return name
