"""Measure page metadata, per field: our extractor against trafilatura's and htmldate.

The parts: ``cases`` (the news-html pages with expected metadata), ``SYSTEMS`` (what is
compared: ``indexer.clean``'s metadata, ``trafilatura.bare_extraction(...,
with_metadata=True)``, htmldate's ``find_date``, and each field filled by one and, where
it found nothing, the other), the per-field checks (``FIELDS``) and ``main``, which prints
the Markdown tables that ``bench/RESULTS.md`` quotes.

Expected values, from ``../shared/corpora/news-html`` (see its SOURCE.md):

- trafilatura-eval (169 English pages): ``title``, ``date``, ``author`` as annotated; the
  ``url`` is the address the page was saved from (the entry's key, when it is one).
- newspaper4k (20 pages with metadata): ``title``, ``publish_date``, ``canonical_link``.
  Its ``authors`` are newspaper's own output with visible errors ("on December",
  "www.facebook.com", the authors of linked stories), so they are not used.

A field is right when: title, the same text after folding case, white space and quote
style; date, the same day; author, every expected name inside ours (case folded); url,
the same after dropping the scheme, "www.", the query, the fragment and a final "/".
trafilatura's metadata code may have been developed on its own evaluation pages and ours
was developed on them too (``bench/eval_html.py``); newspaper4k is the twin neither was
tuned on, but it is small. Run: ``.venv/bin/python bench/eval_metadata.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import trafilatura  # noqa: E402
from htmldate import find_date  # noqa: E402

from bench.eval_html import DEFAULT_CORPUS, _md_table, _read_gz, _title_key  # noqa: E402
from indexer.bylines import split_byline  # noqa: E402
from indexer.clean import TRAFILATURA_OPTIONS, clean_html  # noqa: E402
from indexer.schema import fold  # noqa: E402

FIELD_NAMES = ("title", "date", "author", "url")


@dataclass
class Page:
    """One page and the metadata it is expected to give (``None``: not annotated)."""

    corpus: str
    name: str
    html: str
    expected: dict[str, str | None] = field(default_factory=dict)


def trafilatura_pages(corpus: Path) -> list[Page]:
    """The trafilatura-eval pages with their annotated metadata."""
    folder = corpus / "trafilatura-eval"
    data = json.loads((folder / "evaldata-en.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in data.items():
        author = entry.get("author")
        if isinstance(author, list):
            author = "; ".join(str(a) for a in author if a)
        pages.append(
            Page(
                "trafilatura-eval",
                entry["file"],
                _read_gz(folder / "html" / (entry["file"] + ".gz")),
                {
                    "title": entry.get("title") or None,
                    "date": entry.get("date") or None,
                    "author": author or None,
                    "url": key if key.startswith("http") else None,
                },
            )
        )
    return pages


def newspaper_pages(corpus: Path) -> list[Page]:
    """The newspaper4k pages that come with expected metadata (authors left out)."""
    folder = corpus / "newspaper4k"
    pages = []
    for meta_file in sorted((folder / "metadata").glob("*.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        html_file = folder / "html" / (meta_file.stem + ".html.gz")
        if not html_file.exists():
            continue
        link = meta.get("canonical_link") or ""
        pages.append(
            Page(
                "newspaper4k",
                meta_file.stem,
                _read_gz(html_file),
                {
                    "title": meta.get("title") or None,
                    "date": meta.get("publish_date") or None,
                    "author": None,
                    "url": link if link.startswith("http") else None,
                },
            )
        )
    return pages


# --- the checks --------------------------------------------------------------------------


def _day(value: Any) -> str:
    if value is None or value == "":
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]


def _url_key(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return host + parts.path.rstrip("/")


def _authors_match(got: Any, wanted: str) -> bool:
    ours = _title_key(got if isinstance(got, str) else None)
    names = [_title_key(n) for n in re.split(r"[;,]| and ", wanted) if n.strip()]
    return bool(ours) and all(name in ours for name in names)


FIELDS: dict[str, Callable[[Any, str], bool]] = {
    "title": lambda got, want: _title_key(got) == _title_key(want),
    "date": lambda got, want: _day(got) == want[:10],
    "author": _authors_match,
    "url": lambda got, want: _url_key(got) == _url_key(want),
}


# --- the systems ---------------------------------------------------------------------------


def ours(html: str) -> dict[str, Any]:
    """``indexer.clean``'s metadata (the whole ``clean_html``, as the indexer runs it)."""
    page = clean_html(html)
    return {"title": page.title, "date": page.date, "author": page.author, "url": page.url}


def trafilatura_metadata(html: str) -> dict[str, Any]:
    """``trafilatura.bare_extraction(with_metadata=True)`` with our extraction options."""
    document = trafilatura.bare_extraction(html, with_metadata=True, **TRAFILATURA_OPTIONS)
    if document is None:
        return dict.fromkeys(FIELD_NAMES)
    return {name: getattr(document, name, None) for name in FIELD_NAMES}


