"""People's and organisations' names: the rules and word lists entities and quotes share.

Parts:
    word lists (``indexer/data/names.toml``): ``TITLE_WORDS`` (words before a name that are
    not part of it, ``DESCRIPTORS`` included: parties, trades, "the"), ``CUE_WORDS``
    (titles after which a lone word is a surname),
    ``PARTICLES`` ("de", "van", "bin": lower-case words inside a person's name),
    ``NAME_JOINERS`` (particles and "of": inside an organisation's name too),
    ``MONTHS_DAYS``, ``TABLE_WORDS``, ``NOT_A_PERSON``, ``ORG_WORDS``, ``PLACE_WORDS``
    (a name ending in one is a place: "Myra Falls"), ``NOT_IN_NAMES`` (function words no
    name holds: "Under");
    ``LEGAL_FORMS`` ("Inc", "GmbH") and their ``LEGAL_FORM_SPELLINGS``; ``COMPANY_SUFFIX``
    and ``ORG_SUFFIX``, regex alternations of the words that end a company's name ("Inc",
    "Holdings") or an organisation's ("Bank");
    ``clean_person(span)``: a PERSON span -> its name tokens, titles and possessives off;
    ``person_tokens(run)``: the same for a run of capitalised words with titles inside;
    ``link_name(tokens, full_names)``: a mention -> the article's full name it refers to;
    ``name_runs(words)``: the runs of capitalised words (particles inside) of a phrase.

Names are compared with ``indexer.schema.fold``, the index's own folding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from indexer.schema import fold
from indexer.wordlists import word_lists

_WORDS = word_lists("names")
DESCRIPTORS = frozenset(_WORDS["descriptors"])
TITLE_WORDS = frozenset(_WORDS["title_words"]) | DESCRIPTORS
CUE_WORDS = TITLE_WORDS - frozenset(_WORDS["not_cue_words"]) - DESCRIPTORS
PARTICLES = frozenset(_WORDS["particles"])
NAME_JOINERS = PARTICLES | {"of"}
MONTHS_DAYS = frozenset(_WORDS["months_days"])
TABLE_WORDS = frozenset(_WORDS["table_words"])
NOT_A_PERSON = frozenset(_WORDS["not_a_person"])
ORG_WORDS = frozenset(_WORDS["org_words"])
PLACE_WORDS = frozenset(_WORDS["place_words"])
NOT_IN_NAMES = frozenset(_WORDS["not_in_names"])
_NOT_NAME_WORDS = TABLE_WORDS | NOT_IN_NAMES  # no token of a name
LEGAL_FORMS = _WORDS["legal_forms"]
POST_NOMINALS = frozenset(_WORDS["post_nominals"])
# No last token of a name: "Goodyear Tire and Rubber Co", "Myra Falls", "Gary Associates LP".
_NOT_NAME_ENDS = ORG_WORDS | PLACE_WORDS | {f.casefold().replace(".", "") for f in LEGAL_FORMS}
# How legal forms are written: "inc" as "inc", "Inc", "INC"; "GmbH" as "GmbH", "GMBH".
LEGAL_FORM_SPELLINGS = tuple(
    dict.fromkeys(
        spelling
        for form in LEGAL_FORMS
        for spelling in (
            (form, form.capitalize(), form.upper()) if form.islower() else (form, form.upper())
        )
    )
)


def _suffix_alternation(words: Sequence[str]) -> str:
    """A regex alternation of company suffixes, longest first, never before a hyphen.

    A word written in lower case (``names.toml``: "inc", "corp") matches in any case; the
    others as written and in capitals ("Group", "GROUP").
    """
    spellings = {spelling for word in words for spelling in (word, word.upper())}
    ordered = sorted(spellings, key=len, reverse=True)
    alternatives = [f"(?i:{re.escape(w)})" if w.islower() else re.escape(w) for w in ordered]
    return "(?:" + "|".join(alternatives) + ")(?!-)"


# The words that end a company's name (follow them with ``\b``) ...
COMPANY_SUFFIX = _suffix_alternation(LEGAL_FORMS + _WORDS["company_words"])
# ... and any organisation's ("Deutsche Bank"; not used to tell a person from a company).
ORG_SUFFIX = _suffix_alternation(
    LEGAL_FORMS + _WORDS["company_words"] + _WORDS["institution_words"]
)

# Roles only people have, as a regex alternation: a name beside one is a person's
# ("Jorio Dauster, president of ...", "investor Sumner Redstone").
PERSON_ROLES = "|".join(
    re.escape(word) for word in sorted(_WORDS["person_roles"], key=len, reverse=True)
)


@cache
def _given_names() -> frozenset[str]:
    """Given names of many countries, folded: gender-guesser's dictionary (52,720 names
    once folded: "Edouard", "Yasuhiro", "Hafez"), loaded once (0.5 s). German umlauts are kept
    in their written-out forms too ("Jürgen" as "Juergen", as wire copy writes it)."""
    from gender_guesser.detector import Detector

    names = set()
    for name in Detector(case_sensitive=False).names:
        names.add(fold(name))
        for umlaut, spelt in (("ü", "ue"), ("ö", "oe"), ("ä", "ae")):
            if umlaut in name:
                names.add(fold(name.replace(umlaut, spelt)))
    return frozenset(names)


def is_given_name(token: str) -> bool:
    """Whether a name token is a known given name ("Jose", "Jean-Claude" by its first part;
    not an initial, a particle ("de", "van": the dictionary has them), "Credit" or "Probe")."""
    word = token.split("-")[0].rstrip(".")
    return len(word) > 1 and word.casefold() not in PARTICLES and fold(word) in _given_names()


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_NAME_TOKEN = re.compile(r"^(?:[A-Z]|[A-Z]?[a-z]{0,2}'[A-Z]|[a-z]{1,3}-[A-Z])[\w'.-]*$")
_EDGE = " \t\"'“”‘’()[]{},;:!?*"
_SENTENCE_WORD = re.compile(r"^[^\W\d_]*[^\W\d_]{5,}\.$")


_PARTY_STATE = re.compile(r"\(?[DRI]-[A-Z][A-Za-z.]*\)?,?$")
_BANK_WORD_ENDS = tuple(_WORDS["bank_word_ends"])


def is_bank_word(word: str) -> bool:
    """Whether one word is a bank's name by the way it ends ("Volksbank", "Zentralsparkasse")."""
    return word.casefold().endswith(_BANK_WORD_ENDS)


_ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3})$")  # "James Robinson III"
# Title words long enough that a doubled letter leaves them recognisable ("Miniister").
_LONG_TITLES = frozenset(word for word in TITLE_WORDS if len(word) >= 6 and word.isalpha())


@cache
def _misspelt_title(token: str) -> bool:
    """Whether a word is a title typed with one letter twice ("Miniister", "Presidentt").

    Only a doubled letter: one letter changed or dropped makes other words ("Farmer" is
    "former", "Sanger" "singer", "Economic" "economics"), a doubled one rarely does."""
    word = token.rstrip(".").casefold()
    if len(word) < 7 or not word.isalpha() or word in TITLE_WORDS:
        return False
    return any(
        word[i] == word[i - 1] and word[:i] + word[i + 1 :] in _LONG_TITLES
        for i in range(1, len(word))
    )


def clean_person(span: str) -> tuple[str, ...] | None:
    """Clean a PERSON span into name tokens, or ``None`` when nothing name-like is left.

    Drops titles ("President", "Finance Minister", "Mr."), possessives ("Putin's") and
    stray punctuation; a span with digits or lower-case words inside is not a name.

    Args:
        span: the PERSON span as found.

    Returns:
        The name's tokens ("Vladimir", "Putin"), or ``None``.
    """
    text = span.translate(_APOSTROPHES)
    text = re.sub(r"'s\b|(?<=s)'(?=\s|$)", "", text)
    tokens = [tok.strip(_EDGE) for tok in text.split()]
    tokens = [tok for tok in tokens if tok]

    def is_title(tok: str) -> bool:
        return tok.casefold().rstrip(".") in TITLE_WORDS or tok[:1].islower()

    while tokens and (
        (is_title(tokens[0]) and tokens[0].casefold() not in PARTICLES)
        or (len(tokens) > 1 and _misspelt_title(tokens[0]))
    ):
        tokens.pop(0)
    # A span the model ran across a sentence end ("Davies. There") ends there: a word of
    # five letters or more with a full stop is no initial or abbreviation ("John F.", "Gen.").
    for i, tok in enumerate(tokens[:-1]):
        if _SENTENCE_WORD.match(tok) and tok.casefold().rstrip(".") not in TITLE_WORDS:
            tokens = tokens[: i + 1]
            break
    # A US legislator's party and state after the name: "Dan Glickman (D-Kan.)".
    while tokens and _PARTY_STATE.match(tokens[-1]):
        tokens.pop()
    # Letters after the name ("Paul Burstow MP") go; other capitals there end no person's
    # name ("Thorn EMI", "Salvador SHG", "GRAIN RICE"), an initial or "III" apart.
    while len(tokens) > 1 and tokens[-1].isupper() and tokens[-1].casefold() in POST_NOMINALS:
        tokens.pop()
    last = tokens[-1] if len(tokens) > 1 else ""
    if len(last) > 1 and last.isalpha() and last.isupper() and not _ROMAN.match(last):
        return None
    # A trailing full stop is the sentence's, unless the token is an initial ("John F.").
    if tokens and tokens[-1].endswith(".") and len(tokens[-1]) > 2:
        tokens[-1] = tokens[-1].rstrip(".")
    while tokens and (
        (tokens[-1][:1].islower() and not re.match(r"[a-z]{1,3}[-'][A-Z]", tokens[-1]))
        or tokens[-1].casefold() in MONTHS_DAYS
    ):
        tokens.pop()
    if not tokens:
        return None
    for tok in tokens:
        if any(ch.isdigit() for ch in tok) or tok.casefold() in _NOT_NAME_WORDS:
            return None
        if tok.casefold() in PARTICLES:
            continue
        if not _NAME_TOKEN.match(tok):
            return None
    if tokens[-1].casefold().replace(".", "") in _NOT_NAME_ENDS:
        return None  # "Arcalex B.V", "Goodyear Tire and Rubber Co", "Myra Falls"
    if any(is_bank_word(tok) for tok in tokens):
        return None  # "Swiss Volksbank", "Caisse d'Epargne de l'Etat"
    if len(tokens) > 1 and len(tokens[-1]) == 1:
        return None  # a bare letter is no surname: "Annex B", "Beryl B" (an oil field)
    return tuple(tokens)


