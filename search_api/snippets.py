"""Snippets: the most relevant passage of a hit's body, HTML-escaped, matches in ``<mark>``.

Parts:
    ``MarkFormatter``: a Whoosh formatter that escapes the text, wraps matches in ``<mark>``
    (a run of matched words separated only by spaces or punctuation, such as a matched
    phrase, becomes one ``<mark>``), and puts "…" where the passage was cut;
    ``make_highlighter()``: the pinpoint highlighter (uses the character offsets stored
    with the body, so no hit is re-analysed);
    ``lead_snippet(body)``: the opening of the body when the body itself did not match.
"""

from __future__ import annotations

import html
import re

from whoosh.highlight import Formatter, Highlighter, PinpointFragmenter

SNIPPET_CHARS = 220
SURROUND_CHARS = 90
ELLIPSIS = "…"
_GAP = re.compile(r"[\W_]{0,3}")


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


def make_highlighter() -> Highlighter:
    """The highlighter used for every page of results."""
    return Highlighter(
        fragmenter=PinpointFragmenter(
            maxchars=SNIPPET_CHARS, surround=SURROUND_CHARS, autotrim=True
        ),
        formatter=MarkFormatter(),
    )


def lead_snippet(body: str, max_chars: int = SNIPPET_CHARS) -> str:
    """The escaped opening of a body, cut at a word boundary."""
    text = " ".join(body.split())
    if len(text) <= max_chars:
        return html.escape(text, quote=False)
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;:")
    return html.escape(cut, quote=False) + " " + ELLIPSIS
