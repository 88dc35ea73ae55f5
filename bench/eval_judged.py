"""Ranking on judged collections: nDCG@10, MAP and P@10 of our engine next to BM25 peers.

The collections (``--collections``):
    ``cacm``, ``cisi``: the classic judged test collections in
    ``../shared/corpora/ir-judged/`` (``parse_smart`` reads their SMART format;
    ``load_cacm`` / ``load_cisi``); a document is its title (``.T``) and abstract (``.W``);
    ``reuters-dev``, ``reuters-heldout``: a news-domain judged set of our own making
    (``load_reuters``): Reuters-21578 TOPICS as relevance. For each topic with at least
    ``REUTERS_MIN_STORIES`` labelled stories, ``REUTERS_QUERIES`` holds a query written by
    hand from the topic's meaning (``cat-descriptions_120396.txt``), before any engine was
    run on it; the stories labelled with the topic are the relevant ones. The topics are
    split in two halves by ``REUTERS_SPLIT_SEED``: tune on ``reuters-dev`` only.

How a query is sent (``reader_query``): as a reader would type or paste it: lowercased
(so ``OR``/``NOT``/``AND`` are plain words), whitespace normalised, and the characters our
query language reads as syntax turned into spaces the way a paste loses them: quotes (no
phrases), ``:`` (no ``title:`` prefixes), ``*`` (no prefix search), ``|`` (no ``OR``), and
``-``/``+`` at the start of a word (no exclusion). Everything else is left to each engine's
own analysis. The length buckets count the words of that text (stop words included).

The engines (``--engines``; ``ENGINES``):
    ``archive``: our engine, ``search_api.engine.Engine.search(SearchRequest(q=...,
    per_page=100))`` as ``/search`` runs it, on an index built by ``indexer.build`` from an
    archive JSONL (NER runs as for any archive: no ``people``/``places`` are given). A
    request the engine refuses (e.g. more than ``MAX_ITEMS`` words) answers nothing, and is
    counted in the ``refused`` column;
    ``fts5``, ``tantivy``: ``bench/peers.py`` (bare words ORed, ranked by BM25);
    ``whoosh-bm25-body``, ``whoosh-bm25-title-body``: plain Whoosh ``BM25F()`` on our own
    index, the query's distinct analysed words ORed over ``body`` (or over ``title`` and
    ``body`` in one ``Or``): the raw index without our query layer.

Metrics (``ndcg_at``, ``average_precision``, ``precision_at``): binary relevance (the
collections have no grades); nDCG@10 with the ideal ranking of min(R, 10) relevant
documents; AP over the top 100 returned, divided by R, the number of relevant documents
(as ``trec_eval`` does for a 100-deep run); P@10 with missing ranks counted as misses. For
Reuters, stories the indexers never assigned topics to (``TOPICS`` not "YES" and no topic:
6,691 of the 19,043 with a body) are unjudged: they stay in every index but are dropped from
each ranking before scoring (a condensed list), so an engine is not punished for an
unlabelled story.

Run::

    .venv/bin/python bench/eval_judged.py [--collections cacm,cisi] [--engines archive,fts5]
        [--set search_api.query.TITLE_WEIGHT=3] [--json] [--rebuild]

Writes ``bench/results/judged.md`` (tables), ``bench/out/judged/last-run.md`` (tables and
the queries we lose most) and, with ``--json``, ``bench/out/judged/results.json`` (every
query's scores on every engine, to compare variants).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.eval_ranking import OUT as RANKING_OUT  # noqa: E402
from bench.eval_ranking import ArchiveEngine, apply_overrides, ensure_index  # noqa: E402
from bench.peers import Fts5Engine, TantivyEngine  # noqa: E402
from bench.reuters import DEFAULT_CORPUS as REUTERS_CORPUS  # noqa: E402
from bench.reuters import read_stories  # noqa: E402
from bench.reuters_to_jsonl import records  # noqa: E402

JUDGED_CORPUS = REPO.parent / "shared" / "corpora" / "ir-judged"
OUT = REPO / "bench" / "out" / "judged"
RESULTS_MD = REPO / "bench" / "results" / "judged.md"
DEPTH = 100  # results asked for (per_page=100, the API's maximum page)
K = 10
BUCKETS = (("1-3", 1, 3), ("4-7", 4, 7), ("8+", 8, 10**9))
COLLECTIONS = ("cacm", "cisi", "reuters-dev", "reuters-heldout")

# --- reading the collections -------------------------------------------------------------

_SMART_FIELD = re.compile(r"^\.([A-Z])(?:\s+(.*?))?\s*$")


@dataclass(frozen=True)
class JudgedDoc:
    """One document, as every engine indexes it."""

    id: str
    title: str
    body: str


@dataclass(frozen=True)
class JudgedQuery:
    """One judged query: the text as the engines get it, and the relevant document ids."""

    id: str
    text: str
    relevant: frozenset[str]
    original: str = ""

    @property
    def words(self) -> int:
        """The length used for the buckets: words of the text as sent."""
        return len(self.text.split())


@dataclass
class Collection:
    """Documents, judged queries, and where our index of them lives.

    ``judged``: when given, the only documents that carry judgments; the others are
    dropped from rankings before scoring. ``corpus``: collections with the same corpus
    share one index and one peer index (the two Reuters halves).
    """

    name: str
    corpus: str
    docs: list[JudgedDoc]
    queries: list[JudgedQuery]
    judged: frozenset[str] | None = None
    notes: list[str] = field(default_factory=list)


def parse_smart(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Records of a SMART-format file (``.I n`` then ``.T``/``.W``/... fields).

    Yields ``(id, {field letter: text})``; a field's lines are joined with newlines and
    stripped, and a field that occurs twice keeps both texts (joined). A line like ``.T``
    or ``.T `` opens a field; text on the marker line itself is kept (``.I 12`` is the id).
    """
    rid: str | None = None
    fields: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _SMART_FIELD.match(line)
        if match:
            letter, rest = match.group(1), match.group(2) or ""
            if letter == "I":
                if rid is not None:
                    yield rid, _joined(fields)
                rid, fields, current = rest.strip(), {}, None
                continue
            current = letter
            fields.setdefault(letter, [])
            if rest:
                fields[letter].append(rest)
            continue
        if current is not None:
            fields[current].append(line)
    if rid is not None:
        yield rid, _joined(fields)


