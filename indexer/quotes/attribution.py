"""Putting quotations together: each quoted stretch gets its speaker; ``find_quotes``.

Each quotation takes the first speech verb after it in its sentence, else the last one
before it; a whole-sentence quotation with no verb of its own takes the speaker before it
in its paragraph; a paragraph that opens with a quotation of no one named continues the
previous paragraph's speaker; "Name was more restrained: “…”" is the name's.
``Quote.basis`` records which of these applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.names import NAME_JOINERS
from indexer.quotes.marks import (
    mask_quoted,
    pair_marks,
    paragraphs,
    sentence_end,
    sentence_ends,
    sentence_start,
)
from indexer.quotes.model import Event, Piece, Quote, Speaker, State
from indexer.quotes.speakers import remember, resolve_event, speaker_for
from indexer.quotes.verbs import speech_events
from indexer.quotes.words import BOUNDARY_WORDS, LEADING_NOT_NAME
from indexer.schema import fold

MIN_WORDS = 2
MIN_UNATTRIBUTED_WORDS = 4
_ANY_MARK = re.compile('["“”„‘]')


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
    state = State(names, {fold(" ".join(n)): n for n in names}, body)
    state.first_person = next((p for p in people if len(p.split()) > 1), None)
    pieces: list[Piece] = []
    previous_speaker: Speaker | None = None  # the last speaker of the previous paragraph
    for index, (start, end) in enumerate(paragraphs(body)):
        text = body[start:end]
        para_pieces = pair_marks(text, index)
        masked = mask_quoted(text, para_pieces)
        ends = sentence_ends(text, masked, para_pieces)
        events = speech_events(masked, ends, para_pieces)
        # Whom "he" meant at each point of the paragraph: its events are resolved before
        # its quotations, so a later "Mr Blair said" must not answer an earlier "He …:".
        person_at = [(-1, state.last_person)]
        for event in events:
            state.upto = start + event.start
            event.speaker = resolve_event(event, events, state)
            if event.speaker is not None:
                remember(state, event.speaker)
            person_at.append((event.start, state.last_person))
        for piece in para_pieces:
            event = verb_of(piece, events, ends, masked, para_pieces)
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
                latest = state.last_person
                state.last_person = [who for at, who in person_at if at < piece.open][-1]
                piece.speaker = colon_speaker(piece, masked, ends, state)
                state.last_person = latest
                if piece.speaker is not None:
                    piece.own, piece.route = True, "colon"
        fill_from_neighbours(para_pieces, events, masked, ends)
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
                remember(state, piece.speaker)
            piece.inner = (piece.inner[0] + start, piece.inner[1] + start)
        pieces += para_pieces
    return assemble(body, pieces)


def verb_of(
    piece: Piece,
    events: Sequence[Event],
    ends: Sequence[int],
    masked: str,
    pieces: Sequence[Piece],
) -> Event | None:
    """The speech verb of a piece's sentence: the first after it, else the last before."""
    if piece.close is not None:
        stop = sentence_end(ends, piece.close)
        following = [p.open for p in pieces if p.open > piece.close]
        if following:
            stop = min(stop, following[0])
        after = [e for e in events if piece.close < e.start < stop]
        between = masked[piece.close + 1 : after[0].start].split() if after else []
        # "…," he said, but not "“…” that he said" (a whole word: "has" is no "as").
        if after and not (between and between[-1].strip(",").casefold() in BOUNDARY_WORDS):
            return after[0]
    start = sentence_start(ends, piece.open)
    before = [e for e in events if start <= e.start < piece.open]
    return before[-1] if before else None


def fill_from_neighbours(
    pieces: Sequence[Piece], events: Sequence[Event], masked: str, ends: Sequence[int]
) -> None:
    """A whole-sentence quotation without a verb of its own goes with the speaker before it
    in its paragraph (a quoted or reported speaker), else with the one after it."""
    for i, piece in enumerate(pieces):
        if piece.speaker is not None:
            continue
        start = sentence_start(ends, piece.open)
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


def colon_speaker(piece: Piece, masked: str, ends: Sequence[int], state: State):
    """ "Johansson was more restrained: “…”": the name opening the sentence."""
    start = sentence_start(ends, piece.open)
    lead = masked[start : piece.open].rstrip()
    if not lead.endswith(":"):
        return None
    words = lead.split()
    run = []
    for word in words:
        if not (word[:1].isupper() or (run and word.casefold() in NAME_JOINERS)):
            break
        run.append(word.strip(",:"))
    if not run or run[0].casefold() in LEADING_NOT_NAME | {"the", "a", "an"}:
        return None
    speaker = speaker_for(" ".join(run), state)
    return speaker if speaker is not None and speaker.kind == "person" else None


def assemble(body: str, pieces: Sequence[Piece]) -> list[Quote]:
    """The quotations: pieces joined across paragraphs; short and unattributed ones dropped."""
    groups: list[list[Piece]] = []
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
        # A quotation over several paragraphs is said by the verb of any of its pieces (news
        # style names the speaker at the first paragraph's end or the last's), before a
        # speaker carried on from the paragraph before it.
        attributed = [p for p in group if p.speaker is not None]
        by_verb = [p for p in attributed if p.route.startswith("verb")]
        chosen = (by_verb or attributed or [None])[0]
        speaker = chosen.speaker if chosen is not None else None
        spans = tuple(span for p in group if (span := _trim(body, p.inner))[0] < span[1])
        if not spans:
            continue
        text = " ".join(" ".join(body[s:e].split()) for s, e in spans).strip()
        text = text.rstrip(",;: ")
        count = len(text.split())
        if count < MIN_WORDS and not _one_word_quotation(body, group, text, chosen):
            continue
        if speaker is None and (count < MIN_UNATTRIBUTED_WORDS or _title_case(text)):
            continue
        route = chosen.route if chosen is not None else ""
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


# Before a one-word span, words that make it a term or a name, not a quotation.
_TERM_BEFORE = re.compile(
    r"(?:\b(?:so-called|called|dubbed|termed|named|as|the|a|an|its|their|his|her|of|by)|[A-Z]\w*)"
    r"\s*[\"“‘]?$"
)


def _one_word_quotation(body: str, group: Sequence[Piece], text: str, chosen) -> bool:
    """Whether a one-word quoted span is someone's word ("excessive", "difficult"): a
    lower-case word, said by a speech verb of its own sentence, not a term or name
    ("so-called “hold”", "the “B” shares", "Silkworm")."""
    if chosen is None or not chosen.route.startswith("verb") or len(group) != 1:
        return False
    word = text.strip(".,;:!?")
    if not word.isalpha() or not word.islower() or len(word) < 4:
        return False
    start = group[0].inner[0]
    return not _TERM_BEFORE.search(body, max(0, start - 30), start)


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
