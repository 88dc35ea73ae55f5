"""Snippet marks: a phrase's words are marked where the phrase matched, not elsewhere."""

from __future__ import annotations

import pytest

from tests.indexes import jsonl_client

ARTICLES = [
    {
        "id": "rifts",
        "title": "Talks end",
        "body": "Doctors heal the sick. The summit healed rifts between the two parties, "
        "and old rifts in the town were healed too.",
    },
    {
        "id": "other",
        "title": "Rifts",
        "body": "Nothing healed here.",
    },
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return jsonl_client(tmp_path_factory.mktemp("snippets"), ARTICLES)


def _first_snippet(client, q: str) -> str:
    resp = client.simulate_get("/search", params={"q": q})
    assert resp.status_code == 200, resp.text
    return resp.json["results"][0]["snippet"]


def test_a_phrase_marks_only_where_it_matched(client):
    snippet = _first_snippet(client, '"healed rifts"')
    assert snippet.count("<mark>") == 1
    assert "heal the sick. The summit <mark>healed rifts</mark> between" in snippet
    assert "old rifts in the town were healed" in snippet


def test_a_word_beside_a_phrase_is_marked_everywhere(client):
    snippet = _first_snippet(client, '"healed rifts" town')
    assert snippet.count("<mark>") == 2
    assert "<mark>healed rifts</mark>" in snippet and "<mark>town</mark>" in snippet
    # A word given on its own is marked wherever it occurs, also inside a phrase match.
    snippet = _first_snippet(client, '"summit healed" rifts')
    assert "<mark>summit healed rifts</mark>" in snippet
    assert "old <mark>rifts</mark>" in snippet and "were healed" in snippet