def _joined(fields: dict[str, list[str]]) -> dict[str, str]:
    return {k: "\n".join(v).strip() for k, v in fields.items()}


def parse_qrels(text: str) -> dict[str, set[str]]:
    """``qid docid ...`` lines -> {query id: relevant doc ids}; ids lose leading zeros."""
    qrels: dict[str, set[str]] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(str(int(parts[0])), set()).add(str(int(parts[1])))
    return qrels


def reader_query(text: str) -> str:
    """The text a reader would send: lowercased, syntax characters gone (see the module)."""
    text = re.sub(r'["“”„‟«»:*|]', " ", text.lower())
    words = [w.lstrip("-+") for w in text.split()]
    return " ".join(w for w in words if w and w != "&&")


def smart_docs(records_: Iterable[tuple[str, dict[str, str]]]) -> list[JudgedDoc]:
    """Title (``.T``) and abstract (``.W``); a document without an abstract has its title as
    body too (an archive article needs a body; the peers get exactly the same fields)."""
    docs = []
    for rid, fields in records_:
        title = " ".join(fields.get("T", "").split())
        body = fields.get("W", "").strip() or title
        docs.append(JudgedDoc(rid, title, body))
    return docs


def smart_queries(
    records_: Iterable[tuple[str, dict[str, str]]], qrels: dict[str, set[str]]
) -> tuple[list[JudgedQuery], int]:
    """The judged queries (their ``.W`` text), and how many were skipped for no judgments."""
    queries, skipped = [], 0
    for rid, fields in records_:
        original = " ".join(fields.get("W", "").split())
        if not qrels.get(rid) or not original:
            skipped += 1
            continue
        queries.append(JudgedQuery(rid, reader_query(original), frozenset(qrels[rid]), original))
    return queries, skipped


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def load_cacm(root: Path = JUDGED_CORPUS / "cacm") -> Collection:
    """CACM: 3,204 titles with (half of them) abstracts, 52 judged queries."""
    docs = smart_docs(parse_smart(_read(root / "cacm.all")))
    # The file ends with an empty ``.I 0`` sentinel: no text, no judgments, so skipped.
    queries, skipped = smart_queries(
        parse_smart(_read(root / "query.text")), parse_qrels(_read(root / "qrels.text"))
    )
    abstracts = sum(d.body != d.title for d in docs)
    notes = [
        f"cacm: {len(docs)} documents ({abstracts} with an abstract), {len(queries)} judged "
        f"queries ({skipped} records without judgments skipped)"
    ]
    return Collection("cacm", "cacm", docs, queries, notes=notes)


