"""The search engine side of the API: open the current index, read it, answer in dataclasses.

Knows nothing of HTTP. Parts:
    ``Engine``: one per process; gives each thread its own Whoosh searcher (searchers are not
    thread-safe), reused across requests and reopened when a build switches ``current``;
    ``Engine.search``: ranked search (all words, then the any-word fallback for long
    queries), filters, facets, sorting (``recent``: relevance times freshness,
    search_api/recency.py), pages, snippets and did-you-mean; synonyms widen the query
    (search_api/synonyms.py, reloaded with each generation); queries are matched, counted
    and scored over arrays (search_api/postings.py), per generation;
    near-duplicate versions of one story are one result (search_api/collapse.py, over the
    ranked candidates; ``collapse=False`` lists each);
    ``Engine.quotes``: quotation search (the quotation index of the same generation): by
    words or phrase, by speaker, best first or in date order ("where it first appeared",
    the same quotation in near-duplicate articles folded into its first appearance);
    ``SearchRequest``, ``QuoteRequest``: what goes in; what comes out (``SearchResponse``,
    ``QuoteResponse``, ``ArticleRecord``, ``HealthInfo``, ...) is declared with the API's
    wire shapes in search_api/responses.py;
    ``Engine.article_view``: one article for the reading page, its paragraphs escaped with
    a query's words marked (``ArticleView``);
    ``Engine.related``: the stories most like one article (search_api/related.py).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import get_args

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from indexer import store
from indexer.records import StoredArticle, article_from_stored, quote_from_stored
from indexer.schema import SCHEMA_VERSION
from search_api import query as query_module
from search_api.collapse import (
    GROWTH,
    GroupKeys,
    count_groups,
    first_of_groups,
    members,
)
from search_api.facets import FacetIndex
from search_api.hits import page_rows
from search_api.postings import GenerationArrays, collect
from search_api.proximity import proximity_rerank
from search_api.query import (
    LONG_QUERY_WORDS,
    STOP_WORDS,
    ParsedQuery,
    QueryBuilder,
    QueryError,
    parse_query,
)
from search_api.recency import RecencyWeights
from search_api.related import DocFrequencies, find_related
from search_api.responses import (
    ArticleRecord,
    HealthInfo,
    Hit,
    QuoteHit,
    QuoteResponse,
    QuoteSort,
    RelatedResponse,
    RelatedStory,
    SearchResponse,
    Sort,
)
from search_api.snippets import (
    QUOTE_SNIPPET_CHARS,
    Snippet,
    highlight_parts,
    marked_paragraphs,
)
from search_api.spelling import SUGGEST_RATIO, SpellIndex, suggest_query
from search_api.suggest import NameIndex, Suggestion
from search_api.suggest import suggest as complete
from search_api.synonyms import SynonymError, Synonyms

log = logging.getLogger(__name__)

SORTS: tuple[str, ...] = get_args(Sort)
QUOTE_SORTS: tuple[str, ...] = get_args(QuoteSort)
# Fields of the quotation index searched when the query names none: the quoted words.
QUOTE_FIELDS = ("body",)
# In /quotes, ``people:`` (as in /search) means the speaker, as ``speaker:`` does.
QUOTE_FIELD_ALIASES = {"people": "speaker"}
MAX_PER_PAGE = 100
# Deep paging is bounded: page * per_page may not pass this.
MAX_RESULT_DEPTH = 1000
QUERY_TIME_LIMIT_S = 3.0
FACET_SIZE = 10
# When requiring every word finds nothing, or fewer than this many for a query of three or
# more words, the any-word fallback answers instead.
FALLBACK_BELOW = 3
FALLBACK_MIN_WORDS = 3
# When a query finds fewer than this many, offer a did-you-mean.
SUGGEST_BELOW = 3
# A query that finds this many or more (requiring every word) is not checked for typos
# at all: a correction would rarely find ten times more, and the check costs every search.
SUGGEST_CHECK_BELOW = 50
# BM25F parameters (tuned by bench/eval_ranking.py; see bench/RESULTS.md).
BM25_B = 0.75
BM25_K1 = 1.2
TITLE_B = 0.5


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the API received it (already validated for types and ranges)."""

    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    people: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    authors: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    timeline: bool = False
    collapse: bool = True


