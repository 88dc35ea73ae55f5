"""A fixed sample of articles and quoted spans, for hand-labelling quotation attribution.

The parts:

* ``sample_articles(corpora)``: 25 Reuters-21578 stories and 25 BBC News articles (5 per
  category) that hold quotation marks, picked with ``random.Random(SEED)`` and turned into
  ``indexer.documents.Article`` objects exactly as the indexer does (``clean_article``).
* ``heldout_articles(corpora)``: a second sample drawn the same way with ``HELDOUT_SEED``
  from the articles not in ``sample_articles``, labelled the same way and never tuned on.
* ``test_articles(corpora)``: a third, fresh test sample drawn the same way with
  ``TEST_SEED`` from the articles in neither of the first two samples, never tuned on.
* ``blind_articles(corpora)``: a fourth, blind sample drawn the same way with
  ``BLIND_SEED`` from the articles in none of the first three samples; never looked at while
  developing, never tuned on.
* ``sealed_articles(corpora)``: a fifth sample drawn the same way with ``SEALED_SEED``
  from the articles in none of the first four (issue 17), labelled before any rule changed
  and kept sealed: measured once, at the end.
* ``final_articles(corpora)``: a sixth sample drawn the same way with ``FINAL_SEED`` from
  the articles in none of the first five, labelled blind once the sealed one was opened.
* ``unseen_articles(corpora)``: a seventh sample drawn the same way with ``UNSEEN_SEED``
  from the articles in none of the first six, labelled blind once the final one was opened,
  before the third round of rules was measured on it; measured once.
* ``candidate_spans(body)``: every double-quoted span of a body, found by plain quote-mark
  pairing per paragraph (see the function for the rules).
* ``main``: the command line. ``--show`` prints each span with its context for labelling::

      .venv/bin/python -m bench.quote_sample --show
      .venv/bin/python -m bench.quote_sample --show --heldout
      .venv/bin/python -m bench.quote_sample --show --test
      .venv/bin/python -m bench.quote_sample --show --blind
      .venv/bin/python -m bench.quote_sample --show --sealed
      .venv/bin/python -m bench.quote_sample --show --final
      .venv/bin/python -m bench.quote_sample --show --unseen

The gold labels live in ``bench/quotes_gold.jsonl`` (held-out sample:
``bench/quotes_heldout.jsonl``; test sample: ``bench/quotes_test.jsonl``; blind sample:
``bench/quotes_blind.jsonl``), one line per candidate span, no corpus text, and are
described in ``bench/quotes_gold.md``.
``span_key`` gives the short sha1 that ties a label to its span.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import printed_body, read_stories  # noqa: E402
from indexer.archive import ArchiveFile, read_archive_file, walk_archive  # noqa: E402
from indexer.documents import Article, RawArticle  # noqa: E402
from indexer.prepare import clean_article  # noqa: E402

DEFAULT = REPO.parent / "shared" / "corpora"
SEED = 7
# The held-out sample (``heldout_articles``): labelled like the first, never tuned on.
HELDOUT_SEED = 11
# The test sample (``test_articles``): in neither of the first two, labelled the same way.
TEST_SEED = 13
# The blind sample (``blind_articles``): in none of the first three, never tuned on.
BLIND_SEED = 17
# The sealed sample (``sealed_articles``, issue 17): in none of the first four, labelled before
# any rule changed and measured once, at the end.
SEALED_SEED = 19
# The final sample (``final_articles``): in none of the first five, labelled blind after the
# sealed one had been measured and opened; measured once.
FINAL_SEED = 23
# The unseen sample (``unseen_articles``): in none of the first six, labelled blind after the
# final one had been measured and opened; measured once, after the third round of rules.
UNSEEN_SEED = 29
PER_CORPUS = 25
BBC_CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
# Articles with this many candidate spans are eligible; the budget keeps the sample small.
MIN_SPANS, MAX_SPANS = 2, 6
SPAN_BUDGET = {"reuters": 62, "bbc": 66}

OPENING = "\u201c"
CLOSING = "\u201d"
_MARKS = re.compile('["\u201c\u201d]')
# A paragraph break: a blank line, or a newline followed by indentation (Reuters wire copy).
# ``normalize_text`` strips lines, so a cleaned Reuters body has lost the indentation; there
# a line that starts with an opening quote mark also starts a paragraph (a closing mark is
# always attached to the word before it, so it can never start a wrapped line).
_PARA_BREAK = re.compile('\\n[ \\t]*\\n\\s*|\\n(?=[ \\t]+\\S)|\\n(?=["\u201c]\\S)')


def paragraphs(body: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each paragraph of ``body``, without surrounding space."""
    pos = 0
    for brk in [*_PARA_BREAK.finditer(body), None]:
        end = brk.start() if brk else len(body)
        start = pos
        while start < end and body[start].isspace():
            start += 1
        stop = end
        while stop > start and body[stop - 1].isspace():
            stop -= 1
        if stop > start:
            yield start, stop
        if brk:
            pos = brk.end()