def load_cisi(root: Path = JUDGED_CORPUS / "cisi") -> Collection:
    """CISI: 1,460 abstracts, 76 judged queries (``.W`` only; ``.T``/``.A`` of the
    abstract-like queries are left out)."""
    docs = smart_docs(parse_smart(_read(root / "CISI.ALL")))
    queries, skipped = smart_queries(
        parse_smart(_read(root / "CISI.QRY")), parse_qrels(_read(root / "CISI.REL"))
    )
    notes = [
        f"cisi: {len(docs)} documents, {len(queries)} judged queries ({skipped} without "
        "judgments skipped)"
    ]
    return Collection("cisi", "cisi", docs, queries, notes=notes)


# Reuters-21578 TOPICS -> a query written by hand from the topic's meaning (the category
# list in cat-descriptions_120396.txt), as a reader of a news archive would type it, before
# any engine was run on these topics. Not tuned: do not edit them to raise a score.
REUTERS_QUERIES = {
    "earn": "quarterly earnings and profits reported by companies",
    "acq": "mergers and acquisitions",
    "money-fx": "central bank intervention on the foreign exchange markets",
    "grain": "how big are this year's grain harvests and exports",
    "crude": "crude oil prices and production",
    "trade": "trade disputes and the trade balance between countries",
    "interest": "interest rates",
    "ship": "shipping news ports and freight",
    "wheat": "wheat sales and exports",
    "corn": "corn crop",
    "oilseed": "oilseed production",
    "sugar": "world sugar prices and exports",
    "dlr": "the dollar against other currencies",
    "gnp": "how fast is the economy growing gross national product",
    "coffee": "coffee prices and exports",
    "veg-oil": "vegetable oil",
    "gold": "gold mining and gold prices",
    "money-supply": "money supply growth",
    "nat-gas": "natural gas",
    "livestock": "livestock and cattle herds",
    "soybean": "soybeans",
    "cpi": "consumer price inflation",
    "bop": "balance of payments and current account deficits or surpluses",
    "copper": "copper prices and mine output",
    "carcass": "meat and beef exports",
    "reserves": "how much foreign currency reserves does the central bank hold",
    "cocoa": "the cocoa market and the international cocoa agreement",
    "jobs": "how many people are unemployed and looking for jobs",
    "rice": "rice",
    "iron-steel": "steel industry",
    "cotton": "cotton crop",
    "alum": "aluminium prices",
    "yen": "japanese yen exchange rate",
    "ipi": "industrial production",
    "gas": "gasoline",
    "meal-feed": "animal feed",
    "rubber": "natural rubber",
    "barley": "barley",
    "zinc": "zinc",
    "palm-oil": "palm oil",
    "pet-chem": "petrochemicals plants",
    "silver": "silver",
    "rapeseed": "rapeseed crop",
    "lead": "lead smelter",
    "sorghum": "sorghum",
    "tin": "tin market",
    "strategic-metal": "strategic metals such as cobalt tungsten and titanium",
    "wpi": "wholesale prices",
    "fuel": "fuel oil",
    "soy-meal": "soybean meal",
    "hog": "hog prices",
    "soy-oil": "soybean oil",
    "heat": "heating oil",
    "orange": "orange juice",
    "retail": "retail sales",
}
REUTERS_MIN_STORIES = 20
REUTERS_SPLIT_SEED = 13