@dataclass(frozen=True)
class QuoteRequest:
    """One quotation search, as the API received it."""

    q: str = ""
    speaker: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"


@dataclass(frozen=True)
class ArticleView:
    """One article as a reader sees it: the record, the body's paragraphs as escaped HTML
    (the query's words in ``<mark>``) and its quotations (``{"text", "speaker"}``)."""

    record: ArticleRecord
    paragraphs: list[str]
    quotes: list[dict]


@dataclass
class _Run:
    top: list[tuple[int, float | None]]  # (docnum, score) best first, at least page deep
    docnums: list[int]  # every matching document
    timed_out: bool

    @property
    def total(self) -> int:
        return len(self.docnums)


@dataclass
class _Matched:
    """How one search was matched: its plan's builder, the parsed text, the query run, the
    mode and the run."""

    builder: QueryBuilder
    parsed: ParsedQuery
    query: wq.Query
    mode: str
    run: _Run
    # The same matching again, keeping ``depth`` candidates (collapsing may need more).
    rerun: Callable[[int], _Run]


@dataclass
class _Opened:
    generation: Path
    meta: store.IndexMeta
    searcher: Searcher
    quote_searcher: Searcher


class Engine:
    """Reads the index in ``index_dir``; safe to share between threads."""

    def __init__(
        self,
        index_dir: Path,
        *,
        synonyms_path: Path | None = None,
        recency_half_life_days: float = 365.0,
        recency_floor: float = 0.5,
    ):
        """Raises ``SynonymError`` when the synonym file cannot be used (start-up stops)."""
        self.index_dir = Path(index_dir)
        self._local = threading.local()
        self._facet_lock = threading.Lock()
        self._facet_cache: dict[tuple[Path, str], object] = {}
        self.synonyms_path = synonyms_path
        self.recency = (recency_half_life_days, recency_floor)
        self._good_synonyms = self._read_synonyms()

    def _read_synonyms(self) -> Synonyms:
        """The built-in aliases and the newsroom's file (read again for each generation)."""
        builtin = Synonyms.builtin()
        if self.synonyms_path is None:
            return builtin
        return builtin.merged(Synonyms.load(self.synonyms_path))

    def _synonyms(self, opened: _Opened) -> Synonyms:
        def reload(_reader) -> Synonyms:
            try:
                self._good_synonyms = self._read_synonyms()
            except SynonymError as exc:  # a running API keeps the last good file
                log.error("synonyms not reloaded, the previous ones stay: %s", exc)
            return self._good_synonyms

        return self._per_generation(opened, "synonyms", reload)

    def _open(self) -> _Opened:
        gen = store.current_generation(self.index_dir)
        if gen is None:
            raise store.IndexUnavailable(
                f"no index in {self.index_dir}: run `python -m indexer build` first"
            )
        opened: _Opened | None = getattr(self._local, "opened", None)
        if opened is not None and opened.generation == gen:
            return opened
        meta = store.read_meta(gen)
        if meta.schema_version != SCHEMA_VERSION:
            raise store.IndexUnavailable(
                f"the index was built with schema version {meta.schema_version}, this API "
                f"reads version {SCHEMA_VERSION}: rebuild it with `python -m indexer build`"
            )
        searcher = self._open_searcher(gen)
        quote_searcher = self._open_searcher(gen / store.QUOTES_DIR)
        if opened is not None:
            opened.searcher.close()
            opened.quote_searcher.close()
        self._local.opened = _Opened(gen, meta, searcher, quote_searcher)
        return self._local.opened

    @staticmethod
    def _open_searcher(gen: Path) -> Searcher:
        weighting = scoring.BM25F(B=BM25_B, K1=BM25_K1, title_B=TITLE_B)
        if not gen.is_dir():
            raise store.IndexUnavailable(f"the index in {gen} is incomplete: rebuild it")
        try:
            return whoosh_index.open_dir(str(gen)).searcher(weighting=weighting)
        except FileNotFoundError:
            # A segment merged away while opening: one retry.
            return whoosh_index.open_dir(str(gen)).searcher(weighting=weighting)
        except whoosh_index.EmptyIndexError as exc:
            raise store.IndexUnavailable(f"the index in {gen} cannot be opened: {exc}") from exc

    def health(self) -> HealthInfo:
        """Describe the index being served.

        Raises:
            IndexUnavailable: when no index can be opened.
        """
        opened = self._open()
        return HealthInfo(
            documents=opened.searcher.doc_count(),
            schema_version=opened.meta.schema_version,
            built_at=opened.meta.built_at,
            generation=opened.meta.generation,
            quotes=opened.quote_searcher.doc_count(),
        )

    def search(self, req: SearchRequest) -> SearchResponse:
        """Run one search.

        Raises:
            QueryError: the request cannot be answered (the message says why).
            IndexUnavailable: no index can be opened.
        """
        return self._answer("search", req, lambda opened: self._search(opened, req))

    def _answer(self, kind: str, req, run):
        """Check the paging depth, then answer ``req`` by ``run``.

        The sort is checked where the request is read (resources/search.py ``read_paging``).
        """
        if req.page * req.per_page > MAX_RESULT_DEPTH:
            raise QueryError(
                f"Results can be paged up to {MAX_RESULT_DEPTH} deep (page * per_page); "
                "narrow the search instead."
            )
        # No cache here: the one cache layer is the HTTP middleware (search_api.caching),
        # keyed by generation and request, which also skips routing and serialising.
        return run(self._open())

    def _match(self, opened: _Opened, req: SearchRequest, depth: int | None = None) -> _Matched:
        """Plan ``req``, choose how to match it (all words, any word, filters only) and run it,
        with the any-word fallback when every word finds (almost) nothing; ``depth``: the
        candidates kept (by default the page's depth)."""
        searcher = opened.searcher
        parsed = parse_query(req.q)
        builder = QueryBuilder(searcher, synonyms=self._synonyms(opened))
        plan = builder.plan(parsed)
        filters = _filters(req)
        sort = req.sort
        if parsed.is_empty:
            if filters is None:
                raise QueryError("Give a query (q) or at least one filter.")
            query: wq.Query = wq.Every()
            mode = "filter"
            if sort in ("relevance", "recent"):
                sort = "newest"
        elif plan.content_words >= LONG_QUERY_WORDS and not plan.has_or:
            # A long query (a reader's question, a pasted headline): ranked any-word.
            query, mode = plan.any_words(), "any"
        else:
            query = plan.all_words()
            mode = "all"
            if query is None:
                if filters is None:
                    raise QueryError("The query has no words to search for.")
                query, mode = wq.Every(), "filter"
        proximity = (plan.pairs, plan.proximity_boost) if mode != "filter" else ((), 0.0)
        arrays = self._per_generation(opened, "postings", GenerationArrays)
        weights = None
        if sort == "recent":
            half_life, floor = self.recency
            recency = self._per_generation(
                opened, "recency", lambda reader: RecencyWeights(reader, half_life, floor)
            )
            weights = recency.weights
        run = self._run(searcher, arrays, query, req, sort, filters, proximity, weights, depth)
        few = run.total == 0 or (
            run.total < FALLBACK_BELOW and plan.content_words >= FALLBACK_MIN_WORDS
        )
        if few and mode == "all":
            fallback = plan.any_words(query_module.FALLBACK_MIN_SHARE)
            if fallback is not None:
                more = self._run(
                    searcher, arrays, fallback, req, sort, filters, proximity, weights, depth
                )
                if more.total > run.total:
                    run, query, mode = more, fallback, "any"
        chosen = query

        def rerun(deeper: int) -> _Run:
            return self._run(
                searcher, arrays, chosen, req, sort, filters, proximity, weights, deeper
            )

        return _Matched(builder, parsed, query, mode, run, rerun)

    def _search(self, opened: _Opened, req: SearchRequest) -> SearchResponse:
        searcher = opened.searcher
        depth = None
        if req.collapse:
            depth = self._group_keys(opened).candidates(req.page * req.per_page)
        m = self._match(opened, req, depth)
        run = m.run
        top, stories, duplicates = run.top, None, {}
        if req.collapse:
            run, top, stories, duplicates = self._collapse(opened, m, req)
        suggestion = None
        if m.mode != "filter" and (m.mode == "any" or run.total < SUGGEST_CHECK_BELOW):
            # Built on first need (once per generation): most searches never ask.
            spelling = functools.partial(self._per_generation, opened, "spelling", SpellIndex)
            suggestion = suggest_query(searcher, spelling, m.builder, m.parsed, req.q)
            if suggestion is not None and m.mode == "all" and run.total >= SUGGEST_BELOW:
                # Enough found already: suggest only what would find many times more.
                better = self._match(opened, replace(req, q=suggestion, page=1, per_page=1))
                if better.run.total < SUGGEST_RATIO * run.total:
                    suggestion = None
        query = m.query if m.mode != "filter" else None
        return SearchResponse(
            query=req.q,
            total=run.total,
            page=req.page,
            per_page=req.per_page,
            results=self._page(searcher, top, query, req, duplicates),
            facets=self._per_generation(opened, "facets", FacetIndex).count(
                run.docnums, FACET_SIZE, all_years=req.timeline
            ),
            suggestion=suggestion,
            mode=m.mode,
            timed_out=run.timed_out,
            total_exact=not run.timed_out,
            stories=stories,
        )

    def _collapse(self, opened: _Opened, m: _Matched, req: SearchRequest):
        """One result per group: ``(run, top, stories, duplicates)``: the run (deeper when
        the candidates held fewer groups than the page needs), the first member of each
        group in rank order, how many groups the matches hold, and the other members of
        each group on the page (docnums)."""
        run = m.run
        keys = self._group_keys(opened)
        need = req.page * req.per_page
        top, enough = first_of_groups(run.top, keys.keys, need)
        # Too many versions among the candidates: match again keeping more of them (rare:
        # the first fetch keeps CANDIDATE_FACTOR candidates per result wanted).
        while not enough and len(run.top) < run.total and not run.timed_out:
            run = m.rerun(max(len(run.top), 1) * GROWTH)
            top, enough = first_of_groups(run.top, keys.keys, need)
        stories = count_groups(run.docnums, keys.keys, keys.count)
        start = (req.page - 1) * req.per_page
        shown = [d for d, _ in top[start : start + req.per_page]]
        ranked = [d for d, _ in run.top]
        return run, top, stories, members(run.docnums, keys.keys, shown, ranked=ranked)

    def _group_keys(self, opened: _Opened, quotes: bool = False) -> GroupKeys:
        """The generation's collapse keys: articles' groups, or quotations' (group, words)."""
        if quotes:
            searcher = opened.quote_searcher
            arrays = self._per_generation(opened, "quote-postings", GenerationArrays, searcher)
            fields = ("group", "text_key")
            return self._per_generation(
                opened, "quote-groups", lambda r: GroupKeys(r, arrays, fields), searcher
            )
        arrays = self._per_generation(opened, "postings", GenerationArrays)
        return self._per_generation(opened, "groups", lambda r: GroupKeys(r, arrays))

    @staticmethod
    def _run(
        searcher,
        arrays,
        query,
        req: SearchRequest,
        sort: str,
        filters,
        proximity=((), 0.0),
        weights=None,
        depth: int | None = None,
    ) -> _Run:
        """``weights``: ``sort=recent``'s multiplier per document (search_api.recency);
        ``depth``: the candidates kept (by default the page's depth)."""
        pairs, boost = proximity
        order = None
        if sort not in ("relevance", "recent"):
            order = (*date_order(sort), ("score", False))
        if filters is not None:
            # Filters join the query at score 0: Whoosh's FilterCollector would bypass the
            # time limit (it only filters in its own collect loop).
            query = wq.And([query, wq.ConstantScoreQuery(filters, score=0.0)])
        depth = depth or req.page * req.per_page
        rerank = order is None and bool(pairs)
        if rerank:
            depth = max(depth, query_module.PROXIMITY_CANDIDATES)
        run = _collect(searcher, arrays, query, depth, order, weights)
        if rerank:
            # Always the same candidates, whatever the page size: the top of page 1 is then
            # the top of every deeper answer too. Bonuses only raise scores, so the
            # re-ranked head stays above the rest.
            head = query_module.PROXIMITY_CANDIDATES
            run.top = (
                proximity_rerank(searcher, run.top[:head], pairs, boost, weights) + run.top[head:]
            )
        return run

    def _per_generation(self, opened: _Opened, kind: str, build, searcher=None):
        """``build(reader)`` once per generation, shared by the threads of this process
        (the reader of ``searcher``, by default the article index's)."""
        gen, searcher = opened.generation, searcher or opened.searcher
        with self._facet_lock:
            cached = self._facet_cache.get((gen, kind))
            if cached is None:
                cached = build(searcher.reader())
                stale = [k for k in self._facet_cache if k[0] != gen]
                for k in stale:
                    del self._facet_cache[k]
                self._facet_cache[(gen, kind)] = cached
            return cached

    def suggest(self, text: str, limit: int = 10) -> list[Suggestion]:
        """Completions for a search box (people, places, titles, frequent words)."""
        opened = self._open()
        searcher = opened.searcher
        names = self._per_generation(opened, "names", NameIndex)
        builder = QueryBuilder(searcher)
        return complete(searcher, names, lambda w: builder.tokens("body", w), text, limit)

    @staticmethod
    def _page(
        searcher, top, query, req: SearchRequest, duplicates: dict[int, list[int]]
    ) -> list[Hit]:
        hits = []
        for row in page_rows(searcher, top, req.page, req.per_page, query):
            record = article_from_stored(row.fields)
            others = duplicates.get(row.docnum, [])
            hits.append(
                Hit(
                    id=record.id,
                    title=record.title,
                    url=record.url,
                    date=record.date,
                    snippet=row.snippet_html,
                    people=record.people,
                    places=record.places,
                    authors=record.authors,
                    section=record.section,
                    score=row.score,
                    quote=_quote_at(record, row.snippet),
                    duplicates=[searcher.stored_fields(d)["id"] for d in others],
                )
            )
        return hits

    def quotes(self, req: QuoteRequest) -> QuoteResponse:
        """Search the quotations.

        Raises:
            QueryError: the request cannot be answered (the message says why).
            IndexUnavailable: no index can be opened.
        """
        return self._answer("quotes", req, lambda opened: self._quotes(opened, req))

    def _quotes(self, opened: _Opened, req: QuoteRequest) -> QuoteResponse:
        searcher = opened.quote_searcher
        arrays = self._per_generation(opened, "quote-postings", GenerationArrays, searcher)
        parsed = parse_query(req.q)
        builder = QueryBuilder(searcher, fields=QUOTE_FIELDS, aliases=QUOTE_FIELD_ALIASES)
        speaker = None
        if req.speaker.strip():
            words = builder.tokens("speaker", req.speaker)
            if not words:
                raise QueryError("The speaker has no words to search for.")
            # Every word given must be a word of the speaker's name ("putin", "Vladimir
            # Putin"); the filter adds no score.
            speaker = wq.And([wq.Term("speaker", w) for w in words])
        sort = req.sort
        plan = builder.plan(parsed)
        query = None if parsed.is_empty else plan.all_words()
        if query is None:
            if not parsed.is_empty and speaker is None:
                raise QueryError("The query has no words to search for.")
            if speaker is None:
                raise QueryError("Give a query (q) or a speaker.")
            query = wq.Every()
            if sort == "relevance":
                sort = "newest"
        # sort=oldest ("where it first appeared"): the same quotation in near-duplicate
        # articles is one result, its first appearance, the later ones in also_in.
        fold = sort == "oldest"
        depth = req.page * req.per_page
        if fold:
            depth = self._group_keys(opened, quotes=True).candidates(depth)
        run = self._run_quotes(searcher, arrays, query, speaker, req, sort, depth)
        if run.total == 0 and not parsed.is_empty:
            fallback = plan.any_words(query_module.FALLBACK_MIN_SHARE)
            if fallback is not None:
                run = self._run_quotes(searcher, arrays, fallback, speaker, req, sort, depth)
                query = fallback
        top, later = run.top, {}
        if fold:
            keys = self._group_keys(opened, quotes=True)
            need = req.page * req.per_page
            top, enough = first_of_groups(run.top, keys.keys, need)
            while not enough and len(run.top) < run.total and not run.timed_out:
                depth = max(len(run.top), 1) * GROWTH
                run = self._run_quotes(searcher, arrays, query, speaker, req, sort, depth)
                top, enough = first_of_groups(run.top, keys.keys, need)
            start = (req.page - 1) * req.per_page
            shown = [d for d, _ in top[start : start + req.per_page]]
            ranked = [d for d, _ in run.top]
            later = members(run.docnums, keys.keys, shown, ranked=ranked)
        results = []
        rows = page_rows(
            searcher,
            top,
            req.page,
            req.per_page,
            None if parsed.is_empty else query,
            whole_below=QUOTE_SNIPPET_CHARS,
            lead_chars=QUOTE_SNIPPET_CHARS,
        )
        for row in rows:
            record = quote_from_stored(row.fields)
            results.append(
                QuoteHit(
                    text=record.text,
                    speaker=record.speaker,
                    article_id=record.article_id,
                    title=record.title,
                    date=record.date,
                    url=record.url,
                    snippet=row.snippet_html,
                    score=row.score,
                    also_in=[
                        searcher.stored_fields(d)["article_id"] for d in later.get(row.docnum, [])
                    ],
                )
            )
        return QuoteResponse(
            query=req.q,
            speaker=req.speaker,
            total=run.total,
            page=req.page,
            per_page=req.per_page,
            sort=sort,
            results=results,
            timed_out=run.timed_out,
            total_exact=not run.timed_out,
        )

    @staticmethod
    def _run_quotes(
        searcher, arrays, query, speaker, req: QuoteRequest, sort: str, depth: int
    ) -> _Run:
        if speaker is not None:
            query = wq.And([query, wq.ConstantScoreQuery(speaker, score=0.0)])
        order = None
        if sort != "relevance":
            # Date order; within one article, the order of the text.
            order = (*date_order(sort), ("position", False))
        return _collect(searcher, arrays, query, depth, order)

    def generation(self) -> str:
        """The name of the generation being served (changes with every finished build)."""
        return self._open().meta.generation

    def article(self, article_id: str) -> ArticleRecord | None:
        """The stored article with this id, or None."""
        found = self._stored_article(self._open().searcher, article_id)
        return None if found is None else _article_record(found[1])

    @staticmethod
    def _stored_article(searcher, article_id: str) -> tuple[int, StoredArticle] | None:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        return docnum, article_from_stored(searcher.stored_fields(docnum))

    def related(self, article_id: str, limit: int = 5) -> RelatedResponse | None:
        """The ``limit`` stories most like the article with this id, or None when the id is
        unknown (search_api/related.py: its key terms, people and places; its copies left
        out)."""
        opened = self._open()
        searcher = opened.searcher
        found = self._stored_article(searcher, article_id)
        if found is None:
            return None
        docnum, stored = found
        arrays = self._per_generation(opened, "postings", GenerationArrays)
        frequencies = self._per_generation(opened, "related-df", DocFrequencies)
        found = find_related(searcher, arrays, docnum, stored, limit, frequencies=frequencies)
        stories = [
            RelatedStory(id=r.id, title=r.title, date=r.date, url=r.url, score=score)
            for r, score in found
        ]
        return RelatedResponse(id=stored.id, related=stories)

    def article_view(self, article_id: str, q: str = "") -> ArticleView | None:
        """The article with this id for reading, the words of query ``q`` marked; or None.

        A query that cannot run (no words, over the limits) marks nothing.
        """
        searcher = self._open().searcher
        found = self._stored_article(searcher, article_id)
        if found is None:
            return None
        docnum, stored = found
        terms, phrases = _mark_terms(searcher, q) if q.strip() else (set(), [])
        return ArticleView(
            record=_article_record(stored),
            paragraphs=marked_paragraphs(searcher, docnum, terms, stored.body, phrases=phrases),
            quotes=[{"text": span.text, "speaker": span.speaker} for span in stored.quotes],
        )


