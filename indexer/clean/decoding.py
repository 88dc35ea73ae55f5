"""Page bytes -> text, the way a browser decodes them, and whether text is HTML at all.

Parts: ``decode_html`` (BOM, the declared charset, UTF-8, cp1252) and ``looks_like_html``.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard); so do we, so that
# curly quotes in bytes 0x80-0x9F survive.
_LATIN1_ALIASES = {"latin_1", "iso8859_1", "ascii", "cp1252"}


def _declared_codec(head: bytes) -> str | None:
    """The Python codec name of the charset a page declares, if known."""
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name.replace("-", "_") in _LATIN1_ALIASES else name


def decode_html(data: bytes) -> str:
    """Decode page bytes the way a browser would, without guessing statistically.

    Order: byte-order mark; the declared charset (first 4 KB); UTF-8; cp1252 (which never
    fails). A page declaring a Latin-1 family charset whose bytes are valid multi-byte UTF-8
    is read as UTF-8: mislabelled CMS output is far likelier than Latin-1 text that happens
    to be valid UTF-8.

    Args:
        data: the raw page.

    Returns:
        The page as text.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    declared = _declared_codec(data[:4096])
    candidates = [c for c in (declared, "utf-8") if c]
    if declared == "cp1252" and not data.isascii():
        candidates = ["utf-8", "cp1252"]
    for codec in candidates:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


# A page must contain at least one of these tags to be treated as HTML.
_HTML_TAG_RE = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|title|meta|p|div|article|main|section|span|a|"
    r"h[1-6]|br|table|ul|ol|li|script)\b",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is plausibly an HTML page (and not plain text, JSON or binary)."""
    head = text[:2048]
    if "\x00" in head or head.lstrip().startswith("%PDF"):
        return False
    return _HTML_TAG_RE.search(text) is not None
