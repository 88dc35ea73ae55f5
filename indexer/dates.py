"""Dates as pages and archives write them: the one parser, and the form the index stores.

Parts:
    ``parse_date(text)``: ISO 8601, RFC 2822, ``YYYY/MM/DD`` and English text dates -> a
    ``date`` (only the day is known) or a ``datetime`` (zone kept when given);
    ``index_datetime(value)``: that value as the index stores it, a naive UTC ``datetime``.

HTML metadata (``indexer.clean``) and archive records (``indexer.prepare``) both go
through ``parse_date``; the parsed value is passed on, never formatted and parsed again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_ISO_DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_TEXT_DATE_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%A, %B %d, %Y",
    "%A %d %B %Y",
)
_TEXT_DATE_RE = re.compile(
    r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)[a-z]*,?\s+)?"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4})"
)


def parse_date(value: str | None) -> date | datetime | None:
    """Read a date as pages and archives write it.

    Accepts ISO 8601 (with or without time and zone), RFC 2822 (``Tue, 19 Feb 2020 ...``),
    a ``YYYY-MM-DD`` / ``YYYY/MM/DD`` anywhere in the text, and English text dates
    (``February 19, 2020``, ``19 Feb 2020``). Years outside 1800-2200 are not plausible.

    Args:
        value: the attribute, field or text holding the date.

    Returns:
        A ``date`` when only a day is known; a ``datetime`` when a time is given (aware
        when a zone is given, naive otherwise); ``None`` when no plausible date is found.
    """
    if not value:
        return None
    value = value.strip()[:200]
    if not value:
        return None
    candidate = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        parsed = None
    if parsed is not None and _plausible_year(parsed.year):
        return parsed.date() if len(value) <= 10 else parsed
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and _plausible_year(parsed.year):
        return parsed
    match = _ISO_DATE_RE.search(value)
    if match:
        return _ymd(*(int(g) for g in match.groups()))
    match = _TEXT_DATE_RE.search(value)
    if match:
        text = re.sub(r"\s+", " ", match.group(0)).replace(",,", ",")
        for fmt in _TEXT_DATE_FORMATS:
            try:
                day = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if _plausible_year(day.year):
                return day.date()
    return None


def index_datetime(value: date | datetime | None) -> datetime | None:
    """A parsed date as the index stores it: naive UTC (a day is its midnight)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _plausible_year(year: int) -> bool:
    return 1800 <= year <= 2200


def _ymd(year: int, month: int, day: int) -> date | None:
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None
    return parsed if _plausible_year(year) else None
