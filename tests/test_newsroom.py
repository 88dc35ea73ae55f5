"""Bylines, sections, freshness, synonyms and the timeline, through /search and the page."""

from __future__ import annotations

import re

import pytest

from indexer.settings import Settings
from search_api.app import create_app
from search_api.query import Item, parse_query
from search_api.synonyms import MAX_QUERY_EXPANSIONS, SynonymError, Synonyms
from tests.indexes import jsonl_client

ARTICLES = [
    {
        "id": "budget-new",
        "title": "Budget plans unveiled",
        "body": "The government set out its budget for the year.",
        "date": "2024-06-01",
        "author": "By Ann Lee and Bo Chan in London",
        "section": "Politics",
        "places": ["United Kingdom"],
    },
    {
        "id": "budget-old",
        "title": "Budget budget budget: the long fight over the budget",
        "body": "The budget, the budget and the budget again: a budget row.",
        "date": "2014-06-01",
        "author": ["Ann Lee"],
        "section": "Business",
    },
    {
        "id": "budget-mid",
        "title": "A budget story",
        "body": "Ministers talked about the budget.",
        "date": "2019-06-01",
        "author": "Cy Dale, Political Editor",
        "section": "Politics",
    },
    {
        "id": "budget-undated",
        "title": "Budget note",
        "body": "A note on the budget.",
    },
    {
        "id": "britain",
        "title": "Britain's economy grows",
        "body": "Britain's economy grew faster than expected, the statistics office said.",
        "date": "2023-01-10",
        "section": "Business",
    },
    {
        "id": "fed",
        "title": "Rates held",
        "body": "The Federal Reserve held interest rates steady on Wednesday.",
        "date": "2023-02-10",
    },
    {
        "id": "nhs",
        "title": "Waiting lists",
        "body": "The National Health Service said waiting lists were falling.",
        "date": "2022-03-10",
    },
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("newsroom")
    jsonl_client(root, ARTICLES)
    return root


@pytest.fixture(scope="module")
def client(built):
    from falcon import testing

    return testing.TestClient(create_app(Settings(index_dir=built / "index")))


def search(client, **params):
    resp = client.simulate_get("/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json


def ids(body):
    return [r["id"] for r in body["results"]]


# --- authors and sections ------------------------------------------------------------------


def test_articles_carry_authors_and_section(client):
    got = client.simulate_get("/articles/budget-new").json
    assert got["author"] == "By Ann Lee and Bo Chan in London"
    assert (got["authors"], got["section"]) == (["Ann Lee", "Bo Chan"], "Politics")
    hit = search(client, q="budget", author="Cy Dale")["results"][0]
    assert (hit["authors"], hit["section"]) == (["Cy Dale"], "Politics")


def test_author_and_section_filters_are_exact_and_repeatable(client):
    assert sorted(ids(search(client, q="budget", author="Ann Lee"))) == [
        "budget-new",
        "budget-old",
    ]
    assert ids(search(client, q="budget", author=["Ann Lee", "Bo Chan"])) == ["budget-new"]
    assert ids(search(client, q="budget", author="ann lee")) == []  # exact values
    assert sorted(ids(search(client, section="Politics"))) == ["budget-mid", "budget-new"]
    assert ids(search(client, section=["Politics", "Business"])) == []
    assert ids(search(client, q="economy", section="Business")) == ["britain"]


def test_author_and_section_facets_count_the_whole_result_set(client):
    facets = search(client, q="budget", per_page=1)["facets"]
    assert facets["author"] == [
        {"value": "Ann Lee", "count": 2},
        {"value": "Bo Chan", "count": 1},
        {"value": "Cy Dale", "count": 1},
    ]
    assert facets["section"] == [
        {"value": "Politics", "count": 2},
        {"value": "Business", "count": 1},
    ]


def test_author_is_a_field_prefix(client):
    assert sorted(ids(search(client, q="author:lee"))) == ["budget-new", "budget-old"]
    assert ids(search(client, q='budget author:"cy dale"')) == ["budget-mid"]
    assert ids(search(client, q="author:editor")) == []  # the title is no name
    resp = client.simulate_get("/quotes", params={"q": "author:lee"})
    assert resp.status_code == 400 and "cannot be searched" in resp.json["description"]


# --- freshness -----------------------------------------------------------------------------


def test_recent_blends_relevance_with_age(client):
    relevance = ids(search(client, q="budget"))
    assert relevance[0] == "budget-old"  # says "budget" most
    recent = search(client, q="budget", sort="recent")
    # This year's story first; the 10-year-old one still beats the undated note.
    assert ids(recent)[0] == "budget-new"
    assert ids(recent).index("budget-old") < ids(recent).index("budget-undated")
    assert recent["total"] == len(relevance)
    scores = [r["score"] for r in recent["results"]]
    assert scores == sorted(scores, reverse=True)


def test_recent_decay_follows_the_formula(built):
    from whoosh import index

    from search_api.recency import RecencyWeights

    ix = index.open_dir(str(sorted((built / "index").glob("gen-*"))[-1]))
    with ix.searcher() as s:
        weights = RecencyWeights(s.reader(), half_life_days=365.0, floor=0.5).weights
        by_id = {s.stored_fields(d)["id"]: weights[d] for d in range(s.doc_count_all())}
    assert by_id["budget-new"] == pytest.approx(1.0)  # the newest article is age 0
    age = (366 + 365 + 365 + 365 + 366) / 365.0  # 2019-06-01 .. 2024-06-01
    assert by_id["budget-mid"] == pytest.approx(0.5 + 0.5 * 2**-age)
    assert by_id["budget-undated"] == pytest.approx(0.5)  # undated = old


def test_a_blank_query_with_recent_lists_newest_first(client):
    assert ids(search(client, section="Politics", sort="recent")) == ["budget-new", "budget-mid"]


def test_the_default_sort_is_a_setting(built):
    from falcon import testing

    app = create_app(Settings(index_dir=built / "index", default_sort="recent"))
    got = testing.TestClient(app).simulate_get("/search", params={"q": "budget"}).json
    assert got["results"][0]["id"] == "budget-new"
    page = testing.TestClient(app).simulate_get("/", params={"q": "budget"}).text
    assert 'href="/?q=budget&amp;sort=relevance" rel="nofollow">Best match' in page
    assert 'href="/?q=budget" aria-current="true">Recent and relevant' in page


def test_an_unknown_sort_is_a_400(client):
    resp = client.simulate_get("/search", params={"q": "budget", "sort": "fresh"})
    assert resp.status_code == 400 and "recent" in resp.json["description"]
    resp = client.simulate_get("/quotes", params={"q": "budget", "sort": "recent"})
    assert resp.status_code == 400


# --- synonyms -----------------------------------------------------------------------------


def test_country_aliases_widen_the_query(client):
    assert ids(search(client, q="uk economy")) == ["britain"]
    assert ids(search(client, q="united kingdom economy")) == ["britain"]
    assert ids(search(client, q="places:britain")) == ["budget-new"]
    assert ids(search(client, q="economy -uk")) == []


def test_us_is_the_country_only_in_capitals():
    from search_api.query import parse_query
    from search_api.synonyms import Synonyms

    rules = Synonyms.builtin()

    def texts(q: str) -> list[str]:
        groups, _ = rules.expand(parse_query(q).groups, ())
        return [i.text for i in groups[0]]

    assert "United States" in texts("US dollar") and "United States" in texts("U.S. dollar")
    assert texts("us dollar") == ["us"]  # "tell us about": the pronoun, not a country
    assert "United Kingdom" in texts("uk economy")  # other aliases in any case
    assert rules.merged(Synonyms.parse("us, our team")).capitals_only == frozenset()


def test_a_question_is_not_widened(built):
    # Eight content words or more: the alias would outweigh the rest of the question.
    from whoosh import index

    from search_api.query import QueryBuilder, parse_query
    from search_api.synonyms import Synonyms

    ix = index.open_dir(str(sorted((built / "index").glob("gen-*"))[-1]))
    with ix.searcher() as s:
        builder = QueryBuilder(s, synonyms=Synonyms.builtin())

        def widened(q: str) -> bool:
            return "united" in str(builder.plan(parse_query(q)).any_words() or "")

        assert widened("uk economy growth prospects")
        assert not widened(
            "what did economists say about growth prospects across the uk economy in 2024"
        )


def test_a_newsroom_synonym_file(built, tmp_path):
    from falcon import testing

    path = tmp_path / "synonyms.txt"
    path.write_text("# newsroom words\nnhs, national health service\nfed => federal reserve\n")
    app = create_app(Settings(index_dir=built / "index", synonyms=path))
    client = testing.TestClient(app)
    assert ids(search(client, q="nhs waiting")) == ["nhs"]
    assert ids(search(client, q="fed rates")) == ["fed"]
    body = search(client, q="fed")
    assert ids(body) == ["fed"] and "<mark>Federal Reserve</mark>" in body["results"][0]["snippet"]


def test_a_bad_synonym_line_stops_start_up(built, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("nhs, national health service\n\na => b => c\n")
    with pytest.raises(SynonymError, match=r"synonyms.txt: line 3: more than one '=>'"):
        create_app(Settings(index_dir=built / "index", synonyms=path))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("=> b", "empty term"),
        ("a =>", "empty term"),
        ("a, , b", "empty term"),
        ("solo", "names one word"),
        ("-- , b", "has no words"),
        ("one two three four five six, b", "more than 5 words"),
    ],
)
def test_synonym_file_errors_name_the_line(line, message):
    with pytest.raises(SynonymError, match=rf"f.txt: line 2: .*{message}"):
        Synonyms.parse("# first\n" + line, "f.txt")


def test_synonym_parsing_equivalents_and_one_way():
    syn = Synonyms.parse("nhs, national health service\nfed, fomc => federal reserve\n")
    assert syn.table[("nhs",)] == ("nhs", "national health service")
    assert syn.table[("national", "health", "service")] == ("nhs", "national health service")
    assert syn.table[("fomc",)] == ("federal reserve",)
    groups, _ = syn.expand(parse_query("fed minutes").groups, ())
    assert groups[0] == (Item("federal reserve", phrase=True),)
    # Quoted words and prefixes are not expanded.
    assert syn.expand(parse_query('"fed" fed*').groups, ())[0] == parse_query('"fed" fed*').groups


def test_expansions_are_capped():
    many = ", ".join(f"w{i}" for i in range(20))
    syn = Synonyms.parse(f"{many}\n")
    groups, _ = syn.expand(parse_query(" ".join(f"w{i}" for i in range(20))).groups, ())
    assert max(len(g) for g in groups) <= 8
    assert sum(len(g) - 1 for g in groups) <= MAX_QUERY_EXPANSIONS


# --- the timeline -------------------------------------------------------------------------


def test_timeline_returns_every_year(client, monkeypatch):
    monkeypatch.setattr("search_api.engine.FACET_SIZE", 2)
    assert len(search(client, q="budget", page=2)["facets"]["year"]) == 2  # the top 2
    years = search(client, q="budget", timeline=1)["facets"]["year"]
    assert years == [
        {"value": 2014, "count": 1},
        {"value": 2019, "count": 1},
        {"value": 2024, "count": 1},
    ]
    assert client.simulate_get("/search", params={"q": "x", "timeline": "maybe"}).status_code == 400


def test_the_page_draws_the_timeline_as_linked_bars(client):
    text = client.simulate_get("/", params={"q": "budget"}).text
    figure = text[text.index('<figure class="timeline"') : text.index("</figure>")]
    assert "Matches per year, 2014–2024" in figure
    assert "<script" not in figure
    bars = re.findall(r'<a href="([^"]+)"[^>]*><rect [^>]*><title>([^<]+)</title>', figure)
    assert bars == [
        ("/?q=budget&amp;from=2014-01-01&amp;to=2014-12-31", "2014: 1 article"),
        ("/?q=budget&amp;from=2019-01-01&amp;to=2019-12-31", "2019: 1 article"),
        ("/?q=budget&amp;from=2024-01-01&amp;to=2024-12-31", "2024: 1 article"),
    ]
    # Eleven year slots (2014..2024), the bars in theirs.
    xs = [float(x) for x in re.findall(r'<rect [^>]*x="([\d.]+)"', figure)]
    assert xs == pytest.approx([600 / 11 * 0.1, 600 / 11 * 5.1, 600 / 11 * 10.1], abs=0.01)
    text_list = figure[figure.index('<ul class="timeline__text visually-hidden">') :]
    link = '<a href="/?q=budget&amp;from=2019-01-01&amp;to=2019-12-31" rel="nofollow">'
    assert link + "2019: 1 article</a>" in text_list


def test_the_page_filters_by_author_and_section(client):
    text = client.simulate_get("/", params={"q": "budget", "author": "Ann Lee"}).text
    assert "Author:</span> <bdi>Ann Lee</bdi>" in text
    assert '<input type="hidden" name="author" value="Ann Lee">' in text
    assert 'href="/?q=budget&amp;author=Ann+Lee&amp;section=Politics"' in text


def test_the_synonym_file_is_read_again_with_a_new_generation(tmp_path):
    import json

    from falcon import testing

    from indexer.build import build_index

    articles = [{"id": "a", "title": "Waiting lists", "body": "The NHS said lists fell."}]
    archive = tmp_path / "archive"
    archive.mkdir()
    rows = [json.dumps({"people": [], "places": [], **a}) for a in articles]
    (archive / "a.jsonl").write_text("\n".join(rows), "utf-8")
    build_index(archive, tmp_path / "index")
    path = tmp_path / "synonyms.txt"
    path.write_text("fed => federal reserve\n")
    client = testing.TestClient(create_app(Settings(index_dir=tmp_path / "index", synonyms=path)))
    assert ids(search(client, q="health service")) == []
    path.write_text("nhs, health service\nbad => line => here\n")  # a bad file is not taken
    (archive / "b.jsonl").write_text(
        json.dumps({"id": "b", "body": "x", "people": [], "places": []}), "utf-8"
    )
    build_index(archive, tmp_path / "index")
    assert ids(search(client, q="health service")) == []
    path.write_text("nhs, health service\n")
    (archive / "c.jsonl").write_text(
        json.dumps({"id": "c", "body": "y", "people": [], "places": []}), "utf-8"
    )
    build_index(archive, tmp_path / "index")
    assert ids(search(client, q="health service")) == ["a"]