def _article_record(stored: StoredArticle) -> ArticleRecord:
    return ArticleRecord(
        id=stored.id,
        title=stored.title,
        body=stored.body,
        url=stored.url,
        date=stored.date,
        author=stored.author,
        authors=stored.authors,
        section=stored.section,
        people=stored.people,
        places=stored.places,
        source=stored.source,
    )


def _mark_terms(searcher, q: str) -> tuple[set[str], list[tuple[str, ...]]]:
    """The body terms and phrases a query would mark in a snippet; none when it cannot run."""
    try:
        parsed = parse_query(q)
        if parsed.is_empty:
            return set(), []
        query = QueryBuilder(searcher).plan(parsed).all_words()
    except QueryError:
        return set(), []
    return highlight_parts(query, STOP_WORDS) if query is not None else (set(), [])


def _collect(searcher, arrays: GenerationArrays, query, depth: int, order, weights=None) -> _Run:
    """Every match counted, the best ``depth`` kept (search_api.postings); ``weights``
    multiply the scores first (``sort=recent``)."""
    got = collect(searcher, arrays, query, depth, order, QUERY_TIME_LIMIT_S, weights)
    return _Run(got.top, got.docnums, got.timed_out)


def date_order(sort: str) -> tuple[tuple[str, bool], ...]:
    """Sort columns for "newest"/"oldest": dated documents first either way, then by date."""
    return (("dated", True), ("date", sort == "newest"))


def _quote_at(record: StoredArticle, snippet: Snippet | None) -> dict | None:
    """The quotation holding every marked word of the snippet, if there is one."""
    if not record.quotes or snippet is None or snippet.end <= snippet.start:
        return None
    for span in record.quotes:
        if span.start <= snippet.start and snippet.end <= span.end:
            return {"text": span.text, "speaker": span.speaker}
    return None


def _filters(req: SearchRequest) -> wq.Query | None:
    parts: list[wq.Query] = [wq.Term("people_tag", v) for v in req.people]
    parts += [wq.Term("places_tag", v) for v in req.places]
    parts += [wq.Term("authors_tag", v) for v in req.authors]
    parts += [wq.Term("section", v) for v in req.sections]
    if req.date_from or req.date_to:
        start = datetime.combine(req.date_from, time.min) if req.date_from else None
        end = datetime.combine(req.date_to, time.max) if req.date_to else None
        parts.append(wq.DateRange("date", start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
