"""Near-duplicate grouping at build time (indexer/duplicates.py) and collapsing in the API
(search_api/collapse.py): /search, the page, /quotes?sort=oldest."""

from __future__ import annotations

import json
import re

import pytest
from falcon import testing

from indexer import duplicates
from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app

RATES = [
    "The central bank raised its main interest rate by half a point on Tuesday to 5.5 "
    "percent, the third rise this year, saying inflation was still far too high.",
    "Analysts polled last week had expected a quarter point move, and bond yields rose "
    "sharply after the announcement as traders priced in further tightening.",
    "The governor told reporters the bank stood ready to act again if consumer prices "
    "kept climbing faster than wages through the summer months.",
]
STORM = [
    "A powerful storm hit the northern coast overnight, cutting power to thousands of homes "
    "and closing the main coastal road for hours while crews cleared fallen trees.",
    "Fishing boats stayed in harbour and two ferries to the islands were cancelled, the "
    "port authority said, adding that the central bank of the river had flooded.",
]
# Words the rates story shares with nothing else; the storm story mentions the bank too.
RATES_COPY = {
    "id": "rates-v2",
    "title": "CORRECTED - Central bank lifts rates for third time",  # a new headline
    # A new dateline, the second paragraph dropped.
    "body": "LONDON, March 3 - " + RATES[0] + "\n\n" + RATES[2],
    "date": "2021-06-12",
}


def article(aid: str, title: str, paragraphs: list[str], date: str) -> dict:
    return {"id": aid, "title": title, "body": "\n\n".join(paragraphs), "date": date}


ARTICLES = [
    article("rates", "Central bank raises interest rates again", RATES, "2021-06-10"),
    article("storm", "Storm hits the northern coast", STORM, "2021-06-11"),
    RATES_COPY,
    # The same agency text on a third site, a paragraph added at the end.
    article(
        "rates-v3",
        "Bank raises rates",
        [*RATES, "Shares in high street lenders closed higher on the news."],
        "2021-06-11",
    ),
]


def write(archive, name: str, records: list[dict]) -> None:
    archive.mkdir(exist_ok=True)
    rows = [json.dumps({"people": [], "places": [], **r}) for r in records]
    (archive / name).write_text("\n".join(rows) + "\n", "utf-8")


def stored_groups(index_dir) -> dict[str, int]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir / "current"))
    with ix.searcher() as s:
        return {f["id"]: f["group"] for f in s.all_stored_fields()}


@pytest.fixture
def built(tmp_path):
    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    write(archive, "a.jsonl", ARTICLES)
    report = build_index(archive, index_dir)
    return archive, index_dir, report


@pytest.fixture
def client(built):
    return testing.TestClient(create_app(Settings(index_dir=built[1])))


# --- grouping ----------------------------------------------------------------------------


def test_versions_with_edits_are_one_group_and_another_story_is_not(built):
    _, index_dir, report = built
    groups = stored_groups(index_dir)
    assert groups["rates"] == groups["rates-v2"] == groups["rates-v3"]
    assert groups["storm"] != groups["rates"]
    assert report.grouped == 2
    assert "grouped          2 articles" in report.format()


def test_the_similarity_of_an_edited_copy_passes_the_threshold_and_a_stranger_does_not():
    def shingled(a):
        hashes = duplicates.shingles(a["title"], a["body"])
        return duplicates.signature(hashes), len(hashes)

    def contained(a, b):
        (sig_a, size_a), (sig_b, size_b) = shingled(a), shingled(b)
        return duplicates.containment(duplicates.similarity(sig_a, sig_b), size_a, size_b)

    # A third of the text dropped: the copy is inside the original, though their Jaccard
    # similarity is about a half.
    assert contained(ARTICLES[0], RATES_COPY) >= duplicates.THRESHOLD
    assert contained(ARTICLES[0], ARTICLES[1]) < 0.2
    # Too short to judge: no signature, a story of its own.
    assert duplicates.signature(duplicates.shingles("Brief", "Shares rose.")) is None


def test_an_incremental_build_adds_a_version_to_its_existing_group(built):
    archive, index_dir, _ = built
    before = stored_groups(index_dir)
    write(archive, "b.jsonl", [{**ARTICLES[0], "id": "rates-v4", "title": "UPDATE 1-Rates"}])
    report = build_index(archive, index_dir)
    assert report.indexed == ["b.jsonl"] and report.grouped == 1
    after = stored_groups(index_dir)
    assert after["rates-v4"] == before["rates"]
    assert {k: after[k] for k in before} == before  # nobody else regrouped


