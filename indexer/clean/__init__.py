"""Archive files -> clean article text and metadata (pure functions, no I/O).

The modules, in the order a page goes through them:

- ``decoding``: page bytes -> text (BOM, declared charset, UTF-8, cp1252); is it HTML?
- ``maintext.parse_page``: the page parsed once, one lxml tree for every later step.
- ``siterules``: a newsroom's TOML rules (body, title, date, drop selectors) per site.
- ``metadata``: title, date, url, author from JSON-LD, OpenGraph, ``<meta>``, markup.
- ``maintext``: the article's paragraphs (trafilatura, or a site rule's containers).
- ``furniture``: page furniture (newsletter boxes, teasers, captions, share and cookie
  lines ...) left out of those paragraphs.
- ``page``: ``clean_html`` runs them all and returns a ``CleanPage``.
- ``text``: ``normalize_text`` (NFC, white space, invisible characters), for every step.
- ``textdump``: plain-text dumps (``.txt``) split into articles, site furniture cut.

Dates are read by ``indexer.dates``. Nothing here raises on bad input: a page that is
empty, not HTML, too deep or too big for a stage yields whatever the other stages found
and ``body == ""`` when no text was found.
"""

from indexer.clean.decoding import decode_html
from indexer.clean.maintext import (
    TRAFILATURA_OPTIONS,
    readability_paragraphs,
    trafilatura_paragraphs,
    tree_paragraphs,
)
from indexer.clean.metadata import strip_site_suffix
from indexer.clean.page import MAX_HTML_CHARS, CleanPage, clean_html
from indexer.clean.text import normalize_text
from indexer.dates import parse_date

__all__ = [
    "MAX_HTML_CHARS",
    "TRAFILATURA_OPTIONS",
    "CleanPage",
    "clean_html",
    "decode_html",
    "normalize_text",
    "parse_date",
    "readability_paragraphs",
    "strip_site_suffix",
    "trafilatura_paragraphs",
    "tree_paragraphs",
]
