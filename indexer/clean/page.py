"""The whole page: one HTML page -> ``CleanPage`` (title, body, date, url, author).

``clean_html`` runs the steps in order: decode (``indexer.clean.decoding``); parse once
(``maintext.parse_page``: one lxml tree for metadata, htmldate and trafilatura); choose a
site rule (``indexer.clean.siterules``) by the page's URL and path, and apply it;
metadata (``indexer.clean.metadata``); main text (``indexer.clean.maintext``).

Site rules are CSS as BeautifulSoup's ``select`` (soupsieve) reads it, so a page that a
rule matches is parsed a second time, by BeautifulSoup, for the rule's selectors; a
``drop`` rule's page is parsed again after the drop, so that no later step sees what it
removed.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning
from lxml import html as lxml_html
from lxml.html import HtmlElement

from indexer.clean.decoding import decode_html, looks_like_html
from indexer.clean.furniture import drop_furniture_paragraphs
from indexer.clean.maintext import parse_page, soup_paragraphs, trafilatura_paragraphs
from indexer.clean.metadata import absolute_url, attr, compact, meta_map, read_metadata
from indexer.clean.text import one_line
from indexer.dates import parse_date

if TYPE_CHECKING:
    from indexer.clean.siterules import SiteRule, SiteRules

log = logging.getLogger(__name__)

# XHTML pages with an XML declaration are still web pages; parsing them as HTML is intended.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning, module=__name__)

# Pages above this size are cut before parsing: the article is near the top in practice,
# and a runaway page must not stall a build of thousands.
MAX_HTML_CHARS = 8_000_000


@dataclass(frozen=True)
class CleanPage:
    """What one HTML page gives the index.

    Attributes:
        title: the headline, site-name suffix removed; ``None`` when the page has none.
        body: article paragraphs joined by ``"\\n\\n"``; ``""`` when no article text was found.
        date: publication date as the page gives it (``indexer.dates.parse_date``): a
            ``date`` when only the day is known, else a ``datetime`` (with its zone when
            the page gives one).
        url: the page's canonical absolute URL.
        author: byline names, comma-separated when several.
        section: the section the page says it belongs to (a site rule, JSON-LD
            ``articleSection``, ``article:section``).
    """

    title: str | None
    body: str
    date: date | datetime | None
    url: str | None
    author: str | None
    section: str | None = None


def _select(soup: BeautifulSoup, selectors: Iterable[str]) -> Iterator[Tag]:
    """Elements matching any selector, selector order first, each element once."""
    seen: set[int] = set()
    for selector in selectors:
        for tag in soup.select(selector):
            if id(tag) not in seen:
                seen.add(id(tag))
                yield tag


def _rule_date(soup: BeautifulSoup, rule: SiteRule) -> date | datetime | None:
    for tag in _select(soup, rule.date):
        found = (
            parse_date(attr(tag, "datetime"))
            or parse_date(attr(tag, "content"))
            or parse_date(tag.get_text(" "))
        )
        if found:
            return found
    return None


def _rule_title(soup: BeautifulSoup, rule: SiteRule) -> str | None:
    for tag in _select(soup, rule.title):
        text = one_line(attr(tag, "content") or tag.get_text(" "))
        if text:
            return text
    return None


def _rule_section(soup: BeautifulSoup | None, rule: SiteRule, url: str | None) -> str | None:
    """The section a site rule reads: a URL path segment, or its selectors' first text."""
    if rule.section_segment is not None:
        path = urlsplit(url).path if url else ""
        segments = [s for s in path.split("/") if s]
        if len(segments) > rule.section_segment:  # the last segment is the story itself
            segment = unquote(segments[rule.section_segment - 1])
            return one_line(segment.replace("-", " ").replace("_", " ")).title() or None
        return None
    if soup is None:
        return None
    for tag in _select(soup, rule.section):
        text = one_line(attr(tag, "content") or tag.get_text(" "))
        if text:
            return text[:100]
    return None


def _outermost(tags: Iterable[Tag]) -> list[Tag]:
    """Drop elements nested in another selected element, so no text is taken twice."""
    chosen = list(tags)
    ids = {id(t) for t in chosen}
    return [t for t in chosen if not any(id(p) in ids for p in t.parents)]


