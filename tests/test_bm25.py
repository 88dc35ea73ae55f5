"""``CombinedTerm``: one word over title and body scored as one BM25 field."""

from __future__ import annotations

from math import log

import pytest
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from search_api.bm25 import K1, B, CombinedTerm, lucene_idf


@pytest.fixture(scope="module")
def searcher():
    schema = Schema(id=ID(stored=True), title=TEXT, body=TEXT)
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(id="both", title="bridge news", body="the bridge opened today")
        w.add_document(id="body", title="city news", body="a bridge and a bridge again")
        w.add_document(id="none", title="weather", body="rain all day long today")
        w.add_document(id="title", title="bridge", body="")
    with ix.searcher() as s:
        yield s


def _scores(searcher, q) -> dict[str, float]:
    return {h["id"]: h.score for h in searcher.search(q, limit=None)}


def test_lucene_idf_never_negative_and_rarer_is_higher():
    assert lucene_idf(100, 100) > 0
    assert lucene_idf(100, 1) > lucene_idf(100, 10) > lucene_idf(100, 90)
    assert lucene_idf(4, 3) == pytest.approx(log(1 + 1.5 / 3.5))


def test_the_score_is_one_saturation_over_the_weighted_fields(searcher):
    scores = _scores(searcher, CombinedTerm(("title", "body"), "bridge", (2.0, 1.0)))
    assert set(scores) == {"both", "body", "title"}
    df = max(searcher.doc_frequency("title", "bridge"), searcher.doc_frequency("body", "bridge"))
    assert df == 2  # "bridge" is in two titles and two bodies: the larger count stands in
    idf = lucene_idf(4, df)
    avgdl = 2 * searcher.avg_field_length("title") + searcher.avg_field_length("body")

    def bm25(doc_id, tf):
        docnum = searcher.document_number(id=doc_id)
        title, body = (searcher.doc_field_length(docnum, f, 0) or 0 for f in ("title", "body"))
        dl = 2 * title + body
        return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))

    assert scores["both"] == pytest.approx(bm25("both", 2 * 1 + 1))  # title x2 + body
    assert scores["body"] == pytest.approx(bm25("body", 2))  # twice in the body
    assert scores["title"] == pytest.approx(bm25("title", 2 * 1))  # in the title alone


def test_a_word_in_two_fields_scores_less_than_two_separate_saturations(searcher):
    combined = _scores(searcher, CombinedTerm(("title", "body"), "bridge", (1.0, 1.0)))
    summed = _scores(searcher, wq.Or([wq.Term("title", "bridge"), wq.Term("body", "bridge")]))
    # Summing per field counts the title match as a whole second word; one saturation does not.
    assert combined["both"] / combined["body"] < summed["both"] / summed["body"]


def test_it_matches_like_an_or_and_walks_like_one(searcher):
    q = CombinedTerm(("title", "body"), "today", (2.0, 1.0))
    assert set(_scores(searcher, q)) == {"both", "none"}
    assert [t.text for t in q.children()] == ["today", "today"]  # highlighting sees the terms
    assert set(_scores(searcher, CombinedTerm(("title", "body"), "zzz", (1.0, 1.0)))) == set()
    assert set(_scores(searcher, wq.And([q, CombinedTerm(("title", "body"), "rain", (1, 1))]))) == {
        "none"
    }
