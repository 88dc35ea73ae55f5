"""Evaluate HTML cleaning on the open test pages: main-text engines and our metadata.

The parts: corpus loaders (``trafilatura_cases``, ``newspaper_cases``, ``goose_titles``),
the engines compared (``ENGINES``: trafilatura in several settings, readability-lxml),
the scores (``SegmentScore`` for the with/without segments, ``token_prf`` for full
expected texts), ``evaluate_bodies`` (what the index stores: ``clean_html``'s title and
body, with and without furniture removal, on the dev and held-out halves; every page's
kept "without" and missing "with" segments written to ``bench/out/html_segments.json``)
and ``main`` which prints Markdown tables for ``bench/results/html.md``.

Corpus: ``../shared/corpora/news-html`` (see its SOURCE.md); development only, nothing is
tuned on any other data. Run: ``.venv/bin/python bench/eval_html.py [--corpus DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.clean import (  # noqa: E402 - the repo root must be on sys.path first
    clean_html,
    decode_html,
    readability_paragraphs,
    trafilatura_paragraphs,
)

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "news-html"

Engine = Callable[[str], list[str]]

ENGINES: dict[str, Engine] = {
    "trafilatura (default, comments off)": lambda h: trafilatura_paragraphs(h),
    "trafilatura favor_precision": lambda h: trafilatura_paragraphs(h, favor_precision=True),
    "trafilatura favor_recall": lambda h: trafilatura_paragraphs(h, favor_recall=True),
    "trafilatura fast (no fallback)": lambda h: trafilatura_paragraphs(h, fast=True),
    "trafilatura favor_precision + fast": lambda h: trafilatura_paragraphs(
        h, favor_precision=True, fast=True
    ),
    "trafilatura + furniture removal (ours)": lambda h: trafilatura_paragraphs(h, furniture=True),
    "readability-lxml": readability_paragraphs,
}

# The furniture rules (issue 17) were first written looking only at the "dev" half of the
# trafilatura-eval pages; the other half was measured once, then looked at (see html.md).
SPLIT_SEED = 17
SEGMENTS_FILE = REPO / "bench" / "out" / "html_segments.json"


# --------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    """One page with what its text must and must not contain, or its full expected text."""

    name: str
    html: str
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    expected_text: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None


def _read_gz(path: Path) -> str:
    return decode_html(gzip.open(path, "rb").read())


def trafilatura_cases(corpus: Path) -> list[Case]:
    """The 169 English pages of trafilatura's evaluation set, with their annotations."""
    folder = corpus / "trafilatura-eval"
    data = json.loads((folder / "evaldata-en.json").read_text(encoding="utf-8"))
    cases = []
    for key, entry in data.items():
        cases.append(
            Case(
                name=entry["file"],
                html=_read_gz(folder / "html" / (entry["file"] + ".gz")),
                with_=list(entry.get("with") or []),
                without=list(entry.get("without") or []),
                title=entry.get("title") or None,
                date=entry.get("date") or None,
                author=_names(entry.get("author")),
            )
        )
        del key
    return cases


def _names(value: object) -> str | None:
    """Annotated authors (a string or a list) as one "; "-separated string."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    return value if isinstance(value, str) and value.strip() else None


def newspaper_cases(corpus: Path) -> list[Case]:
    """The 23 newspaper4k pages that come with their full expected text (and metadata)."""
    folder = corpus / "newspaper4k"
    cases = []
    for txt in sorted((folder / "txt").glob("*.txt")):
        meta_file = folder / "metadata" / (txt.stem + ".json")
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        cases.append(
            Case(
                name=txt.stem,
                html=_read_gz(folder / "html" / (txt.stem + ".html.gz")),
                expected_text=txt.read_text(encoding="utf-8"),
                title=meta.get("title") or None,
            )
        )
    return cases


def goose_titles(corpus: Path) -> list[Case]:
    """The goose3 pages whose expected output includes a title."""
    cases = []
    for spec in sorted((corpus / "goose3" / "html").glob("*.json")):
        expected = json.loads(spec.read_text(encoding="utf-8")).get("expected", {})
        if expected.get("title"):
            html = _read_gz(spec.with_name(spec.stem + ".html.gz"))
            cases.append(Case(name=spec.stem, html=html, title=expected["title"]))
    return cases


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """Whitespace-insensitive form for segment matching (case and punctuation kept)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class SegmentScore:
    """Counts over the with/without segments of a set of pages."""

    with_found: int = 0
    with_total: int = 0
    without_absent: int = 0
    without_total: int = 0
    empty_pages: int = 0

    def add(self, text: str, case: Case) -> None:
        flat = _flat(text)
        if not flat:
            self.empty_pages += 1
        for seg in case.with_:
            self.with_total += 1
            self.with_found += _flat(seg) in flat
        for seg in case.without:
            self.without_total += 1
            self.without_absent += _flat(seg) not in flat

    def row(self) -> list[str]:
        tp, fn = self.with_found, self.with_total - self.with_found
        tn, fp = self.without_absent, self.without_total - self.without_absent
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = (tp + tn) / (tp + tn + fp + fn)
        return [
            f"{tp}/{tp + fn}",
            f"{tn}/{tn + fp}",
            f"{precision:.3f}",
            f"{recall:.3f}",
            f"{f1:.3f}",
            f"{accuracy:.3f}",
            str(self.empty_pages),
        ]


