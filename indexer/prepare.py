"""From raw records to indexable articles: clean text, read dates, add people and places.

Parts:
    ``clean_article(raw, rules)``: one ``RawArticle`` -> ``Article`` (no entities yet) or the
    reason it holds no article; the record's own date is read by ``indexer.dates``, an
    HTML page's comes parsed from ``indexer.clean``;
    ``fallback_title(body)``: a title from the first sentence, for records without one;
    ``add_entities(pairs, extractor)``: fill people and places the archive did not give,
    one ``nlp.pipe`` batch for many articles;
    ``add_quotes(articles)``: find each article's quotations and their speakers (after
    ``add_entities``: speakers resolve to the article's people).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from indexer.bylines import split_byline
from indexer.clean import clean_html, normalize_text
from indexer.dates import index_datetime, parse_date
from indexer.documents import Article, RawArticle
from indexer.quotes import find_quotes
from indexer.schema import TAG_SEPARATOR, fold

_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
MAX_FALLBACK_TITLE_CHARS = 120


def fallback_title(body: str) -> str:
    """A title for a record without one: its first sentence, cut at a word boundary."""
    first_para = body.strip().split("\n", 1)[0]
    m = _SENTENCE.match(first_para)
    sentence = m.group(1) if m else first_para
    if len(sentence) <= MAX_FALLBACK_TITLE_CHARS:
        return sentence
    cut = sentence[:MAX_FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _nfc(text: str | None) -> str | None:
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).strip()
    return text or None


def _section(value: str | None) -> str | None:
    """A section name as stored: one line, NFC, at most 100 characters, no tag separator."""
    value = " ".join((_nfc(value) or "").replace(TAG_SEPARATOR, " ").split())
    return value[:100] or None


def clean_article(raw: RawArticle, rules=None) -> tuple[Article | None, list[str]]:
    """Turn a raw record into an article without entities.

    Returns:
        ``(article, problems)``; ``article`` is None when the record holds no article text,
        and then ``problems`` says why.
    """
    problems: list[str] = []
    title, url, author, section = raw.title, raw.url, raw.author, raw.section
    date = parse_date(raw.date)  # the record's own date wins, even when unreadable
    if raw.html is not None:
        page = clean_html(raw.html, path=raw.source, rules=rules)
        body = page.body
        title = title or page.title
        url = url or page.url
        date = page.date if not raw.date else date
        author = author or page.author
        section = section or page.section
    else:
        body = normalize_text(raw.body or "")
    body = body.strip()
    if not body:
        return None, ["no article text"]
    title = normalize_text(title) if title else ""
    if not title.strip():
        title = fallback_title(body)
    if raw.date and date is None:
        problems.append(f"unreadable date {raw.date[:40]!r} (ignored)")
    article = Article(
        id=raw.id,
        source=raw.source,
        title=_nfc(title) or "",
        body=unicodedata.normalize("NFC", body),
        url=_nfc(url),
        date=index_datetime(date),
        author=_nfc(author),
        authors=raw.authors if raw.authors is not None else split_byline(_nfc(author)),
        section=_section(section),
        people=raw.people or (),
        places=raw.places or (),
    )
    return article, problems


def add_entities(pairs: Sequence[tuple[RawArticle, Article]], extractor) -> list[Article]:
    """Fill in people and places the archive did not give, in one batched NER pass.

    A newsroom's own tags (JSONL ``people``/``places``) are authoritative and kept as given.
    """
    todo = [(raw, art) for raw, art in pairs if raw.people is None or raw.places is None]
    found = extractor.extract_many([(art.title, art.body) for _, art in todo]) if todo else []
    filled = {id(art): ents for (_, art), ents in zip(todo, found, strict=True)}
    out = []
    for raw, art in pairs:
        ents = filled.get(id(art))
        if ents is not None:
            art = replace(
                art,
                people=raw.people if raw.people is not None else ents.people,
                places=raw.places if raw.places is not None else ents.places,
            )
        out.append(art)
    return out


def add_quotes(articles: Sequence[Article]) -> list[Article]:
    """The articles with their quotations found and attributed.

    A person quoted is one of the article's people: a speaker the quotation finder named
    that the people lack (a name the model missed) is added to them.
    """
    out = []
    for art in articles:
        quotes = tuple(find_quotes(art.body, art.people))
        known = {fold(name) for name in art.people}
        speakers = [q.speaker for q in quotes if q.kind == "person" and q.speaker]
        extra = [name for name in dict.fromkeys(speakers) if fold(name) not in known]
        out.append(replace(art, quotes=quotes, people=(*art.people, *extra)))
    return out
