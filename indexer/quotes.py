"""Quotations in an article, and who said them.

Parts:
    ``Quote``: one quotation: its words, its speaker, where it stands in the body;
    ``find_quotes(body, people)``: every quotation of an article body, attributed;
    ``QUOTE_VERBS``: the verbs that report speech ("said", "added", "told", ...).

How it works, paragraph by paragraph (news style is formulaic enough for rules; the
spaCy parser would cost more than the whole NER pass):

1. Quotation marks are paired: curly ``“…”``, straight ``"…"`` (an opening mark follows a
   space or the paragraph start) and, where a paragraph has no double quotes, curly single
   ``‘…’``. An opening mark left open at the end of a paragraph continues into the next
   paragraph when that one opens with a quotation mark (news style for a long quotation).
2. Speech verbs are found in the text *outside* quotations, and each gets its subject:
   the words before it back to a clause boundary ("government spokesman Ange Maxime
   Kazagui said"; "Smith, the spokesman, said" skips the apposition), or the words after
   it for an inverted "said Smith"; "according to X"; a participle ("adding", "noting")
   takes the subject of the sentence's finite verb.
3. A subject becomes a speaker: "he"/"she" is the person the sentence before was about,
   else the last named speaker; a name is linked to the article's canonical people (a
   surname or a titled name to the full name); "the president" is the person the article
   called "President X"; "the company"/"the exchange" the organisation it introduced; an
   organisation goes by the fullest name the article gives ("Deutsche Bank AG"); "the
   statement" speaks for whoever issued it, else for no one; "a spokesman for the UN
   force" stays unnamed, in the article's words.
4. Each quotation takes the first speech verb after it in its sentence, else the last one
   before it; a whole-sentence quotation with no verb of its own takes the speaker before
   it in its paragraph; a paragraph that opens with a quotation of no one named continues
   the previous paragraph's speaker. ``Quote.basis`` records which of these applied.

Quotations of one word (scare quotes) are dropped; so are unattributed ones shorter than
``MIN_UNATTRIBUTED_WORDS`` words and unattributed ones in Title Case (titles of works).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from indexer.entities import PARAGRAPH_BREAK
from indexer.names import (
    LEGAL_FORMS,
    NAME_JOINERS,
    ORG_SUFFIX,
    PARTICLES,
    clean_person,
    link_name,
    name_runs,
    person_tokens,
)
from indexer.schema import fold

__all__ = ["QUOTE_VERBS", "Quote", "find_quotes"]

MIN_WORDS = 2
MIN_UNATTRIBUTED_WORDS = 4
# A subject longer than this is a clause, not a speaker.
MAX_SUBJECT_WORDS = 12

# Speech verbs that may stand before their subject: "…," said Smith.
_INVERTIBLE = (
    "said says say added adds asked asks explained explains noted notes continued wrote "
    "writes replied replies recalled remarked declared insisted insists argued argues warned "
    "warns quipped joked observed responded countered concluded admitted admits conceded "
    "concedes cautioned stressed suggested commented claimed claims acknowledged predicted "
    "complained complains announced adds explained"
).split()
# Speech verbs that take an object, so the words after them are not the speaker.
_NOT_INVERTIBLE = (
    "told tells urged urges voiced described describes confirmed confirms promised vowed "
    "pledged stated states emphasised emphasized maintained maintains estimated predicted "
    "reiterated called calls accused branded dubbed hailed criticised criticized condemned "
    "dismissed welcomed"
).split()
QUOTE_VERBS = frozenset(_INVERTIBLE + _NOT_INVERTIBLE)
_PARTICIPLES = frozenset(
    "saying adding noting telling warning explaining arguing insisting stressing declaring "
    "claiming describing urging writing calling terming".split()
)
_VERB = re.compile(
    r"(?<!-)\b(?:(?P<according>according to)|(?:pointed out|went on)"
    rf"|(?P<verb>{'|'.join(sorted(QUOTE_VERBS | _PARTICIPLES, key=len, reverse=True))}))\b"
)

# Words that may stand between a subject and its verb: "has also said", "later told".
_AUXILIARIES = frozenset(
    "has have had also later then once previously earlier would will recently repeatedly "
    "further subsequently separately again simply just has been was were is are be being "
    "quoted as alleged to reportedly allegedly can could may might should must yesterday "
    "today tonight monday tuesday wednesday thursday friday saturday sunday already now "
    "still even long".split()
)
# Clause boundaries inside a sentence: the subject of a verb starts after the last one.
_BOUNDARY_WORDS = frozenset(
    "that but and although though while because whereas since when after before if so as "
    "which where yet whom".split()
)
# Words after an inverted verb that end the speaker: "said Smith on Monday".
_AFTER_STOP = frozenset(
    "on in yesterday today tonight last this during after before when while as who which "
    "that because earlier later adding noting but and via at".split()
)
_PRONOUNS_PERSON = frozenset({"he", "she"})
_PRONOUNS_ORG = frozenset({"it"})
_PRONOUNS_NONE = frozenset({"they", "we", "i", "you", "this", "that", "there", "which", "who"})
# First words of an unnamed speaker: "a spokesman", "two officials", "some analysts".
_INDEFINITE = frozenset(
    "a an one two three four five several some many other another most few both all "
    "senior local western foreign".split()
)
# Plural or generic heads that name nobody: "Analysts said", "Police said".
_UNNAMED_HEADS = frozenset(
    "analysts officials sources experts traders economists dealers critics residents "
    "witnesses police diplomats bankers observers investors campaigners doctors scientists "
    "researchers organisers organizers ministers aides insiders officers spokesmen".split()
)
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen gov sen rep lt col capt prof no inc corp co ltd jan feb mar "
    "apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u vs mt ft rev fig".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*(?=\s+[\"“‘(A-Z0-9]|\s*$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_OPENERS = "“„"
_CLOSER = "”"
_STRAIGHT = '"'
_SINGLE = re.compile(r"(?<![\w’‘])‘((?:[^‘’\n]|’(?=\w))+?)’(?![\w’])")
_MASK = "\x00"
_ANY_MARK = re.compile('["“”„‘]')
# Documents and media: they speak for someone ("the statement said", "the paper said").
_MEDIA = ("newspaper", "paper", "daily", "weekly", "radio", "magazine", "television", "agency")
_DOCUMENTS = frozenset(
    "statement report lawsuit ruling letter study survey document filing complaint release "
    "editorial communique".split()
) | frozenset(_MEDIA)
_SHARE = re.compile(r"\b(?:quarter|third|half|thirds|percent|per cent|pct)\b|%", re.I)
_PREPOSITIONS = frozenset("of at for from with in".split())
_DOCUMENT_BY = re.compile(
    r"(?:the|a|an)\s+(?:\w+\s+)?(?:statement|report|ruling|letter|lawsuit|study|survey|"
    r"document|decision|judgment|judgement|release)\s+(?:by|from|of)\s+(.+)",
    re.I,
)
_COMPANY_SUFFIXES = tuple(" " + form for form in LEGAL_FORMS)
_FIRST_NAME_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+)\s+$")
_AGE = re.compile(r"\d{1,3}-year-old")
# The rest of an organisation's name after its first words: "Deutsche" + " Bank AG". Not
# after "of": "Bob Hart of Hart Securities" is a person and his employer.
_ORG_TAIL = re.compile(rf"(?!\s+of\b)(?:\s+(?:[A-Z][\w.&'’-]*|and|of|&)){{0,4}}\s+{ORG_SUFFIX}\b")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_CALLED_NOT_SPEECH = re.compile(r"\s+(?:for|on|off|up|in|out|back|upon)\b")
_WITH_SUBJECT = re.compile(r"\bwith\s+((?:\S+\s+){0,5}?\S+)\s+$")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # "j", "p.s", "u.s"
# Hard-wrapped copy whose indentation was lost: a line that opens a quotation opens a
# paragraph.
_QUOTE_LINE = re.compile(r"\n(?=[\"“][^\W\d_])")
# Capitalised sentence openers that are not names: "In Moscow, officials said".
_LEADING_NOT_NAME = frozenset(
    "in at on for with after before by from asked speaking but and however meanwhile "
    "earlier later last this".split()
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
# "the company", "the exchange": an organisation the article has named.
_ORG_NOUNS = frozenset(
    "company firm group bank exchange ministry agency union court council board commission "
    "committee association federation".split()
)
# Heads of unnamed singular speakers that "he"/"she" can refer back to.
_PERSON_HEADS = frozenset(
    "spokesman spokeswoman spokesperson official analyst trader dealer economist banker "
    "diplomat executive source lawyer officer expert strategist broker aide negotiator "
    "delegate observer witness resident".split()
)
# Roles that "the <role> said" refers back to ("President Saakashvili" ... "the president").
_ROLES = frozenset(
    "president minister premier chancellor chairman chairwoman spokesman spokeswoman "
    "governor senator mayor secretary manager coach boss chief executive director leader "
    "ambassador judge king queen prince princess singer actor actress star striker captain "
    "founder commissioner general envoy champion winner holder player midfielder defender "
    "striker goalkeeper keeper author writer producer rapper owner editor critic".split()
)


@dataclass(frozen=True)
class Quote:
    """One quotation.

    Attributes:
        text: the quoted words, white space normalised, without the quotation marks.
        speaker: who said it: a canonical person's name, an organisation or the article's
            words for an unnamed speaker; None when the article does not say.
        kind: ``"person"``, ``"org"``, ``"unnamed"`` or ``"unknown"``.
        spans: ``(start, end)`` character offsets in the body of the quoted words, one per
            paragraph the quotation runs through.
        basis: how the speaker was found ("verb-after/linked", "continuation/pronoun", …),
            for evaluation and debugging.
    """

    text: str
    speaker: str | None
    kind: str
    spans: tuple[tuple[int, int], ...]
    basis: str = field(default="", compare=False)

    @property
    def start(self) -> int:
        """Where the quoted words start in the body."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """Where the quoted words end in the body."""
        return self.spans[-1][1]


@dataclass(frozen=True)
class _Speaker:
    name: str
    kind: str  # person, org, unnamed
    via: str = field(default="", compare=False)  # how the subject became this speaker


@dataclass
class _Piece:
    """A quoted stretch of one paragraph (marks are relative to the paragraph)."""

    para: int
    open: int
    close: int | None  # None: open to the paragraph end
    inner: tuple[int, int]  # the quoted words, relative to the paragraph
    joins: bool = False  # continues the quotation of the piece before it
    speaker: _Speaker | None = None
    own: bool = False  # attributed by a verb of its own sentence
    route: str = ""  # how the piece got its speaker: verb-after, continuation, …


@dataclass
class _Event:
    """A speech verb outside the quotations and its subject."""

    start: int
    end: int
    participle: bool
    subject: str | None = None  # the subject's words (None: take the sentence's verb's)
    speaker: _Speaker | None = None


@dataclass
class _State:
    people: list[tuple[str, ...]]
    folded: dict[str, tuple[str, ...]]  # fold(name) -> the canonical name's tokens
    text: str = ""  # the body, for "the president" -> "President Saakashvili"
    upto: int = 0  # where the speech verb being resolved stands in the body
    last_person: _Speaker | None = None
    last_org: _Speaker | None = None


def find_quotes(body: str, people: Sequence[str] = ()) -> list[Quote]:
    """Every quotation in ``body``, in order, with its speaker.

    Args:
        body: the article text (paragraphs separated by blank lines, or in wire copy by a
            line break and indentation).
        people: the article's canonical people (full names): speakers resolve to these.
    """
    if not _ANY_MARK.search(body):
        return []  # most wire copy: nothing to find
    names = sorted((tuple(p.split()) for p in people if p.strip()), key=len, reverse=True)
    state = _State(names, {fold(" ".join(n)): n for n in names}, body)
    pieces: list[_Piece] = []
    previous_speaker: _Speaker | None = None  # the last speaker of the previous paragraph
    for index, (start, end) in enumerate(_paragraphs(body)):
        text = body[start:end]
        para_pieces = _pair_marks(text, index)
        masked = _mask(text, para_pieces)
        ends = _sentence_ends(text, masked, para_pieces)
        events = _events(masked, ends, para_pieces)
        for event in events:
            state.upto = start + event.start
            event.speaker = _resolve(event, events, state)
            if event.speaker is not None:
                _remember(state, event.speaker)
        for piece in para_pieces:
            event = _attribute(piece, events, ends, masked, para_pieces)
            if event is not None and event.speaker is not None:
                piece.speaker, piece.own = event.speaker, True
                piece.route = "verb-after" if event.start > piece.open else "verb-before"
        opening = para_pieces[0] if para_pieces and para_pieces[0].open == 0 else None
        if opening is not None and opening.speaker is None and previous_speaker is not None:
            # A paragraph that opens with a quotation of no one named: the previous
            # paragraph's speaker goes on talking.
            opening.speaker, opening.own = previous_speaker, True
            opening.route = "continuation"
        for piece in para_pieces:
            if piece.speaker is None:
                state.upto = start + piece.open
                piece.speaker = _colon_speaker(piece, masked, ends, state)
                if piece.speaker is not None:
                    piece.own, piece.route = True, "colon"
        _fill_from_neighbours(para_pieces, events, masked, ends)
        attributed = [p for p in para_pieces if p.speaker is not None]
        last_event = max(
            (e for e in events if e.speaker is not None), key=lambda e: e.start, default=None
        )
        if attributed and (last_event is None or attributed[-1].open > last_event.start):
            previous_speaker = attributed[-1].speaker
        elif last_event is not None:
            previous_speaker = last_event.speaker
        else:
            previous_speaker = None
        for piece in para_pieces:
            if piece.speaker is not None and piece.speaker.kind != "unnamed":
                _remember(state, piece.speaker)
            piece.inner = (piece.inner[0] + start, piece.inner[1] + start)
        pieces += para_pieces
    return _assemble(body, pieces)


# --- paragraphs, marks, sentences ----------------------------------------------------------


def _paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph, trimmed."""
    spans, pos = [], 0
    breaks = sorted(
        [*PARAGRAPH_BREAK.finditer(body), *_QUOTE_LINE.finditer(body)], key=lambda m: m.start()
    )
    for match in [*breaks, None]:
        if match is not None and match.start() < pos:
            continue
        stop = match.start() if match else len(body)
        chunk = body[pos:stop]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        if match:
            pos = match.end()
    return spans


