"""Speech verbs outside the quotations, and their subjects.

``speech_events`` finds each verb ("said", "told", "according to", "adding") in a masked
paragraph and the words that are its subject: back to a clause boundary before it
("government spokesman Ange Maxime Kazagui said"; an apposition is skipped: "Smith, the
spokesman, said"), or after it for an inverted "said Smith" and for "according to X"; a
participle takes the subject of the sentence's finite verb (``subject is None``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from indexer.names import NAME_JOINERS, ORG_WORDS, name_runs
from indexer.quotes.marks import MASK, no_full_stop, sentence_end, sentence_start
from indexer.quotes.model import Event, Piece
from indexer.quotes.words import (
    AFTER_STOP,
    AUXILIARIES,
    BOUNDARY_WORDS,
    INDEFINITE,
    LEADING_NOT_NAME,
    NOT_INVERTIBLE,
    ORG_NOUNS,
    PARTICIPLES,
    PRONOUNS_NONE,
    PRONOUNS_ORG,
    PRONOUNS_PERSON,
    QUOTE_VERBS,
    UNNAMED_HEADS,
    names_someone,
)

# A subject longer than this is a clause, not a speaker.
MAX_SUBJECT_WORDS = 12
_VERB = re.compile(
    r"(?<!-)\b(?:(?P<according>according to)|(?:pointed out|went on)"
    rf"|(?P<verb>{'|'.join(sorted(QUOTE_VERBS | PARTICIPLES, key=len, reverse=True))}))\b"
    # Wire copy capitalises a word after an abbreviation: "of Chase Manhattan N.A., Told".
    r"|(?<=,\s)(?P<capital>[A-Z][a-z]+)\b"
)
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_CALLED_NOT_SPEECH = re.compile(r"\s+(?:for|on|off|up|in|out|back|upon)\b")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+)?$")
# "the measures urged by the seven", "a plan described by critics": a verb with its agent
# after "by" reports no speech of a subject before it.
_BY_AGENT = re.compile(r"\s+by\b")
# Words opening a sentence's phrase that may run into its subject without a comma.
OPENING_PREPOSITIONS = frozenset({"in", "on", "at", "after", "before", "during", "from", "with"})
_QUOTED_AS = re.compile(r"\bquoted\s+((?:\S+\s+){0,7}?\S+)\s+(?:as\s+)?$")
# "…, with a spokesperson saying", "a message from the MPAA warning", but not "pleased
# with the ruling, noting".
_WITH_SUBJECT = re.compile(r"\b(?:with|from)\s+((?:[^\s,]+\s+){0,5}?[^\s,]+)\s+$")


def speech_events(masked: str, ends: Sequence[int], pieces: Sequence[Piece]) -> list[Event]:
    """The speech verbs of a masked paragraph, each with its subject's words."""
    events = []
    closes = [p.close for p in pieces if p.close is not None]
    for match in _VERB.finditer(masked):
        verb = match.group("verb")
        if match.group("capital"):
            verb = match.group("capital").lower()
            if verb not in QUOTE_VERBS or masked[match.start() - 3 : match.start() - 2] != ".":
                continue
        if match.group("according"):
            subject = _subject_after(masked, match.end(), sentence_end(ends, match.start()))
            events.append(Event(match.start(), match.end(), False, subject))
            continue
        if verb in ("called", "calls", "calling") and _CALLED_NOT_SPEECH.match(masked, match.end()):
            continue  # "called for talks", "called off"
        if verb and verb not in PARTICIPLES and _BY_AGENT.match(masked, match.end()):
            continue  # "the steps urged by the ministers": a passive, not a speaker's verb
        participle = bool(verb) and verb in PARTICIPLES
        lo = max(
            sentence_start(ends, match.start()),
            max((c + 1 for c in closes if c < match.start()), default=0),
        )
        event = Event(match.start(), match.end(), participle)
        with_subject = _WITH_SUBJECT.search(masked, lo, match.start()) if participle else None
        quoted_as = _QUOTED_AS.search(masked, lo, match.start()) if participle else None
        if quoted_as:  # "Tehran Radio quoted Rafsanjani as saying": the one quoted
            event.participle, event.subject = False, quoted_as.group(1)
        elif with_subject:  # "…, with a spokesperson saying: “…”"
            event.participle, event.subject = False, with_subject.group(1)
        elif participle:
            event.sentence = sentence_start(ends, match.start())
            event.subject = _sentence_subject(masked[event.sentence : match.start()])
        elif (
            not participle and verb in NOT_INVERTIBLE and _PASSIVE.search(masked, lo, match.start())
        ):
            pass  # "who was dubbed “…”", "he was told": the subject did not say it
        elif not participle:
            before = masked[lo : match.start()]
            if before.strip(" ,\n\t") or verb in ("told", "tells"):
                event.subject = _subject_before(before)
            else:  # “…,” said Smith; “…,” confirmed a club spokesman
                event.subject = _subject_after(
                    masked, match.end(), sentence_end(ends, match.start())
                )
        events.append(event)
    return events


