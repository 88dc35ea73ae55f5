"""Array evaluation (search_api/postings.py) against Whoosh's own matchers and collectors.

A seeded archive of 150 articles in three files is built, then one file is changed and
rebuilt (so the index has two segments and deleted documents). Every query shape the API
builds (words over title and body, field prefixes, phrases, prefixes, OR, exclusions,
stop words, the any-word fallback, questions, filters, date orders) is matched both ways:
the same documents, the same best documents in the same order, the same scores.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import WrappingCollector

from indexer import postarrays, store
from indexer.build import build_index
from indexer.schema import news_analyzer
from search_api import engine as engine_module
from search_api.engine import Engine, SearchRequest, date_order
from search_api.postings import GenerationArrays, collect, read_postings, term_values
from search_api.query import QueryBuilder, parse_query

WORDS = (
    "oil price market bank rate said the of minister talks trade deal export grain "
    "wheat coffee strike union steel budget tax cut growth long-term new york central"
).split()
PEOPLE = ["Ann Lee", "Bo Chen", "Cy Ode"]
PLACES = ["Kenya", "Peru", "Norway"]


def _articles(seed: int, prefix: str, count: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        record = {
            "id": f"{prefix}-{n}",
            "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).title(),
            "body": body + ".",
            "people": rng.sample(PEOPLE, rng.randint(0, 2)),
            "places": rng.sample(PLACES, rng.randint(0, 2)),
        }
        if rng.random() < 0.8:
            record["date"] = f"19{rng.randint(80, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        out.append(record)
    return out


def _write(path, articles) -> None:
    path.write_text("\n".join(json.dumps(a) for a in articles), "utf-8")


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("postings")
    archive = root / "archive"
    archive.mkdir()
    for i in range(3):
        _write(archive / f"part{i}.jsonl", _articles(i, f"p{i}", 50))
    # Words in 10+ documents of a segment get position arrays here (so phrases check
    # positions both ways: from those arrays and from Whoosh's blocks).
    hot = postarrays.HOT_MIN_DOCS
    postarrays.HOT_MIN_DOCS = 10
    try:
        build_index(archive, root / "index")
        _write(archive / "part1.jsonl", _articles(7, "p1", 40))  # deletes 50, adds 40
        build_index(archive, root / "index")
    finally:
        postarrays.HOT_MIN_DOCS = hot
    s = Engine(root / "index")._open().searcher
    assert len(s.reader().leaf_readers()) >= 2 and s.reader().has_deletions()
    return s


class _Docnums(WrappingCollector):
    def __init__(self, child):
        super().__init__(child)
        self.docnums: list[int] = []

    def collect(self, sub_docnum):
        self.docnums.append(self.offset + sub_docnum)
        return self.child.collect(sub_docnum)


def _whoosh(searcher, query, depth, sortedby):
    """Whoosh's answer with nothing pruned (every match reaches the collector)."""
    collector = searcher.collector(limit=depth, sortedby=sortedby, optimize=False)
    collector.replace = 0
    docs = _Docnums(collector)
    searcher.search_with_collector(query, docs)
    results = docs.results()
    return sorted(docs.docnums), [(h.docnum, h.score) for h in results]


QUERIES = [
    "oil",
    "oil price",
    "oil price market",
    "the",
    "the oil",
    "title:oil",
    "people:lee",
    "places:kenya",
    '"oil price"',
    '"the oil price"',
    '"price oil" trade',
    # Phrases inside an And are position-checked in the other parts' documents only.
    '"oil price" "bank rate" trade',
    'grain "new york" OR "long-term growth" market',
    "gra*",
    "oil OR coffee",
    '"grain export" OR steel',
    "oil -said",
    "-said oil",
    "oil NOT price",
    "long-term growth",
    "new york",
    # Phrases of common words (positions from the posting arrays: two words, three, a
    # compound, a rare word among common ones, words no document holds side by side).
    '"said the oil price"',
    '"the long-term growth"',
    '"wheat coffee the"',
    '"the steel strike" union',
    '"oil the the the"',
    "oil price market bank rate",
    "what did the minister say about the oil price talks in the central bank",
    "zzzunknown",
    "oil zzzunknown",
]


