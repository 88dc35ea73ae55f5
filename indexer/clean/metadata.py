"""Page metadata: title, date, url, author from one parsed page (an lxml tree).

The sources, in order of trust: JSON-LD ``NewsArticle`` (and other ``*Article`` types,
``@graph`` arrays, lists) -> OpenGraph / ``article:`` meta -> other ``<meta>`` (author,
date, parsely-*, dc.*, microdata) -> ``<time datetime>`` / ``<link rel=canonical>`` ->
``<h1>`` / ``<title>`` (with the " | Site Name" suffix stripped). When no author was
found, trafilatura's metadata extraction gives its byline; when no date was found,
htmldate is the last resort (its free-text search only when its markup search fails).
``bench/eval_metadata.py`` measured each field against trafilatura's and htmldate's own
extraction: ours is kept for titles (109 vs 88 of 133 right), urls (equal) and dates
(with the fallback 106 of 122, times and zones kept); for authors "ours, else
trafilatura" beats both (73 vs 57 and 69 of 106).

Parts: ``read_metadata(tree, metas, first=...)`` runs them all; ``Metadata`` collects
the candidates; ``meta_map`` indexes the ``<meta>`` tags; ``strip_site_suffix`` and
``compact`` are the title helpers the page step shares; ``attr``, ``element_text`` and
``absolute_url`` read elements (lxml, or BeautifulSoup for site rules).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata as trafilatura_metadata

from indexer.bylines import split_byline
from indexer.clean.text import one_line
from indexer.dates import parse_date

log = logging.getLogger(__name__)

_JSON_LD_TYPE = re.compile(r"ld\+json", re.I)

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
    "citation_author",
    "sailthru.author",
    "byl",
)
# JSON-LD authors of these types are the publisher, not a writer: a later source (or
# trafilatura's byline) may still name the person.
_ORGANISATION_TYPES = {"organization", "newsmediaorganization", "corporation"}
_BYLINE_PREFIX_RE = re.compile(r"^\s*(?:by|written by|posted by|von|par|por)[\s:]+", re.I)


def _is_url(value: str) -> bool:
    """A URL or a social-media handle ("@NatGeoUK"): no byline."""
    return bool(re.match(r"^(?:(?:https?:)?//|@\w)", value.strip(), re.I))


def absolute_url(value: Any) -> str | None:
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


def meta_map(tree: HtmlElement) -> dict[str, str]:
    """All ``<meta>`` values keyed by lower-cased property/name/itemprop (first one wins)."""
    found: dict[str, str] = {}
    for tag in tree.iter("meta"):
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


def _json_ld_nodes(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every object in the page's JSON-LD scripts, ``@graph`` arrays and lists flattened."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if not _JSON_LD_TYPE.search(script.get("type") or ""):
            continue
        data = _load_json_ld(script.text or "")
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
        if isinstance(item, dict) and _types(item) & _ORGANISATION_TYPES:
            continue
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, list):
                item = item[0] if item else None
        if isinstance(item, str) and item.strip() and not _is_url(item):
            names.append(item)
    return names


@dataclass
class Metadata:
    """Metadata candidates of one page, each field filled by the most trusted source.

    ``offer`` fills the fields in order of trust; ``best_title`` picks the title at the end.
    """

    titles: list[str] = field(default_factory=list)
    date: date | datetime | None = None
    url: str | None = None
    author: str | None = None
    site_name: str | None = None
    section: str | None = None

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
        site = compact(self.site_name or "")
        for candidate in self.titles:
            title = _clean_title(candidate, self.site_name, self.url)
            if title and compact(title) != site:
                return title
        return None


def _from_json_ld(meta: Metadata, tree: HtmlElement) -> None:
    nodes = _json_ld_nodes(tree)
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
            title=one_line(headline) if isinstance(headline, str) else None,
            date=parse_date(_first_str(node.get("datePublished")))
            or parse_date(_first_str(node.get("dateCreated"))),
            url=absolute_url(node.get("url")) or absolute_url(entity),
            author=_join_authors(authors),
            section=_section(node.get("articleSection")),
        )
        publisher = node.get("publisher")
        if isinstance(publisher, dict) and "name" not in publisher:
            publisher = by_id.get(str(publisher.get("@id")), publisher)
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.offer(site_name=one_line(publisher["name"]))
    for node in nodes:
        # A WebSite node names the site even when no article node does.
        if "website" in _types(node) and isinstance(node.get("name"), str):
            meta.offer(site_name=one_line(node["name"]))


def _section(value: Any) -> str | None:
    """A section name: JSON-LD ``articleSection`` (a string or a list: the first) or meta."""
    value = _first_str(value)
    value = one_line(value) if value else ""
    return value[:100] or None


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def _join_authors(names: Iterable[str]) -> str | None:
    """One byline string: de-duplicated names, "By " removed, comma-separated."""
    seen: list[str] = []
    for name in names:
        name = one_line(_BYLINE_PREFIX_RE.sub("", name))
        if name and name.lower() not in (s.lower() for s in seen):
            seen.append(name)
    return ", ".join(seen) or None


def _author_metas(tree: HtmlElement) -> dict[str, list[str]]:
    """Every value of each author ``<meta>`` (a paper lists one ``dc.creator`` per writer),
    by ``name`` or ``property`` only: an ``itemprop="author"`` meta is as often a cited
    work's as the page's."""
    keys = set(_META_AUTHOR_KEYS)
    found: dict[str, list[str]] = {}
    for tag in tree.iter("meta"):
        content = tag.get("content")
        key = tag.get("name") or tag.get("property")
        if not isinstance(key, str) or not isinstance(content, str) or not content.strip():
            continue
        key = key.strip().lower()
        if key in keys and content.strip() not in found.get(key, []):
            found.setdefault(key, []).append(content.strip())
    return found


def _from_meta(
    meta: Metadata, metas: dict[str, str], authors: dict[str, list[str]] | None = None
) -> None:
    meta.offer(site_name=one_line(metas.get("og:site_name")))
    # OpenGraph and article:* first: publishers fill them for social cards, so they are
    # the most consistently correct tags after JSON-LD.
    article_author = metas.get("article:author", "")
    meta.offer(
        title=one_line(metas.get("og:title")),
        url=absolute_url(metas.get("og:url")),
        date=parse_date(metas.get("article:published_time"))
        or parse_date(metas.get("og:published_time")),
        author=None if _is_url(article_author) else _join_authors([article_author]),
    )
    meta.offer(section=_section(metas.get("article:section")))
    meta.offer(title=one_line(metas.get("twitter:title")))
    for key in _META_TITLE_KEYS:
        meta.offer(title=one_line(metas.get(key)))
    for key in _META_DATE_KEYS:
        meta.offer(date=parse_date(metas.get(key)))
    for key in _META_AUTHOR_KEYS:
        values = (authors or {}).get(key, [])
        names = [n for v in values if not _is_url(v) for n in re.split(r"\s*[;|]\s*", v)]
        meta.offer(author=_join_authors(names))


def _from_markup(meta: Metadata, tree: HtmlElement) -> None:
    """Page markup: microdata, ``<time>``, canonical link, ``<h1>`` and ``<title>``."""
    for tag in tree.xpath('//*[@itemprop="datePublished"]')[:3]:
        meta.offer(date=parse_date(attr(tag, "datetime") or attr(tag, "content")))
    for tag in islice(tree.iter("time"), 20):
        meta.offer(date=parse_date(attr(tag, "datetime")))
    links = (link for link in tree.iter("link") if link.get("rel") and link.get("href"))
    for link in islice(links, 200):
        if "canonical" in link.get("rel", "").lower().split():
            meta.offer(url=absolute_url(link.get("href")))
    meta.offer(author=_rel_author(tree))
    title = next(tree.iter("title"), None)
    page_title = one_line(element_text(title)) if title is not None else ""
    h1s = [one_line(element_text(h, " ")) for h in islice(tree.iter("h1"), 5)]
    h1s = [h for h in h1s if h]
    meta.offer(title=_pick_title(h1s, page_title, meta.site_name, meta.url))


def _rel_author(tree: HtmlElement) -> str | None:
    """The byline link of the page: ``<a rel="author">`` (blog and CMS templates), its
    text when it reads as a name (at most five words, no URL)."""
    for link in islice(tree.iter("a"), 2000):
        if "author" not in (link.get("rel") or "").lower().split():
            continue
        text = one_line(element_text(link, " "))
        if text and len(text.split()) <= 5 and not _is_url(text):
            return _join_authors([text])
    return None


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


def _fallback_date(tree: HtmlElement, url: str | None) -> date | datetime | None:
    """Last resort: htmldate (date in the URL, bylines, known classes; then free text).

    The markup heuristics first; when they find nothing, htmldate's extensive search
    (trafilatura's own setting) reads the free text too. On the trafilatura-eval pages that
    found the 3 dates the metadata sources and the markup missed, all right
    (``bench/eval_metadata.py``). A 1 January from the free text is a bare year ("© 2020"),
    not a publication day, and is not taken: 3 of the 7 dates the extensive search adds on
    the 51 pages without an expected date. htmldate works on a copy of the tree; about 3 ms
    a search.
    """
    for extensive in (False, True):
        try:
            found = find_date(tree, url=url, extensive_search=extensive, original_date=True)
        except Exception:  # a date heuristic must never cost the article
            return None
        parsed = parse_date(found) if isinstance(found, str) else None
        if parsed is not None and not (extensive and (parsed.month, parsed.day) == (1, 1)):
            return parsed
    return None


def _trafilatura_author(tree: HtmlElement, url: str | None) -> str | None:
    """trafilatura's byline, for a page whose metadata names no author.

    trafilatura also reads bylines in the markup ("By Jane Doe" near the headline), which
    our sources do not: on the trafilatura-eval pages this fills 25 of the 38 authors we
    missed, 16 of them right (``bench/eval_metadata.py``). About 50 ms a page, so only
    asked when needed. Its names, "; "-separated, are joined like ours.
    """
    try:
        theirs = trafilatura_metadata(tree, default_url=url)
    except Exception:  # a heuristic must never cost the article
        log.debug("trafilatura metadata failed", exc_info=True)
        return None
    author = getattr(theirs, "author", None)
    return _join_authors(author.split(";")) if isinstance(author, str) else None


def attr(element: Any, name: str) -> str | None:
    """A non-blank attribute of an lxml element or a BeautifulSoup tag (lists joined)."""
    value = element.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value if isinstance(value, str) and value.strip() else None


# Elements whose strings are no text (BeautifulSoup's get_text() leaves them out too).
_NOT_TEXT = frozenset({"script", "style", "template"})


def element_text(element: HtmlElement, separator: str = "") -> str:
    """The text of an element and its descendants, strings joined by ``separator``.

    Like BeautifulSoup's ``get_text(separator)``: script, style and template contents and
    comments are left out; iterative, so a deep tree cannot overflow the stack.
    """
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event in ("comment", "pi"):  # one event each; only the tail is text
            if node.tail:
                parts.append(node.tail)
            continue
        if event == "start":
            if node.tag in _NOT_TEXT:
                walker.skip_subtree()
            elif node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return separator.join(parts)


# Separators between a headline and the site name in <title>.
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " -- ", " :: ", " « ", " » ", " · ", " • ", ": ")
_DOMAIN_RE = re.compile(r"\b[\w-]+\.(?:com|org|net|co|uk|de|fr|ru|io|info|news|gov|edu)\b", re.I)


def compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _looks_like_site(segment: str, site_name: str | None, host: str) -> bool:
    """Whether a title segment names the site rather than the article."""
    seg = compact(segment)
    if not seg:
        return False
    if site_name and seg == compact(site_name):
        return True
    if _DOMAIN_RE.search(segment):
        return True
    # "The Moscow Times" vs themoscowtimes.com; "BBC News" vs bbc.co.uk.
    labels = [label for label in host.split(".") if len(label) > 2 and label != "www"]
    for label in labels[:-1] or labels:
        compact_label = compact(label)
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
    site = compact(site_name or "")
    for sep in _TITLE_SEPARATORS[:-1]:
        start = title.find(sep)
        while start > 0:
            head, tail = title[:start].strip(), title[start + len(sep) :]
            if head and (
                (site and compact(tail) == site) or _looks_like_site(tail, site_name, host)
            ):
                return head
            start = title.find(sep, start + 1)
    return title


def read_metadata(
    tree: HtmlElement,
    metas: dict[str, str],
    *,
    first: dict[str, Any] | None = None,
    source: str | None = None,
) -> Metadata:
    """The metadata of one page, every source in order of trust.

    Args:
        tree: the parsed page.
        metas: its ``<meta>`` tags (``meta_map(tree)``).
        first: values that win over every source (a site rule's title and date).
        source: the page's name, for log messages.

    Returns:
        The candidates; ``best_title()`` gives the title. Never raises: a source that fails
        on odd markup is logged and the others still count.
    """
    meta = Metadata()
    if first:
        meta.offer(**first)
    try:
        _from_json_ld(meta, tree)
        _from_meta(meta, metas, _author_metas(tree))
        _from_markup(meta, tree)
    except Exception:  # metadata is best effort; the body may still be found
        log.warning("metadata extraction failed for %s", source or "page", exc_info=True)
    if not meta.author:
        meta.offer(author=_trafilatura_author(tree, meta.url))
    elif not split_byline(meta.author):
        # The metadata names a publication or a desk ("The Planetary Press", "Agencies"):
        # trafilatura's byline, when it names people.
        theirs = _trafilatura_author(tree, meta.url)
        if split_byline(theirs):
            meta.author = theirs
    if not meta.date:
        meta.offer(date=_fallback_date(tree, meta.url))
    return meta