def _opens(text: str, i: int) -> bool:
    """Whether the straight mark at ``i`` opens a quotation."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-/:") and not after.isspace()


def _pair_marks(text: str, para: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    open_at: int | None = None
    joins = False  # the piece being read continues the one before it
    for i, ch in enumerate(text):
        if (
            ch == _STRAIGHT
            and 0 < i < len(text) - 1
            and text[i - 1].isalpha()
            and text[i + 1].isalpha()
        ):
            continue  # a misprinted apostrophe: UAE"s
        if ch in _OPENERS:
            if open_at is None:
                open_at = i
        elif ch == _STRAIGHT and open_at is not None and _opens(text, i) and i > 0:
            # An opening mark inside an open quotation: the writer's paragraph break was
            # lost (news style leaves the quotation open at a paragraph's end).
            pieces.append(_Piece(para, open_at, None, (open_at + 1, i), joins=joins))
            open_at, joins = i, True
        elif ch == _CLOSER or (ch == _STRAIGHT and open_at is not None):
            if open_at is not None:
                pieces.append(_Piece(para, open_at, i, (open_at + 1, i), joins=joins))
                open_at, joins = None, False
        elif ch == _STRAIGHT and _opens(text, i):
            open_at = i
    if open_at is not None:
        pieces.append(_Piece(para, open_at, None, (open_at + 1, len(text)), joins=joins))
    if not pieces:
        for match in _SINGLE.finditer(text):
            pieces.append(_Piece(para, match.start(), match.end() - 1, match.span(1)))
    return pieces


def _mask(text: str, pieces: Sequence[_Piece]) -> str:
    """The paragraph with quoted words blanked out (same length), marks kept."""
    chars = list(text)
    for piece in pieces:
        for i in range(*piece.inner):
            chars[i] = _MASK
    return "".join(chars)


def _sentence_ends(text: str, masked: str, pieces: Sequence[_Piece]) -> list[int]:
    """Offsets just past each sentence's end (the paragraph end included)."""
    ends = []
    for match in _SENTENCE_END.finditer(masked):
        word = _WORD_BEFORE.search(masked, 0, match.start())
        token = word.group(1).casefold().rstrip(".") if word else ""
        if _no_full_stop(token):
            continue
        ends.append(match.end())
    for piece in pieces:
        # A quotation ending in a full stop ends its sentence: “We won.” Then …
        if piece.close is None:
            continue
        inner = text[piece.inner[0] : piece.inner[1]].rstrip()
        rest = text[piece.close + 1 :].lstrip()
        if inner.endswith(".") and (not rest or rest[0].isupper() or rest[0] in '“"‘'):
            ends.append(piece.close + 1)
    ends.append(len(text))
    return sorted(set(ends))


