"""Page furniture: what sits in or around an article but is not its text.

Two passes, both generic (no site's names in them):

- ``prune_furniture``: before the main-text engine runs, elements whose ``class`` or ``id``
  names them furniture (newsletter and sign-up boxes, related-story teasers, pop-ups,
  captions and photo credits, share bars, cookie notices, copyright lines) are removed
  from the page tree. Trafilatura has such a list of its own, but its fallback engines
  and its over-pruning guard put them back; pruning first means no engine sees them. A
  guard keeps the article: an element holding the headline (``<h1>``) or a large share of
  the page's paragraph text is never pruned, whatever its class says.
- ``drop_furniture_paragraphs``: after extraction, short paragraphs that read as
  furniture ("Sign up for our newsletter", "Share this article", "Read more: …", cookie
  notices, "Photo: …" credits, "© 2024 … All rights reserved") are dropped. Only short
  paragraphs are tested, and a pattern must cover the whole of one, so article sentences
  that merely mention a newsletter or a photograph stay.

Measured on the news-html pages by ``bench/eval_html.py`` (``bench/results/html.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

# Words of a class or id (split at spaces, "-", "_" and lower-to-upper case changes) that
# name furniture. One word must equal an entry; "newsletter-form__wrapper" has "newsletter".
_FURNITURE_WORDS = frozenset(
    """
    newsletter newsletters signup subscribe
    related recommended recirc recirculation outbrain taboola
    credit credits
    cookie cookies consent gdpr
    copyright
    share sharing sharebar social
    """.split()
)
# Overlays (pop-ups, modal boxes) are hidden until a reader acts, so they are never the
# article, however much text they hold: only the headline guard applies to them.
_OVERLAY_WORDS = frozenset("popup popups popmake pum modal lightbox".split())
# Captions are furniture, except on a gallery page, where they are the story.
_CAPTION_WORDS = frozenset("caption captions figcaption".split())
# Furniture named by two words in a row: "more-about", "read-next", "sign-up", "most-read".
_FURNITURE_PAIRS = frozenset(
    {
        ("sign", "up"),
        ("more", "about"),
        ("more", "stories"),
        ("read", "next"),
        ("most", "read"),
        ("most", "popular"),
        ("you", "may"),
        ("also", "like"),
    }
)
# A class word that marks state, not furniture: "cookies-not-set" on <body> says nothing
# about the element's content.
_STATE_WORDS = frozenset({"not", "set", "enabled", "disabled", "accepted", "active"})
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
# Elements that are the page or the article itself, never furniture whatever their class.
_NEVER_PRUNED = frozenset({"html", "body", "main", "article", "h1"})
# The elements that can be furniture, in document order.
_NAMED = etree.XPath("//*[@class or @id] | //figcaption")
# An element holding more than this share of the page's paragraph text is the article.
MAX_PRUNED_SHARE = 0.3


def _words(value: str) -> list[str]:
    return [w.lower() for w in _WORD_SPLIT.split(value) if w]


@lru_cache(maxsize=4096)  # class values repeat a great deal within a page and a site
def furniture_kind(value: str | None) -> str | None:
    """What a ``class`` or ``id`` value names.

    Returns:
        ``"overlay"`` (a pop-up), ``"caption"``, ``"furniture"`` (anything else on the
        lists) or ``None``.
    """
    if not value:
        return None
    kind = None
    for token in value.split():
        words = _words(token)
        if any(w in _STATE_WORDS for w in words):
            continue
        if any(w in _OVERLAY_WORDS for w in words):
            return "overlay"
        if any(w in _CAPTION_WORDS for w in words):
            kind = kind or "caption"
        elif any(w in _FURNITURE_WORDS for w in words) or any(
            pair in _FURNITURE_PAIRS for pair in zip(words, words[1:], strict=False)
        ):
            kind = "furniture"
    return kind


def _paragraph_chars(element: etree._Element) -> int:
    return sum(len(p.text_content()) for p in element.iter("p") if hasattr(p, "text_content"))


def find_furniture(tree: etree._Element) -> list[etree._Element]:
    """The furniture elements of a page tree (outermost ones only; the tree is unchanged).

    An element is furniture when its tag is ``figcaption`` or its class or id names it
    (``furniture_kind``). It stays out of the list when it holds the headline or an
    ``<article>``, or (pop-ups excepted) more than ``MAX_PRUNED_SHARE`` of the page's
    paragraph text; captions stay when all of them together hold that much (a gallery).

    Args:
        tree: the page's lxml HTML tree (``maintext.parse_page``).
    """
    candidates = []
    for element in _NAMED(tree):
        tag = element.tag
        if not isinstance(tag, str) or tag.lower() in _NEVER_PRUNED:
            continue
        kinds = {furniture_kind(element.get("class")), furniture_kind(element.get("id"))}
        if tag.lower() == "figcaption":
            kinds.add("caption")
        for kind in ("overlay", "furniture", "caption"):
            if kind in kinds:
                candidates.append((element, kind))
                break
    if not candidates:
        return []
    page_chars = _paragraph_chars(tree) if any(k != "overlay" for _, k in candidates) else 0
    captions = [e for e, k in candidates if k == "caption"]
    if (
        page_chars
        and sum(map(_paragraph_chars, _outermost(captions))) > MAX_PRUNED_SHARE * page_chars
    ):
        # A gallery: the captions are the story.
        candidates = [(e, k) for e, k in candidates if k != "caption"]
    chosen = []
    for element, kind in candidates:
        if element.find(".//h1") is not None or element.find(".//article") is not None:
            continue
        if kind != "overlay" and page_chars:
            if _paragraph_chars(element) > MAX_PRUNED_SHARE * page_chars:
                continue
        chosen.append(element)
    return _outermost(chosen)


def prune_furniture(tree: etree._Element) -> list[etree._Element]:
    """Remove the furniture elements (``find_furniture``) from a page tree, in place.

    Returns:
        The elements removed (detached from the tree, their text intact).
    """
    removed = find_furniture(tree)
    for element in removed:
        _remove_keep_tail(element)
    return removed


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    """The elements that are not inside another one of them."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _remove_keep_tail(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# Paragraphs longer than this are article text, whatever words they hold (each pattern
# bounds its own length too).
MAX_FURNITURE_CHARS = 400