# Whoosh 2.7 keeps the first match of each segment whose excluded words' postings start
# earlier (tested against the documents themselves below, not against Whoosh).
EXCLUSIONS = ("oil -said", "-said oil", "oil NOT price")


def _queries(searcher):
    for text in QUERIES:
        plan = QueryBuilder(searcher).plan(parse_query(text))
        if plan.all_words() is not None:
            yield text, plan.all_words()
        if plan.any_words() is not None:
            yield text + " (any)", plan.any_words()
            yield text + " (fallback)", plan.any_words(0.5)
    filters = wq.And([wq.Term("places_tag", "Kenya"), wq.Term("people_tag", "Ann Lee")])
    # (A constant score of 0, as the engine's filters use, is 1.0 to Whoosh's ListMatcher,
    # which takes the 0 for "no weights given"; 0.5 is the same to both.)
    yield "oil + filters", wq.And([wq.Term("body", "oil"), wq.ConstantScoreQuery(filters, 0.5)])
    dates = wq.DateRange("date", datetime(1985, 1, 1), datetime(1990, 12, 31))
    yield "dates", wq.And([wq.Every(), wq.ConstantScoreQuery(dates, 0.5)])
    yield "everything", wq.Every()


def _arrays(searcher):
    return GenerationArrays(searcher.reader())


def test_every_query_shape_matches_and_scores_as_whoosh_does(searcher):
    arrays = _arrays(searcher)
    checked = 0
    for name, query in _queries(searcher):
        if name.startswith(EXCLUSIONS):
            continue  # Whoosh's own answer is wrong there (see the test after next)
        for depth in (1, 10, 500):
            docnums, top = _whoosh(searcher, query, depth, None)
            got = collect(searcher, arrays, query, depth)
            assert got.docnums.tolist() == docnums, name
            assert [d for d, _ in got.top] == [d for d, _ in top], (name, depth)
            assert [s for _, s in got.top] == pytest.approx([s for _, s in top], rel=1e-9), name
            checked += 1
    assert checked >= 3 * 35


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_orders_match_whoosh_sorting(searcher, sort):
    arrays = _arrays(searcher)
    facets = [
        sorting.FieldFacet("dated", reverse=True),
        sorting.FieldFacet("date", reverse=(sort == "newest")),
        sorting.ScoreFacet(),
    ]
    order = (*date_order(sort), ("score", False))
    for name, query in _queries(searcher):
        if name.startswith(EXCLUSIONS):
            continue
        docnums, top = _whoosh(searcher, query, 30, facets)
        got = collect(searcher, arrays, query, 30, order)
        assert got.docnums.tolist() == docnums, name
        assert [d for d, _ in got.top] == [d for d, _ in top], name
        assert all(score is None for _, score in got.top)