def reuters_split(topics: Sequence[str], seed: int = REUTERS_SPLIT_SEED) -> dict[str, list[str]]:
    """The topics in a dev half and a held-out half (sorted, shuffled by ``seed``, cut)."""
    order = sorted(topics)
    random.Random(seed).shuffle(order)
    half = (len(order) + 1) // 2
    return {"reuters-dev": sorted(order[:half]), "reuters-heldout": sorted(order[half:])}


def load_reuters(names: Sequence[str], corpus_dir: Path = REUTERS_CORPUS) -> list[Collection]:
    """The Reuters halves asked for, sharing one document list."""
    stories = [s for s in read_stories(corpus_dir) if s["body"]]
    docs = [JudgedDoc(r["id"], r["title"], r["body"]) for r in records(stories)]
    labelled: dict[str, set[str]] = {}
    judged = set()
    for story in stories:
        doc_id = f"reuters-{story['newid']}"
        if story["topics_flag"] == "YES" or story["topics"]:
            judged.add(doc_id)
        for topic in story["topics"]:
            labelled.setdefault(topic, set()).add(doc_id)
    eligible = sorted(t for t, ids in labelled.items() if len(ids) >= REUTERS_MIN_STORIES)
    missing = [t for t in eligible if t not in REUTERS_QUERIES]
    if missing:
        raise SystemExit(f"no query written for Reuters topic(s): {', '.join(missing)}")
    halves = reuters_split(eligible)
    out = []
    for name in names:
        queries = [
            JudgedQuery(t, reader_query(REUTERS_QUERIES[t]), frozenset(labelled[t]), t)
            for t in halves[name]
        ]
        notes = [
            f"{name}: {len(docs)} stories with a body ({len(judged)} judged: TOPICS=YES or a "
            "topic), "
            f"{len(queries)} topics of {len(eligible)} with >= {REUTERS_MIN_STORIES} stories "
            f"(split seed {REUTERS_SPLIT_SEED}): {', '.join(halves[name])}"
        ]
        out.append(Collection(name, "reuters", docs, queries, frozenset(judged), notes))
    return out


def load_collections(names: Sequence[str]) -> list[Collection]:
    """The collections asked for, in the order asked."""
    unknown = [n for n in names if n not in COLLECTIONS]
    if unknown:
        raise SystemExit(f"unknown collection(s): {', '.join(unknown)}; known: {COLLECTIONS}")
    loaded: dict[str, Collection] = {}
    if "cacm" in names:
        loaded["cacm"] = load_cacm()
    if "cisi" in names:
        loaded["cisi"] = load_cisi()
    halves = [n for n in names if n.startswith("reuters-")]
    if halves:
        loaded.update({c.name: c for c in load_reuters(halves)})
    return [loaded[n] for n in names]


# --- metrics -------------------------------------------------------------------------------


