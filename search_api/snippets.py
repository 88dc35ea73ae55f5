"""Snippets: the most relevant passage of a hit's body, HTML-escaped, matches in ``<mark>``.

Parts:
    ``highlight_parts(query)``: the body terms of a query worth marking (not the excluded
    ones; stop words only inside phrases) and its phrases (marked only where they match);
    ``highlight_terms(query)``: both as one set of terms;
    ``page_snippets(searcher, docnums, terms, bodies)``: one ``Snippet`` per document of the
    page, from the character offsets stored with the body: no hit is re-analysed and no
    second search runs; it says where its matched words are (for "said in a quotation");
    ``MarkFormatter``: escapes the text, wraps matches in ``<mark>`` (a run of matched words
    separated only by spaces or punctuation, such as a matched phrase, becomes one
    ``<mark>``), and puts "…" where the passage was cut;
    ``PassageScorer``: prefers passages with more distinct words, and words side by side;
    ``lead_snippet(body)``: the opening of the body when the body itself did not match;
    ``marked_paragraphs(searcher, docnum, terms, text)``: a whole text (the reading page),
    paragraph by paragraph, escaped, every match marked by the same ``MarkFormatter``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import Token
from whoosh.highlight import FIRST, Formatter, Fragment, PinpointFragmenter, top_fragments

from search_api.postings import term_values

SNIPPET_CHARS = 220
SURROUND_CHARS = 90
ELLIPSIS = "…"
_GAP = re.compile(r"[\W_]{0,3}")


@dataclass(frozen=True)
class Snippet:
    """A snippet and where, in the text, its first and last marked words are."""

    html: str
    start: int
    end: int


class MarkFormatter(Formatter):
    """Escaped text with ``<mark>`` around matches and "…" at cut ends."""

    between = f" {ELLIPSIS} "

    def format_fragment(self, fragment, replace=False) -> str:
        text = fragment.text
        start, end = fragment.startchar, fragment.endchar
        spans: list[list[int]] = []
        for t in fragment.matches:
            if t.startchar is None or t.startchar < start or t.endchar > end:
                continue
            if spans and t.startchar < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], t.endchar)
            elif spans and _GAP.fullmatch(text[spans[-1][1] : t.startchar]):
                spans[-1][1] = t.endchar
            else:
                spans.append([t.startchar, t.endchar])
        out = []
        if start > 0:
            out.append(ELLIPSIS + " ")
        pos = start
        for s, e in spans:
            out.append(html.escape(text[pos:s], quote=False))
            out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
            pos = e
        out.append(html.escape(text[pos:end], quote=False))
        if end < len(text.rstrip()):
            out.append(" " + ELLIPSIS)
        return "".join(out).replace("\n\n", " ").replace("\n", " ")

    def format_token(self, text, token, replace=False):  # pragma: no cover - unused
        return html.escape(text[token.startchar : token.endchar], quote=False)


class PassageScorer:
    """Scores a candidate passage: distinct words first, then adjacent pairs, then count."""

    def __call__(self, fragment) -> float:
        matches = fragment.matches
        adjacent = sum(1 for a, b in zip(matches, matches[1:], strict=False) if b.pos == a.pos + 1)
        return len({t.text for t in matches}) * 100 + adjacent * 10 + len(matches)


_FRAGMENTER = PinpointFragmenter(maxchars=SNIPPET_CHARS, surround=SURROUND_CHARS, autotrim=True)
# Quotations are shown whole up to this length (a quotation cut short misleads).
QUOTE_SNIPPET_CHARS = 480

_FORMATTER = MarkFormatter()
_SCORER = PassageScorer()


def _collect_terms(q, words: set[str], phrases: list[tuple[str, ...]], field: str) -> None:
    if isinstance(q, wq.AndNot):
        _collect_terms(q.a, words, phrases, field)  # excluded words are never marked
        return
    if isinstance(q, wq.Phrase):
        if q.fieldname == field and tuple(q.words) not in phrases:
            phrases.append(tuple(q.words))
        return
    if isinstance(q, wq.Term):
        if q.fieldname == field:
            words.add(q.text)
        return
    for child in q.children():
        _collect_terms(child, words, phrases, field)


def highlight_parts(
    query, stop_words: frozenset[str], field: str = "body"
) -> tuple[set[str], list[tuple[str, ...]]]:
    """The terms of ``field`` to mark anywhere, and the phrases to mark where they match."""
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    _collect_terms(query, words, phrases, field)
    content = {w for w in words if w not in stop_words}
    return (content or words), phrases


def highlight_terms(query, stop_words: frozenset[str], field: str = "body") -> set[str]:
    """Every term of ``field`` this query may mark (its words and its phrases' words)."""
    words, phrases = highlight_parts(query, stop_words, field)
    return words | {w for p in phrases for w in p}


def _markable(
    toks: list[Token], phrase_only: set[str], phrases: list[tuple[str, ...]]
) -> list[Token]:
    """The tokens to mark: a word that only a phrase asked for, only where the phrase is."""
    if not phrase_only or not toks:
        return toks
    keep = _in_phrases(toks, phrases)
    return [t for i, t in enumerate(toks) if i in keep or t.text not in phrase_only]


def _in_phrases(toks: list[Token], phrases: list[tuple[str, ...]]) -> set[int]:
    """Indexes of the tokens that are part of an occurrence of one of the phrases."""
    at: dict[tuple[str, int], int] = {(t.text, t.pos): i for i, t in enumerate(toks)}
    keep: set[int] = set()
    for phrase in phrases:
        for t in toks:
            if t.text != phrase[0]:
                continue
            found = [at.get((w, t.pos + k)) for k, w in enumerate(phrase)]
            if all(i is not None for i in found):
                keep.update(found)
    return keep


def page_snippets(
    searcher,
    docnums: list[int],
    terms: set[str],
    bodies: dict[int, str],
    field: str = "body",
    whole_below: int = 0,
    phrases: list[tuple[str, ...]] = (),
) -> dict[int, Snippet]:
    """A snippet for each document of the page whose ``field`` matched.

    ``terms`` are marked wherever they occur; the words of ``phrases`` only where the whole
    phrase does (a phrase "healed rifts" does not mark a lone "heal"). A text shorter than
    ``whole_below`` characters is shown whole.
    """
    phrase_only = {w for p in phrases for w in p} - set(terms)
    tokens: dict[int, list[Token]] = {d: [] for d in docnums}
    reader = searcher.reader()
    for term in set(terms) | phrase_only:
        found = term_values(reader, field, term, docnums, "characters")
        for d, chars in found.items():
            for pos, start, end in chars:
                tokens[d].append(Token(text=term, pos=pos, startchar=start, endchar=end))
    out = {}
    for d, toks in tokens.items():
        toks = _markable(toks, phrase_only, phrases)
        if not toks:
            continue
        toks.sort(key=lambda t: t.startchar)
        text = bodies[d]
        if len(text) < whole_below:
            fragments = [Fragment(text, toks, 0, len(text))]
        else:
            fragments = _FRAGMENTER.fragment_matches(text, toks)
        best = top_fragments(fragments, 1, _SCORER, FIRST, minscore=1)
        if not best:
            continue
        frag = best[0]
        marked = [
            t
            for t in frag.matches
            if t.startchar is not None
            and frag.startchar <= t.startchar
            and t.endchar <= frag.endchar
        ]
        out[d] = Snippet(
            _FORMATTER.format(best),
            min((t.startchar for t in marked), default=0),
            max((t.endchar for t in marked), default=0),
        )
    return out


def lead_snippet(body: str, max_chars: int = SNIPPET_CHARS) -> str:
    """The escaped opening of a body, cut at a word boundary."""
    text = " ".join(body.split())
    if len(text) <= max_chars:
        return html.escape(text, quote=False)
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;:")
    return html.escape(cut, quote=False) + " " + ELLIPSIS


# Paragraphs of a stored body are separated by blank lines (indexer/clean.py).
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each non-blank paragraph, surrounding space trimmed."""
    spans = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        chunk = text[start : brk.start() if brk else len(text)]
        s, e = start + len(chunk) - len(chunk.lstrip()), start + len(chunk.rstrip())
        if e > s:
            spans.append((s, e))
        if brk:
            start = brk.end()
    return spans


def _document_tokens(searcher, docnum: int, terms: set[str], field: str) -> list[Token]:
    """Every occurrence of ``terms`` in one document's ``field``, in text order."""
    tokens = []
    reader = searcher.reader()
    for term in terms:
        for pos, start, end in term_values(reader, field, term, [docnum], "characters").get(
            docnum, ()
        ):
            tokens.append(Token(text=term, pos=pos, startchar=start, endchar=end))
    tokens.sort(key=lambda t: t.startchar)
    return tokens


def marked_paragraphs(
    searcher,
    docnum: int,
    terms: set[str],
    text: str,
    field: str = "body",
    phrases: list[tuple[str, ...]] = (),
) -> list[str]:
    """The paragraphs of ``text`` (the stored ``field`` of ``docnum``) as escaped HTML with
    every occurrence of ``terms``, and of ``phrases`` where they match, in ``<mark>`` (no
    terms: just escaped)."""
    phrase_only = {w for p in phrases for w in p} - set(terms)
    wanted = set(terms) | phrase_only
    tokens = _document_tokens(searcher, docnum, wanted, field) if wanted else []
    tokens = _markable(tokens, phrase_only, phrases)
    out = []
    for s, e in _paragraph_spans(text):
        inside = [
            Token(text=t.text, pos=t.pos, startchar=t.startchar - s, endchar=t.endchar - s)
            for t in tokens
            if s <= t.startchar and t.endchar <= e
        ]
        paragraph = text[s:e]
        out.append(_FORMATTER.format_fragment(Fragment(paragraph, inside, 0, len(paragraph))))
    return out
