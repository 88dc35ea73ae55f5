"""The quotation finder's word lists, from ``indexer/data/quotes.toml`` (read once).

Each name is one list of that file; ``QUOTE_VERBS`` are the verbs that report speech
("said", "added", "told", ...): the invertible ones, which may stand before their subject
("…," said Smith), and the others. ``names_someone`` asks whether words hold a speaker.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexer.wordlists import word_lists

_LISTS = word_lists("quotes")

INVERTIBLE = _LISTS["invertible_verbs"]
NOT_INVERTIBLE = _LISTS["not_invertible_verbs"]
QUOTE_VERBS = frozenset(INVERTIBLE + NOT_INVERTIBLE)
PARTICIPLES = frozenset(_LISTS["participles"])
AUXILIARIES = frozenset(_LISTS["auxiliaries"])
BOUNDARY_WORDS = frozenset(_LISTS["boundary_words"])
AFTER_STOP = frozenset(_LISTS["after_stop"])
PRONOUNS_PERSON = frozenset(_LISTS["pronouns_person"])
PRONOUNS_ORG = frozenset(_LISTS["pronouns_org"])
PRONOUNS_NONE = frozenset(_LISTS["pronouns_none"])
INDEFINITE = frozenset(_LISTS["indefinite"])
UNNAMED_HEADS = frozenset(_LISTS["unnamed_heads"])
ABBREVIATIONS = frozenset(_LISTS["abbreviations"])
MEDIA = _LISTS["media"]  # in file order: a regex alternation is built from it
DOCUMENTS = frozenset(_LISTS["documents"]) | frozenset(MEDIA)
PREPOSITIONS = frozenset(_LISTS["prepositions"])
LEADING_NOT_NAME = frozenset(_LISTS["leading_not_name"])
ORG_NOUNS = frozenset(_LISTS["org_nouns"])
PERSON_HEADS = frozenset(_LISTS["person_heads"])
ROLES = frozenset(_LISTS["roles"])
DEMONYMS = frozenset(_LISTS["demonyms"])
# Nouns for someone who can speak ("the spokesman", "detainee 'A'"), as a thing cannot.
SPEAKER_NOUNS = PERSON_HEADS | UNNAMED_HEADS | ROLES | ORG_NOUNS | {"detainee", "prisoner"}


def names_someone(words: Sequence[str]) -> bool:
    """Whether words hold a noun for a speaker ("government spokesman", "one of the
    officials") or a capitalised name, as "the move" or a fragment of a clause does not."""
    for word in words:
        bare = word.strip(",.;:()'’-").casefold()
        if word[:1].isupper() or bare in SPEAKER_NOUNS or bare.rstrip("s") in SPEAKER_NOUNS:
            return True
    return False
