"""Resolving speakers: a subject's words -> who spoke (a person, an organisation, unnamed).

"he"/"she" is the person the sentence before was about, else the last named speaker; a
name is linked to the article's canonical people (a surname or a titled name to the full
name); "the president" is the person the article called "President X"; "the company" /
"the exchange" the organisation it introduced; an organisation goes by the fullest name
the article gives ("Deutsche Bank AG"); "the statement" speaks for whoever issued it, else
for no one; "a spokesman for the UN force" stays unnamed, in the article's words.

Parts: ``speaker_for(subject, state)``, ``resolve_event`` (a speech verb's speaker,
participles included) and ``remember`` (what "he" and "it" refer to next).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from indexer.names import (
    LEGAL_FORM_SPELLINGS,
    ORG_SUFFIX,
    PARTICLES,
    clean_person,
    link_name,
    name_runs,
    person_tokens,
)
from indexer.places import canonical_country, is_known_place
from indexer.quotes.marks import SENTENCE_END
from indexer.quotes.model import Event, Speaker, State
from indexer.quotes.words import (
    BOUNDARY_WORDS,
    DEMONYMS,
    DOCUMENTS,
    INDEFINITE,
    LEADING_NOT_NAME,
    MEDIA,
    ORG_NOUNS,
    PERSON_HEADS,
    PREPOSITIONS,
    PRONOUNS_NONE,
    PRONOUNS_ORG,
    PRONOUNS_PERSON,
    QUOTE_VERBS,
    ROLES,
    UNNAMED_HEADS,
    names_someone,
)
from indexer.schema import fold

_SHARE = re.compile(r"\b(?:quarter|third|half|thirds|percent|per cent|pct)\b|%", re.I)
_DOCUMENT_BY = re.compile(
    r"(?:the|a|an)\s+(?:\w+\s+)?(?:statement|report|ruling|letter|lawsuit|study|survey|"
    r"document|decision|judgment|judgement|release)\s+(?:by|from|of)\s+(.+)",
    re.I,
)
_COMPANY_SUFFIXES = tuple(" " + form for form in LEGAL_FORM_SPELLINGS)
# "Brian Welch", "Brian 'Head' Welch" (a nickname, kept: it is how the article names him).
_FIRST_NAME_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+)(\s+['‘][A-Z][\w-]*['’])?\s+$")
_AGE = re.compile(r"\d{1,3}-year-old")
# The rest of an organisation's name after its first words: "Deutsche" + " Bank AG". Not
# after "of": "Bob Hart of Hart Securities" is a person and his employer.
_ORG_TAIL = re.compile(rf"(?!\s+of\b)(?:\s+(?:[A-Z][\w.&'’-]*|and|of|&)){{0,4}}\s+{ORG_SUFFIX}\b")
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
# A paper's own name after its noun: "the Kuwait daily al-Qabas".
_ARABIC_TITLE = r"(?:al|el|an|ar|as|ad)-[A-Z][\w'’-]*"  # "al-Qabas": a paper keeps its "al-"
_MEDIA_NAME_AFTER = re.compile(rf"\s+(?:{_NAME}|{_ARABIC_TITLE})")
_ORG_NOUNS = "|".join(sorted(ORG_NOUNS))
_SPEECH_VERBS = "|".join(sorted(QUOTE_VERBS, key=len, reverse=True))


def remember(state: State, speaker: Speaker) -> None:
    """Keep ``speaker`` as whom "he"/"she" (a person) or "it" (an organisation) means next."""
    if speaker.kind == "person" or _singular_person(speaker):
        state.last_person = speaker
    elif speaker.kind == "org":
        state.last_org = speaker


def _singular_person(speaker: Speaker) -> bool:
    """An unnamed speaker "he" can refer to: "a spokesman for the ministry"."""
    if speaker.kind != "unnamed":
        return False
    words = speaker.name.split()
    head = next(
        (
            w
            for i, w in enumerate(words)
            if i + 1 == len(words) or words[i + 1] in ("for", "at", "of", "from", "with")
        ),
        words[-1],
    )
    return words[0].casefold() in {"a", "an", "one", "the"} and head.casefold() in PERSON_HEADS


def _previous_subject(state: State) -> Speaker | None:
    """The person opening the sentence before the pronoun's: "Swank paid tribute to
    Eastwood. “…,” she said." (a sentence that opens with a quotation opens with no one)."""
    text = state.text[: state.upto]
    ends = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
    if len(ends) < 2:
        return None
    sentence = text[ends[-2] : ends[-1]].split()
    run = list(itertools.takewhile(lambda w: w[:1].isupper(), sentence[:5]))
    tokens = person_tokens([w.strip(",.;:") for w in run]) if run else None
    if not tokens:
        return None
    linked = _link(tokens, state)
    return Speaker(linked, "person") if linked else None