def _direction(body: str, at: int) -> str:
    """Whether the quote mark at ``at`` looks like an "open", a "close" mark, or "either".

    Curly marks say it; a straight mark opens when it follows a space (or the start, or an
    opening bracket or dash) and precedes a non-space, closes when it follows a non-space and
    precedes a space, punctuation or the end. Between two letters or digits it is no quote
    mark at all ("skip": the Reuters files print some apostrophes as ``"``).
    """
    ch = body[at]
    if ch == OPENING:
        return "open"
    if ch == CLOSING:
        return "close"
    before = body[at - 1] if at > 0 else " "
    after = body[at + 1] if at + 1 < len(body) else " "
    if before.isalnum() and after.isalnum():
        return "skip"
    opens = (before.isspace() or before in "([{-\u2013\u2014/") and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def candidate_spans(body: str) -> list[tuple[int, int]]:
    """Every quoted span of ``body`` as ``(start, end)`` character offsets.

    Marks are paired within each paragraph. A span runs from the opening mark to and
    including the closing mark; a mark left open at the end of the paragraph gives a span to
    the paragraph end (the news style for a quotation that goes on in the next paragraph).
    The direction of a mark (``_direction``) settles the pairing when it is clear: an opening
    mark met while a quote is open ends that quote just before it (the BBC dumps lost some
    paragraph breaks inside multi-paragraph quotations: ``...said. "Next paragraph``), and a
    closing mark with no quote open is ignored; an unclear mark closes an open quote, else
    opens one.
    """
    spans: list[tuple[int, int]] = []
    for para_start, para_end in paragraphs(body):
        open_at: int | None = None
        for mark in _MARKS.finditer(body, para_start, para_end):
            at = mark.start()
            direction = _direction(body, at)
            if direction == "skip":
                continue
            if direction == "open" or (direction == "either" and open_at is None):
                if open_at is not None:
                    spans.append((open_at, len(body[:at].rstrip())))
                open_at = at
            elif open_at is not None:
                spans.append((open_at, at + 1))
                open_at = None
        if open_at is not None:
            spans.append((open_at, para_end))
    return spans


def span_key(body: str, start: int, end: int) -> str:
    """The first 10 hex digits of the sha1 of ``body[start:end]`` (UTF-8)."""
    return hashlib.sha1(body[start:end].encode("utf-8")).hexdigest()[:10]


def reuters_articles(corpora: Path = DEFAULT) -> Iterator[Article]:
    """Every Reuters story with a body, as the indexer makes it from ``reuters.jsonl``."""
    for story in read_stories(corpora / "reuters21578"):
        body = printed_body(story)
        if not body.strip():
            continue
        raw = RawArticle(
            id=f"reuters-{story['newid']}",
            source="reuters.jsonl",
            title=story["title"] or "",
            body=body,
            date=story["date"].isoformat() if story["date"] else None,
        )
        article, _problems = clean_article(raw)
        if article is not None:
            yield article


def bbc_articles(corpora: Path = DEFAULT) -> Iterator[Article]:
    """Every BBC text dump article, read and cleaned as the indexer does."""
    root = corpora / "bbc"
    for file in walk_archive(root):
        if not isinstance(file, ArchiveFile):
            continue
        for raw in read_archive_file(root, file).articles:
            article, _problems = clean_article(raw)
            if article is not None:
                yield article


def _pick(pool: list[Article], count: int, budget: int, rng: random.Random) -> list[Article]:
    """Take ``count`` articles from ``pool`` in a seeded random order within a span budget."""
    order = list(pool)
    rng.shuffle(order)
    picked: list[Article] = []
    total = 0
    for article in order:
        if len(picked) == count:
            break
        n = len(candidate_spans(article.body))
        # Leave room for the articles still to pick (each holds at least MIN_SPANS).
        if total + n + MIN_SPANS * (count - len(picked) - 1) > budget:
            continue
        picked.append(article)
        total += n
    return picked


def _eligible(articles: Iterator[Article]) -> list[Article]:
    """Articles with MIN_SPANS..MAX_SPANS candidate spans, first copy of each body only."""
    seen: set[str] = set()
    out = []
    for article in articles:
        if article.body in seen:
            continue
        seen.add(article.body)
        if MIN_SPANS <= len(candidate_spans(article.body)) <= MAX_SPANS:
            out.append(article)
    return out


