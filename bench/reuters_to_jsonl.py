"""Write Reuters-21578 stories as an archive JSONL file (one article per line).

Each story with a body becomes ``{"id": "reuters-<NEWID>", "title", "body", "date"}``:
the body is the dateline then the text as printed, without the "Reuter" signature; the
date is ISO 8601. Gold labels (places, people) are left out on purpose, so the indexer
extracts its own. Run::

    .venv/bin/python bench/reuters_to_jsonl.py -o var/reuters.jsonl --limit 1000
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import DEFAULT_CORPUS, printed_body, read_stories  # noqa: E402


def records(stories: Iterable[dict[str, Any]], limit: int | None = None) -> Iterator[dict]:
    """The JSONL records for the stories that have a body, at most ``limit`` of them."""
    count = 0
    for story in stories:
        if limit is not None and count >= limit:
            return
        if not story["body"]:
            continue
        record = {
            "id": f"reuters-{story['newid']}",
            "title": story["title"] or "",
            "body": printed_body(story),
        }
        if story["date"]:
            record["date"] = story["date"].isoformat()
        count += 1
        yield record


def write_jsonl(rows: Iterable[dict], out: TextIO) -> int:
    """Write one JSON object per line; return how many were written."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many stories")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="reuters21578 dir")
    args = parser.parse_args(argv)
    rows = records(read_stories(args.corpus), args.limit)
    if args.output == "-":
        count = write_jsonl(rows, sys.stdout)
    else:
        out_path = Path(args.output)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with out_path.open("w", encoding="utf-8") as out:
            count = write_jsonl(rows, out)
    print(f"wrote {count} stories", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
