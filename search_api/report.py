"""``python -m search_api report``: what readers searched for, from the query log.

``read_entries`` reads the log (the rotated ``<file>.1`` first, when there is one) and skips
lines that do not parse; ``build_report`` counts top queries, queries with no results,
queries answered any-word (``mode`` ``any``), the slowest queries and searches per day;
``format_text`` prints it for a person, ``main`` is the command line (status 2 for bad
arguments). Queries count as the same when they match case- and space-insensitively.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from indexer.settings import Settings

TOP = 20
SLOWEST = 10


def read_entries(path: Path) -> Iterator[dict]:
    """The log's entries, oldest first: ``<path>.1`` then ``path``; bad lines skipped."""
    for part in (path.with_name(path.name + ".1"), path):
        if not part.exists():
            continue
        with part.open("rb") as lines:
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("time"), str):
                    yield entry


def _key(q: object) -> str:
    return " ".join(str(q or "").split()).casefold()


def _ranked(counter: Counter, shown: dict[str, str], top: int) -> list[dict]:
    return [{"q": shown[k], "count": n} for k, n in counter.most_common(top)]


def build_report(entries: Iterable[dict], since: date | None = None, top: int = TOP) -> dict:
    """Count the entries (from ``since`` on, a UTC day) into the report's sections."""
    searches = 0
    per_day: Counter = Counter()
    queries: Counter = Counter()
    empty: Counter = Counter()
    any_word: Counter = Counter()
    shown: dict[str, str] = {}
    timed: list[dict] = []
    for entry in entries:
        day = entry["time"][:10]
        if since is not None and day < since.isoformat():
            continue
        searches += 1
        per_day[day] += 1
        key = _key(entry.get("q"))
        if not key:  # a filter-only listing: a search, but no query to rank
            pass
        else:
            shown.setdefault(key, " ".join(str(entry["q"]).split()))
            queries[key] += 1
            if entry.get("total") == 0:
                empty[key] += 1
            if entry.get("mode") == "any":
                any_word[key] += 1
        if isinstance(entry.get("ms"), int | float):
            timed.append(entry)
    timed.sort(key=lambda e: e["ms"], reverse=True)
    return {
        "since": since.isoformat() if since else None,
        "searches": searches,
        "top_queries": _ranked(queries, shown, top),
        "no_results": _ranked(empty, shown, top),
        "any_word": _ranked(any_word, shown, top),
        "slowest": [
            {
                "q": e.get("q", ""),
                "endpoint": e.get("endpoint"),
                "ms": e["ms"],
                "time": e["time"],
                "total": e.get("total"),
            }
            for e in timed[:SLOWEST]
        ],
        "per_day": [{"day": d, "count": per_day[d]} for d in sorted(per_day)],
    }


def format_text(report: dict) -> str:
    """The report as plain text, one section after another."""
    since = f" since {report['since']}" if report["since"] else ""
    out = [f"{report['searches']} searches{since}"]

    def section(title: str, rows: list[str]) -> None:
        out.extend(["", title])
        out.extend(rows or ["  (none)"])

    for title, name in (
        ("Top queries", "top_queries"),
        ("Queries with no results", "no_results"),
        ("Queries answered any-word (not every word matched)", "any_word"),
    ):
        section(title, [f"  {r['count']:>6}  {r['q']}" for r in report[name]])
    section(
        "Slowest queries",
        [
            f"  {r['ms']:>8.1f} ms  {r['endpoint']}  {r['q'] or '(filters only)'}  ({r['time']})"
            for r in report["slowest"]
        ],
    )
    section("Searches per day", [f"  {r['day']}  {r['count']:>6}" for r in report["per_day"]])
    return "\n".join(out) + "\n"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    """The ``report`` command's arguments."""
    p = argparse.ArgumentParser(
        prog="python -m search_api", description="Reports from the search API's query log."
    )
    sub = p.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="what readers searched for")
    report.add_argument("--since", type=_day, help="only searches from this UTC day on")
    report.add_argument("--log", type=Path, help="the query log (default: SEARCH_QUERY_LOG)")
    report.add_argument("--format", choices=("text", "json"), default="text")
    return p


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits 2 on bad arguments)."""
    p = parser()
    args = p.parse_args(argv)
    log = args.log
    if log is None:
        log = (settings or Settings.from_env()).query_log
        if log is None:
            p.error("the query log is off (SEARCH_QUERY_LOG is empty); name one with --log")
    if not log.exists() and not log.with_name(log.name + ".1").exists():
        p.error(f"no query log at {log}")
    report = build_report(read_entries(log), since=args.since)
    if args.format == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_text(report))
    return 0
