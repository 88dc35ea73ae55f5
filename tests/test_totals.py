"""Totals, facets and the top of the ranking do not depend on the page asked for.

A written archive of a few hundred articles whose words follow a skewed distribution (some
words in most articles, some in a few, in the title or not): enough documents and score
spread for a top-k collector's pruning to matter. Every query is run with several page
sizes; what it counts must not change, and page 1 must be the top of the whole ranking.
"""

from __future__ import annotations

import random

import pytest

from tests.indexes import jsonl_client

WORDS = (
    "music film council budget match game tory labour minister election market shares "
    "court police school hospital strike weather storm flood album singer actor award"
).split()
PEOPLE = ["Ann Lee", "Bo Chen", "Cy Dunn", "Di Eve", "Ed Fox"]
PLACES = ["Russia", "France", "Bangui", "Peru", "Chad"]

OR_QUERIES = [
    "music OR film",
    "game OR match",
    "labour OR tory",
    "album OR singer OR actor",
    "court OR police",
    "storm OR flood OR weather",
    "election OR minister",
    "market OR shares",
    "award OR film",
    "school OR hospital OR strike",
    "budget OR council",
    "music OR film -award",
    "title:music OR film",
    "music OR zzzunknown",
]
ALL_QUERIES = OR_QUERIES + ["music film", "weather", "council budget", "album singer actor award"]


def _articles(n: int = 400) -> list[dict]:
    rng = random.Random(11)
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    out = []
    for i in range(n):
        length = rng.randint(8, 120)
        body = " ".join(rng.choices(WORDS, weights, k=length))
        title = " ".join(rng.choices(WORDS, weights, k=rng.randint(1, 5)))
        out.append(
            {
                "id": f"doc-{i:03d}",
                "title": title.capitalize(),
                "body": f"{body}.",
                "date": f"{2000 + i % 20}-0{1 + i % 9}-1{i % 10}",
                "people": rng.sample(PEOPLE, rng.randint(0, 2)),
                "places": rng.sample(PLACES, rng.randint(0, 2)),
            }
        )
    return out


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return jsonl_client(tmp_path_factory.mktemp("totals"), _articles())


def _search(client, **params) -> dict:
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


@pytest.mark.parametrize("q", ALL_QUERIES)
def test_total_and_facets_do_not_depend_on_the_page_size(client, q):
    answers = [_search(client, q=q, per_page=n) for n in (1, 10, 100)]
    totals = {a["total"] for a in answers}
    assert len(totals) == 1, (q, [a["total"] for a in answers])
    assert answers[0]["facets"] == answers[1]["facets"] == answers[2]["facets"]
    # Every match is on some page: paging through all of them finds `total` distinct ids.
    total = answers[0]["total"]
    seen = []
    for page in range(1, (total + 99) // 100 + 1):
        seen += [r["id"] for r in _search(client, q=q, per_page=100, page=page)["results"]]
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize("q", ALL_QUERIES)
def test_page_one_is_the_top_of_the_whole_ranking(client, q):
    full = _search(client, q=q, per_page=100)
    scores = [r["score"] for r in full["results"]]
    assert scores == sorted(scores, reverse=True)
    for per_page in (1, 5, 10):
        first = _search(client, q=q, per_page=per_page)["results"]
        second = _search(client, q=q, per_page=per_page, page=2)["results"]
        assert [r["id"] for r in first] == [r["id"] for r in full["results"][:per_page]]
        if first and second:
            assert min(r["score"] for r in first) >= max(r["score"] for r in second)


def test_a_search_cut_short_by_the_time_limit_flags_its_total(tmp_path, monkeypatch):
    from search_api import engine as engine_module
    from tests.indexes import jsonl_client

    client = jsonl_client(
        tmp_path, [{"id": f"a{i}", "body": f"Grain prices rose {i}."} for i in range(5)]
    )
    body = client.simulate_get("/search", params={"q": '"grain prices"'}).json
    assert body["total"] == 5 and body["total_exact"] is True and body["timed_out"] is False
    monkeypatch.setattr(engine_module, "QUERY_TIME_LIMIT_S", -1.0)
    cut = client.simulate_get("/search", params={"q": '"grain prices rose"'}).json
    assert cut["timed_out"] is True and cut["total_exact"] is False
    real = engine_module.collect

    def cut_short(*args, **kwargs):  # partial results: what a time limit leaves
        got = real(*args, **kwargs)
        got.timed_out = True
        return got

    monkeypatch.setattr(engine_module, "QUERY_TIME_LIMIT_S", 3.0)
    monkeypatch.setattr(engine_module, "collect", cut_short)
    page = client.simulate_get("/", params={"q": "grain"}).text
    assert "of at least 5 articles" in page and "may be incomplete" in page