def person_tokens(run: Sequence[str]) -> tuple[str, ...] | None:
    """A run's name without titles, even inside: "Cooperation Minister Cheikh Hamidou Kane",
    "MSP Karen Whitefield"."""
    words = [w for w in run if not w.endswith("-based")]
    while len(words) > 2 and words[0].isupper() and words[0].isalpha() and len(words[0]) > 1:
        words = words[1:]  # an acronym in front of a name: a title or an employer
    titles = [i for i, w in enumerate(words[:-1]) if w.casefold().rstrip(".") in TITLE_WORDS]
    if titles:
        words = words[titles[-1] + 1 :]
    return clean_person(" ".join(words))


def link_name(tokens: tuple[str, ...], full_names: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The article's full name this mention refers to, or the mention itself.

    A mention is the same person as a longer name that ends with it ("Putin", "Maxime
    Kazagui"); failing that, a one-word mention matches any word of exactly one full name
    ("Deng" -> "Deng Xiaoping", where the family name comes first).
    """
    key = tuple(fold(tok) for tok in tokens)
    longer = [name for name in full_names if len(name) > len(tokens)]
    folded = {name: tuple(fold(tok) for tok in name) for name in longer}
    suffix = [name for name in longer if folded[name][-len(key) :] == key]
    if suffix:
        # Several candidates ("Baker": James and Howard): the first named wins.
        return suffix[0]
    if len(key) == 1:
        anywhere = [name for name in longer if key[0] in folded[name]]
        if len(anywhere) == 1:
            return anywhere[0]
    return tokens


def name_runs(words: Sequence[str], joiners: frozenset[str] = NAME_JOINERS) -> list[list[str]]:
    """The runs of capitalised words (particles allowed inside) of a subject, in order."""
    runs: list[list[str]] = []
    current: list[str] = []
    for word in [*words, ""]:
        bare = word.strip(",.;:()")
        if bare[:1].isupper():
            current.append(bare)
        elif current and bare.casefold() in joiners:
            current.append(bare)
        else:
            while current and current[-1].casefold() in joiners:
                current.pop()
            if current:
                runs.append(current)
            current = []
    return runs