def _sentence_start(ends: Sequence[int], pos: int) -> int:
    start = 0
    for end in ends:
        if end <= pos:
            start = end
        else:
            break
    return start


def _sentence_end(ends: Sequence[int], pos: int) -> int:
    return next((end for end in ends if end > pos), ends[-1])


# --- speech verbs and their subjects -------------------------------------------------------


def _events(masked: str, ends: Sequence[int], pieces: Sequence[_Piece]) -> list[_Event]:
    events = []
    closes = [p.close for p in pieces if p.close is not None]
    for match in _VERB.finditer(masked):
        verb = match.group("verb")
        if match.group("according"):
            subject = _subject_after(masked, match.end(), _sentence_end(ends, match.start()))
            events.append(_Event(match.start(), match.end(), False, subject))
            continue
        if verb in ("called", "calls", "calling") and _CALLED_NOT_SPEECH.match(masked, match.end()):
            continue  # "called for talks", "called off"
        participle = bool(verb) and verb in _PARTICIPLES
        lo = max(
            _sentence_start(ends, match.start()),
            max((c + 1 for c in closes if c < match.start()), default=0),
        )
        event = _Event(match.start(), match.end(), participle)
        with_subject = _WITH_SUBJECT.search(masked, lo, match.start()) if participle else None
        if with_subject:  # "…, with a spokesperson saying: “…”"
            event.participle, event.subject = False, with_subject.group(1)
        elif not participle:
            before = masked[lo : match.start()]
            if before.strip(" ,\n\t") or verb in _NOT_INVERTIBLE:
                event.subject = _subject_before(before)
            else:  # “…,” said Smith
                event.subject = _subject_after(
                    masked, match.end(), _sentence_end(ends, match.start())
                )
        events.append(event)
    return events


