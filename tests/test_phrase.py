"""search_api.phrase.Phrase finds exactly what Whoosh's Phrase finds, with the same scores."""

from __future__ import annotations

import random

import pytest
from whoosh import index, scoring
from whoosh import query as wq

from indexer.schema import build_schema
from search_api.phrase import Phrase

WORDS = "the of said bank rate rates will cut the the of said".split()


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    rng = random.Random(3)
    ix = index.create_in(str(tmp_path_factory.mktemp("phrase")), build_schema())
    writer = ix.writer()
    for n in range(300):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
        writer.add_document(id=str(n), title="", body=body)
    writer.commit()
    with ix.searcher(weighting=scoring.BM25F()) as s:
        yield s


def answers(searcher, query):
    results = searcher.search(query, limit=None, optimize=False)
    return [(hit.docnum, round(hit.score, 9)) for hit in results]


def phrases():
    rng = random.Random(5)
    found = [["the", "the"], ["the", "the", "the"], ["said", "bank"], ["of", "of", "of"]]
    found += [[rng.choice(WORDS) for _ in range(rng.randint(2, 5))] for _ in range(60)]
    return found


@pytest.mark.parametrize("words", phrases(), ids=" ".join)
def test_same_documents_and_scores_as_whoosh(searcher, words):
    tokens = [t.text for t in searcher.schema["body"].analyzer(" ".join(words), mode="query")]
    assert answers(searcher, Phrase("body", tokens, boost=2.0)) == answers(
        searcher, wq.Phrase("body", tokens, boost=2.0)
    )


def test_a_word_the_index_lacks_matches_nothing(searcher):
    assert answers(searcher, Phrase("body", ["bank", "zebra"])) == []


def test_some_phrases_match_and_some_do_not(searcher):
    # The comparison above is worth something only if both outcomes occur.
    counts = [
        len(
            answers(
                searcher,
                Phrase(
                    "body",
                    [t.text for t in searcher.schema["body"].analyzer(" ".join(w), mode="query")],
                ),
            )
        )
        for w in phrases()
    ]
    assert any(c == 0 for c in counts) and any(c > 5 for c in counts)
