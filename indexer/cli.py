"""The indexer's command line: ``python -m indexer build|stats``.

``build [ARCHIVE_DIR] [--index DIR]`` builds or updates the index and prints the report
(exit 0 even when files were rejected; 2 when the build could not run: bad settings, no
archive folder, another build running). ``stats`` describes the current index.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from indexer import store
from indexer.records import article_from_stored
from indexer.settings import Settings


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indexer",
        description="Index a newspaper archive (HTML pages, text dumps, JSON Lines) for search.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build",
        help="build or update the index (incremental; atomic switch when done)",
        description=(
            "Read every file below ARCHIVE_DIR, clean it, find people and places, and write "
            "the index. Unchanged files are skipped, changed files replace their articles, "
            "removed files drop theirs. Rejected files are named with their reason."
        ),
    )
    build.add_argument(
        "archive_dir",
        nargs="?",
        type=Path,
        default=settings.archive_dir,
        help=f"archive folder (default: $SEARCH_ARCHIVE_DIR or {settings.archive_dir})",
    )
    build.add_argument(
        "--index",
        type=Path,
        default=settings.index_dir,
        help=f"index folder (default: $SEARCH_INDEX_DIR or {settings.index_dir})",
    )
    build.add_argument(
        "--workers",
        type=int,
        default=settings.build_workers(),
        help="processes for cleaning and NER (default: $SEARCH_BUILD_WORKERS or CPU cores)",
    )
    build.add_argument(
        "--site-rules",
        type=Path,
        default=settings.site_rules,
        help="TOML file of per-site HTML cleaning rules (default: $SEARCH_SITE_RULES)",
    )
    stats = sub.add_parser("stats", help="describe the current index")
    stats.add_argument("--index", type=Path, default=settings.index_dir, help="index folder")
    stats.add_argument("--top", type=int, default=10, help="how many of each to list")
    return parser


def _build(args) -> int:
    from indexer.build import build_index
    from indexer.clean.siterules import SiteRules

    rules = None
    if args.site_rules:
        try:
            rules = SiteRules.load(args.site_rules)
        except (OSError, ValueError) as exc:
            print(f"error: site rules {args.site_rules}: {exc}", file=sys.stderr)
            return 2
    try:
        report = build_index(
            args.archive_dir,
            args.index,
            rules=rules,
            workers=max(1, args.workers),
            progress=True,
        )
    except (store.BuildLocked, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.format())
    return 0


def _stats(args) -> int:
    from whoosh import index as whoosh_index

    gen = store.current_generation(args.index)
    if gen is None:
        print(f"error: no index in {args.index}; run `python -m indexer build`", file=sys.stderr)
        return 2
    meta = store.read_meta(gen)
    manifest = store.read_manifest(gen)
    ix = whoosh_index.open_dir(str(gen))
    people: Counter[str] = Counter()
    places: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    years: Counter[int] = Counter()
    with ix.searcher() as s:
        for fields in s.all_stored_fields():
            record = article_from_stored(fields)
            people.update(record.people)
            places.update(record.places)
            authors.update(record.authors)
            sections.update([record.section] if record.section else [])
            if fields.get("year"):
                years[fields["year"]] += 1
    print(f"index:          {gen}")
    print(f"schema version: {meta.schema_version}")
    print(f"built at:       {meta.built_at}")
    print(f"articles:       {meta.documents}")
    print(f"quotations:     {meta.quotes}")
    print(f"archive files:  {len(manifest)}")
    if years:
        print(f"years:          {min(years)}-{max(years)}")
    for label, counter in (
        ("people", people),
        ("places", places),
        ("authors", authors),
        ("sections", sections),
    ):
        top = ", ".join(f"{name} ({n})" for name, n in counter.most_common(args.top))
        print(f"top {label}:".ljust(16) + (top or "-"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args = _parser(settings).parse_args(argv)
    if args.command == "build":
        return _build(args)
    return _stats(args)
