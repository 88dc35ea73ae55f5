"""Related stories: ``GET /articles/{id}/related`` and the reading page's list (a tiny real
index, search_api/related.py)."""

from __future__ import annotations

import pytest
from whoosh.filedb.filestore import RamStorage

from indexer.records import StoredArticle
from indexer.schema import build_schema
from search_api import related
from tests.indexes import jsonl_client

VOLCANO = (
    "The volcano under the Vatnajokull glacier erupted on Sunday, sending a plume of ash "
    "over Reykjavik. Airlines cancelled flights as the ash cloud drifted south, and "
    "geologists said the eruption could last for weeks."
)
ARTICLES = [
    {
        "id": "volcano",
        "title": "Volcano erupts under Iceland glacier",
        "body": VOLCANO,
        "date": "2010-04-14",
        "places": ["Iceland"],
    },
    {
        "id": "2010/04/ash.html",
        "title": "Ash cloud from glacier eruption closes airports",
        "body": "Ash from the eruption under the Vatnajokull glacier closed airports across "
        "Europe. Geologists expect the volcano to keep erupting; airlines cancelled flights.",
        "date": "2010-04-16",
        "places": ["Iceland"],
    },
    # Copies of the first: the same text sent twice, and a corrected version.
    {"id": "volcano-copy", "title": "Volcano erupts under Iceland glacier", "body": VOLCANO},
    {
        "id": "volcano-fix",
        "title": "Volcano Erupts Under Iceland Glacier",
        "body": VOLCANO.replace("on Sunday", "late on Sunday"),
    },
    # Shares a few words only ("flights", "airlines").
    {
        "id": "fares",
        "title": "Airlines raise fares",
        "body": "Airlines raised fares on flights to Spain for the summer, blaming fuel costs.",
        "date": "2010-05-01",
    },
    # Shares only the place tag.
    {
        "id": "cod",
        "title": "Trawler crews agree cod quotas",
        "body": "Trawler crews agreed new cod quotas after a long dispute over fishing rights.",
        "places": ["Iceland"],
    },
    {
        "id": "rates",
        "title": "Central bank raises rates",
        "body": "The central bank raised interest rates by a quarter point to curb inflation.",
    },
    # An id that ends like the related path is still an article.
    {"id": "notes/related", "title": "Notes", "body": "Notes on the archive."},
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return jsonl_client(tmp_path_factory.mktemp("related"), ARTICLES)


def _related(client, article_id: str, **params):
    return client.simulate_get(f"/articles/{article_id}/related", params=params)


def test_the_story_on_the_same_subject_comes_first(client):
    resp = _related(client, "volcano")
    assert resp.status_code == 200
    assert resp.json["id"] == "volcano"
    ids = [r["id"] for r in resp.json["related"]]
    assert ids[0] == "2010/04/ash.html"
    assert resp.json["related"][0] == {
        "id": "2010/04/ash.html",
        "title": "Ash cloud from glacier eruption closes airports",
        "date": "2010-04-16T00:00:00",
        "url": None,
        "score": resp.json["related"][0]["score"],
    }
    assert "rates" not in ids  # nothing in common
    scores = [r["score"] for r in resp.json["related"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_the_article_and_its_copies_never_appear(client):
    for article_id in ("volcano", "volcano-copy", "volcano-fix"):
        ids = [r["id"] for r in _related(client, article_id, limit=20).json["related"]]
        assert not {"volcano", "volcano-copy", "volcano-fix"} & set(ids), (article_id, ids)
        assert ids[0] == "2010/04/ash.html"


def test_the_other_way_round_one_copy_of_the_story_is_listed(client):
    ids = [r["id"] for r in _related(client, "2010/04/ash.html", limit=20).json["related"]]
    assert ids[0] in {"volcano", "volcano-copy", "volcano-fix"}
    assert len({"volcano", "volcano-copy", "volcano-fix"} & set(ids)) == 1, ids


def test_a_shared_place_counts(client):
    ids = [r["id"] for r in _related(client, "volcano", limit=20).json["related"]]
    assert "cod" in ids  # shares no word, only the place Iceland
    assert ids.index("2010/04/ash.html") < ids.index("cod")


def test_limit_cuts_the_list(client):
    assert len(_related(client, "volcano", limit=1).json["related"]) == 1
    assert len(_related(client, "volcano").json["related"]) == 3  # all that share anything


def test_unknown_article_is_404_in_the_error_shape(client):
    resp = _related(client, "nope")
    assert resp.status_code == 404
    assert resp.json == {
        "title": "Article not found",
        "description": "No article has the id 'nope'.",
    }


@pytest.mark.parametrize("limit", ["0", "21", "x", "-1", "2.5"])
def test_a_bad_limit_is_400_saying_what_is_wrong(client, limit):
    resp = _related(client, "volcano", limit=limit)
    assert resp.status_code == 400
    assert set(resp.json) == {"title", "description"}
    assert "limit" in resp.json["description"]


def test_an_id_ending_in_related_is_still_an_article(client):
    resp = client.simulate_get("/articles/notes/related")
    assert resp.status_code == 200
    assert resp.json["id"] == "notes/related"
    assert _related(client, "notes/related").json["id"] == "notes/related"


def test_the_reading_page_lists_them(client):
    resp = client.simulate_get("/read/volcano", params={"q": "ash"})
    assert resp.status_code == 200
    page = resp.text
    assert "Related stories" in page
    link = (
        '<a href="/read/2010%2F04%2Fash.html?q=ash">Ash cloud from glacier eruption closes '
        'airports</a> <time datetime="2010-04-16">16 April 2010</time>'
    )
    assert link in page
    assert 'href="/read/volcano-copy' not in page
    assert page.index(link) < page.index('href="/read/fares')


def test_a_page_with_nothing_related_has_no_list(client):
    page = client.simulate_get("/read/notes%2Frelated").text
    assert "Notes on the archive." in page
    assert "Related stories" not in page


def test_copies_need_the_same_title_and_nearly_the_same_words(tmp_path):
    ix = RamStorage().create_index(build_schema())
    with ix.writer() as w:
        for i, word in enumerate(["alpha", "beta", "gamma", "delta", "epsilon"] * 2):
            w.add_document(id=str(i), title="t", body=f"{word} filler")
    searcher = ix.searcher()

    def profile(title: str, body: str, group: int | None = None) -> related.Profile:
        stored = StoredArticle("x", title, body, None, None, None, [], [], "", group=group)
        return related.Profile.of(0, stored)

    base = profile("Same Title", "alpha beta gamma delta epsilon")
    assert related.is_duplicate(searcher, base, profile("Same Title", base.stored.body))
    assert related.is_duplicate(searcher, base, profile("same title", "alpha beta gamma delta"))
    assert not related.is_duplicate(searcher, base, profile("same title", "alpha beta gamma"))
    assert not related.is_duplicate(
        searcher, base, profile("Other title", "alpha beta gamma delta epsilon")
    )
    # one near-duplicate group (the build's): copies whatever their titles and words
    grouped = profile("Same Title", "alpha", group=7)
    assert related.is_duplicate(searcher, grouped, profile("Corrected: a new title", "zeta", 7))
    assert not related.is_duplicate(searcher, grouped, profile("Other", "zeta", 8))