def test_deleted_articles_leave_no_signature_and_their_group_lives_on(tmp_path):
    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    write(archive, "a.jsonl", ARTICLES[:1])
    write(archive, "c.jsonl", ARTICLES[1:])
    build_index(archive, index_dir)
    groups = stored_groups(index_dir)
    assert groups["rates"] == groups["rates-v2"]
    (archive / "a.jsonl").unlink()  # the first version, the one the others joined
    assert build_index(archive, index_dir).deleted == ["a.jsonl"]
    assert stored_groups(index_dir) == {k: v for k, v in groups.items() if k != "rates"}
    store = duplicates.GroupStore(index_dir)
    try:
        assert set(store.groups_of(["rates", "rates-v2", "rates-v3", "storm"])) == {
            "rates-v2",
            "rates-v3",
            "storm",
        }
    finally:
        store.close()
    # A new version finds the group through the versions that are left.
    write(archive, "b.jsonl", [{**ARTICLES[0], "id": "rates-v5"}])
    build_index(archive, index_dir)
    assert stored_groups(index_dir)["rates-v5"] == groups["rates-v2"]


def test_a_changed_article_is_grouped_again(built):
    archive, index_dir, _ = built
    gales = article("rates-v3", "Gales", STORM, "2021-06-12")
    changed = [a if a["id"] != "rates-v3" else gales for a in ARTICLES]
    write(archive, "a.jsonl", changed)
    build_index(archive, index_dir)
    groups = stored_groups(index_dir)
    assert groups["rates-v3"] == groups["storm"] != groups["rates"]


def test_a_killed_build_leaves_the_store_as_the_published_index_needs_it(built):
    archive, index_dir, _ = built
    write(archive, "b.jsonl", [{**ARTICLES[0], "id": "rates-v6"}])

    def boom(article_id):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(archive, index_dir, on_article=boom)
    store = duplicates.GroupStore(index_dir)
    try:
        assert store.groups_of(["rates-v6"]) == {}
        assert store.count() == 4
    finally:
        store.close()
    build_index(archive, index_dir)
    groups = stored_groups(index_dir)
    assert groups["rates-v6"] == groups["rates"]


def test_grouping_off_writes_no_groups_and_switching_it_rebuilds(tmp_path):
    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    write(archive, "a.jsonl", ARTICLES)
    build_index(archive, index_dir, duplicate_threshold=None)
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(index_dir / "current")).searcher() as s:
        assert all("group" not in f for f in s.all_stored_fields())
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    body = client.simulate_get("/search", params={"q": "bank"}).json
    assert body["stories"] == body["total"] == 4  # every article its own story
    assert build_index(archive, index_dir).full_rebuild


# --- /search -----------------------------------------------------------------------------


def search(client, **params):
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


def test_search_shows_one_result_per_story_with_its_duplicates(client):
    body = search(client, q="bank")
    assert body["total"] == 4  # articles
    assert body["stories"] == 2
    assert len(body["results"]) == 2
    first, second = body["results"]
    assert first["id"] in {"rates", "rates-v2", "rates-v3"}
    assert sorted([first["id"], *first["duplicates"]]) == ["rates", "rates-v2", "rates-v3"]
    assert (second["id"], second["duplicates"]) == ("storm", [])
    # Facets count articles, as before.
    assert {"value": 2021, "count": 4} in body["facets"]["year"]


def test_collapse_false_lists_every_version(client):
    body = search(client, q="bank", collapse="false")
    assert body["total"] == 4 and body["stories"] is None
    assert sorted(h["id"] for h in body["results"]) == ["rates", "rates-v2", "rates-v3", "storm"]
    assert all(h["duplicates"] == [] for h in body["results"])


def test_collapsed_pages_continue_each_other(client):
    whole = [h["id"] for h in search(client, q="bank", sort="newest")["results"]]
    paged = [
        h["id"]
        for p in (1, 2, 3)
        for h in search(client, q="bank", sort="newest", per_page=1, page=p)["results"]
    ]
    assert paged == whole and len(whole) == 2
    # Newest first: the newest version stands for its story.
    assert whole[0] == "rates-v2"


def test_only_matching_versions_are_counted(client):
    body = search(client, q='"shares in high street lenders"')
    assert (body["total"], body["stories"]) == (1, 1)
    assert body["results"][0]["id"] == "rates-v3"
    assert body["results"][0]["duplicates"] == []


@pytest.mark.parametrize("value", ["maybe", "2", "nope"])
def test_a_bad_collapse_value_is_a_400_with_a_json_body(client, value):
    resp = client.simulate_get("/search", params={"q": "bank", "collapse": value})
    assert resp.status_code == 400
    assert resp.json["title"] == "Invalid parameter"
    assert "collapse" in resp.json["description"]


def test_the_page_says_how_many_more_versions_and_links_them(client):
    resp = client.simulate_get("/", params={"q": "bank"})
    assert resp.status_code == 200
    text = re.sub(r"\s+", " ", resp.text)
    assert "2 more versions:" in text
    assert "2 stories (4 articles)" in text
    links = re.findall(r'href="/read/(rates[^"?]*)\?q=bank"', text)
    assert len(set(links)) == 3  # the result's reading link, and one per other version
    assert 'href="/?q=bank&amp;collapse=false"' in text  # show every version
    every = re.sub(r"\s+", " ", client.simulate_get("/?q=bank&collapse=false").text)
    assert "more version" not in every and "1–4 of 4 articles" in every
    assert client.simulate_get("/?q=bank&collapse=x").status_code == 400