def _subject_before(text: str) -> str | None:
    """The subject at the end of ``text``, which runs from a clause start up to the verb."""
    if MASK in text:
        text = text[text.rfind(MASK) + 1 :]
    words = text.split()
    if len(words) > 1 and words[-1].casefold() == "to":
        # "He went on to say", "she wanted to stress": the subject is before the verbs.
        words.pop()
        for _ in range(2):
            if len(words) > 1 and words[-1].islower() and words[-1] not in PRONOUNS_PERSON:
                words.pop()
    while words and words[-1].casefold().strip(",") in AUXILIARIES:
        words.pop()
    if words and words[-1].casefold() == "who":
        words.pop()  # "… Sir Richard Eyre who called it “…”"
    text = _PARENTHESES.sub("", " ".join(words))
    segments = [seg.strip() for seg in re.split(r"\s*(?:[,;:—–(]|\s-\s)\s*", text)]
    candidate = segments[-1] if segments else ""
    if len(segments) > 1 and _is_name_like(segments[-2]) and len(segments[-2].split()) > 1:
        ends_in_role = bool(candidate) and candidate.split()[-1].islower()
        if (_is_org_name(candidate) or ends_in_role) and not _is_org_name(segments[-2]):
            # "Colin Asplin, Blackpool Hotel Association said", "A. William Reynolds,
            # GenCorp chairman and chief executive officer said": the name before.
            candidate = segments[-2]
    # "…, CC-Bank, the bank said": "the bank" is the subject, never a person's role.
    company = len(candidate.split()) == 2 and candidate.split()[1].casefold() in ORG_NOUNS
    if not candidate or (_is_role(candidate) and not company):
        # An apposition or relative clause between the subject and the verb: "Smith, 45,
        # said", "James Fry, vice-president of GM said", "Frank Naylor, chairman of the
        # FCA, which regulates …, said", "the president of the federation, Hanns
        # Schroeder-Hohenwarth, said": the nearest name before the verb.
        for earlier in reversed(segments[-4:-1] if not candidate else segments[-2:-1]):
            if _is_name_like(earlier):
                candidate = earlier
                break
        else:
            if not candidate:  # "one of the officials, who asked not to be named, said"
                candidate = next(
                    (
                        seg
                        for seg in reversed(segments[-4:-1])
                        if seg
                        and seg.split()[0].casefold() in INDEFINITE | {"the"}
                        and names_someone(seg.split()[1:])
                    ),
                    "",
                )
            if not candidate:
                # "Arthur Krumper of Munich's Ifo institute, which … the economy, said": a
                # name opening the words before a relative clause.
                for seg, after in itertools.pairwise(segments[-4:-1]):
                    words = seg.split()
                    if (
                        after.split()[:1] in (["which"], ["who"])
                        and len(words) > 1
                        and _is_name_like(" ".join(words[:2]))
                    ):
                        candidate = seg
    candidate = _after_boundary(_after_opening_phrase(candidate))
    if not candidate or len(candidate.split()) > MAX_SUBJECT_WORDS:
        return None
    return candidate


# A past tense that ends a sentence's subject: "Brask defended the move, saying …".
_PAST = re.compile(r"[a-z]{3,}ed")


def _sentence_subject(text: str) -> str | None:
    """The subject opening a sentence whose verb of saying is a participle: the words
    before its first auxiliary or past tense ("Bank president Ovington Brask has defended
    the move, saying …" -> "Bank president Ovington Brask"), or None."""
    words = text.split()[:9]
    for i, word in enumerate(words):
        if i and (word.casefold() in AUXILIARIES or _PAST.fullmatch(word)):
            return " ".join(words[:i]).strip(" ,")
        if word[-1:] in ",;:":
            return None  # an opening phrase or apposition: too far from a plain subject
    return None


