"""Text dumps: splitting several articles out of one file, and cutting boilerplate."""

from __future__ import annotations

import pytest

from indexer.clean.textdump import is_title, paragraphs, split_articles
from tests.conftest import SAMPLE_ARCHIVE

SAMPLE = SAMPLE_ARCHIVE / "moscow-times-2020-sample.txt"


def test_sample_archive_gives_two_articles_with_their_titles():
    articles = split_articles(SAMPLE.read_text("utf-8"))
    assert [title for title, _ in articles] == [
        "Russia-China Military Alliance ‘Quite Possible,’ Putin Says",
        "Russia, Rwanda Send ‘Several Hundred’ Troops to C.Africa",
    ]
    first, second = (body for _, body in articles)
    assert first.startswith("President Vladimir Putin said Thursday")
    assert first.endswith("state secrets to China in recent years.")
    assert second.startswith("The Central African Republic said Monday")
    assert second.endswith("until “peace and security” is restored.")


def test_sample_boilerplate_is_cut():
    text = SAMPLE.read_text("utf-8")
    bodies = " ".join(body for _, body in split_articles(text))
    assert "Leave a Reply" in text
    assert "Leave a Reply" not in bodies
    assert "Required fields" not in bodies


def test_paragraphs_join_wrapped_lines_and_split_at_blank_lines():
    text = "Title here\r\n\r\nFirst line\nwrapped on.\n \nSecond."
    assert paragraphs(text) == ["Title here", "First line wrapped on.", "Second."]


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("Russia, Rwanda Send ‘Several Hundred’ Troops to C.Africa", True),
        ("He said the deal was done.", False),  # ends a sentence
        ("The All Blacks", False),  # too short for a headline
        ("Barcelona, Bayern Munich, Porto, Real Madrid, Werder Bremen", False),  # a list
        ("TOO FAST TOO FURIOUS (DIGITAL BRIDGES)", False),  # a credit line
        ("a lower case line that is not a headline at all", False),
    ],
)
def test_is_title(candidate, expected):
    body = "A full sentence of article text follows here, long enough to be a paragraph."
    assert is_title(candidate, body) is expected


def test_title_needs_body_text_after_it():
    assert not is_title("Russia Sends Troops to the Capital", None)
    assert not is_title("Russia Sends Troops to the Capital", "Short.")


def test_three_articles_and_boilerplate_between_them():
    text = (
        "First Story About Something Big\n\nBody of the first story, with a full sentence.\n\n"
        "Share this:\n\nTwitter\n\nFacebook\n\n"
        "Second Story Arrives Right After It\n\nThe second body is here and it is long enough.\n\n"
        "Third Story Rounds Off This Dump\n\nAnd a third body, also a proper sentence of text.\n\n"
        "Leave a Reply\n\nYour email address will not be published."
    )
    assert split_articles(text) == [
        ("First Story About Something Big", "Body of the first story, with a full sentence."),
        ("Second Story Arrives Right After It", "The second body is here and it is long enough."),
        ("Third Story Rounds Off This Dump", "And a third body, also a proper sentence of text."),
    ]


def test_title_only_file_gives_no_article():
    assert split_articles("Just A Title Line\n\n") == []


def test_bbc_files_are_one_article_each(corpora):
    from indexer.archive import decode_text

    files = sorted((corpora / "bbc").glob("*/*.txt"))
    assert len(files) == 2225
    split_wrong = [f for f in files if len(split_articles(decode_text(f.read_bytes()))) != 1]
    assert split_wrong == []