def test_openapi_documents_collapse_and_the_new_fields(client):
    doc = client.simulate_get("/openapi.json").json
    params = {p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert "collapse" in params
    schemas = doc["components"]["schemas"]
    assert "stories" in schemas["SearchResponse"]["required"]
    assert "duplicates" in schemas["Hit"]["required"]
    assert "also_in" in schemas["QuoteHit"]["required"]


# --- /quotes -----------------------------------------------------------------------------

QUOTE = "“We will not hesitate to act again if prices keep rising,” the governor said."


def test_quotes_oldest_folds_a_quotation_of_duplicate_articles_into_its_first_appearance(
    tmp_path,
):
    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    first = article("q-first", "Bank acts", [*RATES, QUOTE], "2021-06-10")
    again = article("q-again", "UPDATE 1-Bank acts", [*RATES[:2], QUOTE], "2021-06-11")
    other = article(
        "q-other",
        "Storm",
        [*STORM, "“We will not hesitate to act again if prices keep rising,” she said."],
        "2021-06-12",
    )
    write(archive, "a.jsonl", [again, other, first])
    build_index(archive, index_dir)
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    params = {"q": '"will not hesitate"', "sort": "oldest"}
    body = client.simulate_get("/quotes", params=params).json
    assert body["total"] == 3  # quotations, as before
    got = [(r["article_id"], r["also_in"]) for r in body["results"]]
    # The storm story is another story: the same words there are a quotation of their own.
    assert got == [("q-first", ["q-again"]), ("q-other", [])]
    newest = client.simulate_get("/quotes", params={**params, "sort": "newest"}).json
    assert [r["article_id"] for r in newest["results"]] == ["q-other", "q-again", "q-first"]
    assert all(r["also_in"] == [] for r in newest["results"])


# --- search_api.collapse -----------------------------------------------------------------


def test_first_of_groups_keeps_the_best_ranked_member_of_each_group_in_rank_order():
    import numpy as np

    from search_api.collapse import count_groups, first_of_groups, members

    keys = np.array([0, 1, 0, 2, 1, 3])  # docnum -> group
    top = [(2, 9.0), (4, 8.0), (0, 7.0), (5, 6.0), (1, 5.0), (3, 4.0)]
    assert first_of_groups(top, keys, 10) == ([(2, 9.0), (4, 8.0), (5, 6.0), (3, 4.0)], False)
    assert first_of_groups(top, keys, 2) == ([(2, 9.0), (4, 8.0)], True)
    assert first_of_groups([], keys, 1) == ([], False)
    matched = np.array([0, 1, 2, 3, 4, 5])
    ranked = [d for d, _ in top]
    assert members(matched, keys, [2, 4], ranked=ranked) == {2: [0], 4: [1]}
    assert members(matched, keys, [2], limit=0) == {2: []}
    assert count_groups(matched, keys, 4) == 4
    assert count_groups(np.array([0, 2, 4]), keys, 4) == 2


def test_many_versions_of_one_story_still_fill_every_page(tmp_path):
    versions = [
        {**ARTICLES[0], "id": f"rates-{n:02d}", "title": f"Rates, take {n}"} for n in range(1, 21)
    ]
    for n, v in enumerate(versions, 1):
        v["date"] = f"2021-06-{n:02d}"
    election = article(
        "vote",
        "Voters head to the polls",
        [
            "Polling stations opened at seven in the morning across the country, with long "
            "queues reported in the capital and turnout expected to pass sixty percent.",
            "Bond yields were steady as investors waited for the first official results, "
            "due shortly after midnight according to the electoral commission.",
        ],
        "2019-01-01",
    )
    archive, index_dir = tmp_path / "archive", tmp_path / "index"
    write(archive, "a.jsonl", versions)
    write(archive, "b.jsonl", [ARTICLES[1], election])
    build_index(archive, index_dir)
    client = testing.TestClient(create_app(Settings(index_dir=index_dir)))
    whole = search(client, q="bank OR yields", sort="newest")
    assert (whole["total"], whole["stories"]) == (22, 3)
    assert whole["results"][0]["id"] == "rates-20"
    assert len(whole["results"][0]["duplicates"]) == 19
    paged = [
        search(client, q="bank OR yields", sort="newest", per_page=1, page=p) for p in (1, 2, 3, 4)
    ]
    assert [[h["id"] for h in b["results"]] for b in paged] == [
        [h["id"] for h in whole["results"][:1]],
        [h["id"] for h in whole["results"][1:2]],
        [h["id"] for h in whole["results"][2:3]],
        [],
    ]
