"""``GET /search`` over a tiny index of articles written for these tests."""

from __future__ import annotations

import json

import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api.app import create_app
from tests.fakes import KeywordExtractor

FILLER = (
    "The rest of the report went into detail about budgets, schedules and the weather, "
    "none of which matters for this test but all of which makes the body longer. "
) * 3

ARTICLES = [
    {
        "id": "putin-alliance",
        "title": "Russia-China Military Alliance ‘Quite Possible,’ Putin Says",
        "body": "President Vladimir Putin said Thursday that an alliance with China can’t be "
        "ruled out. Asked about it, Putin said: “We don’t need it, but, theoretically, it’s "
        "quite possible to imagine it.” The Kremlin’s line was unchanged. " + FILLER,
        "date": "2020-10-22",
        "people": ["Vladimir Putin"],
        "places": ["Russia", "China"],
    },
    {
        "id": "car-troops",
        "title": "Russia, Rwanda Send Troops to C.Africa",
        "body": "The Central African Republic said Monday that Russia and Rwanda had sent "
        "hundreds of troops after an alleged coup bid by Francois Bozize. " + FILLER,
        "date": "2020-12-21",
        "people": ["Francois Bozize"],
        "places": ["Central African Republic", "Russia", "Rwanda", "Bangui"],
    },
    {
        "id": "melenchon",
        "title": "Mélenchon rallies the left in Paris",
        "body": "Jean-Luc Mélenchon spoke to a crowd in Paris about pensions. " + FILLER,
        "date": "2019-05-01",
        "people": ["Jean-Luc Mélenchon"],
        "places": ["France", "Paris"],
    },
    {
        "id": "rates",
        "title": "Central bank raises interest rates again",
        "body": "The central bank raised interest rates for the third time this year, "
        "citing inflation that refuses to ease. Economists had expected the move. " + FILLER,
        "date": "2021-06-10",
        "people": [],
        "places": ["United Kingdom"],
    },
    {
        "id": "rates-mention",
        "title": "Housing market cools",
        "body": "Estate agents said buyers were cautious. A bank economist said rates would "
        "matter later in the year. " + FILLER,
        "date": "2021-07-01",
        "people": [],
        "places": ["United Kingdom"],
    },
    {
        "id": "xss",
        "title": "Markup <script>alert(1)</script> in a title",
        "body": "A body with <b>tags</b> & ampersands, and the word zebra in it. " + FILLER,
        "date": "2018-01-01",
        "people": [],
        "places": [],
    },
    {
        "id": "order-a",
        "title": "Dog bites man",
        "body": "The dog bites man story is old news in every newsroom. " + FILLER,
        "date": "2017-03-03",
        "people": [],
        "places": [],
    },
    {
        "id": "order-b",
        "title": "Man bites dog",
        "body": "Only when a man bites dog does it become news. " + FILLER,
        "date": "2017-03-04",
        "people": [],
        "places": [],
    },
] + [
    {
        "id": f"putin-{n:02d}",
        "title": f"Putin note number {n}",
        "body": f"Vladimir Putin made remark number {n} in Moscow. " + FILLER,
        "date": f"2015-01-{n:02d}",
        "people": ["Vladimir Putin"],
        "places": ["Russia", "Moscow"],
    }
    for n in range(1, 13)
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    archive = root / "archive"
    archive.mkdir()
    (archive / "a.jsonl").write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    # The articles share a long filler (FILLER): by their text near-duplicates, which
    # tests/test_duplicates.py is about. Here every one is a story of its own.
    build_index(archive, root / "index", extractor=KeywordExtractor(), duplicate_threshold=None)
    return testing.TestClient(create_app(Settings(index_dir=root / "index")))


def search(client, **params):
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


def ids(body) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_response_shape(client):
    body = search(client, q="central african republic")
    assert set(body) >= {"query", "total", "page", "per_page", "results", "facets", "suggestion"}
    assert body["query"] == "central african republic"
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 10)
    [hit] = body["results"]
    assert set(hit) >= {"id", "title", "url", "date", "snippet", "people", "places", "score"}
    assert hit["id"] == "car-troops" and hit["date"] == "2020-12-21T00:00:00"
    assert hit["places"] == ["Central African Republic", "Russia", "Rwanda", "Bangui"]
    assert isinstance(hit["score"], float)
    assert set(body["facets"]) == {"people", "places", "author", "section", "year"}
    assert set(hit) >= {"authors", "section"}


