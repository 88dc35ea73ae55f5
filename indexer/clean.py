"""HTML page -> clean article: title, body, date, url, author (pure functions, no I/O).

The parts, in the order ``clean_html`` runs them:

1. **Decoding** (``decode_html``): bytes -> str from the BOM, the page's declared charset
   (``<meta charset>``, ``http-equiv``, XML declaration), else UTF-8, else cp1252.
2. **Parsing**: one BeautifulSoup tree (lxml parser) serves site rules and metadata.
3. **Site rules** (``indexer.siterules``): a matching rule first removes its ``drop``
   selectors, then its ``title``/``date``/``body`` selectors win over everything generic.
4. **Metadata**, in order of trust: JSON-LD ``NewsArticle`` (and other ``*Article`` types,
   ``@graph`` arrays, lists) -> OpenGraph / ``article:`` meta -> other ``<meta>`` (author,
   date, parsely-*, dc.*, microdata) -> ``<time datetime>`` / ``<link rel=canonical>`` ->
   ``<h1>`` / ``<title>`` (with the " | Site Name" suffix stripped); when no date was
   found, htmldate's markup heuristics are the last resort.
5. **Main text**: trafilatura (comments off) is the generic engine; it was measured
   against readability-lxml on the open test pages (``bench/eval_html.py``,
   ``bench/results/html.md``). Its output tree is turned into paragraphs joined by
   ``"\\n\\n"``.
6. **Normalisation** (``normalize_text``): NFC, whitespace collapsed, invisible characters
   removed; curly quotes and dashes kept as published.

Nothing here raises on bad input: a page that is empty, not HTML, too deep or too big for
a stage yields whatever the other stages found and ``body == ""`` when no text was found.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import trafilatura
from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning
from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html

from indexer.dates import parse_date

if TYPE_CHECKING:
    from indexer.siterules import SiteRule, SiteRules

log = logging.getLogger(__name__)

# XHTML pages with an XML declaration are still web pages; parsing them as HTML is intended.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning, module=__name__)

# Pages above this size are cut before parsing: the article is near the top in practice,
# and a runaway page must not stall a build of thousands.
MAX_HTML_CHARS = 8_000_000

# Trafilatura settings chosen by bench/eval_html.py (see bench/results/html.md).
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "fast": False,
}


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
    """

    title: str | None
    body: str
    date: date | datetime | None
    url: str | None
    author: str | None


# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

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


def _one_line(text: str | None) -> str:
    """Normalise a metadata value (title, author) to a single line.

    Entities are decoded once more: CMSs often escape twice, so a ``content`` attribute
    arrives as ``Olive &#038; Herb`` after the parser's own decoding.
    """
    if not text:
        return ""
    if "&" in text and ";" in text:
        text = html_lib.unescape(text)
    return normalize_text(text.replace("\n", " "))


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------

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


def _looks_like_html(text: str) -> bool:
    """Whether ``text`` is plausibly an HTML page (and not plain text, JSON or binary)."""
    head = text[:2048]
    if "\x00" in head or head.lstrip().startswith("%PDF"):
        return False
    return _HTML_TAG_RE.search(text) is not None


# --------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "techarticle",
    "scholarlyarticle",
    "report",
}

_META_TITLE_KEYS = ("parsely-title", "dc.title", "dcterms.title", "headline", "title")
_META_DATE_KEYS = (
    "datepublished",
    "parsely-pub-date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dc.date.created",
    "dcterms.issued",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "article.published",
    "originalpublicationdate",
    "datecreated",
)
_META_AUTHOR_KEYS = (
    "author",
    "parsely-author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "byl",
)
_BYLINE_PREFIX_RE = re.compile(r"^\s*(?:by|written by|posted by|von|par|por)[\s:]+", re.I)


