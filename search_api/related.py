"""Related stories: the articles most like one article (``GET /articles/{id}/related``).

An article is described by its most distinctive words and by its people and places, and
that description is run as one ranked any-word query over the fast array evaluator
(search_api.postings), so its cost is that of a ~25-word search whatever the archive's
size: nothing is precomputed, and a new build is used as soon as it is served.

- Key terms: the article's title and body, analysed by the index's own body analyzer (the
  words as the index holds them, stemmed), weighted ``tf * idf`` with the index's document
  frequencies (Lucene's more-like-this weighting; the title's words count
  ``TITLE_TF`` times), stop words, numbers and words no other article holds left out; the
  best ``KEY_TERMS``. Whoosh's own expansion model (``classify.Bo1Model``, as its
  ``more_like`` uses) is the other ``model``; bench/eval_related.py measured both
  (bench/RESULTS.md, "Related stories").
- The query: each key term over title and body as one BM25 field (``CombinedTerm``, as
  searches score a word), boosted by its weight relative to the best term; each of the
  article's people and places (the exact ``people_tag`` / ``places_tag`` values) adds
  ``ENTITY_WEIGHT * idf``: a rare name shared says more than "United States".
- Duplicates: the article itself and its own copies never appear, and a story appears once
  however many copies the archive holds (``is_duplicate``, the one place that decides).

Parts: ``DocFrequencies`` (a generation's body document frequencies, cached), ``Profile``
(what is compared of an article), ``key_terms``, ``related_query``, ``is_duplicate``,
``find_related``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh.classify import Bo1Model, Expander

from indexer.records import StoredArticle, article_from_stored
from indexer.schema import fold, news_analyzer
from search_api.bm25 import CombinedTerm, lucene_idf
from search_api.postings import GenerationArrays, collect
from search_api.query import BODY_WEIGHT, STOP_WORDS, TITLE_WEIGHT

DEFAULT_LIMIT = 5
MAX_LIMIT = 20
# How many distinctive words describe an article. Measured by bench/eval_related.py
# (bench/RESULTS.md, "Related stories"): 10 lose 0.02 on the subject, 40 gain <= 0.008 at
# ~1.5x the time.
KEY_TERMS = 25
# A title word counts this many times in the term frequencies (the title says what the
# story is about in few words).
TITLE_TF = 2
# Key terms come from the opening of a very long text only (a bounded cost per request;
# the longest BBC article is ~25,000 characters).
KEY_TERM_CHARS = 50_000
# Each shared person or place adds ENTITY_WEIGHT * its idf to a candidate's score: 0.25
# is level with none on the subject labels, 1 and 3 are worse on Reuters and BBC alike.
ENTITY_WEIGHT = 0.25
# A word in more than this share of the articles is no key term (None: no limit). A
# cheaper query on a big archive, but 10% lost 0.01-0.05 on the subject, 5% 0.03-0.07.
MAX_DF_SHARE: float | None = None
MODELS = ("tfidf", "bo1")
# tf-idf was level with or ahead of Whoosh's Bo1 on all three samples.
DEFAULT_MODEL = "tfidf"
# Two articles of the same title are copies when they share this share of the larger
# one's key terms (the same story sent again, a corrected version).
DUPLICATE_TERM_SHARE = 0.8
# Candidates read per related story asked for (copies and the article itself are skipped);
# widened (x4, up to MAX_CANDIDATES) when copies used them up.
CANDIDATES_PER_STORY = 4
MIN_CANDIDATES = 32
MAX_CANDIDATES = 2000
TIME_LIMIT_S = 3.0
TEXT_FIELDS = ("title", "body")
# Words whose document frequency is kept per generation (~100 bytes each; the cache is
# emptied when full). Looking a word up in every segment's lexicon was most of the cost of
# key terms (~170 distinct words in a BBC article).
DF_CACHE_ENTRIES = 50_000


@lru_cache(maxsize=1)
def _stop_terms() -> frozenset[str]:
    """The stop words as the body analyzer indexes them ("was" -> "wa")."""
    analyzer = news_analyzer()
    return frozenset(t.text for word in STOP_WORDS for t in analyzer(word))


class DocFrequencies:
    """The body document frequencies of one index generation, looked up once per word
    (bounded); safe to share between threads (each caller passes its own reader)."""

    def __init__(self, reader=None, max_entries: int = DF_CACHE_ENTRIES):
        self.max_entries = max_entries
        self._cache: dict[str, int] = {}

    def get(self, reader, word: str) -> int:
        got = self._cache.get(word)
        if got is None:
            got = reader.doc_frequency("body", word)
            if len(self._cache) >= self.max_entries:
                self._cache.clear()
            self._cache[word] = got
        return got


@dataclass
class Profile:
    """What is compared of an article: its folded title, its body, and (computed on first
    need) its key terms."""

    docnum: int
    stored: StoredArticle
    title_key: str = ""
    _terms: list[tuple[str, float]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, docnum: int, stored: StoredArticle) -> Profile:
        return cls(docnum, stored, fold(stored.title or ""))

    def terms(self, searcher, frequencies=None) -> list[tuple[str, float]]:
        """The key terms (the defaults: what copies are compared by)."""
        if self._terms is None:
            self._terms = key_terms(searcher, self.stored, frequencies=frequencies)
        return self._terms


def key_terms(
    searcher,
    stored: StoredArticle,
    count: int = KEY_TERMS,
    model: str = DEFAULT_MODEL,
    frequencies: DocFrequencies | None = None,
    max_df_share: float | None = None,
) -> list[tuple[str, float]]:
    """The article's ``count`` most distinctive index terms and their weights, best first.

    Args:
        searcher: the article index's searcher (its analyzer and document frequencies).
        stored: the article.
        count: how many terms.
        model: ``tfidf`` (tf * Lucene idf over title and body) or ``bo1`` (Whoosh's
            ``Bo1Model`` over the body field's collection frequencies).
        frequencies: the generation's cached document frequencies (else looked up).
        max_df_share: a word in more than this share of the articles is left out (the
            default: ``MAX_DF_SHARE``).
    """
    analyzer = searcher.schema["body"].analyzer
    tf: Counter[str] = Counter()
    for text, times in ((stored.title or "", TITLE_TF), (stored.body or "", 1)):
        for token in analyzer(text[:KEY_TERM_CHARS], positions=False, chars=False):
            tf[token.text] += times
    stop = _stop_terms()
    reader = searcher.reader()
    n_docs = searcher.doc_count_all()
    frequencies = frequencies or DocFrequencies()
    share = MAX_DF_SHARE if max_df_share is None else max_df_share
    max_df = n_docs if share is None else share * n_docs
    weights: list[tuple[float, str]] = []
    if model == "bo1":
        expander = Expander(reader, "body", model=Bo1Model)
        expander.add((word, float(freq)) for word, freq in tf.items() if _is_content(word, stop))
        got = expander.expanded_terms(count * 2, normalize=False)
        weights = [(w, t) for t, w in got if 1 < frequencies.get(reader, t) <= max_df]
    elif model == "tfidf":
        for word, freq in tf.items():
            if not _is_content(word, stop):
                continue
            # The body's frequency alone: a word is rarely in more titles than bodies (the
            # query scores both).
            df = frequencies.get(reader, word)
            if 1 < df <= max_df:  # a word only this article holds finds nothing else
                weights.append((freq * lucene_idf(n_docs, df), word))
    else:
        raise ValueError(f"unknown key-term model {model!r}; use one of {MODELS}")
    weights.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(word, weight) for weight, word in weights[:count]]


def _is_content(word: str, stop: frozenset[str]) -> bool:
    return len(word) > 1 and word not in stop and not word.replace(".", "").isdigit()


def related_query(
    searcher,
    terms: list[tuple[str, float]],
    stored: StoredArticle,
    entity_weight: float = ENTITY_WEIGHT,
) -> wq.Query | None:
    """Any of the key terms (each boosted by its weight relative to the best one) or the
    article's people and places; None when there is nothing to search for."""
    parts: list[wq.Query] = []
    if terms:
        top = terms[0][1] or 1.0
        parts += [
            CombinedTerm(TEXT_FIELDS, word, (TITLE_WEIGHT, BODY_WEIGHT), boost=weight / top)
            for word, weight in terms
        ]
    if entity_weight > 0:
        reader = searcher.reader()
        n_docs = searcher.doc_count_all()
        for tag_field, values in (("people_tag", stored.people), ("places_tag", stored.places)):
            for value in dict.fromkeys(values):
                df = reader.doc_frequency(tag_field, value)
                if df > 1:
                    boost = entity_weight * lucene_idf(n_docs, df)
                    parts.append(wq.Term(tag_field, value, boost=boost))
    if not parts:
        return None
    return wq.Or(parts)


def is_duplicate(searcher, a: Profile, b: Profile, frequencies=None) -> bool:
    """Whether ``b`` is a copy of ``a``: the same title (folded) and the same or nearly the
    same body (identical text, or ``DUPLICATE_TERM_SHARE`` of their key terms shared).

    First the build's near-duplicate group (indexer/duplicates.py): two articles of one
    group are copies whatever their titles.
    """
    if a.stored.group is not None and a.stored.group == b.stored.group:
        return True
    if a.title_key != b.title_key:
        return False
    if a.stored.body == b.stored.body:
        return True
    mine = {t for t, _ in a.terms(searcher, frequencies)}
    theirs = {t for t, _ in b.terms(searcher, frequencies)}
    if not mine or not theirs:
        return not mine and not theirs
    return len(mine & theirs) >= DUPLICATE_TERM_SHARE * max(len(mine), len(theirs))


def find_related(
    searcher,
    arrays: GenerationArrays,
    docnum: int,
    stored: StoredArticle,
    limit: int = DEFAULT_LIMIT,
    *,
    count: int = KEY_TERMS,
    entity_weight: float = ENTITY_WEIGHT,
    model: str = DEFAULT_MODEL,
    frequencies: DocFrequencies | None = None,
    max_df_share: float | None = None,
) -> list[tuple[StoredArticle, float]]:
    """The ``limit`` articles most like ``stored`` (document ``docnum``) and their scores,
    best first: never the article itself or a copy of it, and one article per story.
    ``frequencies``: the generation's ``DocFrequencies`` (the engine keeps one)."""
    frequencies = frequencies or DocFrequencies()
    article = Profile.of(docnum, stored)
    terms = key_terms(searcher, stored, count, model, frequencies, max_df_share)
    if (count, model, max_df_share) == (KEY_TERMS, DEFAULT_MODEL, None):
        article._terms = terms  # noqa: SLF001 (the ones the copy check compares)
    query = related_query(searcher, terms, stored, entity_weight)
    if query is None:
        return []
    depth = max(MIN_CANDIDATES, CANDIDATES_PER_STORY * limit)
    seen: set[int] = set()
    kept: list[tuple[Profile, float]] = []
    while True:
        got = collect(searcher, arrays, query, depth, time_limit=TIME_LIMIT_S)
        for candidate, score in got.top:
            if candidate == docnum or candidate in seen:
                continue
            seen.add(candidate)
            profile = Profile.of(candidate, article_from_stored(searcher.stored_fields(candidate)))
            if is_duplicate(searcher, article, profile, frequencies):
                continue
            if any(is_duplicate(searcher, other, profile, frequencies) for other, _ in kept):
                continue
            kept.append((profile, float(score or 0.0)))
            if len(kept) == limit:
                return [(p.stored, s) for p, s in kept]
        if len(got.top) < depth or depth >= MAX_CANDIDATES or got.timed_out:
            return [(p.stored, s) for p, s in kept]
        depth = min(MAX_CANDIDATES, depth * 4)