def test_an_excluded_word_never_matches_even_in_the_first_document(tmp_path):
    # Whoosh 2.7's AndNotMatcher skips its check for a segment's first match when the
    # excluded word's postings start earlier: "oil -said" returned an article saying "said".
    archive = tmp_path / "archive"
    archive.mkdir()
    bodies = ["They said so.", "Oil, they said.", "Oil only."]
    _write(
        archive / "a.jsonl",
        [{"id": f"d{i}", "body": b, "people": [], "places": []} for i, b in enumerate(bodies)],
    )
    build_index(archive, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    got = engine.search(SearchRequest(q="oil -said"))
    assert [h.id for h in got.results] == ["d2"] and got.total == 1


def test_exclusions_remove_every_document_holding_the_word(searcher):
    arrays = _arrays(searcher)
    for text, word in (("oil -said", "said"), ("oil NOT price", "price")):
        query = QueryBuilder(searcher).plan(parse_query(text)).all_words()
        got = collect(searcher, arrays, query, 500)
        assert len(got.docnums) > 5
        for d in got.docnums.tolist():
            fields = searcher.stored_fields(d)
            assert word not in (fields["title"] + " " + fields["body"]).lower()


def test_postings_of_frequent_words_are_read_once_per_generation(searcher, monkeypatch):
    arrays = _arrays(searcher)
    monkeypatch.setattr("search_api.postings.CACHE_MIN_POSTINGS", 1)
    reads = []
    real = GenerationArrays._read

    def counting(self, reader, field, text):
        reads.append((field, text))
        return real(self, reader, field, text)

    monkeypatch.setattr(GenerationArrays, "_read", counting)
    query = QueryBuilder(searcher).plan(parse_query("oil price")).all_words()
    first = collect(searcher, arrays, query, 10)
    n = len(reads)
    again = collect(searcher, arrays, query, 10)
    assert n > 0 and len(reads) == n
    assert again.top == first.top


def test_the_cache_stays_within_its_budget(searcher, monkeypatch):
    monkeypatch.setattr("search_api.postings.CACHE_MIN_POSTINGS", 1)
    monkeypatch.setattr("search_api.postings.CACHE_BYTES", 8000)
    arrays = _arrays(searcher)
    for word in WORDS:
        arrays.postings(searcher.reader(), "body", word.encode())
        assert arrays._cached_bytes <= 8000
    assert 0 < len(arrays._cache) < len(WORDS)


def test_term_values_reads_positions_of_the_documents_asked_for(searcher):
    reader = searcher.reader()
    m = searcher.postings("body", "oil")
    expected = {}
    while m.is_active():
        expected[m.id()] = m.value_as("positions")
        m.next()
    wanted = sorted(expected)[::3] + [max(expected) + 1]
    got = term_values(reader, "body", "oil", wanted)
    assert got == {d: expected[d] for d in wanted if d in expected}
    assert term_values(reader, "body", "zzzunknown", wanted) == {}


def test_a_phrase_check_past_the_time_limit_says_so(searcher, monkeypatch):
    arrays = _arrays(searcher)
    query = QueryBuilder(searcher).plan(parse_query('"the oil price"')).all_words()
    got = collect(searcher, arrays, query, 10, time_limit=-1.0)
    assert got.timed_out
    assert engine_module.QUERY_TIME_LIMIT_S > 0


def test_date_filters_leave_out_undated_articles_in_every_segment(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    dated = [{"id": "d1", "body": "Grain news.", "date": "1987-03-02", "people": [], "places": []}]
    _write(archive / "dated.jsonl", dated)
    build_index(archive, tmp_path / "index")
    undated = [{"id": f"u{i}", "body": "Grain news.", "people": [], "places": []} for i in range(3)]
    _write(archive / "undated.jsonl", undated)  # a segment without a date column
    build_index(archive, tmp_path / "index")
    engine = Engine(tmp_path / "index")
    for after in (
        {"date_from": datetime(1987, 1, 1).date()},
        {"date_to": datetime(1990, 1, 1).date()},
    ):
        got = engine.search(SearchRequest(q="grain", **after))
        assert [h.id for h in got.results] == ["d1"], after
        assert got.total == 1
    assert engine.search(SearchRequest(q="grain")).total == 4


def test_posting_arrays_on_disk_hold_what_whoosh_blocks_hold(searcher):
    reader = searcher.reader()
    arrays = _arrays(searcher)
    assert len(arrays.segment_arrays) == len(reader.leaf_readers())  # every segment has them
    for word in WORDS[:12]:
        term = next(iter(news_analyzer()(word))).text.encode()
        mapped = read_postings(reader, "body", term, None, arrays.segment_arrays)
        blocks = read_postings(reader, "body", term)
        assert mapped[0].tolist() == blocks[0].tolist() and len(mapped[0]) > 0, word
        assert mapped[1].tolist() == blocks[1].tolist(), word


def test_a_segment_without_posting_arrays_is_read_from_its_blocks(searcher):
    arrays = _arrays(searcher)
    query = QueryBuilder(searcher).plan(parse_query('oil "the oil price"')).all_words()
    with_arrays = collect(searcher, arrays, query, 10)
    arrays.segment_arrays.clear()
    arrays._cache.clear()
    without = collect(searcher, arrays, query, 10)
    assert without.docnums.tolist() == with_arrays.docnums.tolist()
    assert without.top == with_arrays.top


def test_positions_are_read_from_the_block_holding_each_document(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    _write(archive / "a.jsonl", _articles(3, "a", 900))  # "the" in most: blocks of 128
    build_index(archive, tmp_path / "index")
    searcher = Engine(tmp_path / "index")._open().searcher
    reader = searcher.reader()
    arrays = _arrays(searcher)
    (sub, offset), *_ = [(s, o) for s, o in reader.leaf_readers() if s.doc_count_all()]
    mapped = arrays.segment_arrays[sub.segment().segment_id()]
    term_docs, offsets, firsts = mapped.block_map(sub._terms.term_info("body", b"the"))
    assert len(offsets) >= 3 and firsts[0] == 0 and firsts[1] == 128
    expected = {}
    m = searcher.postings("body", "the")
    while m.is_active():
        expected[m.id()] = m.value_as("positions")
        m.next()
    wanted = [offset + int(d) for d in term_docs[5::60]] + [offset + int(term_docs[-1])]
    got = term_values(reader, "body", "the", wanted)
    assert got == {d: expected[d] for d in wanted}
    chars = term_values(reader, "body", "the", wanted, "characters")  # not in the arrays
    assert {d: [c[0] for c in v] for d, v in chars.items()} == got
    reads = []
    real = W3LeafMatcher._goto
    W3LeafMatcher._goto = lambda self, pos: (reads.append(pos), real(self, pos))[1]
    try:
        term_values(reader, "body", "the", [offset + int(term_docs[-1])], "characters")
    finally:
        W3LeafMatcher._goto = real
    assert len(reads) <= 2  # the first block (opening the matcher) and the last one


def test_common_words_have_position_arrays_that_match_whoosh(searcher):
    reader = searcher.reader()
    arrays = _arrays(searcher)
    for sub, _offset in reader.leaf_readers():
        mapped = arrays.segment_arrays[sub.segment().segment_id()]
        common = mapped.positions(sub._terms.term_info("body", b"the"))
        assert common is not None
        term_docs, pointers, positions = common
        m = sub.postings("body", b"the")
        for k, doc in enumerate(term_docs.tolist()):
            if sub.is_deleted(doc):
                continue  # the arrays keep a deleted document's postings, as Whoosh's files do
            m.skip_to(doc)
            assert positions[pointers[k] : pointers[k + 1]].tolist() == m.value_as("positions")
        an_id = next(t for f, t in sub.all_terms() if f == "id")
        assert mapped.positions(sub._terms.term_info("id", an_id)) is None  # no positions


def test_arrays_recorded_by_the_writer_processes_equal_those_read_back(tmp_path, monkeypatch):
    """A build with writer processes records each segment's lists as it writes them; the
    files must be those that reading the finished segment back gives (and not empty)."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for i in range(2):
        _write(archive / f"part{i}.jsonl", _articles(10 + i, f"w{i}", 400))
    monkeypatch.setattr(postarrays, "HOT_MIN_DOCS", 10)  # inherited by the forked writers
    read_back = postarrays.write_segment_arrays

    def no_reading_back(*args):
        raise AssertionError("a segment's arrays were read back, not recorded")

    monkeypatch.setattr(postarrays, "write_segment_arrays", no_reading_back)
    build_index(archive, tmp_path / "index", workers=2)
    monkeypatch.setattr(postarrays, "write_segment_arrays", read_back)
    ix = whoosh_index.open_dir(str(store.current_generation(tmp_path / "index")))
    folder = ix.storage.folder
    segments = ix._segments()
    assert len(segments) == 2  # one per writer process
    for segment in segments:
        sid = segment.segment_id()
        recorded = {p: np.load(postarrays._path(folder, sid, p)) for p in postarrays.PARTS}
        for part in postarrays.PARTS:
            postarrays._path(folder, sid, part).unlink()
        postarrays.write_segment_arrays(ix.storage, ix.schema, segment)
        for part in postarrays.PARTS:
            again = np.load(postarrays._path(folder, sid, part))
            assert recorded[part].dtype == again.dtype, part
            assert np.array_equal(recorded[part], again), part
        assert (recorded["hot"] >= 0).sum() > 5 and len(recorded["pos"]) > 1000
