"""Names with letters beyond ASCII: suggest, did-you-mean and filters see them as the index does."""

from __future__ import annotations

import pytest

from tests.indexes import jsonl_client

ARTICLES = [
    {
        "id": f"soren-{n}",
        "title": f"Søren Kierkegaard lecture {n}",
        "body": f"Søren Kierkegaard was discussed in Łódź on day {n}, and Kierkegaard's "
        "readers came from far away.",
        "people": ["Søren Kierkegaard"],
        "places": ["Łódź"],
    }
    for n in range(3)
] + [
    {
        "id": "other",
        "title": "Weather in Lodz",
        "body": "Rain fell on the city.",
        "people": [],
        "places": ["Łódź"],
    }
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return jsonl_client(tmp_path_factory.mktemp("nonascii"), ARTICLES)


def _get(client, path, **params) -> dict:
    resp = client.simulate_get(path, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


def test_suggest_folds_a_prefix_like_the_index(client):
    for prefix in ("So", "sø", "Kierk", "Lod", "Łó"):
        texts = [s["text"] for s in _get(client, "/suggest", q=prefix)["suggestions"]]
        assert texts, prefix
    assert "Søren Kierkegaard" in [
        s["text"] for s in _get(client, "/suggest", q="So")["suggestions"]
    ]
    assert "Łódź" in [s["text"] for s in _get(client, "/suggest", q="lod")["suggestions"]]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Sorem Kierkegaard", "Soren Kierkegaard"),
        ("Sørem Kierkegaard", "Soren Kierkegaard"),
        ("Łodx", "Lodz"),
        ("kierkegaars", "kierkegaard"),
    ],
)
def test_did_you_mean_finds_misspelt_non_ascii_words(client, typed, meant):
    body = _get(client, "/search", q=typed)
    assert body["suggestion"] == meant


def test_people_and_places_filters_take_the_exact_names(client):
    assert _get(client, "/search", people="Søren Kierkegaard")["total"] == 3
    assert _get(client, "/search", places="Łódź")["total"] == 4
    assert _get(client, "/search", q="lodz")["total"] == 4  # every spelling folds alike
    assert _get(client, "/search", q="people:soren")["total"] == 3