def _last_mentioned(state: State) -> Speaker | None:
    """For "he" before anyone spoke: the first person named in the latest sentence that
    names one (the sentence's subject, as a rule: "Reagan defended Shultz. He said: …"),
    passing over sentences whose subject is itself "he" or "she"."""
    text = state.text[: state.upto]
    sentences = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
    for begin in reversed(sentences):
        chunk = text[begin:]
        if chunk.split(maxsplit=1)[:1] in (["He"], ["She"]):
            text = text[:begin]
            continue  # "He defended Shultz": the subject is further back
        found = [(m.start(), name) for name in state.people for m in _mention(name).finditer(chunk)]
        lead = len(chunk) - len(chunk.lstrip())
        if found and chunk.startswith("The ", lead) and min(found)[0] - lead > 40:
            # "The world number one was forced … against Ivan Ljubicic": a description is
            # the subject, the person named is the object; the subject is further back.
            text = text[:begin]
            continue
        if found:
            return Speaker(" ".join(min(found)[1]), "person")
        text = text[:begin]
    return None


_GROUP = re.compile(
    r"\b(?:(?:[Tt]he|[Ss]ome|[Tt]wo|[Tt]hree|[Ss]everal)\s+)?(?P<g>(?:[A-Z][\w.'’-]*\s+)?"
    r"(?:[a-z][\w'’-]*\s+){0,2}(?:sources|officials|analysts|diplomats|dealers|traders|"
    r"economists|executives|bankers))\b"
)


def _last_group(state: State) -> str | None:
    """The group "one" said is one of: the last plural unnamed speakers the article named
    ("Western diplomatic sources were more blunt. “…,” one said")."""
    found = list(_GROUP.finditer(state.text, 0, state.upto))
    if not found:
        return None
    words = found[-1].group("g").split()
    if words[0].casefold() in LEADING_NOT_NAME | BOUNDARY_WORDS:
        words = words[1:]
    return " ".join(words) if words else None


def _mention(name: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name[-1])}\b")


def resolve_event(event: Event, events: Sequence[Event], state: State) -> Speaker | None:
    """The speaker of one speech verb: its subject's, or a participle's finite verb's."""
    subject = event.subject
    if event.participle:
        # "…, adding: “…”": the subject of the last finite verb before it in its sentence,
        # else the sentence's own subject ("Brask defended it, saying"), else the last
        # finite verb's before it.
        finite = [e for e in events if e.end <= event.start and not e.participle]
        if finite and finite[-1].start >= event.sentence:
            return finite[-1].speaker
        own = speaker_for(subject, state) if subject else None
        if own is not None and own.kind in ("person", "org"):
            return own
        return finite[-1].speaker if finite else None
    if not subject:
        return None
    return speaker_for(subject, state)


def speaker_for(subject: str, state: State) -> Speaker | None:
    """The speaker a subject names, marked with how it was found (``via``)."""
    found = _speaker_of(subject, state)
    if found is not None and found.kind == "org":
        found = replace(found, name=_expand_acronym(found.name, state))
    if found is not None and found.kind == "person" and " " not in found.name:
        # A peer known by the title alone: "Lord Moynihan", not the bare "Moynihan"; a
        # royal by the place: "Princess Marguerite of Romania" -> "Marguerite of Romania".
        name = re.escape(found.name)
        peer = re.search(rf"\b(?:Lord|Lady|Baroness|Baron)\s+{name}\b", state.text)
        royal = re.search(
            rf"\b(?:Prince|Princess|King|Queen|Duke|Duchess)\s+(?P<n>{name}\s+of\s+[A-Z]\w+)",
            state.text,
        )
        if peer or royal:
            found = replace(
                found, name=" ".join((royal.group("n") if royal else peer.group(0)).split())
            )
    if found is None or found.via:
        return found
    return replace(found, via=found.kind)