def test_every_word_must_match_and_title_ranks_first(client):
    assert ids(search(client, q="russia rwanda")) == ["car-troops"]
    assert ids(search(client, q="interest rates")) == ["rates"]  # not "rates-mention"
    body = search(client, q="bank rates")
    assert ids(body)[0] == "rates"  # title match beats a body mention
    assert "rates-mention" in ids(body)


def test_phrases_ignore_punctuation_but_keep_order(client):
    assert ids(search(client, q='"need it but theoretically"')) == ["putin-alliance"]
    assert ids(search(client, q="“need it, but, theoretically”")) == ["putin-alliance"]
    assert ids(search(client, q='"dog bites man"')) == ["order-a"]
    assert ids(search(client, q='"man bites dog"')) == ["order-b"]
    assert search(client, q='"theoretically need"')["total"] == 0


def test_phrase_mixed_with_words_and_two_phrases(client):
    assert ids(search(client, q='putin "quite possible" "the kremlin"')) == ["putin-alliance"]


def test_apostrophes_accents_case_and_stemming_fold(client):
    assert ids(search(client, q="Kremlin's")) == ["putin-alliance"]
    assert ids(search(client, q="KREMLIN’S")) == ["putin-alliance"]
    assert ids(search(client, q="melenchon")) == ["melenchon"]
    assert ids(search(client, q="Mélenchon")) == ["melenchon"]
    assert ids(search(client, q="troop")) == ["car-troops"]
    assert ids(search(client, q='"we dont need it"')) == ["putin-alliance"]


def test_exclusions_or_and_field_prefixes(client):
    assert ids(search(client, q="russia -rwanda -moscow")) == ["putin-alliance"]
    assert ids(search(client, q='russia -"central african"')) != []
    assert "car-troops" not in ids(search(client, q='russia -"central african"'))
    assert sorted(ids(search(client, q="zebra OR melenchon"))) == ["melenchon", "xss"]
    assert ids(search(client, q="title:rwanda")) == ["car-troops"]
    assert ids(search(client, q="places:paris")) == ["melenchon"]
    body = search(client, q="people:putin", per_page=100)
    assert body["total"] == 13 and "car-troops" not in ids(body)
    assert ids(search(client, q='people:"francois bozize"')) == ["car-troops"]


def test_long_question_falls_back_to_best_matches(client):
    body = search(client, q="why did the central bank raise interest rates again this spring")
    assert body["results"] and ids(body)[0] == "rates"
    assert body["mode"] == "any"


def test_did_you_mean_for_a_misspelt_name(client):
    body = search(client, q="Bozise")
    assert body["total"] == 0 and body["suggestion"] == "Bozize"
    assert search(client, q="Putn coup")["suggestion"] == "Putin coup"
    assert search(client, q="putin")["suggestion"] is None


def test_prefix_search_is_expanded(client):
    assert "melenchon" in ids(search(client, q="melen*"))


def test_total_is_exact_and_pages_are_stable(client):
    first = search(client, q="putin", per_page=5, page=1)
    assert first["total"] == 13
    seen = []
    for page in (1, 2, 3):
        seen += ids(search(client, q="putin", per_page=5, page=page))
    assert len(seen) == 13 and len(set(seen)) == 13
    assert ids(search(client, q="putin", per_page=5, page=4)) == []


def test_sort_newest_and_oldest(client):
    newest = ids(search(client, q="russia", sort="newest", per_page=3))
    assert newest == ["car-troops", "putin-alliance", "putin-12"]
    oldest = ids(search(client, q="russia", sort="oldest", per_page=2))
    assert oldest == ["putin-01", "putin-02"]


def test_filters_and_blank_query_lists_newest_first(client):
    body = search(client, people="Vladimir Putin", places="China")
    assert ids(body) == ["putin-alliance"]
    body = search(client, places=["Russia", "Rwanda"])
    assert ids(body) == ["car-troops"]
    body = search(client, q="putin", **{"from": "2015-01-03", "to": "2015-01-05"})
    assert sorted(ids(body)) == ["putin-03", "putin-04", "putin-05"]
    body = search(client, places="United Kingdom")
    assert ids(body) == ["rates-mention", "rates"]