def _page_url(tree: HtmlElement, metas: dict[str, str]) -> str | None:
    """A quick URL for choosing a site rule, before the full metadata pass."""
    if url := absolute_url(metas.get("og:url")):
        return url
    links = (link for link in tree.iter("link") if link.get("rel") and link.get("href"))
    for link in islice(links, 200):
        if "canonical" in link.get("rel", "").lower().split():
            if url := absolute_url(link.get("href")):
                return url
    return None


def _parse(text: str) -> tuple[HtmlElement | None, bool]:
    """The page's tree, and whether trafilatura accepts it as a page.

    When trafilatura rejects the markup (a fragment, not a document), lxml's own parse
    still gives the metadata; the main text is then trafilatura's answer: none.
    """
    tree = parse_page(text)
    if tree is not None:
        return tree, True
    try:
        return lxml_html.document_fromstring(text), False
    except Exception:  # a parser failure means "no page", never a crash
        return None, False


_EMPTY = CleanPage(title=None, body="", date=None, url=None, author=None)


def clean_html(
    html: str | bytes,
    *,
    path: str | None = None,
    rules: SiteRules | None = None,
    furniture: bool = True,
) -> CleanPage:
    """Extract the article from one HTML page.

    Args:
        html: the page, as text or as bytes (charset detected by ``decode_html``).
        path: the page's archive-relative path, for site rules matched by path glob.
        rules: optional per-site rules (``indexer.clean.siterules.SiteRules``).
        furniture: leave page furniture out of the body (``indexer.clean.furniture``);
            off only to measure what it changes (``bench/eval_html.py``).

    Returns:
        The page's title, body, date, url and author. ``body`` is ``""`` when no article
        text was found (including for empty or non-HTML input); never raises on bad markup.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text or not looks_like_html(text):
        return _EMPTY
    text = text[:MAX_HTML_CHARS]
    tree, generic = _parse(text)
    if tree is None:
        log.warning("could not parse %s", path or "page")
        return _EMPTY

    metas = meta_map(tree)
    rule = rules.for_page(url=_page_url(tree, metas), path=path) if rules else None
    soup: BeautifulSoup | None = None
    if rule:
        try:
            soup = BeautifulSoup(text, "lxml")
        except Exception:  # the rule cannot apply; the generic steps still run
            log.warning("could not parse %s for its site rule", path or "page", exc_info=True)
            rule = None
    if rule and soup is not None and rule.drop:
        try:
            for tag in list(_select(soup, rule.drop)):
                tag.decompose()
            text = str(soup)  # the generic engine must not see dropped elements either
            tree, generic = _parse(text)
            if tree is None:
                return _EMPTY
            metas = meta_map(tree)
        except RecursionError:
            log.warning("page too deeply nested to apply drop rules: %s", path or "page")

    first: dict[str, Any] = {}
    if rule and soup is not None:
        first = {"title": _rule_title(soup, rule), "date": _rule_date(soup, rule)}
    meta = read_metadata(tree, metas, first=first, source=path)
    section = (_rule_section(soup, rule, meta.url) if rule else None) or meta.section
    title = meta.best_title()

    paragraphs: list[str] = []
    if rule and soup is not None and rule.body:
        paragraphs = soup_paragraphs(_outermost(_select(soup, rule.body)))
        if furniture:
            paragraphs = drop_furniture_paragraphs(paragraphs)
    if not paragraphs and generic:
        try:
            paragraphs = trafilatura_paragraphs(tree, furniture=furniture)
        except Exception:  # one broken page must not stop a build
            log.warning("main-text extraction failed for %s", path or "page", exc_info=True)
            paragraphs = []
    if paragraphs and title and compact(paragraphs[0]) == compact(title):
        # The headline is the title field already; repeated in the body it would lead
        # every snippet.
        paragraphs = paragraphs[1:]
    return CleanPage(
        title=title or None,
        body="\n\n".join(paragraphs),
        date=meta.date,
        url=meta.url,
        author=meta.author,
        section=section,
    )
