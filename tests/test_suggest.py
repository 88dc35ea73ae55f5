"""Completions: multi-word prefixes complete only into phrases the archive holds."""

from __future__ import annotations

import json

import pytest
from whoosh.filedb.filestore import RamStorage

from indexer.build import build_index
from indexer.schema import build_schema
from search_api.engine import Engine
from search_api.query import STOP_WORDS, QueryBuilder
from search_api.suggest import NameIndex, suggest
from tests.fakes import KeywordExtractor

ARTICLES = [
    {
        "id": "g1",
        "title": "Gordon Brown visits Leeds",
        "body": "Gordon Brown said the budget would be balanced. Ask Gordon, because he knows.",
        "people": [],
        "places": ["Leeds"],
    },
    {
        "id": "g2",
        "title": "Budget day",
        "body": "Gordon Bennett! Gordon Brown has been busy, and Bev Brown was there to be seen.",
        "people": [],
        "places": [],
    },
    {
        "id": "t1",
        "title": "Tony Blair returns to Sedgefield",
        "body": "Tony Blair spoke. David Blunkett and Tony Abbott blasted the blind plan.",
        "people": ["Tony Blair", "David Blunkett", "Tony Abbott"],
        "places": ["Sedgefield", "Central African Republic"],
    },
    {
        "id": "t2",
        "title": "Tony Abbott blasts critics",
        "body": "The former prime minister was blunt.",
        "people": ["Tony Abbott"],
        "places": [],
    },
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("suggest")
    (root / "archive").mkdir()
    (root / "archive" / "a.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    build_index(root / "archive", root / "index", extractor=KeywordExtractor())
    return Engine(root / "index")


def _pairs(engine, text, limit=10):
    return [(s.text, s.kind) for s in engine.suggest(text, limit)]


def test_last_word_completes_only_into_what_follows_the_earlier_words(engine):
    assert _pairs(engine, "gordon b") == [
        ("Gordon Brown visits Leeds", "title"),
        ("gordon brown", "term"),
        ("gordon bennett", "term"),
    ]


def test_a_phrase_of_earlier_words_and_a_stop_word_is_not_offered(engine):
    # "Ask Gordon, because" and "Gordon Brown has been": adjacent words, but stop words.
    assert _pairs(engine, "gordon be") == [("gordon bennett", "term")]
    assert _pairs(engine, "brown ha") == []


def test_names_and_titles_match_only_when_the_whole_text_fits(engine):
    # Not "Tony Abbott blasts critics" (tony ... bl*), not "tony blunkett" or "tony blind".
    assert _pairs(engine, "tony bl") == [
        ("Tony Blair", "person"),
        ("Tony Blair returns to Sedgefield", "title"),
    ]
    assert _pairs(engine, "african rep") == [("Central African Republic", "place")]
    assert _pairs(engine, "blair t") == []


def test_single_word_prefix_completes_names_titles_and_words_but_no_stop_word(engine):
    assert _pairs(engine, "bl") == [
        ("David Blunkett", "person"),
        ("Tony Blair", "person"),
        ("blair", "term"),
        ("blasted", "term"),
        ("blasts", "term"),
        ("blind", "term"),
        ("blunkett", "term"),
        ("blunt", "term"),
    ]
    terms = [text for text, kind in _pairs(engine, "b") if kind == "term"]
    assert terms and not set(terms) & STOP_WORDS
    assert "be" not in terms and "brown" in terms


def test_phrases_spread_over_segments_are_found():
    # Incremental builds leave several segments; the phrase check looks in each.
    ix = RamStorage().create_index(build_schema())
    for n, body in enumerate(["Nothing to see.", "Gordon Brown spoke."]):
        w = ix.writer()
        w.add_document(id=str(n), title=f"Story {n}", body=body, people_tag="", places_tag="")
        w.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) == 2
        names = NameIndex(s.reader())
        builder = QueryBuilder(s)
        found = suggest(s, names, lambda w: builder.tokens("body", w), "gordon br")
        assert [(x.text, x.kind) for x in found] == [("gordon brown", "term")]