_FURNITURE_LINES = [
    # newsletters, sign-ups, apps, donations
    r"(?:\w+\s){0,6}newsletters?[.!:]?",
    r"(?:.{0,80}[.?!]\s)?(?:sign up|subscribe|register|join)\b.{0,120}"
    r"\b(?:newsletters?|inbox|e-?mails?|alerts|edition|digest|mailing list)\b.{0,60}",
    r"(?:.{0,80}[.?!]\s)?(?:sign up|subscribe)\b.{0,120}",
    r"(?:.{0,80}\s)?(?:get|receive)\s.{0,60}\b(?:newsletters?|in your inbox)\b.{0,60}",
    r"(?:for (?:the )?latest|for breaking|stay (?:up to date|informed|connected)).{0,100}"
    r"\bdownload\b.{0,80}",
    r".{0,60}\bdownload our\b.{0,60}\bapps?\b.{0,40}",
    r"(?:never miss|don'?t miss|stay up to date|get the latest)\b.{0,120}"
    r"\b(?:sign(?:ing)? up|subscrib\w*|newsletters?)\b.{0,80}",
    r"we need your help\b.{0,160}",
    # paywall notices
    r"to (?:view|read|continue reading) (?:the full|the rest of (?:the|this)) (?:story|article)"
    r"\b.{0,200}",
    r"(?:if you(?:['’]re| are)\b.{0,60})?\balready an? (?:subscriber|member)\b.{0,20}"
    r"\b(?:log|sign) ?in\b.{0,160}",
    r"(?:please )?(?:donate(?: now| today)?|support (?:us|our journalism|independent "
    r"journalism)\b.{0,100}|become a (?:member|subscriber|patron)\b.{0,100})[.!]?",
    # sharing and following
    r"(?:share|tweet|email|print)(?: this)?(?: article| story| post| page)?"
    r"(?: on| via| with)?(?: facebook| twitter| x| linkedin| whatsapp| email| pinterest)?[.!:]?",
    r"(?:click to )?share (?:this|on|via)\b.{0,80}",
    r"follow (?:us|\S+(?: \S+){0,3}) on (?:twitter|facebook|instagram|linkedin|x|tiktok|"
    r"youtube|whatsapp|telegram)\b.{0,300}",
    # comments, letters, feedback
    r"(?:view|show|read|post|leave|add) (?:all )?(?:\d+ )?(?:a )?comments?",
    r"submit (?:your|a) (?:letter|story|tip|comment|photo|question)s?\b.{0,120}",
    r"we want to hear what you think\b.{0,200}",
    # disclosures of advertisers and affiliate links
    r"(?:this (?:post|article|page|story)) (?:contains|may contain|includes)\b.{0,40}"
    r"\b(?:affiliate|advertisers?|sponsored|products)\b.{0,300}",
    r"we .{0,60}\bproducts\b.{0,200}\b(?:compensation|commissions?|advertis\w*)\b.{0,200}",
    # teasers
    r"(?:read more|read next|related|see also|more on this(?: story)?|recommended|"
    r"also read|read also|you may also like|most read)\s*[:|\-–—].{0,160}",
    r"(?:read more|related (?:stories|articles|content|posts)|you may also like|"
    r"more from .{1,40}|most read|most popular|recommended for you)",
    # cookie and consent notices
    r".{0,120}\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b.{0,160}",
    r".{0,80}\b(?:accept|allow|manage) (?:all )?cookies\b.{0,80}",
    # photo and image credits
    r"\(?(?:photo|image|picture|video|graphic|illustration|photograph)s?"
    r"(?: credits?| source| courtesy)?\s*(?::|by\b).{0,120}",
    r"\(?(?:credits?|source|courtesy)\s*:.{0,120}",
    r"\(?(?:photo|image)s? courtesy of\b.{0,100}",
    # copyright and page-update lines: a year or "all rights reserved" must be there
    r"(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?:\S+\s){0,5}?\d{4}\b.{0,300}",
    r".{0,80}\bcopyrighted (?:property|material)\b.{0,300}",
    r".{0,100}\ball rights reserved\b.{0,60}",
    r".{0,80}\blast (?:modified|updated)\s*:.{0,60}",
    # labels of the page's filing
    r"(?:(?:news |release |posted |published )?date\s*:.{0,30}\s)?"
    r"(?:categor(?:y|ies)|tags?|filed under)\s*:.{0,100}",
]
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_LINES), re.I | re.S)


def is_furniture_line(paragraph: str) -> bool:
    """Whether a whole (short) paragraph reads as furniture (see ``_FURNITURE_LINES``)."""
    text = paragraph.strip()
    if not text or len(text) > MAX_FURNITURE_CHARS:
        return False
    return _FURNITURE_RE.fullmatch(text) is not None


def drop_furniture_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """The paragraphs without those that read as furniture (``is_furniture_line``)."""
    return [p for p in paragraphs if not is_furniture_line(p)]