def _subject_before(text: str) -> str | None:
    """The subject at the end of ``text``, which runs from a clause start up to the verb."""
    if _MASK in text:
        text = text[text.rfind(_MASK) + 1 :]
    words = text.split()
    while words and words[-1].casefold().strip(",") in _AUXILIARIES:
        words.pop()
    if words and words[-1].casefold() == "who":
        words.pop()  # "… Sir Richard Eyre who called it “…”"
    text = _PARENTHESES.sub("", " ".join(words))
    segments = [seg.strip() for seg in re.split(r"\s*(?:[,;:—–]|\s-\s)\s*", text)]
    candidate = segments[-1] if segments else ""
    if not candidate or _is_role(candidate):
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
                        if seg and seg.split()[0].casefold() in _INDEFINITE | {"the"}
                    ),
                    "",
                )
    candidate = _after_boundary(candidate)
    if not candidate or len(candidate.split()) > MAX_SUBJECT_WORDS:
        return None
    return candidate


def _after_boundary(text: str) -> str:
    words = text.split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].casefold() in _BOUNDARY_WORDS:
            if words[i] in ("and", "&") and 0 < i < len(words) - 1:
                if words[i - 1][:1].isupper() and words[i + 1][:1].isupper():
                    continue  # "Department for Work and Pensions"
            return " ".join(words[i + 1 :])
    return " ".join(words)