def _is_url(value: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//", value.strip(), re.I))


def _absolute_url(value: Any) -> str | None:
    """``value`` when it is an absolute http(s) URL (relative ones have no base here)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    return None


def _meta_map(soup: BeautifulSoup) -> dict[str, str]:
    """All ``<meta>`` values keyed by lower-cased property/name/itemprop (first one wins)."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if isinstance(key, str) and key.strip():
                found.setdefault(key.strip().lower(), content.strip())
    return found


def _load_json_ld(text: str) -> Any:
    """Parse one JSON-LD script body, tolerating common publisher mistakes."""
    text = text.strip()
    # CDATA wrappers, HTML comments and trailing semicolons all occur in the wild.
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text)
    text = re.sub(r"^\s*<!--|-->\s*$", "", text).strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _json_ld_nodes(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every object in the page's JSON-LD scripts, ``@graph`` arrays and lists flattened."""
    nodes: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        data = _load_json_ld(script.get_text())
        stack = [data]
        while stack and len(nodes) < 500:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                nodes.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return nodes


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names out of a JSON-LD author value: a string, an object (maybe an ``@id``), a list."""
    values = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in values[:20]:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = by_id.get(item["@id"], item)
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, list):
                item = item[0] if item else None
        if isinstance(item, str) and item.strip() and not _is_url(item):
            names.append(item)
    return names


@dataclass
class _Meta:
    """Metadata candidates of one page, each field filled by the most trusted source."""

    titles: list[str] = field(default_factory=list)
    date: date | datetime | None = None
    url: str | None = None
    author: str | None = None
    site_name: str | None = None

    def offer(self, **values: Any) -> None:
        """Fill each still-empty field from ``values`` (callers go from most to least trusted).

        Titles are all kept, in order: the best one is chosen at the end, once the site
        name is known (a "title" that is just the site name is skipped then).
        """
        for name, value in values.items():
            if not value:
                continue
            if name == "title":
                self.titles.append(value)
            elif not getattr(self, name):
                setattr(self, name, value)

    def best_title(self) -> str | None:
        """The most trusted title candidate that is more than the site's name."""
        site = _compact(self.site_name or "")
        for candidate in self.titles:
            title = _clean_title(candidate, self.site_name, self.url)
            if title and _compact(title) != site:
                return title
        return None


def _from_json_ld(meta: _Meta, soup: BeautifulSoup) -> None:
    nodes = _json_ld_nodes(soup)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    for node in nodes:
        if not _types(node) & _ARTICLE_TYPES:
            continue
        entity = node.get("mainEntityOfPage")
        if isinstance(entity, dict):
            entity = entity.get("@id") or entity.get("url")
        headline = node.get("headline") or node.get("name")
        authors = _names(node.get("author"), by_id)
        meta.offer(
            title=_one_line(headline) if isinstance(headline, str) else None,
            date=parse_date(_first_str(node.get("datePublished")))
            or parse_date(_first_str(node.get("dateCreated"))),
            url=_absolute_url(node.get("url")) or _absolute_url(entity),
            author=_join_authors(authors),
        )
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and "name" not in publisher:
            publisher = by_id.get(str(publisher.get("@id")), publisher)
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.offer(site_name=_one_line(publisher["name"]))
    for node in nodes:
        # A WebSite node names the site even when no article node does.
        if "website" in _types(node) and isinstance(node.get("name"), str):
            meta.offer(site_name=_one_line(node["name"]))


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _join_authors(names: Iterable[str]) -> str | None:
    """One byline string: de-duplicated names, "By " removed, comma-separated."""
    seen: list[str] = []
    for name in names:
        name = _one_line(_BYLINE_PREFIX_RE.sub("", name))
        if name and name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return ", ".join(seen) or None


def _from_meta(meta: _Meta, metas: dict[str, str]) -> None:
    meta.offer(site_name=_one_line(metas.get("og:site_name")))
    # OpenGraph and article:* first: publishers fill them for social cards, so they are
    # the most consistently correct tags after JSON-LD.
    article_author = metas.get("article:author", "")
    meta.offer(
        title=_one_line(metas.get("og:title")),
        url=_absolute_url(metas.get("og:url")),
        date=parse_date(metas.get("article:published_time"))
        or parse_date(metas.get("og:published_time")),
        author=None if _is_url(article_author) else _join_authors([article_author]),
    )
    meta.offer(title=_one_line(metas.get("twitter:title")))
    for key in _META_TITLE_KEYS:
        meta.offer(title=_one_line(metas.get(key)))
    for key in _META_DATE_KEYS:
        meta.offer(date=parse_date(metas.get(key)))
    for key in _META_AUTHOR_KEYS:
        value = metas.get(key, "")
        if value and not _is_url(value):
            meta.offer(author=_join_authors(re.split(r"\s*[;|]\s*", value)))


def _from_markup(meta: _Meta, soup: BeautifulSoup) -> None:
    """Page markup: microdata, ``<time>``, canonical link, ``<h1>`` and ``<title>``."""
    for tag in soup.select('[itemprop="datePublished"]', limit=3):
        meta.offer(date=parse_date(_attr(tag, "datetime") or _attr(tag, "content")))
    for tag in soup.find_all("time", limit=20):
        if isinstance(tag, Tag):
            meta.offer(date=parse_date(_attr(tag, "datetime")))
    for link in soup.find_all("link", rel=True, href=True, limit=200):
        if isinstance(link, Tag) and "canonical" in [r.lower() for r in link.get("rel") or []]:
            meta.offer(url=_absolute_url(link.get("href")))
    page_title = soup.title.get_text() if soup.title else ""
    page_title = _one_line(page_title)
    h1s = [_one_line(h.get_text(" ")) for h in soup.find_all("h1", limit=5)]
    h1s = [h for h in h1s if h]
    meta.offer(title=_pick_title(h1s, page_title, meta.site_name, meta.url))


def _pick_title(
    h1s: list[str], page_title: str, site_name: str | None, url: str | None
) -> str | None:
    """The headline from ``<h1>`` and ``<title>``.

    The first ``<h1>`` is trusted when it is the only one or when the ``<title>`` repeats
    it (many sites put the logo in an ``<h1>``); otherwise the ``<title>`` minus its site
    suffix is used, and the first ``<h1>`` only when there is no ``<title>``.
    """
    stripped = strip_site_suffix(page_title, site_name=site_name, url=url) if page_title else ""
    folded = page_title.casefold()
    for h1 in h1s:
        if len(h1) > 3 and h1.casefold() in folded:
            return h1
    if stripped:
        return stripped
    return h1s[0] if h1s else None


def _fallback_date(text: str, url: str | None) -> date | datetime | None:
    """Last resort: htmldate's markup heuristics (date in the URL, bylines, known classes).

    Found 19 of the 25 dates the metadata sources missed on the development pages, at
    about 2 ms a page; ``extensive_search`` (free-text guessing) stays off.
    """
    try:
        found = find_date(text, url=url, extensive_search=False, original_date=True)
    except Exception:  # a date heuristic must never cost the article
        return None
    return parse_date(found) if isinstance(found, str) else None


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value if isinstance(value, str) and value.strip() else None


# Separators between a headline and the site name in <title>.
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " -- ", " :: ", " « ", " » ", " · ", " • ", ": ")
_DOMAIN_RE = re.compile(r"\b[\w-]+\.(?:com|org|net|co|uk|de|fr|ru|io|info|news|gov|edu)\b", re.I)


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _looks_like_site(segment: str, site_name: str | None, host: str) -> bool:
    """Whether a title segment names the site rather than the article."""
    seg = _compact(segment)
    if not seg:
        return False
    if site_name and seg == _compact(site_name):
        return True
    if _DOMAIN_RE.search(segment):
        return True
    # "The Moscow Times" vs themoscowtimes.com; "BBC News" vs bbc.co.uk.
    labels = [label for label in host.split(".") if len(label) > 2 and label != "www"]
    for label in labels[:-1] or labels:
        compact_label = _compact(label)
        if len(compact_label) >= 3 and (compact_label in seg or seg in compact_label):
            return len(segment.split()) <= 5
    return False


