"""Quotation search: the quotes index of a build, GET /quotes, and quote on /search hits."""

from __future__ import annotations

import json
import shutil

import pytest
from falcon import testing

from indexer import store
from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from tests.conftest import SAMPLE_ARCHIVE
from tests.fakes import KeywordExtractor

PEOPLE = ("Vladimir Putin", "Ange Maxime Kazagui", "Ann Lee")


def line(article_id: str, date: str, title: str, body: str) -> str:
    return json.dumps({"id": article_id, "title": title, "body": body, "date": date}) + "\n"


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(SAMPLE_ARCHIVE, root)
    (root / "later.jsonl").write_text(
        # The same words, first reported in October 2020 and quoted again in 2021.
        line(
            "orig-2020",
            "2020-10-22",
            "Putin on China",
            "Putin said: \"We don't need it, but, theoretically, it's quite possible to "
            'imagine it."',
        )
        + line(
            "echo-2021",
            "2021-03-01",
            "Alliance talk revisited",
            "A year on, Ann Lee recalled the remark. \"We don't need it, but, theoretically, "
            "it's quite possible to imagine it,\" Vladimir Putin had said.",
        )
        + line(
            "lee-2019",
            "2019-05-01",
            "Budget day",
            '"The budget is balanced at last," Ann Lee said. She added: "Nobody believed it."',
        ),
        "utf-8",
    )
    return root


@pytest.fixture
def index_dir(tmp_path, archive):
    out = tmp_path / "index"
    build_index(archive, out, extractor=KeywordExtractor(people=PEOPLE))
    return out


@pytest.fixture
def client(index_dir):
    return testing.TestClient(create_app(Settings(index_dir=index_dir)))


def test_a_build_writes_a_quotes_index_and_counts_it(index_dir):
    meta = store.read_meta(store.current_generation(index_dir))
    assert meta.quotes == 7 + 1 + 1 + 2
    assert (store.current_generation(index_dir) / store.QUOTES_DIR).is_dir()
    health = testing.TestClient(create_app(Settings(index_dir=index_dir))).simulate_get("/health")
    assert health.json["quotes"] == meta.quotes


def test_a_phrase_finds_the_quotation_and_its_speaker(client):
    resp = client.simulate_get("/quotes", params={"q": '"we won’t exclude it"'})
    assert resp.status_code == 200
    assert resp.json["total"] == 1
    [hit] = resp.json["results"]
    assert hit["speaker"] == "Vladimir Putin"
    assert hit["text"] == "The time will show how it will develop… we won’t exclude it."
    assert hit["article_id"] == "moscow-times-2020-sample.txt"
    assert hit["title"] == "Russia-China Military Alliance ‘Quite Possible,’ Putin Says"
    assert "<mark>we won’t exclude it</mark>" in hit["snippet"]
    assert set(hit) >= {"text", "speaker", "article_id", "title", "date", "snippet"}


def test_the_continuation_paragraph_is_searchable_under_its_speaker(client):
    resp = client.simulate_get("/quotes", params={"q": "Rwandans ground fighting"})
    assert [h["speaker"] for h in resp.json["results"]] == ["Ange Maxime Kazagui"]


def test_sort_oldest_says_where_a_quotation_first_appeared(client):
    params = {"q": '"quite possible to imagine it"'}
    oldest = client.simulate_get("/quotes", params={**params, "sort": "oldest"}).json
    newest = client.simulate_get("/quotes", params={**params, "sort": "newest"}).json
    assert oldest["total"] == newest["total"] == 3
    # Undated articles (the text dump) come last in either order.
    undated = "moscow-times-2020-sample.txt"
    assert [h["article_id"] for h in oldest["results"]] == ["orig-2020", "echo-2021", undated]
    assert [h["article_id"] for h in newest["results"]] == ["echo-2021", "orig-2020", undated]
    assert oldest["results"][0]["date"] == "2020-10-22T00:00:00"


def test_speaker_matches_any_word_of_the_canonical_name(client):
    by_surname = client.simulate_get("/quotes", params={"speaker": "putin"}).json
    by_name = client.simulate_get("/quotes", params={"speaker": "Vladimir Putin"}).json
    # orig-2020 names only "Putin": his surname finds it, his full name does not.
    assert (by_surname["total"], by_name["total"]) == (5, 4)
    assert {h["speaker"] for h in by_surname["results"]} == {"Vladimir Putin", "Putin"}
    assert {h["speaker"] for h in by_name["results"]} == {"Vladimir Putin"}
    # Without q the newest come first.
    assert by_surname["results"][0]["article_id"] == "echo-2021"
    assert client.simulate_get("/quotes", params={"speaker": "vladimir lee"}).json["total"] == 0
    spokesman = client.simulate_get("/quotes", params={"speaker": "spokesman"}).json
    assert [h["speaker"] for h in spokesman["results"]] == ["a spokesman for the UN force"]