def _after_opening_phrase(text: str) -> str:
    """The subject after a sentence's opening phrase: "In a statement the RSPCA" -> "the
    RSPCA", "On the tsunami he" -> "he", "In his message the party leader" -> "the party
    leader" (a phrase without its comma)."""
    words = text.split()
    if len(words) < 2 or words[0].casefold() not in OPENING_PREPOSITIONS:
        return text
    for i in range(len(words) - 1, 0, -1):
        word = words[i].casefold()
        if word in PRONOUNS_PERSON | PRONOUNS_ORG and i == len(words) - 1:
            return words[i]
        if word in ("the", "a", "an") and i > 1:
            return " ".join(words[i:])
    # "In his televised news conference Reagan": the name that ends it.
    run = list(itertools.takewhile(lambda w: w[:1].isupper(), reversed(words[1:])))
    return " ".join(reversed(run)) if run and len(run) < len(words) - 1 else text


def _after_boundary(text: str) -> str:
    words = text.split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold() in BOUNDARY_WORDS:
            if words[i] in ("and", "&") and 0 < i < len(words) - 1:
                if words[i - 1][:1].isupper() and words[i + 1][:1].isupper():
                    continue  # "Department for Work and Pensions"
            return " ".join(words[i + 1 :])
    return " ".join(words)


# Capitalised words that open a sentence, never a name: after an abbreviation's full stop
# ("Corp. His …") they end the speaker.
_SENTENCE_OPENERS = PRONOUNS_PERSON | PRONOUNS_ORG | {"his", "her", "its", "their", "they"}


def _subject_after(masked: str, start: int, stop: int) -> str | None:
    """The speaker after an inverted verb or "according to", up to a clause boundary."""
    words: list[str] = []
    for raw in masked[start:stop].split():
        if MASK in raw or raw[:1] in '“"‘':
            break
        word = raw.rstrip(',;:.!?)”"’')
        if words and word[:1].isupper() and word.casefold() in _SENTENCE_OPENERS:
            break  # "said Philip Braverman of Irving Securities Corp. His forecasts …"
        if word.casefold() in AFTER_STOP and words:
            following = masked[start:stop].split(raw, 1)[-1].split()
            # But "said BIFA founder and director Elliot Grove" goes on, and so does "said
            # an official at the Hesse LZB" (not "said Smith at a news conference").
            head = words[-1]
            at_employer = word == "at" and head.islower() and names_someone([head])
            if not (word == "and" and following and following[0][:1].islower()) and not (
                at_employer and _proper(following)
            ):
                break
        if word in ("of", "about") and words and words[-1][:1].isupper():
            following = masked[start:stop].split(word, 1)[-1].split()
            if following and following[0][:1].islower():
                break  # "said Baker of the offer"
        if word:
            words.append(word)
        if raw != word and not (raw.endswith(".") and no_full_stop(word.casefold())):
            if raw.endswith(",") and word[:1].islower():
                # "said BA director of commercial planning, Robert Boyle": the name after.
                after = masked[start:stop].split(raw, 1)[-1].split()
                name = list(itertools.takewhile(lambda w: w[:1].isupper(), after[:4]))
                if name and len(name) >= 2:
                    return " ".join(w.rstrip(",.;:") for w in name)
            break
        if len(words) > MAX_SUBJECT_WORDS:
            return None
    if not words:
        return None
    first = words[0]
    if first[:1].isupper() or first.casefold() in INDEFINITE | {"the"} or name_runs(words):
        return " ".join(words)  # "Smith", "a spokesman", "analyst Victor Krueger"
    return None


def _proper(words: Sequence[str]) -> bool:
    """Whether words open with a proper name: "Hesse LZB", "the Hesse LZB"."""
    if words and words[0] == "the":
        words = words[1:]
    return bool(words) and words[0][:1].isupper()


def _is_role(text: str) -> bool:
    word = text.split()[0]
    first = word.casefold()
    if first in {"the", "a", "an", "its", "his", "her"} or text.replace(" ", "").isdigit():
        return True
    if first in ("who", "which", "whose"):
        return True  # "Gerry Conlon - who was wrongly convicted - said": a relative clause
    pronoun = first in PRONOUNS_PERSON | PRONOUNS_ORG | PRONOUNS_NONE
    return word[:1].islower() and not pronoun and first not in UNNAMED_HEADS


def _is_org_name(text: str) -> bool:
    """A capitalised name ending in an organisation's word ("Blackpool Hotel Association")."""
    words = text.split()
    return _is_name_like(text) and words[-1].casefold().strip(".") in ORG_WORDS


def _is_name_like(text: str) -> bool:
    words = text.split()
    if not 0 < len(words) <= 5 or words[0].casefold() in LEADING_NOT_NAME:
        return False
    return all(w[:1].isupper() or w.casefold() in NAME_JOINERS for w in words)