def strip_site_suffix(title: str, *, site_name: str | None = None, url: str | None = None) -> str:
    """Remove the site name a ``<title>`` carries, e.g. ``"Putin Speaks | The Moscow Times"``.

    A trailing (or, failing that, leading) segment after one of the usual separators is
    removed when it matches ``site_name`` (og:site_name / JSON-LD publisher), contains a
    domain name, or resembles the URL's host name; a short (<= 4 words) segment after
    ``" | "`` is also taken to be a site name, as pipes rarely occur in headlines.

    Args:
        title: the page's ``<title>`` text.
        site_name: the site's name when the page declares one.
        url: the page URL, whose host name hints at the site name.

    Returns:
        The headline part, or ``title`` unchanged when no segment looks like a site name.
    """
    host = (urlsplit(url).hostname or "") if url else ""
    for _ in range(2):  # "Headline | Section | Site": at most two segments go
        changed = False
        for sep in _TITLE_SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and head.strip() and _looks_like_site(tail, site_name, host):
                title, changed = head.strip(), True
                break
            head, found, tail = title.partition(sep)
            if found and tail.strip() and _looks_like_site(head, site_name, host):
                title, changed = tail.strip(), True
                break
            if (
                sep == " | "
                and found
                and len(tail.split()) <= 4
                and len(head.split()) >= 3
                and tail == title.rpartition(sep)[2]
            ):
                title, changed = title.rpartition(sep)[0].strip(), True
                break
        if not changed:
            break
    return title


def _clean_title(title: str | None, site_name: str | None, url: str | None) -> str | None:
    """Strip a site name from any title candidate, on strong signals only.

    Meta titles too sometimes carry the site name, and the site name itself may contain a
    separator ("My Magazine - Art and Design"), so every separator position is tried.
    """
    if not title:
        return None
    host = (urlsplit(url).hostname or "") if url else ""
    site = _compact(site_name or "")
    for sep in _TITLE_SEPARATORS[:-1]:
        start = title.find(sep)
        while start > 0:
            head, tail = title[:start].strip(), title[start + len(sep) :]
            if head and (
                (site and _compact(tail) == site) or _looks_like_site(tail, site_name, host)
            ):
                return head
            start = title.find(sep, start + 1)
    return title