def sample_articles(
    corpora: Path = DEFAULT, seed: int = SEED, exclude: frozenset[str] = frozenset()
) -> list[Article]:
    """The fixed evaluation sample: 25 Reuters stories, then 25 BBC articles (5 a category).

    ``seed`` and ``exclude`` (article ids kept out of every pool) draw another sample under
    the same rules; the defaults give the first (development) sample.
    """
    rng = random.Random(seed)
    reuters = [a for a in _eligible(reuters_articles(corpora)) if a.id not in exclude]
    picked = _pick(reuters, PER_CORPUS, SPAN_BUDGET["reuters"], rng)
    bbc = [a for a in _eligible(bbc_articles(corpora)) if a.id not in exclude]
    per_category = PER_CORPUS // len(BBC_CATEGORIES)
    budget = SPAN_BUDGET["bbc"] // len(BBC_CATEGORIES)
    for category in BBC_CATEGORIES:
        pool = [a for a in bbc if a.id.startswith(f"{category}/")]
        picked += _pick(pool, per_category, budget, rng)
    return picked


def heldout_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The held-out sample (``HELDOUT_SEED``, none of ``sample_articles()``), never tuned on."""
    first = frozenset(a.id for a in sample_articles(corpora))
    return sample_articles(corpora, seed=HELDOUT_SEED, exclude=first)


def test_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The test sample (``TEST_SEED``, none of the first two samples), never tuned on."""
    used = frozenset(a.id for a in sample_articles(corpora) + heldout_articles(corpora))
    return sample_articles(corpora, seed=TEST_SEED, exclude=used)


def blind_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The blind sample (``BLIND_SEED``, none of the first three samples), never tuned on."""
    earlier = sample_articles(corpora) + heldout_articles(corpora) + test_articles(corpora)
    used = frozenset(a.id for a in earlier)
    return sample_articles(corpora, seed=BLIND_SEED, exclude=used)


def sealed_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The sealed sample (``SEALED_SEED``, none of the first four samples), measured once."""
    earlier = (
        sample_articles(corpora)
        + heldout_articles(corpora)
        + test_articles(corpora)
        + blind_articles(corpora)
    )
    used = frozenset(a.id for a in earlier)
    return sample_articles(corpora, seed=SEALED_SEED, exclude=used)


def final_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The final sample (``FINAL_SEED``, none of the first five samples): labelled blind
    after the sealed one was opened, measured once."""
    used = frozenset(a.id for a in sealed_articles(corpora) + _first_four(corpora))
    return sample_articles(corpora, seed=FINAL_SEED, exclude=used)


def unseen_articles(corpora: Path = DEFAULT) -> list[Article]:
    """The unseen sample (``UNSEEN_SEED``, none of the first six samples): labelled blind
    after the final one was opened, measured once."""
    earlier = _first_four(corpora) + sealed_articles(corpora) + final_articles(corpora)
    used = frozenset(a.id for a in earlier)
    return sample_articles(corpora, seed=UNSEEN_SEED, exclude=used)


def _first_four(corpora: Path) -> list[Article]:
    return (
        sample_articles(corpora)
        + heldout_articles(corpora)
        + test_articles(corpora)
        + blind_articles(corpora)
    )


def _context(body: str, start: int, end: int, width: int = 300) -> str:
    """The span's paragraph and the one before it, cut to about ``width`` characters before."""
    paras = list(paragraphs(body))
    idx = max((i for i, (s, _e) in enumerate(paras) if s <= start), default=0)
    ctx_start = paras[idx - 1][0] if idx > 0 else paras[idx][0]
    ctx_end = max(paras[idx][1], end)
    ctx_start = max(ctx_start, start - width)
    ctx_end = min(ctx_end, end + width // 2)
    return body[ctx_start:ctx_end]


def show(articles: list[Article]) -> None:
    """Print every candidate span with its context, for a human to label."""
    for article in articles:
        spans = candidate_spans(article.body)
        print(f"=== {article.id}  ({len(spans)} spans)  {article.title}")
        for start, end in spans:
            print(f"--- {article.id} {start} {end} {span_key(article.body, start, end)}")
            print(f"QUOTE: {article.body[start:end]}")
            print("CONTEXT:")
            print(_context(article.body, start, end))
        print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT)
    parser.add_argument("--show", action="store_true", help="print the spans with context")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--heldout", action="store_true", help="use the held-out sample")
    which.add_argument("--test", action="store_true", help="use the test sample")
    which.add_argument("--blind", action="store_true", help="use the blind sample")
    which.add_argument("--sealed", action="store_true", help="use the sealed sample")
    which.add_argument("--final", action="store_true", help="use the final sample")
    which.add_argument("--unseen", action="store_true", help="use the unseen sample")
    args = parser.parse_args(argv)
    if args.unseen:
        pick = unseen_articles
    elif args.final:
        pick = final_articles
    elif args.sealed:
        pick = sealed_articles
    elif args.blind:
        pick = blind_articles
    elif args.test:
        pick = test_articles
    elif args.heldout:
        pick = heldout_articles
    else:
        pick = sample_articles
    articles = pick(args.corpora)
    if args.show:
        show(articles)
    else:
        total = sum(len(candidate_spans(a.body)) for a in articles)
        for article in articles:
            print(article.id, len(candidate_spans(article.body)))
        print(f"{len(articles)} articles, {total} candidate spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
