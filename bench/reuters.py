"""Read Reuters-21578 SGML files into plain dicts.

The parts: ``read_stories(corpus_dir)`` walks ``reut2-*.sgm`` and yields one dict per
``<REUTERS>`` element (``parse_file`` does one file); ``parse_date`` reads the collection's
loose dates; ``printed_body`` gives a story's text as the wire printed it (dateline, then
body, without the "Reuter" signature).

The files are SGML, not XML (no root element, control-character references such as
``&#3;``), so they are read with regular expressions. All files are ASCII except
``reut2-017.sgm``, which holds one Latin-1 byte: a file that is not UTF-8 is read as
Latin-1. See ``../shared/corpora/reuters21578/SOURCE.md``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
DEFAULT_CORPUS = DEFAULT_CORPUS / "reuters21578"

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_D = re.compile(r"<D>(.*?)</D>", re.S)
# References to control characters (&#2; &#3; &#5; &#22; &#31; &#127; ...): framing noise.
_CONTROL_REF = re.compile(r"&#(?:[0-9]|[12][0-9]|3[01]|127);")
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d+):(\d{2}):(\d{2}))?")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
_SIGNATURE = re.compile(r"\s*\bReuter\s*$", re.I)


def _field(block: str, tag: str) -> str | None:
    """The text of the first ``<tag>`` element in ``block``, or ``None``."""
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", block, re.S)
    return _text(match.group(1)) if match else None


def _text(raw: str) -> str:
    """Strip control-character references and decode ``&lt;``/``&amp;``."""
    return html.unescape(_CONTROL_REF.sub("", raw))


def parse_date(raw: str | None) -> datetime | None:
    """Parse a date like ``26-FEB-1987 15:01:01.79``, tolerating padding and trailing junk.

    Args:
        raw: the ``<DATE>`` text.

    Returns:
        The datetime (fraction of a second dropped), or ``None`` when it cannot be read.
    """
    if not raw:
        return None
    match = _DATE.search(raw)
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    month_number = _MONTHS.get(month.upper())
    if month_number is None:
        return None
    try:
        date = datetime(int(year), month_number, int(day))
    except ValueError:
        return None
    try:
        return date.replace(hour=int(hour), minute=int(minute), second=int(second))
    except (TypeError, ValueError):
        return date  # no time, or a broken one ("605:12:19.12"): keep the day


def parse_file(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the stories of one ``.sgm`` file.

    Each story is a dict with ``newid`` (int), ``date`` (datetime or None), ``title``,
    ``dateline``, ``body`` (str or None; ``None`` for title-only and unprocessed stories),
    ``places``, ``people`` and ``topics`` (lists of the gold codes), and ``topics_flag``
    (the ``TOPICS`` attribute: "YES" when the story was given topics by the indexers,
    "NO" or "BYPASS" when not; see the collection's README.txt).
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # reut2-017.sgm: one 0xFC byte
    for match in _STORY.finditer(text):
        attrs = dict(_ATTR.findall(match.group(1)))
        block = match.group(2)
        places = re.search(r"<PLACES>(.*?)</PLACES>", block, re.S)
        people = re.search(r"<PEOPLE>(.*?)</PEOPLE>", block, re.S)
        topics = re.search(r"<TOPICS>(.*?)</TOPICS>", block, re.S)
        yield {
            "newid": int(attrs["NEWID"]),
            "date": parse_date(_field(block, "DATE")),
            "title": _field(block, "TITLE"),
            "dateline": _field(block, "DATELINE"),
            "body": _field(block, "BODY"),
            "places": [_text(d).strip() for d in _D.findall(places.group(1))] if places else [],
            "people": [_text(d).strip() for d in _D.findall(people.group(1))] if people else [],
            "topics": [_text(d).strip() for d in _D.findall(topics.group(1))] if topics else [],
            "topics_flag": attrs.get("TOPICS", ""),
        }


def read_stories(corpus_dir: Path = DEFAULT_CORPUS) -> Iterator[dict[str, Any]]:
    """Yield every story of the collection, in file (and NEWID) order."""
    for path in sorted(Path(corpus_dir).glob("reut2-*.sgm")):
        yield from parse_file(path)


def printed_body(story: dict[str, Any]) -> str:
    """The story's text as printed: dateline, then body, without the "Reuter" signature."""
    dateline = (story.get("dateline") or "").strip()
    body = _SIGNATURE.sub("", story.get("body") or "").rstrip()
    if dateline:
        # The dateline ends with " - " and the body follows on the same line.
        return f"{dateline} {body.lstrip()}"
    return body
