"""indexer.dates: one parser for page and archive dates, and the form the index stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from indexer.dates import index_datetime, parse_date
from indexer.documents import RawArticle
from indexer.prepare import clean_article


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T09:30:00", datetime(2024, 3, 5, 9, 30)),
        ("2024-03-05T09:30:00Z", datetime(2024, 3, 5, 9, 30, tzinfo=UTC)),
        (
            "2024-03-05T09:30:00+03:00",
            datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=3))),
        ),
        ("2024-03-05 in the morning", date(2024, 3, 5)),
        ("1700-01-01", None),
        ("2024-02-30", None),
    ],
)
def test_parse_date_keeps_what_the_text_says(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (date(2024, 3, 5), datetime(2024, 3, 5)),
        (datetime(2024, 3, 5, 9, 30), datetime(2024, 3, 5, 9, 30)),
        (
            datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=3))),
            datetime(2024, 3, 5, 6, 30),
        ),
    ],
)
def test_index_datetime_is_naive_utc(value, expected):
    assert index_datetime(value) == expected


PAGE = (
    '<html><head><meta property="article:published_time" content="2024-03-05T01:30:00+03:00">'
    "</head><body><article><h1>Title</h1><p>"
    + "The council met on Tuesday and voted for the bridge after a long debate. " * 8
    + "</p></article></body></html>"
)


def test_a_page_date_reaches_the_article_parsed_once():
    article, problems = clean_article(RawArticle(id="a", source="a.html", html=PAGE))
    assert article is not None and problems == []
    assert article.date == datetime(2024, 3, 4, 22, 30)


def test_the_record_date_wins_over_the_page_and_is_reported_when_unreadable():
    raw = RawArticle(id="a", source="a.jsonl", html=PAGE, date="2020-12-24")
    assert clean_article(raw)[0].date == datetime(2020, 12, 24)
    article, problems = clean_article(RawArticle(id="a", source="a.jsonl", html=PAGE, date="soon"))
    assert article.date is None and problems == ["unreadable date 'soon' (ignored)"]
