"""Text normalisation for everything the cleaner extracts.

Parts: ``normalize_text`` (NFC, white space collapsed, invisible characters removed; curly
quotes and dashes kept as published) and ``one_line`` (a metadata value on one line).
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata

# Zero-width and direction-control characters: invisible, but they split words for the
# tokenizer ("Pu\u200btin" would never match "Putin"). Soft hyphens likewise.
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0/C1 controls other than tab and newline (carriage returns are turned into newlines first).
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Every horizontal space, NBSP and the typographic spaces included.
_HSPACE_RE = re.compile(r"[^\S\n]+")
_PARA_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")


def normalize_text(text: str) -> str:
    """Normalise extracted text for storage and indexing.

    NFC; invisible (zero-width, bidi, soft hyphen) and control characters removed; runs of
    spaces/tabs (any Unicode space) collapsed to one space; lines stripped; blank lines
    collapse into one ``"\\n\\n"`` paragraph break, single newlines are kept. Curly quotes,
    apostrophes and dashes are kept as they are.

    Args:
        text: any text.

    Returns:
        The normalised text, stripped.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _HSPACE_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _PARA_BREAK_RE.sub("\n\n", text)
    return text.strip()


def one_line(text: str | None) -> str:
    """Normalise a metadata value (title, author) to a single line.

    Entities are decoded once more: CMSs often escape twice, so a ``content`` attribute
    arrives as ``Olive &#038; Herb`` after the parser's own decoding.
    """
    if not text:
        return ""
    if "&" in text and ";" in text:
        text = html_lib.unescape(text)
    return normalize_text(text.replace("\n", " "))