def test_facets_count_the_whole_result_set(client):
    body = search(client, q="putin", per_page=1)
    facets = body["facets"]
    assert facets["people"][0] == {"value": "Vladimir Putin", "count": 13}
    places = {f["value"]: f["count"] for f in facets["places"]}
    assert places["Russia"] == 13 and places["Moscow"] == 12 and places["China"] == 1
    years = {f["value"]: f["count"] for f in facets["year"]}
    assert years == {2015: 12, 2020: 1}


def test_snippet_is_escaped_marked_and_cut(client):
    hit = search(client, q="zebra")["results"][0]
    assert "&lt;b&gt;tags&lt;/b&gt; &amp; ampersands" in hit["snippet"]
    assert "<mark>zebra</mark>" in hit["snippet"]
    assert hit["title"] == "Markup <script>alert(1)</script> in a title"  # JSON, not HTML
    body_hit = search(client, q="weather inflation")["results"][0]
    snippet = body_hit["snippet"]
    assert 120 <= len(snippet) <= 300
    assert snippet.endswith("…")
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_phrase_is_one_mark(client):
    hit = search(client, q='"central african republic"')["results"][0]
    assert "<mark>Central African Republic</mark>" in hit["snippet"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "putin", "page": "0"},
        {"q": "putin", "page": "x"},
        {"q": "putin", "per_page": "0"},
        {"q": "putin", "per_page": "101"},
        {"q": "putin", "sort": "best"},
        {"q": "putin", "from": "2020-13-01"},
        {"q": "putin", "to": "yesterday"},
        {"q": "putin", "from": "2021-01-01", "to": "2020-01-01"},
        {"q": "x" * 5000},
        {"q": " OR ".join(["putin"] * 400)},
        {"q": "putin", "page": "500", "per_page": "100"},
        {"q": "*"},
    ],
)
def test_bad_requests_are_400_with_the_error_shape(client, params):
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 400, resp.text
    assert set(resp.json) == {"title", "description"}
    assert resp.json["description"]


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced quote',
        "putin)",
        "((russia",
        "AND OR NOT",
        "- -- -",
        "put?n",
        "putin~2",
        "putin^3",
        "{russia TO china}",
        "russia\x00china",
        "title:",
        "foo:bar",
        "people:",
        "OR putin OR",
        "-putin",
        "a*",
        "é*",
        "'\"'\"",
        "<script>alert(1)</script>",
    ],
)
def test_odd_input_is_text_or_a_400_never_a_500(client, q):
    resp = client.simulate_get("/search", params={"q": q})
    assert resp.status_code in (200, 400), resp.text
    if resp.status_code == 400:
        assert set(resp.json) == {"title", "description"}
    else:
        assert isinstance(resp.json["total"], int)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "putin", "from": "2015-01-01", "to": ""},
        {"q": "putin", "from": "", "to": "2030-01-01"},
        {"q": "putin", "from": "", "to": ""},
        {"q": "putin", "page": "", "per_page": "", "sort": ""},
        {"q": "putin", "people": "", "places": ""},
    ],
)
def test_an_empty_parameter_means_not_given(client, params):
    given = {k: v for k, v in params.items() if v}
    assert search(client, **params)["total"] == search(client, **given)["total"] > 0


def test_the_page_date_form_left_blank_is_not_an_error(client):
    # The page's filter form sends every field, filled or not.
    for query in ("q=putin&from=2015-01-01&to=", "q=putin&from=&to=", "q=putin&from=&to=&sort="):
        resp = client.simulate_get("/", query_string=query)
        assert resp.status_code == 200, (query, resp.text[:300])
        assert "is invalid" not in resp.text


