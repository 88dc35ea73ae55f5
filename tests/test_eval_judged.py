"""The judged-collection evaluation's metrics and readers, on written rankings and lines."""

from __future__ import annotations

import math

import pytest

from bench.eval_judged import (
    average_precision,
    bucket_of,
    ndcg_at,
    parse_qrels,
    parse_smart,
    precision_at,
    reader_query,
    reuters_split,
    score,
    smart_docs,
    smart_queries,
)


def test_ndcg_at_10_binary():
    # Relevant at ranks 1 and 3, R = 3: DCG = 1 + 1/log2(4); ideal = 1 + 1/log2(3) + 1/2.
    got = ndcg_at(["a", "x", "b", "y"], {"a", "b", "c"})
    assert got == pytest.approx((1 + 0.5) / (1 + 1 / math.log2(3) + 0.5))
    assert ndcg_at(["a", "b"], {"a", "b"}) == 1.0
    assert ndcg_at([], {"a"}) == 0.0
    # Only the top 10 count; the ideal has min(R, 10) relevant documents.
    assert ndcg_at([str(i) for i in range(20)], {"15"}) == 0.0
    assert ndcg_at([str(i) for i in range(10)], {str(i) for i in range(30)}) == 1.0


def test_average_precision_divides_by_all_relevant():
    # Relevant at ranks 1 and 3 of R = 4: (1/1 + 2/3) / 4.
    assert average_precision(["a", "x", "b"], {"a", "b", "c", "d"}) == pytest.approx(5 / 12)
    assert average_precision(["x", "a"], {"a"}) == 0.5
    assert average_precision(["a"], set()) == 0.0
    # Beyond the depth nothing counts.
    assert average_precision(["x", "a"], {"a"}, depth=1) == 0.0


def test_precision_at_10_counts_missing_ranks_as_misses():
    assert precision_at(["a", "b", "x"], {"a", "b"}) == 0.2
    assert precision_at(["x"] * 9 + ["a", "b"], {"a", "b"}) == 0.1


def test_score_maps_split_ids_back_and_drops_unjudged():
    from bench.eval_judged import JudgedQuery

    query = JudgedQuery("1", "q", frozenset({"a"}))
    outcome = score(query, ["u", "a#2", "a", "b"], judged=frozenset({"a", "b"}))
    assert outcome.ranking == ["a", "b"]
    assert outcome.p10 == 0.1 and outcome.ndcg10 == 1.0


TITLE_1 = "Preliminary Report-International Algebraic Language"
CACM_LINES = """.I 1
.T
Preliminary Report-International Algebraic Language
.B
CACM December, 1958
.A
Perlis, A. J.
.N
CA581203 JB March 22, 1978  8:28 PM
.X
100\t5\t1
.I 2
.T
Extraction of Roots
by Repeated Subtractions
.W
Several algorithms are
compared.
.B
CACM December, 1958
"""

CACM_QUERIES = """.I 1
.W
 What articles exist which deal with TSS (Time Sharing System), an
operating system for IBM computers?
.N
 1. Richard Alexander, Comp Serv, Langmuir Lab (TSS)

.I 2
.W
 Intermediate languages; "TCOLL" -or- pipes | NOT
.I 0
"""


def test_cacm_reader():
    docs = smart_docs(parse_smart(CACM_LINES))
    assert [(d.id, d.title, d.body) for d in docs] == [
        # No abstract: the title is the body too.
        ("1", TITLE_1, TITLE_1),
        ("2", "Extraction of Roots by Repeated Subtractions", "Several algorithms are\ncompared."),
    ]
    qrels = parse_qrels("01 1410  0 0\n01 1572  0 0\n02 7 0 0\n")
    assert qrels == {"1": {"1410", "1572"}, "2": {"7"}}
    queries, skipped = smart_queries(parse_smart(CACM_QUERIES), qrels)
    assert skipped == 1  # the empty ".I 0" sentinel
    assert queries[0].text == (
        "what articles exist which deal with tss (time sharing system), an operating system "
        "for ibm computers?"
    )
    assert queries[0].relevant == {"1410", "1572"}
    assert queries[1].text == "intermediate languages; tcoll or- pipes not"
    assert queries[1].words == 6


CISI_LINES = """.I 1
.T
18 Editions of the Dewey Decimal Classifications
.A
Comaromi, J.P.
.W
   The present study is a history of the DEWEY Decimal
Classification.
.X
1\t5\t1
.I 2
.T\x20
Use Made of Technical Libraries
.A\x20
Slater, M.
.W
This report is an analysis.
"""


def test_cisi_reader():
    docs = smart_docs(parse_smart(CISI_LINES))
    assert [(d.id, d.title, d.body) for d in docs] == [
        (
            "1",
            "18 Editions of the Dewey Decimal Classifications",
            "The present study is a history of the DEWEY Decimal\nClassification.",
        ),
        ("2", "Use Made of Technical Libraries", "This report is an analysis."),
    ]
    qrels = parse_qrels("     1     28\t0\t0.000000\n     1     35\t0\t0.000000\n")
    assert qrels == {"1": {"28", "35"}}
    queries, skipped = smart_queries(
        parse_smart(".I 1\n.W\nWhat is information science?\n.I 2\n.W\nUnjudged.\n"), qrels
    )
    assert [(q.id, q.text) for q in queries] == [("1", "what is information science?")]
    assert skipped == 1


def test_reader_query_neutralises_syntax():
    assert reader_query('Title: "Time  Sharing" -TSS OR +pipes* a|b && c') == (
        "title time sharing tss or pipes a b c"
    )
    assert reader_query("long-term e-mail") == "long-term e-mail"


def test_buckets_and_split():
    assert [bucket_of(n) for n in (1, 3, 4, 7, 8, 80)] == ["1-3", "1-3", "4-7", "4-7", "8+", "8+"]
    split = reuters_split(["a", "b", "c", "d", "e"], seed=1)
    assert sorted(split["reuters-dev"] + split["reuters-heldout"]) == ["a", "b", "c", "d", "e"]
    assert len(split["reuters-dev"]) == 3
    assert reuters_split(["e", "d", "c", "b", "a"], seed=1) == split