def _expand_acronym(name: str, state: State) -> str:
    """ "the IMF" -> "the International Monetary Fund" where the article introduced the
    name with its abbreviation: "the International Monetary Fund (IMF)"."""
    bare = name[4:] if name.startswith(("the ", "The ")) else name
    if not (1 < len(bare) <= 8 and bare.replace(".", "").isalpha() and bare.isupper()):
        return name
    spelled = re.search(
        rf"(?P<full>[A-Z][\w'’&.-]*(?:\s+(?:of|and|for|on|the|&|[A-Z][\w'’&.-]*)){{1,7}})"
        rf"\s+\({re.escape(bare)}\)",
        state.text,
    )
    if not spelled:
        return _spelled_by_initials(name, bare, state)
    full = re.split(r"\.\s+", spelled.group("full"))[-1]  # not from "the US. The …"
    if full.startswith("The "):
        full = full[4:]
    before = state.text[max(0, spelled.start() - 4) : spelled.start()]
    return f"the {full}" if before.casefold().endswith("the ") else full


_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’&-]*(?:\s+(?:of|and|for|on|the|&|[A-Z][\w'’&-]*)){1,7}")
_INITIALS_SKIP = {"of", "and", "for", "on", "the", "&"}


def _spelled_by_initials(name: str, bare: str, state: State) -> str:
    """ "the CFTC" -> "the Commodity Futures Trading Commission": a run of capitalised
    words in the article whose initials spell the abbreviation (no "(CFTC)" needed)."""
    letters = bare.replace(".", "")
    if len(letters) < 3:
        return name
    for match in _CAPITALISED_RUN.finditer(state.text):
        words = match.group(0).split()
        if words[0] == "The":
            words = words[1:]
        while words and words[-1] in _INITIALS_SKIP:
            words.pop()
        initials = "".join(w[0] for w in words if w not in _INITIALS_SKIP)
        if initials == letters:
            full = " ".join(words)
            return f"the {full}" if name[:4].casefold() == "the " else full
    return name


def _speaker_of(subject: str, state: State) -> Speaker | None:
    words = subject.strip(" ,.;:").split()
    if not words:
        return None
    first = words[0].casefold()
    if len(words) == 1 and first in PRONOUNS_PERSON:
        found = _previous_subject(state) or state.last_person or _last_mentioned(state)
        return replace(found, via="pronoun") if found else None
    if len(words) == 1 and first == "one" and (group := _last_group(state)):
        return Speaker(group, "unnamed")  # "Western diplomatic sources …" "…," one said
    if len(words) == 1 and first in PRONOUNS_ORG:
        return replace(state.last_org, via="pronoun") if state.last_org else None
    if first in PRONOUNS_NONE or first in PRONOUNS_PERSON | PRONOUNS_ORG:
        return None
    named_last = words[-1][:1].isupper()
    agent = _DOCUMENT_BY.match(" ".join(words))
    if agent:  # "the ruling by the U.S. Court of Appeals" -> the court
        return speaker_for(agent.group(1), state)
    if first in ("the", "a", "an", "its", "his", "her", "their") and len(words) <= 4:
        if words[-1].casefold().strip("-") in DOCUMENTS:
            # "the statement said": a document speaks for whoever issued it.
            issuer = _issuer(words[-1].casefold(), state)
            return replace(issuer, via="document") if issuer else None
    if _SHARE.search(" ".join(words)):
        return None  # "around one quarter said": a survey's answers, not a speaker
    if len(words) == 2 and first == "the" and _AGE.fullmatch(words[1]):
        found = state.last_person or _last_mentioned(state)  # "the 28-year-old said"
        return replace(found, via="pronoun") if found else None
    if first == "the" and _demonym(words[1:]):
        found = state.last_person or _last_mentioned(state)  # "said the New Zealander"
        return replace(found, via="pronoun") if found else None
    if first == "the" and not (len(words) > 2 and not words[1][:1].isupper() and named_last):
        head = words[1] if len(words) > 1 else ""
        if (referent := _by_role(words, state)) is not None:
            return replace(referent, via="role")
        if head[:1].isupper() and named_last:
            return Speaker(_lower_first(words), "org")  # "the Kremlin", not "the IMF team"
        return Speaker(_fuller(_lower_first(words), state), "unnamed")  # "the spokesman"
    if (
        len(words) > 1
        and words[-1].isalpha()
        and words[-1].islower()
        and first != "the"
        and not PREPOSITIONS & {w.casefold() for w in words}
        and (first in INDEFINITE or names_someone(words))  # not "uses the system"
    ):
        return Speaker(_lower_first(words), "unnamed")  # "Finance Ministry sources"
    if first[:1].islower() and first not in INDEFINITE and not names_someone(words):
        return None  # "issue farm securities for resale to investors--": a fragment
    if first in INDEFINITE or (first[:1].islower() and not name_runs(words)):
        return Speaker(_lower_first(words), "unnamed")
    if first[:1].islower() and _names_only_after_preposition(words):
        return Speaker(" ".join(words), "unnamed")  # "detainee 'A' in Woodhill Prison"
    if first in UNNAMED_HEADS and words[0][:1].isupper():
        return Speaker(_lower_first(words), "unnamed")  # "Analysts said"
    runs = name_runs(words, joiners=PARTICLES)
    if not runs:
        return None
    found = [(run, person_tokens(run)) for run in runs]
    for _, tokens in reversed(found):
        if tokens and (linked := _link(tokens, state)):
            return Speaker(linked, "person", "linked")
    # Not one of the article's people: a name the model missed ("Arsenal manager Arsene
    # Wenger", "Mr Smith"), else an organisation ("Chrysler", "Reuters").
    # The head of a subject comes last: "U.S. West vice president Jim Anderson".
    for run, tokens in reversed(found):
        if tokens and len(tokens) == 1 and len(run) > 1 and (full := _full_name(tokens[0], state)):
            return Speaker(full, "person")  # "Mr Llwyd" -> "Elfyn Llwyd"
        if tokens and (len(tokens) >= 2 or len(tokens) < len(run)):
            name = " ".join(tokens)
            if len(tokens) == 2 and (full := _full_name(name, state)):
                return Speaker(full, "person")  # "Febres Cordero" -> "Leon Febres Cordero"
            if _full_org(name, state) != name:
                return Speaker(_full_org(name, state), "org")  # "Carolina Power"
            return Speaker(name, "person")
    for _, tokens in found:
        if tokens and len(tokens) == 1 and (full := _full_name(tokens[0], state)):
            return Speaker(full, "person")  # "said Dent" -> "Taylor Dent" named earlier
    if first == "the":  # "the remaining members of Korn"
        return Speaker(_lower_first(words), "unnamed")
    runs = name_runs(words)  # "Bank of England"
    lead = runs[0] if words[0][:1].isupper() else runs[-1]
    name = " ".join(w for w in lead if not w.endswith("-based")) or lead[-1]
    return Speaker(_full_org(name, state), "org")


def _demonym(words: Sequence[str]) -> bool:
    """Whether capitalised words name a person by nationality: "Scot", "New Zealander"
    (a known country or city and "-er")."""
    if not words or not all(w[:1].isupper() for w in words) or len(words) > 3:
        return False
    if len(words) == 1 and words[0].casefold() in DEMONYMS:
        return True
    place = " ".join(words)
    if not place.endswith("er") or len(place) < 6:
        return False
    place = place[:-2]
    return canonical_country(place) is not None or is_known_place(place)


def _names_only_after_preposition(words: Sequence[str]) -> bool:
    """Whether every capitalised word of a subject follows an "in"/"at"/"of": the head
    before is a description, the name a place or employer ("detainee 'A' in Woodhill
    Prison"), unlike "analyst Bob Hart of Hart Securities"."""
    seen_preposition = False
    for word in words:
        if word.casefold() in ("in", "at", "from", "of", "for"):
            seen_preposition = True
        elif word[:1].isupper() and not seen_preposition:
            return False
    return seen_preposition


def _issuer(noun: str, state: State) -> Speaker | None:
    """Who issued "the statement" (the newspaper "the paper" is): named earlier, or None."""
    text = state.text[: state.upto]
    if noun in MEDIA:
        named = re.compile(
            rf"\b(?:{'|'.join(MEDIA)})\s+(?P<a>{_NAME}|{_ARABIC_TITLE})"
            rf"|(?P<b>{_NAME})\s+(?P<noun>(?i:{noun}))\b",
        )
        for match in named.finditer(text):
            name = match.group("a") or match.group("b")
            if match.group("b") and match.group("noun").islower():
                # "the Kuwait daily al-Qabas": the paper's own name comes after the noun.
                own = _MEDIA_NAME_AFTER.match(text, match.end())
                if own and own.group(0).split()[0].casefold() not in LEADING_NOT_NAME:
                    return Speaker(own.group(0).strip(), "org")
            if name and name.split()[0].casefold() not in LEADING_NOT_NAME | {"the", "a"}:
                if match.group("b") and match.group("noun")[:1].isupper():
                    name = f"{name} {match.group('noun')}"  # "Tehran Radio": part of the name
                return Speaker(name, "org")
        return None
    said_in = re.compile(
        rf"(?P<x>(?:[A-Z][\w.&'’-]*\s+){{0,4}}[A-Z][\w.&'’-]*|\b[Tt]he\s+(?:{_ORG_NOUNS}))>?"
        rf"\s+(?:said|says)\s+in\s+an?\s+"
        rf"(?:\w+\s+){{0,2}}{noun}|\ban?\s+(?:\w+\s+){{0,2}}{noun}\s+(?:from|by|issued by)\s+"
        rf"(?P<y>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){{0,4}})"
    )
    found = list(said_in.finditer(text))
    if not found:
        return None
    subject = found[-1].group("x") or found[-1].group("y")
    speaker = _speaker_of(subject.lstrip("<"), state)
    return speaker if speaker is not None and speaker.kind != "unnamed" else None


def _full_org(name: str, state: State) -> str:
    """A company's name as the article introduces it: "Deutsche" -> "Deutsche Bank AG"."""
    if name.endswith(_COMPANY_SUFFIXES):
        return name
    for at in _occurrences(state.text, name):
        tail = _ORG_TAIL.match(state.text, at + len(name))
        if tail:
            return " ".join((name + tail.group(0)).split())
    return name


def _occurrences(text: str, word: str):
    """Where ``word`` stands in ``text`` as a whole word (str.find: no regex to compile)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            yield at
        at = text.find(word, at + 1)


def _link(tokens: tuple[str, ...], state: State) -> str | None:
    """The article's canonical name for these name tokens, or None."""
    for k in range(len(tokens)):  # "Californian Thomas Slattery" -> "Thomas Slattery"
        linked = link_name(tokens[k:], state.people)
        canonical = state.folded.get(fold(" ".join(linked)))
        if canonical is not None and k > 0 and fold(" ".join(tokens[:k])) in state.folded:
            return " ".join(tokens)  # the model split one name: "Ali Akbar" + "Hashemi Rafsanjani"
        if canonical is not None:
            linked = canonical  # the article's spelling of the name, not the mention's
            if (
                len(linked) > 2
                and linked[0].isupper()
                and linked[0].isalpha()
                and len(linked[0]) > 1
            ):
                linked = linked[1:]  # the model's "MSP Karen Whitefield"
            return " ".join(linked)
    return None


def _full_name(surname: str, state: State) -> str | None:
    """The body's "First Surname" for a surname the model did not tag, if it has one."""
    for at in _occurrences(state.text[: state.upto], surname):
        first = _FIRST_NAME_BEFORE.search(state.text, max(0, at - 40), at)
        if first and first.group(1).casefold() in LEADING_NOT_NAME | BOUNDARY_WORDS:
            continue  # "But Deutsche Boerse"
        tokens = clean_person(f"{first.group(1)} {surname}") if first else None
        if tokens and len(tokens) == len(surname.split()) + 1:
            nickname = first.group(2)
            return f"{tokens[0]} {nickname.strip()} {tokens[1]}" if nickname else " ".join(tokens)
    return None


def _by_role(words: Sequence[str], state: State) -> Speaker | None:
    """ "the president" -> the person the article earlier called "President Saakashvili"."""
    role = words[-1].casefold()
    if len(words) == 2 and role in ORG_NOUNS:
        return _by_org_noun(role, state)
    # "the president", "the foreign secretary"; "the Liberal Democrat leader" (a party or
    # an organisation before the role).
    capitalised = not all(w.islower() for w in words[1:])
    if (
        len(words) > (5 if capitalised else 3)
        or role not in ROLES | PERSON_HEADS
        or not words[-1].islower()
        or (capitalised and (role not in ROLES or not all(w[:1].isupper() for w in words[1:-1])))
    ):
        return None
    # "Smith, the club's spokesman, said" pairs a name with the role; "… Smith, a club
    # spokesman said" is the spokesman's attribution of words about Smith.
    pattern = re.compile(
        rf"\b(?i:{re.escape(role)})\s+(?P<a>{_NAME})|(?P<b>{_NAME}),\s+(?:\w+\s+){{0,3}}"
        rf"(?i:{re.escape(role)})\b(?!\s+(?:{_SPEECH_VERBS})\b)"
    )
    matches = list(pattern.finditer(state.text, 0, state.upto))
    for match in reversed(matches):
        tokens = clean_person(match.group("a") or match.group("b"))
        if tokens and (linked := _link(tokens, state)):
            return Speaker(linked, "person")
        if tokens and len(tokens) >= 2:
            return Speaker(" ".join(tokens), "person")
    # "a company spokesman said …" … "the spokesman told Reuters": the first description.
    introduced = re.compile(
        # Not across a sentence's end: "… a priority. The minister" is no description.
        rf"\b(?:[Aa]n?|[Oo]ne)\s+(?:(?!(?:of|the|The|to|and|in|on)\b)(?![\w'’-]{{4,}}\.\s)"
        rf"[\w.'’-]+\s+){{0,4}}?"
        rf"{re.escape(role)}\b"
        r"(?:\s+(?:for|at|of|from)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}"
        r"(?:\s+of\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?)?"
    )
    found = list(introduced.finditer(state.text, 0, state.upto))
    if found:
        words = found[-1].group(0).split()
        if words[-1].endswith(".") and "." not in words[-1][:-1]:
            words[-1] = words[-1][:-1]  # the sentence's full stop, not "U.S."
        return Speaker(_lower_first(words), "unnamed")
    if role in ROLES and role not in PERSON_HEADS:
        # "the minister" where the article never wrote "Minister X": the person who spoke
        # last, else the article's first-named person ("the Trade and Industry Secretary
        # has said" ... "Patricia Hewitt said").
        if state.last_person is not None and state.last_person.kind == "person":
            return state.last_person
        if state.first_person is not None:
            return Speaker(state.first_person, "person")
    return None


def _by_org_noun(noun: str, state: State) -> Speaker | None:
    """ "the exchange" -> "the New York Stock Exchange"; "the consortium" -> "the Airbus
    Industrie consortium"; "the company" -> "Walbro Corp" (the first the article names)."""
    named = re.compile(rf"\b(?:[A-Z][\w&'’-]*\s+){{1,5}}(?i:{noun})\b")
    for first in named.finditer(state.text, 0, state.upto):
        words = first.group(0).split()
        if words[0].casefold() in LEADING_NOT_NAME | {"a", "an"} or (
            len(words) == 2 and words[0] == "The"
        ):
            continue  # "In Brellford company", "A group", "The company"
        if words[0] == "The":
            words[0] = "the"
        return Speaker(" ".join(words), "org")
    if noun in ("company", "firm", "group", "bank"):
        company = re.compile(
            rf"<(?P<tag>[A-Z][^<>\n]{{1,60}})>"  # wire copy marks a company: "<Walbro Corp>"
            rf"|\b(?:[A-Z][\w.&'’-]*\s+(?:(?:and|of|&)\s+)?){{1,4}}{ORG_SUFFIX}\b"
        )
        first = company.search(state.text, 0, state.upto)
        if first:
            return Speaker(" ".join((first.group("tag") or first.group(0)).split()), "org")
    return None


def _fuller(description: str, state: State) -> str:
    """ "the finance department" -> "the federal finance department": the fuller form of a
    lower-case description the article wrote first."""
    words = description.split()
    if len(words) < 3 or words[0] != "the" or not all(w.islower() for w in words[1:]):
        return description
    rest = r"\s+".join(re.escape(w) for w in words[1:])
    fuller = re.search(rf"\b[Tt]he\s+((?:[a-z][\w-]*\s+){{1,2}}){rest}\b", state.text[: state.upto])
    if fuller is None or fuller.group(1).split()[0] in BOUNDARY_WORDS | DOCUMENTS:
        return description
    return " ".join(["the", *fuller.group(1).split(), *words[1:]])


def _lower_first(words: Sequence[str]) -> str:
    first = words[0]
    lowered = INDEFINITE | UNNAMED_HEADS | {"the"}
    if first.casefold() in lowered and (first[1:].islower() or len(first) == 1):
        first = first.lower()
    return " ".join([first, *words[1:]])
