"""Property tests of the query parser: any text is a query or a QueryError, never a crash.

``parse_query`` and ``QueryBuilder`` get random text (NUL bytes, quotes of every kind,
unbalanced ones, operators, field prefixes, stars, control and combining characters); the
Whoosh queries built from it run against a tiny real index; ``/search`` never answers 5xx.
"""

from __future__ import annotations

import json

import pytest
from falcon.testing import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from indexer.settings import Settings
from search_api import query as query_module
from search_api.app import create_app
from search_api.query import (
    MAX_ITEMS,
    MAX_QUERY_CHARS,
    QUOTES,
    ParsedQuery,
    QueryBuilder,
    QueryError,
    parse_query,
)
from tests.fakes import KeywordExtractor

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces that mean something to the parser, mixed with words the index holds.
SYNTAX = [
    *QUOTES,
    "-",
    "*",
    ":",
    " OR ",
    " NOT ",
    " AND ",
    "|",
    "||",
    "&&",
    "+",
    "title:",
    "people:",
    "Person:",
    "places:",
    "body:",
    "\x00",
    "\t",
    "\n",
    "\u200b",
    "\ufeff",
    "\u0301",
    "(",
    ")",
    "\\",
    "ann",
    "lee",
    "russia",
    "bangui",
    "bridge",
    "br",
    "the",
    "of",
    " ",
]
syntax_text = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=60).map(
    "".join
)
any_text = st.one_of(st.text(max_size=MAX_QUERY_CHARS), syntax_text)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("qp")
    archive = root / "archive"
    archive.mkdir()
    records = [
        {"id": "a1", "title": "Ann Lee visits Russia", "body": "Ann Lee arrived in Russia."},
        {"id": "a2", "title": "The bridge", "body": "The bridge in Bangui opened today."},
        {"id": "a3", "body": "Brief note about broad bread and brown bricks."},
    ]
    (archive / "e.jsonl").write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    build_index(archive, root / "index", extractor=KeywordExtractor())
    return root / "index"


@pytest.fixture(scope="module")
def searcher(index_dir):
    ix = whoosh_index.open_dir(str(store.current_generation(index_dir)))
    with ix.searcher() as s:
        yield s


@pytest.fixture(scope="module")
def client(index_dir):
    return TestClient(create_app(Settings(index_dir=index_dir)))


def _parse(text: str) -> ParsedQuery | None:
    try:
        return parse_query(text)
    except QueryError as exc:
        assert str(exc)  # the message says what to change
        return None


@SETTINGS
@given(any_text)
def test_any_text_parses_or_raises_query_error_only(text):
    parsed = _parse(text)
    if parsed is not None:
        for item in (*[i for g in parsed.groups for i in g], *parsed.excluded):
            assert "\x00" not in item.text


@SETTINGS
@given(st.text(min_size=MAX_QUERY_CHARS + 1, max_size=MAX_QUERY_CHARS + 200))
def test_too_long_text_always_raises(text):
    with pytest.raises(QueryError, match="characters long"):
        parse_query(text)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["ann", '"the bridge"', "-x", "title:lee", "br*", "NOT y", "a OR b"]),
        min_size=MAX_ITEMS + 1,
        max_size=MAX_ITEMS + 40,
    )
)
def test_more_than_max_items_raises(words):
    text = " ".join(words)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
    parsed = _parse(text)
    if parsed is not None:  # then it has at most MAX_ITEMS items of syntax
        items = [i for g in parsed.groups for i in g] + list(parsed.excluded)
        syntax = [i for i in items if i.phrase or i.prefix or i.field or i.negated]
        ored = sum(len(g) - 1 for g in parsed.groups if len(g) > 1)
        assert len(syntax) + ored <= MAX_ITEMS


def test_exactly_max_items_is_fine_and_one_more_raises():
    parse_query(" ".join(['"ann lee"'] * MAX_ITEMS))
    with pytest.raises(QueryError, match="at most 50 are allowed"):
        parse_query(" ".join(['"ann lee"'] * (MAX_ITEMS + 1)))
    with pytest.raises(QueryError, match="at most 50 are allowed"):
        parse_query(" ".join(["-x"] * 30 + ["br*"] * 30))


