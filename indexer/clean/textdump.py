"""Text dumps: split a scraped ``.txt`` file into articles and cut site boilerplate.

The format (README, "The archive"): a title line, a blank line, paragraphs separated by blank lines;
several articles may follow each other in one file. Parts:
    ``split_articles(text)``: the articles of one file as ``(title, body)`` pairs;
    ``is_title(paragraph, next_paragraph)``: the heuristic that finds where a new article starts;
    ``is_boilerplate(paragraph)``: the markers of trailing site furniture (comment forms,
    share and subscribe lines) that end an article's text.
"""

from __future__ import annotations

import re

# A paragraph that *starts* with one of these begins the site furniture after an article.
_BOILERPLATE_START = re.compile(
    r"^(leave a (reply|comment)|post a comment|\d+ comments?\b|comments? \(\d+\)|"
    r"your email address will not be published|required fields are marked|"
    r"share this( article| story)?:?$|share on (facebook|twitter)|like this:?$|"
    r"click to share|subscribe to (our|the) newsletter|sign up for (our|the) newsletter|"
    r"related (articles|stories|posts):?$|read more:?$|you may also like|"
    r"advertisement$|tags?:)",
    re.IGNORECASE,
)

# Small words that stay lower case in a Title Case headline.
_SMALL_WORDS = frozenset(
    (
        "a an and as at but by for from in into of off on onto or over per the to up v via vs with"
    ).split()
)
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "…")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)

MAX_TITLE_CHARS = 160


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; lines inside a paragraph are joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        lines = [ln.strip() for ln in block.split("\n")]
        joined = " ".join(ln for ln in lines if ln)
        if joined:
            out.append(joined)
    return out


def is_boilerplate(paragraph: str) -> bool:
    """True when the paragraph starts the site furniture that follows an article."""
    return bool(_BOILERPLATE_START.match(paragraph.strip()))


def _title_case_share(line: str) -> float:
    words = [w for w in _WORD.findall(line) if w.lower() not in _SMALL_WORDS]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def _ends_sentence(paragraph: str) -> bool:
    stripped = paragraph.rstrip("\"'”’»)] ")
    return stripped.endswith(_SENTENCE_END)


def is_title(paragraph: str, next_paragraph: str | None) -> bool:
    """Whether ``paragraph`` looks like the headline of a new article.

    A headline is one short line in Title Case that does not end a sentence, followed by
    a paragraph of body text. Subheadings inside an article are rarely Title Case *and*
    followed by a full sentence paragraph; text dumps from the BBC set never split.
    """
    if next_paragraph is None or len(paragraph) > MAX_TITLE_CHARS:
        return False
    words = [w for w in _WORD.findall(paragraph) if w.lower() not in _SMALL_WORDS]
    if len(words) < 4 or not paragraph[0].isupper():
        return False
    if _ends_sentence(paragraph) or is_boilerplate(paragraph):
        return False
    # A parenthesised credit or a comma-separated list is a subheading, not a headline.
    if paragraph.endswith(")") or paragraph.count(",") >= 3:
        return False
    if _title_case_share(paragraph) < 0.75:
        return False
    return _ends_sentence(next_paragraph) and len(next_paragraph) >= 40


def split_articles(text: str) -> list[tuple[str, str]]:
    """Split one text dump into ``(title, body)`` pairs, boilerplate removed.

    The first paragraph is always a title. Articles without any body text are dropped
    (the caller reports a file that yields none).
    """
    paras = paragraphs(text)
    articles: list[tuple[str, list[str]]] = []
    in_boilerplate = False
    for i, para in enumerate(paras):
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        starts_new = not articles or ((in_boilerplate or articles[-1][1]) and is_title(para, nxt))
        if starts_new:
            articles.append((para, []))
            in_boilerplate = False
        elif in_boilerplate:
            continue
        elif is_boilerplate(para):
            in_boilerplate = True
        else:
            articles[-1][1].append(para)
    return [(title, "\n\n".join(body)) for title, body in articles if body]