def _subject_after(masked: str, start: int, stop: int) -> str | None:
    """The speaker after an inverted verb or "according to", up to a clause boundary."""
    words: list[str] = []
    for raw in masked[start:stop].split():
        if _MASK in raw or raw[:1] in '“"‘':
            break
        word = raw.rstrip(',;:.!?)”"’')
        if word.casefold() in _AFTER_STOP and words:
            following = masked[start:stop].split(raw, 1)[-1].split()
            if not (word == "and" and following and following[0][:1].islower()):
                break  # but "said BIFA founder and director Elliot Grove" goes on
        if word in ("of", "about") and words and words[-1][:1].isupper():
            following = masked[start:stop].split(word, 1)[-1].split()
            if following and following[0][:1].islower():
                break  # "said Baker of the offer"
        if word:
            words.append(word)
        if raw != word and not (raw.endswith(".") and _no_full_stop(word.casefold())):
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
    if first[:1].isupper() or first.casefold() in _INDEFINITE | {"the"} or name_runs(words):
        return " ".join(words)  # "Smith", "a spokesman", "analyst Victor Krueger"
    return None


def _no_full_stop(token: str) -> bool:
    """Whether a full stop after this (lower-cased) word does not end a sentence."""
    return token in _ABBREVIATIONS or bool(_INITIALS.fullmatch(token))


def _is_role(text: str) -> bool:
    word = text.split()[0]
    first = word.casefold()
    if first in {"the", "a", "an", "its", "his", "her"} or text.replace(" ", "").isdigit():
        return True
    pronoun = first in _PRONOUNS_PERSON | _PRONOUNS_ORG | _PRONOUNS_NONE
    return word[:1].islower() and not pronoun and first not in _UNNAMED_HEADS


def _is_name_like(text: str) -> bool:
    words = text.split()
    if not 0 < len(words) <= 5 or words[0].casefold() in _LEADING_NOT_NAME:
        return False
    return all(w[:1].isupper() or w.casefold() in NAME_JOINERS for w in words)


# --- speakers --------------------------------------------------------------------------------


def _remember(state: _State, speaker: _Speaker) -> None:
    if speaker.kind == "person" or _singular_person(speaker):
        state.last_person = speaker
    elif speaker.kind == "org":
        state.last_org = speaker


def _singular_person(speaker: _Speaker) -> bool:
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
    return words[0].casefold() in {"a", "an", "one", "the"} and head.casefold() in _PERSON_HEADS


def _previous_subject(state: _State) -> _Speaker | None:
    """The person opening the sentence before the pronoun's: "Swank paid tribute to
    Eastwood. “…,” she said." (a sentence that opens with a quotation opens with no one)."""
    text = state.text[: state.upto]
    ends = [0, *(m.end() for m in _SENTENCE_END.finditer(text))]
    if len(ends) < 2:
        return None
    sentence = text[ends[-2] : ends[-1]].split()
    run = list(itertools.takewhile(lambda w: w[:1].isupper(), sentence[:5]))
    tokens = person_tokens([w.strip(",.;:") for w in run]) if run else None
    if not tokens:
        return None
    linked = _link(tokens, state)
    return _Speaker(linked, "person") if linked else None