def test_speaker_and_people_prefixes_in_q_mean_the_speaker(client):
    for q in ("speaker:putin", "people:putin", "speaker:put*"):
        body = client.simulate_get("/quotes", params={"q": q}).json
        assert body["total"] == 5, q
        assert {h["speaker"] for h in body["results"]} == {"Vladimir Putin", "Putin"}
    # In /search, articles have no speaker: a clear 400, not words.
    resp = client.simulate_get("/search", params={"q": "speaker:putin"})
    assert resp.status_code == 400 and "'speaker:' cannot be searched" in resp.json["description"]


def test_q_and_speaker_together_and_pages(client):
    resp = client.simulate_get("/quotes", params={"q": "budget OR nobody", "speaker": "lee"})
    assert resp.json["total"] == 2
    page2 = client.simulate_get(
        "/quotes", params={"speaker": "putin", "per_page": 3, "page": 2, "sort": "oldest"}
    ).json
    assert (page2["total"], len(page2["results"]), page2["page"]) == (5, 2, 2)
    # Oldest first, undated last; within an article, in the order of the text.
    assert [h["article_id"] for h in page2["results"]] == ["moscow-times-2020-sample.txt"] * 2
    assert page2["results"][1]["text"].startswith("We don’t need it")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Give a query (q) or a speaker."),
        ({"q": "   "}, "Give a query (q) or a speaker."),
        ({"q": "putin", "sort": "loudest"}, "Unknown sort"),
        ({"q": "putin", "per_page": "0"}, "per_page"),
        ({"q": "putin", "per_page": "101"}, "per_page"),
        ({"q": "putin", "page": "0"}, "page"),
        ({"q": "putin", "page": "500", "per_page": "10"}, "paged up to"),
        ({"q": "places:russia"}, "'places:' cannot be searched here"),
        ({"speaker": "!!!"}, "The speaker has no words"),
        ({"speaker": "x" * 201}, "longer than 200"),
        ({"q": "x" * 4001}, "4000"),
    ],
)
def test_bad_requests_get_a_400_that_says_why(client, params, message):
    resp = client.simulate_get("/quotes", params=params)
    assert resp.status_code == 400
    assert message in resp.json["description"]
    assert set(resp.json) == {"title", "description"}


def test_a_search_hit_matched_inside_a_quotation_says_whose(client):
    resp = client.simulate_get("/search", params={"q": "serious concern"}).json
    [hit] = resp["results"]
    assert hit["quote"] == {"text": "serious concern", "speaker": "the Kremlin"}
    resp = client.simulate_get("/search", params={"q": "pushed back"}).json
    assert resp["results"][0]["quote"] is None  # reported speech, not a quotation


def test_the_results_page_names_the_speaker(client):
    page = client.simulate_get("/", params={"q": '"bolstering the defense capability"'}).text
    assert '<span class="result__speaker">— Vladimir Putin</span>' in page
    page = client.simulate_get("/", params={"q": "pushed back"}).text
    assert "result__speaker" not in page


def test_a_changed_or_removed_file_takes_its_quotations_with_it(archive, index_dir):
    (archive / "later.jsonl").write_text(
        line("lee-2019", "2019-05-01", "Budget day", '"A new sentence entirely," Ann Lee said.'),
        "utf-8",
    )
    build_index(archive, index_dir, extractor=KeywordExtractor(people=PEOPLE))
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    assert client.simulate_get("/quotes", params={"q": "budget balanced"}).json["total"] == 0
    assert client.simulate_get("/quotes", params={"q": "new sentence"}).json["total"] == 1
    assert client.simulate_get("/quotes", params={"speaker": "putin"}).json["total"] == 3
    (archive / "moscow-times-2020-sample.txt").unlink()
    build_index(archive, index_dir, extractor=KeywordExtractor(people=PEOPLE))
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    assert client.simulate_get("/quotes", params={"speaker": "kremlin"}).json["total"] == 0
    assert store.read_meta(store.current_generation(index_dir)).quotes == 1


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_orders_put_undated_articles_last_both_ways(client, sort):
    resp = client.simulate_get("/search", params={"q": "putin", "sort": sort}).json
    dates = [h["date"] for h in resp["results"]]
    assert dates[-1] is None and None not in dates[:-1]
    assert dates[:-1] == sorted(dates[:-1], reverse=(sort == "newest"))