HYPHEN_ARTICLES = [
    {
        "id": "split",
        "title": "Letters page",
        "body": "Readers can send e-mail now to the letters desk. " + FILLER,
        "people": [],
        "places": [],
    },
    {
        "id": "joined",
        "title": "Letters desk",
        "body": "Readers can send email now to the letters desk. " + FILLER,
        "people": [],
        "places": [],
    },
    {
        "id": "post",
        "title": "The post office",
        "body": "The mail arrived late again this week. " + FILLER,
        "people": [],
        "places": [],
    },
    {
        "id": "author",
        "title": "A reading in Luxembourg",
        "body": "Jean-Claude Juncker introduced a well-known author. " + FILLER,
        "people": ["Jean-Claude Juncker"],
        "places": [],
    },
    {
        "id": "long-hyphen",
        "title": "Pensions",
        "body": "A long-term plan for pensions was agreed. " + FILLER,
        "people": [],
        "places": [],
    },
    {
        "id": "long-apart",
        "title": "Savings",
        "body": "Savers should think about the long term, the minister said. " + FILLER,
        "people": [],
        "places": [],
    },
    {
        "id": "season",
        "title": "The league table",
        "body": "The 2004–05 season ended with a 3-1 win. " + FILLER,
        "people": [],
        "places": [],
    },
]


@pytest.fixture(scope="module")
def hyphens(tmp_path_factory):
    root = tmp_path_factory.mktemp("hyphens")
    archive = root / "archive"
    archive.mkdir()
    (archive / "a.jsonl").write_text("\n".join(json.dumps(a) for a in HYPHEN_ARTICLES), "utf-8")
    # The articles share a long filler (FILLER): by their text near-duplicates, which
    # tests/test_duplicates.py is about. Here every one is a story of its own.
    build_index(archive, root / "index", extractor=KeywordExtractor(), duplicate_threshold=None)
    return testing.TestClient(create_app(Settings(index_dir=root / "index")))


def found(client, q: str) -> list[str]:
    return sorted(ids(search(client, q=q)))


def test_hyphenated_and_joined_spellings_find_the_same_articles(hyphens):
    assert found(hyphens, "email") == found(hyphens, "e-mail") == ["joined", "split"]
    assert found(hyphens, "E-Mails") == ["joined", "split"]
    assert found(hyphens, "mail") == ["post", "split"]  # a part still finds the compound
    assert found(hyphens, "wellknown") == found(hyphens, "well-known") == ["author"]
    assert found(hyphens, "well known") == ["author"]
    # A hyphenated query also finds its parts written apart, side by side.
    assert found(hyphens, "long-term") == ["long-apart", "long-hyphen"]
    assert found(hyphens, "longterm") == ["long-hyphen"]


def test_phrases_around_a_compound_keep_their_positions(hyphens):
    for q in ('"send email now"', '"send e-mail now"', '"can send e-mail now to the"'):
        assert found(hyphens, q) == ["joined", "split"], q
    assert found(hyphens, '"mail now"') == ["split"]
    assert found(hyphens, '"e-mail desk"') == []
    assert found(hyphens, '"e mail"') == []  # the parts share one position
    assert found(hyphens, '"introduced a well-known author"') == ["author"]


def test_a_compound_is_marked_whole_in_snippets(hyphens):
    for q in ("email", "e-mail"):
        by_id = {r["id"]: r["snippet"] for r in search(hyphens, q=q)["results"]}
        assert "send <mark>e-mail</mark> now" in by_id["split"], q
        assert "send <mark>email</mark> now" in by_id["joined"], q
    snippets = {r["id"]: r["snippet"] for r in search(hyphens, q='"send email now"')["results"]}
    assert "<mark>send e-mail now</mark>" in snippets["split"]
    [hit] = search(hyphens, q="mail arrived")["results"]
    assert "<mark>mail arrived</mark>" in hit["snippet"]
    assert "e-<mark>mail</mark>" in search(hyphens, q="mail -post")["results"][0]["snippet"]


def test_prefixes_and_names_see_the_joined_forms(hyphens):
    assert found(hyphens, "wellkn*") == ["author"]
    assert found(hyphens, "e-ma*") == ["joined", "split"]
    for q in ("people:juncker", "people:jean-claude", "people:jeanclaude", "people:claude"):
        assert found(hyphens, q) == ["author"], q
    assert search(hyphens, q="Junker")["suggestion"] == "Juncker"


def test_number_ranges_match_with_a_hyphen_or_an_en_dash(hyphens):
    assert found(hyphens, "2004-05") == found(hyphens, "2004–05") == ["season"]
    assert found(hyphens, '"3-1 win"') == found(hyphens, '"3 1 win"') == ["season"]
