"""Search behaviour on real news: the first Reuters-21578 file (skips without the corpora).

The articles go in as the archive's JSONL (bench/reuters_to_jsonl.py); people and places
come from a keyword stand-in so the test stays quick (the real NER has its own tests and
its evaluation in bench/).
"""

from __future__ import annotations

import random

import pytest
from falcon import testing

from bench.reuters import parse_file
from bench.reuters_to_jsonl import records, write_jsonl
from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from tests.fakes import KeywordExtractor


@pytest.fixture(scope="module")
def reuters(tmp_path_factory, corpora):
    root = tmp_path_factory.mktemp("reuters")
    archive = root / "archive"
    archive.mkdir()
    stories = list(records(parse_file(corpora / "reuters21578" / "reut2-000.sgm")))
    with open(archive / "reuters.jsonl", "w", encoding="utf-8") as out:
        write_jsonl(stories, out)
    extractor = KeywordExtractor(people=("Volcker", "Reagan"), places=("Brazil", "Japan"))
    report = build_index(archive, root / "index", extractor=extractor)
    assert report.documents == len(stories)
    client = testing.TestClient(create_app(Settings(index_dir=root / "index")))
    return client, {s["id"]: s for s in stories}


def _search(client, **params):
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


def test_phrases_from_bodies_find_their_story(reuters):
    client, stories = reuters
    rng = random.Random(7)
    misses = []
    for sid in rng.sample(sorted(stories), 40):
        words = stories[sid]["body"].split()
        if len(words) < 12:
            continue
        start = rng.randrange(0, len(words) - 5)
        phrase = " ".join(words[start : start + 4]).replace('"', " ")
        found = [r["id"] for r in _search(client, q=f'"{phrase}"', per_page=100)["results"]]
        if sid not in found:
            misses.append((sid, phrase))
    assert misses == []


def test_headlines_rank_their_story_first(reuters):
    client, stories = reuters
    rng = random.Random(11)
    titles = {}
    for sid, s in stories.items():
        titles.setdefault(s["title"].strip(), []).append(sid)
    unique = [(t, ids[0]) for t, ids in titles.items() if len(ids) == 1 and len(t.split()) >= 5]
    hits = sum(
        _search(client, q=title)["results"][0]["id"] == sid for title, sid in rng.sample(unique, 30)
    )
    assert hits >= 27  # the rest tie with near-identical wire headlines


def test_filters_facets_and_dates_on_real_stories(reuters):
    client, _ = reuters
    body = _search(client, q="trade", places="Japan", per_page=5)
    assert body["total"] > 5
    assert all("Japan" in r["places"] for r in body["results"])
    assert body["facets"]["places"][0]["value"] == "Japan"
    years = {f["value"] for f in _search(client, q="oil")["facets"]["year"]}
    assert years == {1987}
    dated = _search(client, q="oil", **{"from": "1987-03-01", "to": "1987-03-01"})
    assert dated["total"] > 0
    assert all(r["date"].startswith("1987-03-01") for r in dated["results"])
    newest = _search(client, q="oil", sort="newest", per_page=20)["results"]
    assert [r["date"] for r in newest] == sorted((r["date"] for r in newest), reverse=True)


def test_did_you_mean_on_real_vocabulary(reuters):
    client, _ = reuters
    body = _search(client, q="Volker inflation")
    assert body["suggestion"] == "Volcker inflation"