def ndcg_at(ranking: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """Binary nDCG@k: DCG of the top k over the DCG of min(R, k) relevant at the top."""
    relevant = set(relevant)
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranking[:k]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def average_precision(ranking: Sequence[str], relevant: Iterable[str], depth: int = DEPTH) -> float:
    """AP over the top ``depth``: mean of the precision at each relevant rank, over R."""
    relevant = set(relevant)
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, doc_id in enumerate(ranking[:depth], 1):
        if doc_id in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def precision_at(ranking: Sequence[str], relevant: Iterable[str], k: int = K) -> float:
    """Share of relevant documents among the top k (fewer than k returned count as misses)."""
    relevant = set(relevant)
    return sum(d in relevant for d in ranking[:k]) / k


# --- engines -------------------------------------------------------------------------------


class WhooshBM25Engine:
    """Plain Whoosh BM25F on our index: the query's distinct analysed words ORed over fields.

    The body field's own analyzer (the one the index was built with) makes the words; no
    stop words, weights, phrases, fallback or re-rank: the raw index, for comparison.
    """

    def __init__(self, index_dir: Path, fields: tuple[str, ...] = ("body",)):
        from whoosh import index as whoosh_index
        from whoosh import scoring

        from indexer import store

        gen = store.current_generation(index_dir)
        if gen is None:
            raise SystemExit(f"no index in {index_dir}")
        self._ix = whoosh_index.open_dir(str(gen))
        self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        self.fields = fields

    def index(self, docs: Iterable[JudgedDoc]) -> None:
        """Nothing to do: it reads our index as built."""

    def search(self, query_text: str, k: int = DEPTH) -> list[str]:
        """Ids of the best ``k`` articles."""
        from whoosh import query as wq

        analyzer = self._ix.schema["body"].analyzer
        words = list(dict.fromkeys(t.text for t in analyzer(query_text, mode="query")))
        if not words:
            return []
        query = wq.Or([wq.Term(f, w) for w in words for f in self.fields])
        return [hit["id"] for hit in self._searcher.search(query, limit=k)]


def _archive(index_dir: Path) -> ArchiveEngine:
    return ArchiveEngine(index_dir)


# name -> (family, needs our index, factory(index_dir) -> engine)
ENGINES: dict[str, tuple[str, bool, Callable[[Path], object]]] = {
    "archive": ("archive", True, _archive),
    "fts5": ("fts5", False, lambda index_dir: Fts5Engine()),
    "tantivy": ("tantivy", False, lambda index_dir: TantivyEngine()),
    "whoosh-bm25-body": ("whoosh", True, lambda index_dir: WhooshBM25Engine(index_dir)),
    "whoosh-bm25-title-body": (
        "whoosh",
        True,
        lambda index_dir: WhooshBM25Engine(index_dir, ("title", "body")),
    ),
}


def selected_engines(spec: str) -> list[str]:
    """Engine names from a comma list of names or families (``whoosh`` = both variants)."""
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    families = {family for family, _n, _f in ENGINES.values()}
    unknown = [w for w in wanted if w not in ENGINES and w not in families]
    if unknown:
        raise SystemExit(f"unknown engine(s): {', '.join(unknown)}; known: {', '.join(ENGINES)}")
    return [n for n, (family, _n, _f) in ENGINES.items() if n in wanted or family in wanted]


# --- our index -----------------------------------------------------------------------------


def write_archive(collection: Collection, archive: Path) -> Path:
    """The collection as one archive JSONL (id, title, body); rewritten only when it changed,
    so the incremental build sees an unchanged file."""
    path = archive / f"{collection.corpus}.jsonl"
    text = "".join(
        json.dumps({"id": d.id, "title": d.title, "body": d.body}, ensure_ascii=False) + "\n"
        for d in collection.docs
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        archive.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def ensure_judged_index(collection: Collection, rebuild: bool = False) -> tuple[Path, str]:
    """Our index of the collection, built or updated as needed; returns (index dir, note).

    CACM and CISI: ``bench/out/judged/<corpus>/index``, from the JSONL written next to it.
    ``build_index`` is incremental and rebuilds in full when the schema version changed, so
    an unchanged archive costs a fraction of a second. Reuters: the index the known-item
    evaluation builds (``bench/out/ranking/reuters``, ``eval_ranking.ensure_index``), the
    same stories with NER, reused when it is servable.
    """
    from indexer import store
    from indexer.build import build_index

    if collection.corpus == "reuters":
        out = RANKING_OUT / "reuters"
        had = store.current_generation(out / "index")
        started = time.perf_counter()
        ensure_index("reuters", out, rebuild=rebuild)
        gen = store.current_generation(out / "index")
        how = "reused" if had == gen and not rebuild else "built"
        note = (
            f"reuters: our index {how} from {out.relative_to(REPO)} ({gen.name}, "
            f"{time.perf_counter() - started:.0f} s)"
        )
        return out / "index", note
    out = OUT / collection.corpus
    index_dir = out / "index"
    if rebuild and index_dir.exists():
        shutil.rmtree(index_dir)
    write_archive(collection, out / "archive")
    started = time.perf_counter()
    report = build_index(out / "archive", index_dir, workers=2)
    elapsed = time.perf_counter() - started
    if report.unchanged and not report.full_rebuild:
        how = "reused"
    else:
        how = f"built with NER ({report.documents} articles, {report.documents / elapsed:.0f}/s)"
    note = f"{collection.corpus}: our index {how} in {elapsed:.1f} s ({report.generation})"
    print(f"[{collection.corpus}] {note}", file=sys.stderr)
    return index_dir, note


# --- running -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One query on one engine."""

    query: JudgedQuery
    ranking: list[str]  # judged ids only, best first (ids of split files mapped back)
    latency_ms: float
    mode: str = ""
    ndcg10: float = 0.0
    ap: float = 0.0
    p10: float = 0.0


@dataclass
class Run:
    """All outcomes of one engine on one collection."""

    engine: str
    collection: str
    index_s: float
    outcomes: list[Outcome] = field(default_factory=list)


def score(query: JudgedQuery, results: Sequence[str], judged: frozenset[str] | None) -> Outcome:
    """Map result ids back to documents, drop unjudged ones, score."""
    ranking = list(dict.fromkeys(r.split("#", 1)[0] for r in results))
    if judged is not None:
        ranking = [r for r in ranking if r in judged]
    return Outcome(
        query,
        ranking,
        0.0,
        ndcg10=ndcg_at(ranking, query.relevant),
        ap=average_precision(ranking, query.relevant),
        p10=precision_at(ranking, query.relevant),
    )


def run_queries(engine, name: str, collection: Collection, index_s: float) -> Run:
    """Every query of the collection on one (already indexed) engine."""
    run = Run(name, collection.name, index_s)
    engine.search("warm up the searcher", DEPTH)
    for query in collection.queries:
        t0 = time.perf_counter()
        results = engine.search(query.text, DEPTH)
        elapsed_ms = (time.perf_counter() - t0) * 1000
        outcome = score(query, results, collection.judged)
        outcome.latency_ms = elapsed_ms
        outcome.mode = getattr(engine, "last_mode", "")
        run.outcomes.append(outcome)
    return run


def evaluate(
    collections: Sequence[Collection], engine_names: Sequence[str], rebuild: bool
) -> tuple[list[Run], list[str]]:
    """Index each corpus once per engine, then run every collection of that corpus."""
    runs, notes = [], []
    by_corpus: dict[str, list[Collection]] = {}
    for c in collections:
        by_corpus.setdefault(c.corpus, []).append(c)
    for group in by_corpus.values():
        index_dir = None
        if any(ENGINES[n][1] for n in engine_names):
            index_dir, note = ensure_judged_index(group[0], rebuild=rebuild)
            notes.append(note)
        for name in engine_names:
            engine = ENGINES[name][2](index_dir)
            started = time.perf_counter()
            engine.index(group[0].docs)
            index_s = time.perf_counter() - started
            for collection in group:
                run = run_queries(engine, name, collection, index_s)
                runs.append(run)
                print(
                    f"[{collection.name}] {name}: nDCG@10 {mean(run, 'ndcg10'):.3f} "
                    f"(indexed in {index_s:.1f} s)",
                    file=sys.stderr,
                )
            del engine  # the peers hold their index in memory
    return runs, notes


# --- reporting -----------------------------------------------------------------------------


def mean(run_or_outcomes, metric: str) -> float:
    """Mean of a metric over a run's outcomes (or a list of outcomes); 0 when empty."""
    outcomes = run_or_outcomes.outcomes if isinstance(run_or_outcomes, Run) else run_or_outcomes
    return statistics.fmean(getattr(o, metric) for o in outcomes) if outcomes else 0.0


def bucket_of(words: int) -> str:
    """The length bucket of a query of ``words`` words."""
    return next(name for name, low, high in BUCKETS if low <= words <= high)


def _refused(run: Run) -> str:
    if run.engine != "archive":
        return ""
    return str(sum(o.mode.startswith("error") for o in run.outcomes))


def _any_share(run: Run) -> str:
    if run.engine != "archive":
        return ""
    return f"{sum(o.mode == 'any' for o in run.outcomes) / len(run.outcomes):.2f}"


def format_tables(runs: Sequence[Run]) -> str:
    """The main table (collection x engine) and the one by query length."""
    lines = [
        "| collection | engine | nDCG@10 | MAP | P@10 | queries | refused | any-word | p50 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        p50 = statistics.median(o.latency_ms for o in run.outcomes) if run.outcomes else 0.0
        lines.append(
            f"| {run.collection} | {run.engine} | {mean(run, 'ndcg10'):.3f} | "
            f"{mean(run, 'ap'):.3f} | {mean(run, 'p10'):.3f} | {len(run.outcomes)} | "
            f"{_refused(run)} | {_any_share(run)} | {p50:.1f} |"
        )
    header = " | ".join(f"{name} words" for name, _l, _h in BUCKETS)
    lines += [
        "",
        "By query length (words as sent), each cell nDCG@10 / MAP / P@10:",
        "",
        f"| collection | engine | {header} |",
        "| --- | --- |" + " --- |" * len(BUCKETS),
    ]
    seen_counts = set()
    for run in runs:
        cells = []
        for name, _low, _high in BUCKETS:
            part = [o for o in run.outcomes if bucket_of(o.query.words) == name]
            if part:
                cells.append(
                    f"{mean(part, 'ndcg10'):.3f} / {mean(part, 'ap'):.3f} / {mean(part, 'p10'):.3f}"
                )
            else:
                cells.append("-")
        if run.collection not in seen_counts:
            seen_counts.add(run.collection)
            counts = [
                sum(bucket_of(o.query.words) == name for o in run.outcomes)
                for name, _l, _h in BUCKETS
            ]
            lines.append(f"| {run.collection} | (queries) | " + " | ".join(map(str, counts)) + " |")
        lines.append(f"| {run.collection} | {run.engine} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_pairs(runs: Sequence[Run]) -> str:
    """Per query, ours against each other engine: better / level / worse by nDCG@10."""
    lines = []
    for ours in (r for r in runs if r.engine == "archive"):
        parts = []
        for other in (r for r in runs if r.collection == ours.collection and r is not ours):
            pairs = list(zip(ours.outcomes, other.outcomes, strict=True))
            better = sum(a.ndcg10 > b.ndcg10 + 1e-9 for a, b in pairs)
            worse = sum(a.ndcg10 < b.ndcg10 - 1e-9 for a, b in pairs)
            parts.append(f"{other.engine} {better}/{len(pairs) - better - worse}/{worse}")
        if not parts:
            continue
        lines.append(
            f"- {ours.collection}: ours better/level/worse by nDCG@10 vs " + "; ".join(parts)
        )
    return "\n".join(lines)


def format_losses(runs: Sequence[Run], per_collection: int = 8) -> str:
    """The queries on which ours falls furthest below the best other engine (nDCG@10)."""
    lines = []
    for ours in (r for r in runs if r.engine == "archive"):
        others = [r for r in runs if r.collection == ours.collection and r is not ours]
        if not others:
            continue
        rows = []
        for i, mine in enumerate(ours.outcomes):
            best = max(others, key=lambda r: r.outcomes[i].ndcg10)
            gap = best.outcomes[i].ndcg10 - mine.ndcg10
            if gap > 0:
                rows.append((gap, mine, best.engine, best.outcomes[i].ndcg10))
        rows.sort(key=lambda r: -r[0])
        lines.append(f"\n## {ours.collection}: {len(rows)} queries where another engine is ahead")
        for _gap, mine, engine, theirs in rows[:per_collection]:
            lines.append(
                f"- {mine.query.id} ({mine.query.words} words, mode {mine.mode}): ours "
                f"{mine.ndcg10:.3f}, {engine} {theirs:.3f}: {mine.query.text[:160]!r}"
            )
    return "\n".join(lines)


def results_json(runs: Sequence[Run], notes: Sequence[str], overrides: Sequence[str]) -> dict:
    """Every query's scores on every engine, machine-readable."""
    out: dict = {
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "overrides": list(overrides),
        "notes": list(notes),
        "collections": {},
    }
    for run in runs:
        entry = out["collections"].setdefault(run.collection, {"queries": {}, "engines": {}})
        for o in run.outcomes:
            entry["queries"].setdefault(
                o.query.id,
                {"text": o.query.text, "words": o.query.words, "relevant": len(o.query.relevant)},
            )
        entry["engines"][run.engine] = {
            "summary": {
                "ndcg10": mean(run, "ndcg10"),
                "map": mean(run, "ap"),
                "p10": mean(run, "p10"),
                "queries": len(run.outcomes),
            },
            "per_query": {
                o.query.id: {
                    "ndcg10": round(o.ndcg10, 6),
                    "ap": round(o.ap, 6),
                    "p10": round(o.p10, 6),
                    "mode": o.mode,
                    "top10": o.ranking[:K],
                }
                for o in run.outcomes
            },
        }
    return out


def _git_describe() -> str:
    """The commit measured (and whether the work tree had changes), for comparing runs."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections", default=",".join(COLLECTIONS))
    parser.add_argument("--engines", default=",".join(ENGINES), help="names or families")
    parser.add_argument("--rebuild", action="store_true", help="rebuild our indexes")
    parser.add_argument(
        "--json",
        nargs="?",
        const=str(OUT / "results.json"),
        default=None,
        metavar="PATH",
        help=f"write per-query scores as JSON (default path {OUT.relative_to(REPO)}/results.json)",
    )
    parser.add_argument(
        "--output",
        default=str(RESULTS_MD),
        help="markdown tables ('-': only print); default bench/results/judged.md",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="MODULE.NAME=VALUE",
        help="override a constant of our engine for this run (repeatable), e.g. "
        "search_api.query.TITLE_WEIGHT=3",
    )
    args = parser.parse_args(argv)
    engine_names = selected_engines(args.engines)
    overrides = apply_overrides(args.set)
    started = time.perf_counter()
    collections = load_collections([c.strip() for c in args.collections.split(",") if c.strip()])
    notes = [f"override: {o}" for o in overrides]
    for c in collections:
        notes += c.notes
    runs, index_notes = evaluate(collections, engine_names, args.rebuild)
    order = [c.name for c in collections]
    runs.sort(key=lambda r: (order.index(r.collection), engine_names.index(r.engine)))
    notes += index_notes
    notes.append(f"code: {_git_describe()}")
    notes.append(f"whole run {time.perf_counter() - started:.0f} s")

    tables = format_tables(runs)
    pairs = format_pairs(runs)
    report = "\n".join(f"- {n}" for n in notes) + "\n\n" + tables + "\n\n" + pairs + "\n"
    print(report)
    losses = format_losses(runs)
    print(losses)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last-run.md").write_text(report + losses + "\n", encoding="utf-8")
    if args.output != "-":
        Path(args.output).write_text(
            "# Ranking on judged collections (`bench/eval_judged.py`)\n\n"
            "Written by the script; method in its docstring and in `bench/RESULTS.md`.\n\n"
            + report,
            encoding="utf-8",
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(results_json(runs, notes, overrides), indent=1) + "\n", encoding="utf-8"
        )
        print(f"per-query scores: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