# --------------------------------------------------------------------------------------
# Main text
# --------------------------------------------------------------------------------------

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


def trafilatura_paragraphs(html: str, **overrides: Any) -> list[str]:
    """Main-text paragraphs found by trafilatura (``TRAFILATURA_OPTIONS`` + ``overrides``)."""
    options = {**TRAFILATURA_OPTIONS, **overrides}
    document = trafilatura.bare_extraction(html, with_metadata=False, **options)
    body = getattr(document, "body", None)
    if body is None:
        return []
    return tree_paragraphs(body)


def readability_paragraphs(html: str) -> list[str]:
    """Main-text paragraphs found by readability-lxml (the engine measured against)."""
    from readability import Document  # only the benchmark needs it

    summary = Document(html).summary(html_partial=True)
    if not summary.strip():
        return []
    return tree_paragraphs(lxml_html.fragment_fromstring(summary, create_parent="div"))


# --------------------------------------------------------------------------------------
# The whole page
# --------------------------------------------------------------------------------------


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
            parse_date(_attr(tag, "datetime"))
            or parse_date(_attr(tag, "content"))
            or parse_date(tag.get_text(" "))
        )
        if found:
            return found
    return None


def _rule_title(soup: BeautifulSoup, rule: SiteRule) -> str | None:
    for tag in _select(soup, rule.title):
        text = _one_line(_attr(tag, "content") or tag.get_text(" "))
        if text:
            return text
    return None


def _outermost(tags: Iterable[Tag]) -> list[Tag]:
    """Drop elements nested in another selected element, so no text is taken twice."""
    chosen = list(tags)
    ids = {id(t) for t in chosen}
    return [t for t in chosen if not any(id(p) in ids for p in t.parents)]


def _page_url(soup: BeautifulSoup, metas: dict[str, str]) -> str | None:
    """A quick URL for choosing a site rule, before the full metadata pass."""
    if url := _absolute_url(metas.get("og:url")):
        return url
    for link in soup.find_all("link", rel=True, href=True, limit=200):
        if "canonical" in [r.lower() for r in link.get("rel") or []]:
            if url := _absolute_url(link.get("href")):
                return url
    return None


def clean_html(
    html: str | bytes, *, path: str | None = None, rules: SiteRules | None = None
) -> CleanPage:
    """Extract the article from one HTML page.

    Args:
        html: the page, as text or as bytes (charset detected by ``decode_html``).
        path: the page's archive-relative path, for site rules matched by path glob.
        rules: optional per-site rules (``indexer.siterules.SiteRules``).

    Returns:
        The page's title, body, date, url and author. ``body`` is ``""`` when no article
        text was found (including for empty or non-HTML input); never raises on bad markup.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    if not text or not _looks_like_html(text):
        return CleanPage(title=None, body="", date=None, url=None, author=None)
    text = text[:MAX_HTML_CHARS]
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception:  # a parser failure means "no page", never a crash
        log.warning("could not parse %s", path or "page", exc_info=True)
        return CleanPage(title=None, body="", date=None, url=None, author=None)

    metas = _meta_map(soup)
    rule = rules.for_page(url=_page_url(soup, metas), path=path) if rules else None
    if rule and rule.drop:
        try:
            for tag in list(_select(soup, rule.drop)):
                tag.decompose()
            text = str(soup)  # the generic engine must not see dropped elements either
            metas = _meta_map(soup)
        except RecursionError:
            log.warning("page too deeply nested to apply drop rules: %s", path or "page")

    meta = _Meta()
    if rule:
        meta.offer(title=_rule_title(soup, rule), date=_rule_date(soup, rule))
    try:
        _from_json_ld(meta, soup)
        _from_meta(meta, metas)
        _from_markup(meta, soup)
    except Exception:  # metadata is best effort; the body may still be found
        log.warning("metadata extraction failed for %s", path or "page", exc_info=True)
    title = meta.best_title()
    if not meta.date:
        meta.offer(date=_fallback_date(text, meta.url))

    paragraphs: list[str] = []
    if rule and rule.body:
        paragraphs = soup_paragraphs(_outermost(_select(soup, rule.body)))
    if not paragraphs:
        try:
            paragraphs = trafilatura_paragraphs(text)
        except Exception:  # one broken page must not stop a build
            log.warning("main-text extraction failed for %s", path or "page", exc_info=True)
            paragraphs = []
    if paragraphs and title and _compact(paragraphs[0]) == _compact(title):
        # The headline is the title field already; repeated in the body it would lead
        # every snippet.
        paragraphs = paragraphs[1:]
    return CleanPage(
        title=title or None,
        body="\n\n".join(paragraphs),
        date=meta.date,
        url=meta.url,
        author=meta.author,
    )