def _last_mentioned(state: _State) -> _Speaker | None:
    """For "he" before anyone spoke: the first person named in the latest sentence that
    names one (the sentence's subject, as a rule: "Reagan defended Shultz. He said: …"),
    passing over sentences whose subject is itself "he" or "she"."""
    text = state.text[: state.upto]
    sentences = [0, *(m.end() for m in _SENTENCE_END.finditer(text))]
    for begin in reversed(sentences):
        chunk = text[begin:]
        if chunk.split(maxsplit=1)[:1] in (["He"], ["She"]):
            text = text[:begin]
            continue  # "He defended Shultz": the subject is further back
        found = [(m.start(), name) for name in state.people for m in _mention(name).finditer(chunk)]
        if found:
            return _Speaker(" ".join(min(found)[1]), "person")
        text = text[:begin]
    return None


def _mention(name: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name[-1])}\b")


def _resolve(event: _Event, events: Sequence[_Event], state: _State) -> _Speaker | None:
    subject = event.subject
    if event.participle:
        # "…, adding: “…”": the subject of the last finite verb before it.
        finite = [e for e in events if e.end <= event.start and not e.participle]
        return finite[-1].speaker if finite else None
    if not subject:
        return None
    return _speaker(subject, state)


def _speaker(subject: str, state: _State) -> _Speaker | None:
    """The speaker a subject names, marked with how it was found (``via``)."""
    found = _speaker_of(subject, state)
    if found is None or found.via:
        return found
    return replace(found, via=found.kind)


def _speaker_of(subject: str, state: _State) -> _Speaker | None:
    words = subject.strip(" ,.;:").split()
    if not words:
        return None
    first = words[0].casefold()
    if len(words) == 1 and first in _PRONOUNS_PERSON:
        found = _previous_subject(state) or state.last_person or _last_mentioned(state)
        return replace(found, via="pronoun") if found else None
    if len(words) == 1 and first in _PRONOUNS_ORG:
        return replace(state.last_org, via="pronoun") if state.last_org else None
    if first in _PRONOUNS_NONE or first in _PRONOUNS_PERSON | _PRONOUNS_ORG:
        return None
    named_last = words[-1][:1].isupper()
    agent = _DOCUMENT_BY.match(" ".join(words))
    if agent:  # "the ruling by the U.S. Court of Appeals" -> the court
        return _speaker(agent.group(1), state)
    if first in ("the", "a", "an", "its", "his", "her", "their") and len(words) <= 4:
        if words[-1].casefold().strip("-") in _DOCUMENTS:
            # "the statement said": a document speaks for whoever issued it.
            issuer = _issuer(words[-1].casefold(), state)
            return replace(issuer, via="document") if issuer else None
    if _SHARE.search(" ".join(words)):
        return None  # "around one quarter said": a survey's answers, not a speaker
    if len(words) == 2 and first == "the" and _AGE.fullmatch(words[1]):
        found = state.last_person or _last_mentioned(state)  # "the 28-year-old said"
        return replace(found, via="pronoun") if found else None
    if first == "the" and not (len(words) > 2 and not words[1][:1].isupper() and named_last):
        head = words[1] if len(words) > 1 else ""
        if (referent := _by_role(words, state)) is not None:
            return replace(referent, via="role")
        if head[:1].isupper() and named_last:
            return _Speaker(_lower_first(words), "org")  # "the Kremlin", not "the IMF team"
        return _Speaker(_lower_first(words), "unnamed")  # "the company", "the spokesman"
    if (
        len(words) > 1
        and words[-1].isalpha()
        and words[-1].islower()
        and first != "the"
        and not _PREPOSITIONS & {w.casefold() for w in words}
    ):
        return _Speaker(_lower_first(words), "unnamed")  # "Finance Ministry sources"
    if first in _INDEFINITE or (first[:1].islower() and not name_runs(words)):
        return _Speaker(_lower_first(words), "unnamed")
    if first in _UNNAMED_HEADS and words[0][:1].isupper():
        return _Speaker(_lower_first(words), "unnamed")  # "Analysts said"
    runs = name_runs(words, joiners=PARTICLES)
    if not runs:
        return None
    found = [(run, person_tokens(run)) for run in runs]
    for _, tokens in reversed(found):
        if tokens and (linked := _link(tokens, state)):
            return _Speaker(linked, "person", "linked")
    # Not one of the article's people: a name the model missed ("Arsenal manager Arsene
    # Wenger", "Mr Smith"), else an organisation ("Chrysler", "Reuters").
    # The head of a subject comes last: "U.S. West vice president Jim Anderson".
    for run, tokens in reversed(found):
        if tokens and len(tokens) == 1 and len(run) > 1 and (full := _full_name(tokens[0], state)):
            return _Speaker(full, "person")  # "Mr Llwyd" -> "Elfyn Llwyd"
        if tokens and (len(tokens) >= 2 or len(tokens) < len(run)):
            name = " ".join(tokens)
            if _full_org(name, state) != name:
                return _Speaker(_full_org(name, state), "org")  # "Carolina Power"
            return _Speaker(name, "person")
    for _, tokens in found:
        if tokens and len(tokens) == 1 and (full := _full_name(tokens[0], state)):
            return _Speaker(full, "person")  # "said Dent" -> "Taylor Dent" named earlier
    if first == "the":  # "the remaining members of Korn"
        return _Speaker(_lower_first(words), "unnamed")
    runs = name_runs(words)  # "Bank of England"
    lead = runs[0] if words[0][:1].isupper() else runs[-1]
    name = " ".join(w for w in lead if not w.endswith("-based")) or lead[-1]
    return _Speaker(_full_org(name, state), "org")


