"""Main text: the article's paragraphs, from trafilatura or from a site rule's containers.

Parts: ``parse_page`` (the page's one lxml tree, as trafilatura parses it);
``trafilatura_paragraphs`` (the generic engine, ``TRAFILATURA_OPTIONS``, with page
furniture removed before and after it, ``indexer.clean.furniture``; it was measured
against readability-lxml on the open test pages, ``bench/eval_html.py``,
``bench/results/html.md``); ``readability_paragraphs`` (that comparison's other engine);
``soup_paragraphs`` (a site rule's body containers); ``tree_paragraphs`` (any lxml
element, trafilatura's output tree included, -> paragraphs joined later by ``"\\n\\n"``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import trafilatura
from bs4 import Tag
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from indexer.clean.furniture import drop_furniture_paragraphs, find_furniture
from indexer.clean.text import normalize_text

# Trafilatura settings chosen by bench/eval_html.py (see bench/results/html.md).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "fast": False,
}

# Elements whose start and end break paragraphs. Both HTML names and the names in
# trafilatura's output tree (head, item, quote, row, list) are here.
_BLOCK_TAGS = frozenset(
    "p div head item quote list row table tr ul ol li dl dt dd blockquote pre code "
    "h1 h2 h3 h4 h5 h6 section article main aside header footer figure figcaption "
    "address details summary form fieldset hr body html".split()
)
_LINE_TAGS = frozenset({"br", "lb"})
_CELL_TAGS = frozenset({"td", "th", "cell"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe"})


def tree_paragraphs(root: etree._Element) -> list[str]:
    """Paragraph texts of an lxml element, in document order.

    Block elements delimit paragraphs, ``<br>`` is a line break inside one, table cells are
    separated by a space. The walk is iterative, so deep trees cannot overflow the stack.

    Args:
        root: an lxml HTML element, or trafilatura's output ``<body>``.

    Returns:
        Non-empty normalised paragraphs.
    """
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = "".join(buffer)
        buffer.clear()
        for part in re.split(r"\n\s*\n", text):
            part = normalize_text(part)
            if part:
                paragraphs.append(part)

    def add(text: str | None) -> None:
        # Newlines in markup are plain whitespace; only <br> and <pre> make line breaks.
        if text:
            buffer.append(text if preformatted else text.replace("\n", " "))

    preformatted = 0
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):
            # Comments and processing instructions come as one event; only the tail is text.
            add(element.tail)
            continue
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if event == "start":
            if tag is None or tag in _SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                flush()
            elif tag in _LINE_TAGS:
                buffer.append("\n")
            elif tag in _CELL_TAGS:
                buffer.append(" ")
            preformatted += tag == "pre"
            add(element.text)
        else:
            if tag in _BLOCK_TAGS:
                flush()
            elif tag in _CELL_TAGS:
                buffer.append(" ")
            preformatted -= tag == "pre"
            if element is not root:
                add(element.tail)
    flush()
    return paragraphs


def soup_paragraphs(tags: Iterable[Tag]) -> list[str]:
    """Paragraph texts of BeautifulSoup elements (a site rule's body containers)."""
    paragraphs: list[str] = []
    for tag in tags:
        try:
            fragment = lxml_html.fragment_fromstring(str(tag), create_parent="div")
        except (etree.ParserError, ValueError, RecursionError):
            continue
        paragraphs.extend(tree_paragraphs(fragment))
    return paragraphs


def parse_page(text: str) -> HtmlElement | None:
    """The page as trafilatura parses it (``None`` when trafilatura rejects it as no HTML).

    This one tree serves metadata, htmldate and the main text: trafilatura and htmldate
    each work on a copy, so parsing the page again is never needed.
    """
    try:
        return load_html(text)
    except Exception:  # a parser failure means "no tree", never a crash
        return None


def trafilatura_paragraphs(
    html: str | HtmlElement, *, furniture: bool = False, **overrides: Any
) -> list[str]:
    """Main-text paragraphs found by trafilatura (``TRAFILATURA_OPTIONS`` + ``overrides``).

    Args:
        html: the page, as text or as the tree ``parse_page`` made (never changed).
        furniture: leave page furniture out (``indexer.clean.furniture``): a paragraph
            that lies wholly in a furniture element (and nowhere else on the page) is
            dropped, and so is a furniture line. Trafilatura still reads the whole page:
            pruning its input instead changes which container it picks on some pages.
        overrides: trafilatura options that differ from ``TRAFILATURA_OPTIONS``.
    """
    options = {**TRAFILATURA_OPTIONS, **overrides}
    if isinstance(html, str):
        html = parse_page(html)
        if html is None:
            return []
    document = trafilatura.bare_extraction(html, with_metadata=False, **options)
    body = getattr(document, "body", None)
    if body is None:
        return []
    paragraphs = tree_paragraphs(body)
    if not furniture:
        return paragraphs
    return drop_furniture_paragraphs(_outside_furniture(paragraphs, html))


def _outside_furniture(paragraphs: list[str], page: HtmlElement) -> list[str]:
    """The paragraphs, less those found only inside the page's furniture elements."""
    elements = find_furniture(page)
    if not elements:
        return paragraphs
    furniture_text = "\n".join(_flat(p) for e in elements for p in tree_paragraphs(e))
    suspects = {_flat(p) for p in paragraphs if _flat(p) in furniture_text}
    if not suspects:
        return paragraphs
    # A paragraph also found outside the furniture (a lead repeated in a share box) stays.
    page_text = "\n".join(_flat(p) for p in tree_paragraphs(page))
    only_there = {p for p in suspects if page_text.count(p) <= furniture_text.count(p)}
    return [p for p in paragraphs if _flat(p) not in only_there]


def _flat(text: str) -> str:
    return " ".join(text.split())


def readability_paragraphs(html: str) -> list[str]:
    """Main-text paragraphs found by readability-lxml (the engine measured against)."""
    from readability import Document  # only the benchmark needs it

    summary = Document(html).summary(html_partial=True)
    if not summary.strip():
        return []
    return tree_paragraphs(lxml_html.fragment_fromstring(summary, create_parent="div"))