def htmldate_only(extensive: bool) -> Callable[[str], dict[str, Any]]:
    """htmldate's ``find_date`` (original publication date) for the date field alone."""

    def run(html: str) -> dict[str, Any]:
        try:
            found = find_date(html, original_date=True, extensive_search=extensive)
        except Exception:  # measured as "nothing found"
            found = None
        return {"date": found}

    return run


@dataclass
class Result:
    """What one system gave for every page, and how long it took."""

    name: str
    values: list[dict[str, Any]]
    ms_per_page: float


def run_system(name: str, system: Callable[[str], dict[str, Any]], pages: list[Page]) -> Result:
    for page in pages[:3]:  # warm-up: imports and caches out of the timing
        system(page.html)
    started = time.perf_counter()
    values = [system(page.html) for page in pages]
    return Result(name, values, (time.perf_counter() - started) * 1000 / len(pages))


def fallback(first: Result, second: Result) -> Result:
    """Each field from ``first``, else (nothing found) from ``second``."""
    values = [
        {name: a.get(name) or b.get(name) for name in FIELD_NAMES}
        for a, b in zip(first.values, second.values, strict=True)
    ]
    return Result(f"{first.name}, else {second.name}", values, first.ms_per_page)


def score(result: Result, pages: list[Page], corpus: str, name: str) -> str:
    pairs = [
        (values.get(name), page.expected[name])
        for values, page in zip(result.values, pages, strict=True)
        if page.corpus == corpus and page.expected.get(name)
    ]
    if not pairs or all(name not in values for values in result.values):
        return ""
    right = sum(FIELDS[name](got, want) for got, want in pairs)
    found = sum(bool(got) for got, _ in pairs)
    return f"{right}/{len(pairs)} ({found} found)"


def expected_names(wanted: str) -> list[str]:
    """The people of an annotated author string: its parts of two or more words."""
    parts = (p.strip() for p in re.split(r";|,| and |/", wanted))
    return [p for p in parts if len(p.split()) >= 2]


def names_score(result: Result, pages: list[Page]) -> str:
    """The byline split into names (``indexer.bylines.split_byline``, what ``authors``
    holds): pages whose every expected name is one of ours, and whose names are exactly the
    expected ones, out of the trafilatura-eval pages annotated with a person's name."""
    every = exact = total = extra = 0
    for values, page in zip(result.values, pages, strict=True):
        want = page.expected.get("author")
        if page.corpus != "trafilatura-eval" or not want or not expected_names(want):
            continue
        total += 1
        wanted = {fold(n) for n in expected_names(want)}
        ours = {fold(n) for n in split_byline(values.get("author"))}
        every += wanted <= ours
        exact += wanted == ours
        extra += len(ours - wanted)
    return f"{every}/{total} every name, {exact}/{total} exactly; {extra} names not expected"


def main(argv: list[str] | None = None) -> int:
    """Run every system on every page and print one table per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", choices=FIELD_NAMES, help="list our misses of a field")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    pages = trafilatura_pages(args.corpus) + newspaper_pages(args.corpus)
    mine = run_system("ours (clean_html)", ours, pages)
    traf = run_system("trafilatura", trafilatura_metadata, pages)
    results = [
        mine,
        traf,
        fallback(mine, traf),
        fallback(traf, mine),
        run_system("htmldate", htmldate_only(False), pages),
        run_system("htmldate extensive", htmldate_only(True), pages),
    ]
    if args.misses:
        check = FIELDS[args.misses]
        for values, tvalues, page in zip(mine.values, traf.values, pages, strict=True):
            want = page.expected.get(args.misses)
            if want and not check(values.get(args.misses), want):
                got, theirs = values.get(args.misses), tvalues.get(args.misses)
                print(f"{page.corpus}/{page.name}\n  want {want!r}\n  ours {got!r}")
                print(f"  traf {theirs!r} {'(right)' if check(theirs, want) else ''}")
        return 0
    for corpus in ("trafilatura-eval", "newspaper4k"):
        count = sum(page.corpus == corpus for page in pages)
        rows = [
            [result.name, *(score(result, pages, corpus, name) for name in FIELD_NAMES)]
            for result in results
        ]
        print(f"### {corpus}: {count} pages (right / annotated, and how many gave a value)\n")
        print(_md_table(["system", *FIELD_NAMES], rows))
        print()
    print("### authors: the byline split into people's names (trafilatura-eval)\n")
    rows = [[r.name, names_score(r, pages)] for r in results[:2]]
    print(_md_table(["system", "authors"], rows))
    print()
    speed = [[r.name, f"{r.ms_per_page:.0f}"] for r in results if "else" not in r.name]
    print(_md_table(["system", "ms/page (whole call)"], speed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