def _issuer(noun: str, state: _State) -> _Speaker | None:
    """Who issued "the statement" (the newspaper "the paper" is): named earlier, or None."""
    text = state.text[: state.upto]
    if noun in _MEDIA:
        named = re.compile(
            rf"\b(?:{'|'.join(_MEDIA)})\s+(?P<a>{_NAME})|(?P<b>{_NAME})\s+(?i:{noun})\b",
        )
        for match in named.finditer(text):
            name = match.group("a") or match.group("b")
            if name and name.split()[0].casefold() not in _LEADING_NOT_NAME | {"the", "a"}:
                return _Speaker(name, "org")
        return None
    said_in = re.compile(
        rf"(?P<x>(?:[A-Z][\w.&'’-]*\s+){{0,4}}[A-Z][\w.&'’-]*)>?\s+(?:said|says)\s+in\s+an?\s+"
        rf"(?:\w+\s+){{0,2}}{noun}|\ban?\s+(?:\w+\s+){{0,2}}{noun}\s+(?:from|by|issued by)\s+"
        rf"(?P<y>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){{0,4}})"
    )
    found = list(said_in.finditer(text))
    if not found:
        return None
    subject = found[-1].group("x") or found[-1].group("y")
    speaker = _speaker_of(subject.lstrip("<"), state)
    return speaker if speaker is not None and speaker.kind != "unnamed" else None


def _full_org(name: str, state: _State) -> str:
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


def _link(tokens: tuple[str, ...], state: _State) -> str | None:
    """The article's canonical name for these name tokens, or None."""
    for k in range(len(tokens)):  # "Californian Thomas Slattery" -> "Thomas Slattery"
        linked = link_name(tokens[k:], state.people)
        canonical = state.folded.get(fold(" ".join(linked)))
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


def _full_name(surname: str, state: _State) -> str | None:
    """The body's "First Surname" for a surname the model did not tag, if it has one."""
    for at in _occurrences(state.text[: state.upto], surname):
        first = _FIRST_NAME_BEFORE.search(state.text, max(0, at - 40), at)
        tokens = clean_person(f"{first.group(1)} {surname}") if first else None
        if tokens and len(tokens) == 2:
            return " ".join(tokens)
    return None


def _by_role(words: Sequence[str], state: _State) -> _Speaker | None:
    """ "the president" -> the person the article earlier called "President Saakashvili"."""
    role = words[-1].casefold()
    if len(words) == 2 and role in _ORG_NOUNS:
        return _by_org_noun(role, state)
    if (
        len(words) > 3
        or role not in _ROLES | _PERSON_HEADS
        or not all(w.islower() for w in words[1:])
    ):
        return None
    pattern = re.compile(
        rf"\b(?i:{re.escape(role)})\s+(?P<a>{_NAME})|(?P<b>{_NAME}),\s+(?:\w+\s+){{0,3}}"
        rf"(?i:{re.escape(role)})\b"
    )
    matches = list(pattern.finditer(state.text, 0, state.upto))
    for match in reversed(matches):
        tokens = clean_person(match.group("a") or match.group("b"))
        if tokens and (linked := _link(tokens, state)):
            return _Speaker(linked, "person")
        if tokens and len(tokens) >= 2:
            return _Speaker(" ".join(tokens), "person")
    # "a company spokesman said …" … "the spokesman told Reuters": the first description.
    introduced = re.compile(
        rf"\b(?:[Aa]n?|[Oo]ne)\s+(?:(?!(?:of|the|to|and|in|on)\b)[\w.'’-]+\s+){{0,4}}?"
        rf"{re.escape(role)}\b"
        r"(?:\s+(?:for|at|of|from)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})?"
    )
    found = list(introduced.finditer(state.text, 0, state.upto))
    if found:
        return _Speaker(_lower_first(found[-1].group(0).split()), "unnamed")
    return None


