"""Did-you-mean when a typo finds a little, not only when it finds nothing."""

from __future__ import annotations

import pytest

from tests.indexes import jsonl_client

ARTICLES = (
    [
        {
            "id": f"gov-{n}",
            "title": f"Council report {n}",
            "body": f"The government said on day {n} that the prime minister would speak.",
        }
        for n in range(30)
    ]
    + [
        {
            "id": "typo",
            "title": "A typo in the wire copy",
            "body": "The goverment said the prime minster would not speak on Tuesday.",
        },
        {
            "id": "york",
            "title": "York Minster reopens",
            "body": "The minster reopened its doors after the restoration of the nave.",
        },
    ]
    + [
        {
            "id": f"mason-{n}",
            "title": f"Masons at work {n}",
            "body": "The masons repaired the stone of the old walls.",
        }
        for n in range(3)
    ]
    + [{"id": "mason-typo", "title": "Stone", "body": "The mason repaired the wall."}]
)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return jsonl_client(tmp_path_factory.mktemp("dym"), ARTICLES)


def _search(client, q: str) -> dict:
    resp = client.simulate_get("/search", params={"q": q})
    assert resp.status_code == 200, resp.text
    return resp.json


def test_a_typo_that_finds_a_little_gets_a_suggestion(client):
    body = _search(client, "goverment")
    assert body["total"] == 1 and body["suggestion"] == "government"
    assert _search(client, "government")["total"] == 30


def test_a_typo_among_loose_matches_gets_a_suggestion(client):
    body = _search(client, "prime minster")
    assert body["suggestion"] == "prime minister"


def test_a_rare_word_without_a_much_better_neighbour_gets_none(client):
    # "mason" (1 article) is close to "masons" (3): not many times more, so no suggestion.
    assert _search(client, "mason")["suggestion"] is None
    assert _search(client, "government")["suggestion"] is None
    assert _search(client, "restoration nave")["suggestion"] is None
