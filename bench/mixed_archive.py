"""Build a mixed archive from the shared corpora plus junk, and account for every file.

The archive (written under ``bench/out/mixed/``, never committed) holds:
- every news-html page (``.html.gz``, as distributed),
- every BBC text file (``bbc/<topic>/NNN.txt``; one is cp1252),
- Reuters-21578 as one JSONL export (``reuters/reuters.jsonl``; no gold labels),
- junk: binary, empty, truncated gzip, HTML without a body, a JSONL file with bad lines,
  an unknown file type, a symlink loop and a dangling link.

It builds the index with ``indexer.build.build_index`` (both cores), then checks that every
file below the archive is either indexed or rejected with a reason, and that the articles
in the index add up. A second build of the unchanged archive is timed too. Run::

    .venv/bin/python bench/mixed_archive.py [--reuters-limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import DEFAULT_CORPUS, read_stories  # noqa: E402
from bench.reuters_to_jsonl import records, write_jsonl  # noqa: E402
from indexer.build import build_index  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"


def make_archive(root: Path, reuters_limit: int | None) -> dict[str, int]:
    """Lay out the mixed archive; return how many files of each kind went in."""
    if root.exists():
        shutil.rmtree(root)
    counts = {}
    html_dir = root / "html"
    html_dir.mkdir(parents=True)
    pages = sorted((CORPORA / "news-html").glob("*/html/*.html.gz"))
    for page in pages:
        shutil.copy(page, html_dir / f"{page.parent.parent.name}--{page.name}")
    counts["html pages"] = len(pages)
    bbc = sorted((CORPORA / "bbc").glob("*/*.txt"))
    for f in bbc:
        dest = root / "bbc" / f.parent.name / f.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dest)
    counts["bbc text files"] = len(bbc)
    (root / "reuters").mkdir()
    with open(root / "reuters" / "reuters.jsonl", "w", encoding="utf-8") as out:
        counts["reuters stories (1 jsonl file)"] = write_jsonl(
            records(read_stories(DEFAULT_CORPUS), reuters_limit), out
        )
    junk = root / "junk"
    junk.mkdir()
    (junk / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (junk / "empty.txt").write_bytes(b"")
    (junk / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p>" * 500)[:40])
    (junk / "nobody.html").write_text("<html><head><title>T</title></head></html>", "utf-8")
    (junk / "bad.jsonl").write_text(
        json.dumps({"id": "junk-1", "body": "A good line among bad ones."})
        + "\n{broken\n"
        + json.dumps({"id": "junk-2"})
        + "\n",
        "utf-8",
    )
    (junk / "notes.docx").write_bytes(b"PK\x03\x04")
    os.symlink("..", junk / "loop")
    os.symlink("missing.txt", junk / "dangling.txt")
    counts["junk files"] = 8
    return counts


def all_files(root: Path) -> set[str]:
    """Every file and link below root, as archive-relative paths (links not followed)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        for name in filenames + [d for d in dirnames if os.path.islink(Path(dirpath) / d)]:
            found.add((rel / name).as_posix())
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the check and print a Markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "mixed")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if not CORPORA.is_dir():
        print("../shared/corpora is not present", file=sys.stderr)
        return 2
    archive, index_dir = args.out / "archive", args.out / "index"
    counts = make_archive(archive, args.reuters_limit)
    shutil.rmtree(index_dir, ignore_errors=True)
    t0 = time.monotonic()
    report = build_index(archive, index_dir, workers=args.workers)
    full_s = time.monotonic() - t0
    t0 = time.monotonic()
    again = build_index(archive, index_dir, workers=args.workers)
    again_s = time.monotonic() - t0

    files = all_files(archive)
    indexed = set(report.indexed)
    rejected = {r.path: r.reason for r in report.rejected}
    unaccounted = files - indexed - set(rejected)
    both = indexed & set(rejected)
    print(report.format())
    print("\n## Mixed archive check\n")
    for kind, n in counts.items():
        print(f"- {kind}: {n}")
    print(f"- files below the archive: {len(files)}")
    print(f"- indexed files: {len(indexed)}; rejected with a reason: {len(rejected)}")
    print(f"- unaccounted for: {len(unaccounted)} {sorted(unaccounted)[:10]}")
    print(f"- both indexed and rejected: {len(both)}")
    print(f"- articles in the index: {report.documents}; problems reported: {len(report.problems)}")
    print(f"- full build: {full_s:.1f} s with {args.workers} workers")
    print(f"- rebuild of the unchanged archive: {again_s:.1f} s ({len(again.unchanged)} unchanged)")
    print("\nRejected files:")
    for path, reason in sorted(rejected.items()):
        print(f"- `{path}`: {reason}")
    return 0 if not unaccounted and not both else 1


if __name__ == "__main__":
    raise SystemExit(main())