def _by_org_noun(noun: str, state: _State) -> _Speaker | None:
    """ "the exchange" -> "the New York Stock Exchange"; "the company" -> "Walbro Corp"."""
    named = re.compile(rf"\b(?:[A-Z][\w&'’-]*\s+){{1,5}}{noun.capitalize()}\b")
    first = named.search(state.text, 0, state.upto)  # the one the article is about
    if first:
        return _Speaker(" ".join(first.group(0).split()), "org")
    if noun in ("company", "firm", "group"):
        company = re.compile(rf"\b(?:[A-Z][\w.&'’-]*\s+(?:(?:and|of|&)\s+)?){{1,4}}{ORG_SUFFIX}\b")
        first = company.search(state.text, 0, state.upto)
        if first:
            return _Speaker(" ".join(first.group(0).split()), "org")
    return None


def _lower_first(words: Sequence[str]) -> str:
    first = words[0]
    lowered = _INDEFINITE | _UNNAMED_HEADS | {"the"}
    if first.casefold() in lowered and (first[1:].islower() or len(first) == 1):
        first = first.lower()
    return " ".join([first, *words[1:]])


# --- putting quotations together --------------------------------------------------------------


def _attribute(
    piece: _Piece,
    events: Sequence[_Event],
    ends: Sequence[int],
    masked: str,
    pieces: Sequence[_Piece],
) -> _Event | None:
    """The speech verb of a piece's sentence: the first after it, else the last before."""
    if piece.close is not None:
        stop = _sentence_end(ends, piece.close)
        following = [p.open for p in pieces if p.open > piece.close]
        if following:
            stop = min(stop, following[0])
        after = [e for e in events if piece.close < e.start < stop]
        if after and not masked[piece.close + 1 : after[0].start].strip(" ,\n\t").endswith(
            tuple(_BOUNDARY_WORDS)
        ):
            return after[0]
    start = _sentence_start(ends, piece.open)
    before = [e for e in events if start <= e.start < piece.open]
    return before[-1] if before else None


def _fill_from_neighbours(
    pieces: Sequence[_Piece], events: Sequence[_Event], masked: str, ends: Sequence[int]
) -> None:
    """A whole-sentence quotation without a verb of its own goes with the speaker before it
    in its paragraph (a quoted or reported speaker), else with the one after it."""
    for i, piece in enumerate(pieces):
        if piece.speaker is not None:
            continue
        start = _sentence_start(ends, piece.open)
        if masked[start : piece.open].strip():
            continue  # a partial quotation in a sentence without a speech verb
        before = [(p.open, p.speaker) for p in pieces[:i] if p.own]
        before += [(e.start, e.speaker) for e in events if e.end <= piece.open and e.speaker]
        if before:
            piece.speaker = max(before, key=lambda pair: pair[0])[1]
            piece.route = "neighbour"
            continue
        after = [p for p in pieces[i + 1 :] if p.own]
        if after:
            piece.speaker = after[0].speaker
            piece.route = "neighbour"


def _colon_speaker(piece: _Piece, masked: str, ends: Sequence[int], state: _State):
    """ "Johansson was more restrained: “…”": the name opening the sentence."""
    start = _sentence_start(ends, piece.open)
    lead = masked[start : piece.open].rstrip()
    if not lead.endswith(":"):
        return None
    words = lead.split()
    run = []
    for word in words:
        if not (word[:1].isupper() or (run and word.casefold() in NAME_JOINERS)):
            break
        run.append(word.strip(",:"))
    if not run or run[0].casefold() in _LEADING_NOT_NAME | {"the", "a", "an"}:
        return None
    speaker = _speaker(" ".join(run), state)
    return speaker if speaker is not None and speaker.kind == "person" else None


def _assemble(body: str, pieces: Sequence[_Piece]) -> list[Quote]:
    groups: list[list[_Piece]] = []
    for piece in pieces:
        prev = groups[-1][-1] if groups else None
        continues = prev is not None and (
            piece.joins or (prev.close is None and piece.para == prev.para + 1 and piece.open == 0)
        )
        if continues:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    quotes = []
    for group in groups:
        speaker = next((p.speaker for p in group if p.speaker is not None), None)
        spans = tuple(span for p in group if (span := _trim(body, p.inner))[0] < span[1])
        if not spans:
            continue
        text = " ".join(" ".join(body[s:e].split()) for s, e in spans).strip()
        text = text.rstrip(",;: ")
        count = len(text.split())
        if count < MIN_WORDS:
            continue
        if speaker is None and (count < MIN_UNATTRIBUTED_WORDS or _title_case(text)):
            continue
        route = next((p.route for p in group if p.speaker is not None), "")
        quotes.append(
            Quote(
                text=text,
                speaker=speaker.name if speaker else None,
                kind=speaker.kind if speaker else "unknown",
                spans=spans,
                basis=f"{route}/{speaker.via}" if speaker else "",
            )
        )
    return quotes


def _trim(body: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and body[start].isspace():
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ",;:"):
        end -= 1
    return start, end


def _title_case(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha() and len(w) > 3]
    return bool(words) and all(w[:1].isupper() for w in words)