# CJK, kana, Hangul, Thai, Burmese: no spaces between words, so count characters.
_TOKEN_RE = re.compile(
    r"[\u0e00-\u0e7f\u1000-\u109f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W_]+", re.U
)


def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens (one token per character for unspaced scripts)."""
    return Counter(_TOKEN_RE.findall(unicodedata.normalize("NFC", text).casefold()))


def token_prf(got: str, expected: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 of ``got`` against ``expected``."""
    got_tokens, exp_tokens = tokens(got), tokens(expected)
    common = sum((got_tokens & exp_tokens).values())
    precision = common / sum(got_tokens.values()) if got_tokens else 0.0
    recall = common / sum(exp_tokens.values()) if exp_tokens else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _title_key(text: str | None) -> str:
    """Comparison form of a title: case, whitespace and quote style ignored."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-"}))
    return " ".join(text.split())


def _day(value: date | None) -> str:
    """The day of a parsed page date, ``YYYY-MM-DD`` (``""`` for none)."""
    return value.isoformat()[:10] if value is not None else ""


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def evaluate_engines(traf: list[Case], news: list[Case]) -> str:
    """Segment scores, token scores and speed of every engine."""
    seg_rows, tok_rows = [], []
    english = {"article_with_br", "article_with_divs", "cleveland.com1", "cnn_001"}
    english |= {"cnn_002", "cnn_article", "cnn_test_nlp", "fox13now_001", "time_001"}
    english |= {"video_article_01", "video_article_02", "wired_001", "yna_co_kr"}
    for engine in ENGINES.values():  # warm-up: imports and caches out of the timings
        for case in traf[:5]:
            engine(case.html)
    for name, engine in ENGINES.items():
        score = SegmentScore()
        started = time.perf_counter()
        for case in traf:
            score.add("\n\n".join(engine(case.html)), case)
        ms_traf = (time.perf_counter() - started) * 1000 / len(traf)
        seg_rows.append([name, *score.row(), f"{ms_traf:.0f}"])

        scores, scores_en = [], []
        started = time.perf_counter()
        for case in news:
            prf = token_prf("\n\n".join(engine(case.html)), case.expected_text or "")
            scores.append(prf)
            if case.name in english:
                scores_en.append(prf)
        ms_news = (time.perf_counter() - started) * 1000 / len(news)
        tok_rows.append(
            [
                name,
                *(f"{statistics.mean(s[i] for s in scores):.3f}" for i in range(3)),
                f"{statistics.mean(s[2] for s in scores_en):.3f}",
                str(sum(s[1] == 0 for s in scores)),
                f"{ms_news:.0f}",
            ]
        )
    header = ["engine", "with found", "without absent", "precision", "recall", "F1"]
    header += ["accuracy", "empty pages", "ms/page"]
    out = [
        f"### trafilatura-eval: {len(traf)} English pages, "
        f"{sum(len(c.with_) for c in traf)} 'with' / "
        f"{sum(len(c.without) for c in traf)} 'without' segments",
        "",
        _md_table(header, seg_rows),
        "",
        f"### newspaper4k: {len(news)} pages with full expected text "
        f"(bag-of-tokens, mean over pages; English = {len(english)} of them)",
        "",
        _md_table(
            ["engine", "precision", "recall", "F1", "F1 (English)", "empty pages", "ms/page"],
            tok_rows,
        ),
    ]
    return "\n".join(out)


def split_halves(cases: list[Case], seed: int = SPLIT_SEED) -> dict[str, set[str]]:
    """The page names in a "dev" half and a "held-out" half (sorted, shuffled, cut)."""
    names = sorted(c.name for c in cases)
    random.Random(seed).shuffle(names)
    return {"dev": set(names[: len(names) // 2]), "held-out": set(names[len(names) // 2 :])}


def evaluate_bodies(traf: list[Case], news: list[Case], segments_file: Path | None) -> str:
    """What the index stores (title + body of ``clean_html``), furniture removal off and on."""
    halves = split_halves(traf)
    rows, tok_rows, pages = [], [], {}
    for furniture in (False, True):
        label = "furniture removal " + ("on (ours)" if furniture else "off (before)")
        scores = {"all": SegmentScore(), "dev": SegmentScore(), "held-out": SegmentScore()}
        for case in traf:
            page = clean_html(case.html, furniture=furniture)
            text = f"{page.title or ''}\n\n{page.body}"
            for name, score in scores.items():
                if name == "all" or case.name in halves[name]:
                    score.add(text, case)
            if furniture:
                flat = _flat(text)
                pages[case.name] = {
                    "half": "dev" if case.name in halves["dev"] else "held-out",
                    "unwanted_kept": [s for s in case.without if _flat(s) in flat],
                    "wanted_missing": [s for s in case.with_ if _flat(s) not in flat],
                }
        for name, score in scores.items():
            kept = score.without_total - score.without_absent
            rows.append(
                [
                    label,
                    f"{name} ({len(halves[name]) if name in halves else len(traf)})",
                    f"{score.with_found}/{score.with_total} = "
                    f"{score.with_found / score.with_total:.3f}",
                    f"{kept}/{score.without_total} = {kept / score.without_total:.3f}",
                    score.row()[4],
                ]
            )
        prfs = [
            token_prf(clean_html(c.html, furniture=furniture).body, c.expected_text or "")
            for c in news
        ]
        tok_rows.append([label, *(f"{statistics.mean(s[i] for s in prfs):.3f}" for i in range(3))])
    if segments_file is not None:
        segments_file.parent.mkdir(parents=True, exist_ok=True)
        segments_file.write_text(json.dumps(pages, indent=1, ensure_ascii=False), "utf-8")
    return "\n".join(
        [
            "### what the index stores: `clean_html` title + body, trafilatura-eval "
            f"(halves by seed {SPLIT_SEED})",
            "",
            _md_table(["cleaner", "pages", "wanted kept", "unwanted kept", "segment F1"], rows),
            "",
            f"### what the index stores: `clean_html` body, newspaper4k ({len(news)} pages, "
            "bag-of-tokens, mean over pages)",
            "",
            _md_table(["cleaner", "precision", "recall", "F1"], tok_rows),
        ]
    )


def evaluate_pipeline(traf: list[Case], news: list[Case], goose: list[Case]) -> str:
    """Metadata accuracy and speed of the whole ``clean_html`` (bytes in, page out)."""
    rows = []
    title_sets = [
        ("trafilatura-eval", traf),
        ("newspaper4k metadata", news),
        ("goose3 (expects the site suffix kept)", goose),
    ]
    for label, cases in title_sets:
        with_title = [c for c in cases if c.title]
        hits = sum(_title_key(clean_html(c.html).title) == _title_key(c.title) for c in with_title)
        rows.append([f"title, {label}", f"{hits}/{len(with_title)}"])
    dated = [c for c in traf if c.date]
    date_hits = sum(_day(clean_html(c.html).date) == c.date[:10] for c in dated)
    rows.append(["date (same day), trafilatura-eval", f"{date_hits}/{len(dated)}"])
    authored = [c for c in traf if c.author]
    author_hits = 0
    for case in authored:
        ours = _title_key(clean_html(case.html).author)
        wanted = [_title_key(n) for n in re.split(r"[;,]| and ", case.author or "") if n.strip()]
        author_hits += bool(ours) and all(name in ours for name in wanted)
    rows.append(
        ["author (every expected name in ours), trafilatura-eval", f"{author_hits}/{len(authored)}"]
    )

    pages = [c.html.encode("utf-8") for c in traf + news]
    for page in pages[:5]:
        clean_html(page)
    started = time.perf_counter()
    for page in pages:
        clean_html(page)
    ms = (time.perf_counter() - started) * 1000 / len(pages)
    rows.append([f"clean_html speed, {len(pages)} pages (bytes in)", f"{ms:.0f} ms/page"])
    return "### metadata and the whole pipeline (`clean_html`)\n\n" + _md_table(
        ["measure", "result"], rows
    )


def show_title_misses(traf: list[Case], news: list[Case]) -> None:
    """Print the titles we got wrong (for development, with --misses)."""
    for case in traf + news:
        if case.title:
            got = clean_html(case.html).title
            if _title_key(got) != _title_key(case.title):
                print(f"{case.name}\n  want {case.title!r}\n  got  {got!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--misses", action="store_true", help="list wrong titles and exit")
    parser.add_argument("--skip-engines", action="store_true", help="bodies and metadata only")
    parser.add_argument(
        "--segments", type=Path, default=SEGMENTS_FILE, help="per-page segment file to write"
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    traf, news = trafilatura_cases(args.corpus), newspaper_cases(args.corpus)
    goose = goose_titles(args.corpus)
    if args.misses:
        show_title_misses(traf, news)
        return 0
    if not args.skip_engines:
        print(evaluate_engines(traf, news))
        print()
    print(evaluate_bodies(traf, news, args.segments))
    print()
    print(evaluate_pipeline(traf, news, goose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