def test_a_long_question_of_plain_words_is_not_refused():
    # A reader may paste a paragraph: plain words are bounded by the characters only.
    parsed = parse_query(" ".join(["word"] * 600))
    assert len(parsed.groups) == 600


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00",
        "ann\x00lee",
        '"',
        '"unbalanced',
        'a "b',
        "“curly”",
        "«»",
        "-",
        "--",
        '-""',
        "OR",
        "OR OR OR",
        "NOT",
        "NOT NOT ann",
        "ann OR",
        "title:",
        'title:""',
        "people:*",
        "*",
        "a*",
        "br*",
        "***",
        ":::",
        "\u0301\u0301",
        "\ufeff\u200b",
    ],
)
def test_edge_cases_parse_and_run(text, searcher):
    parsed = parse_query(text)
    _run_all(QueryBuilder(searcher), searcher, parsed)


def _run_all(builder: QueryBuilder, searcher, parsed: ParsedQuery) -> None:
    plan = builder.plan(parsed)
    assert plan.content_words == len(plan.required)
    for query in (plan.all_words(), plan.any_words()):
        if query is not None:
            results = searcher.search(query, limit=5)
            list(results)  # stored fields of the hits load too


@SETTINGS
@given(syntax_text)
def test_built_queries_run_against_a_real_index(searcher, text):
    parsed = _parse(text[:MAX_QUERY_CHARS])
    if parsed is not None:
        _run_all(QueryBuilder(searcher), searcher, parsed)


@pytest.mark.parametrize("text", ["bridge ... !!! ???", "ann ; ; ;", '"" "" "" ""'])
def test_punctuation_words_do_not_crash_the_any_word_search(client, text):
    response = client.simulate_get("/search", params={"q": text})
    assert response.status_code in (200, 400), response.status


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(syntax_text, st.text(max_size=200)))
def test_search_endpoint_never_answers_5xx(client, searcher, text):
    response = client.simulate_get("/search", params={"q": text})
    assert response.status_code in (200, 400), (response.status, response.text[:300])
    if response.status_code == 400:
        assert set(response.json) == {"title", "description"}


def test_a_plan_is_built_once_and_needs_the_index_no_more(index_dir):
    """Every item is analysed and every prefix expanded when the plan is made; what the
    engine then asks of the plan (all words, any words, pairs) reads nothing more."""
    searcher = whoosh_index.open_dir(str(store.current_generation(index_dir))).searcher()
    plan = QueryBuilder(searcher).plan(parse_query("bridg* opens zzz -rain the"))
    searcher.close()  # the plan must not touch the index again
    assert plan.content_words == 3
    assert plan.pairs == (("open", "zzz"),)
    assert plan.all_words() is not None and plan.any_words() is not None
    assert plan.excluded is not None and len(plan.optional) == 1


def test_a_repeated_word_weighs_again_and_a_long_question_keeps_its_rarest_words(index_dir):
    searcher = whoosh_index.open_dir(str(store.current_generation(index_dir))).searcher()
    builder = QueryBuilder(searcher)
    once = builder.plan(parse_query("bridge bangui"))
    twice = builder.plan(parse_query("bridge bangui bridge"))
    assert twice.content_words == once.content_words == 2  # searched once
    assert [q.boost for q in twice.required] == [2.0, 1.0]  # but it weighs twice
    words = " ".join(f"zz{n}" for n in range(40)) + " bridge"
    long = builder.plan(parse_query(words))
    assert long.content_words == query_module.MAX_QUERY_TERMS and long.is_question
    assert not once.is_question
    searcher.close()


@pytest.mark.parametrize("text", ["russia the of", "ann OR lee the in", "lee a the"])
def test_optional_stop_words_beside_required_words_run_with_a_result_limit(searcher, text):
    # Whoosh's AndMaybe asks its optional side for a quality bound once the best hits are
    # full (limit=1); a combined word gives "no bound" as infinity, never an exception.
    plan = QueryBuilder(searcher).plan(parse_query(text))
    for query in (plan.all_words(), plan.any_words()):
        if query is not None:
            list(searcher.search(query, limit=1))
