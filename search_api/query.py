"""User text -> Whoosh query, safe by default.

User text is data, not syntax, except for the features we parse on purpose:
``"exact phrases"`` (straight or curly quotes), ``-word`` / ``-"phrase"`` and ``NOT word``
to exclude, ``OR`` between items, ``title:`` ``people:`` ``places:`` ``author:`` prefixes,
and ``word*`` prefix search (expanded to a bounded number of index words). Every other
character is text that the shared analyzer turns into words (or drops).

Parts:
    ``parse_query(text) -> ParsedQuery``: the lexer/parser (pure, no index needed);
    ``QueryBuilder(searcher)``: analyses a ``ParsedQuery`` against the index's own schema
    (``ix.schema``) and vocabulary: ``plan(parsed) -> QueryPlan``, built once per request;
    ``QueryPlan``: every item's query, and what is made of them: ``all_words()`` (every word
    required) and ``any_words()`` (the fallback for long questions: a minimum number of words
    must match, more is better), the proximity pairs, the content-word count;
    ``QueryError``: what a 400 is made of.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from whoosh import query as wq

from indexer.schema import name_analyzer
from search_api.bm25 import CombinedTerm
from search_api.minmatch import MinMatchOr
from search_api.phrase import Phrase
from search_api.synonyms import Synonyms

# A reader may paste a paragraph as a question: long text is fine, its cost is bounded by
# the plan (MAX_QUERY_TERMS), not by refusing it.
MAX_QUERY_CHARS = 4000
# Phrases, prefixes (word*), field prefixes, exclusions and OR'ed items: the syntax that
# costs work of its own. Plain words are bounded by the characters.
MAX_ITEMS = 50
# A query of more distinct plain words than this is ranked by its rarest ones (the words
# that tell documents apart; the commonest add little but cost a postings walk each).
MAX_QUERY_TERMS = 32
# Whether a word the query repeats counts again (its weight in the query grows with it).
REPEATED_WORDS_COUNT = True
MAX_PREFIX_EXPANSION = 50
MIN_PREFIX_CHARS = 2

QUOTES = '"“”„‟«»'
FIELD_ALIASES = {
    "title": "title",
    "people": "people",
    "person": "people",
    "places": "places",
    "place": "places",
    "speaker": "speaker",
    # The people of the byline (``authors``: their names; ``author`` holds the byline).
    "author": "authors",
    "authors": "authors",
    "by": "authors",
}
# Fields searched when the user names none: text fields and the people/places names.
SEARCH_FIELDS = ("title", "body", "people", "places")
# Query-time weights of each field's BM25 score (tuned by bench/eval_ranking.py).
TITLE_WEIGHT = 2.0
BODY_WEIGHT = 1.0
PEOPLE_WEIGHT = 0.1
PLACES_WEIGHT = 0.1
# A long query (this many content words or more) is ranked any-word from the start.
LONG_QUERY_WORDS = 4
# Any-word matching (4-7 content words): share of the content words a document must match
# (a third: 2 of 4 or 5, 3 of 6 or 7), and how strongly the share of matched words scales
# the score (score * share ** COORD_POWER).
ANY_MIN_SHARE = 0.34
# A query of this many content words or more is a question: any one of its words matches,
# and its matches are scored without the coordination factor and with a smaller proximity
# bonus (chosen on the judged and known-item sets together, see bench/RESULTS.md: a
# headline typed in wants its words side by side and all of them; a question's relevant
# answers rarely hold every word).
QUESTION_WORDS = 8
QUESTION_COORD_POWER = 0.0
QUESTION_MIN_SHARE = 0.0
QUESTION_PROXIMITY_BOOST = 0.1
# The fallback of a short query that found (almost) nothing with every word: at least this
# share of its words (so "central african republic" does not fall back to "central").
FALLBACK_MIN_SHARE = 0.5
COORD_POWER = 0.5
# Whether stop words add score in any-word matching (in a question they are noise).
ANY_STOP_WORDS = False
# Proximity: adjacent query words found within PROXIMITY_WINDOW words of each other, in
# order, add PROXIMITY_BOOST * (idf(a) + idf(b)) to a top hit's score (a re-rank of the
# best PROXIMITY_CANDIDATES, so it costs little).
PROXIMITY_BOOST = 0.5
PROXIMITY_WINDOW = 5
PROXIMITY_CANDIDATES = 50


# Title and body are scored as one BM25 field (a word's weighted frequencies summed before
# saturation: search_api.bm25); people and places add their own BM25 score times their
# (small) weight, a bonus for a name the article is about.
COMBINED_FIELDS = True
COMBINED = ("title", "body")


def field_weight(field: str) -> float:
    """The query-time weight of a field (read at call time, so tuning can change it)."""
    return {
        "title": TITLE_WEIGHT,
        "body": BODY_WEIGHT,
        "people": PEOPLE_WEIGHT,
        "places": PLACES_WEIGHT,
    }.get(field, 1.0)


# Words that never narrow a search on their own: optional unless the query is only these.
STOP_WORDS = frozenset(
    (
        "a about above after again against all also am an and any are as at be because been "
        "before being below between both but by can could did do does doing down during each "
        "few for from further had has have having he her here hers herself him himself his how "
        "i if in into is it its itself just latest me more most my myself new news no nor not "
        "now of off on once only or other our ours out over own same she should so some such "
        "than that the their theirs them themselves then there these they this those through "
        "to too under until up very was we were what when where which while who whom why will "
        "with would you your yours"
    ).split()
)

# The names analyzer (folded like text, not stemmed): prefixes expand against unstemmed words.
_NAMES = name_analyzer()
# A hyphen between two word characters (what the analyzer joins into one compound).
_HYPHENATED = re.compile(r"(?<=\w)[\-\u2010\u2011](?=\w)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_FIELD_PREFIX = re.compile(r"(\w+):(?=[^\s:])")


class QueryError(ValueError):
    """A query that cannot be run; the message says what to change."""


@dataclass(frozen=True)
class Item:
    """One word, phrase or prefix of the query."""

    text: str
    phrase: bool = False
    prefix: bool = False
    field: str | None = None
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """``groups`` are ANDed; the items inside a group are ORed. ``excluded`` are NOTed."""

    groups: tuple[tuple[Item, ...], ...]
    excluded: tuple[Item, ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(" ", text)


def _lex(text: str) -> list[Item | str]:
    """Split the text into items and the operators "OR" / "NOT"."""
    out: list[Item | str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        field = None
        m = _FIELD_PREFIX.match(text, i)
        if m and m.group(1).lower() in FIELD_ALIASES:
            field = FIELD_ALIASES[m.group(1).lower()]
            i = m.end()
        if i < n and text[i] in QUOTES:
            close = next((j for j in range(i + 1, n) if text[j] in QUOTES), None)
            if close is not None:
                out.append(Item(text[i + 1 : close], phrase=True, field=field, negated=negated))
                i = close + 1
                continue
            i += 1  # an unbalanced quote is just punctuation
        j = i
        while j < n and not text[j].isspace() and text[j] not in QUOTES:
            j += 1
        word = text[i:j]
        i = j
        if not word:
            continue
        if word in ("OR", "|", "||") and not negated and field is None:
            out.append("OR")
        elif word == "NOT" and not negated and field is None:
            out.append("NOT")
        elif word in ("AND", "&&", "+"):
            continue
        else:
            prefix = word.endswith("*") and len(word.rstrip("*")) >= MIN_PREFIX_CHARS
            out.append(Item(word.rstrip("*") if prefix else word, False, prefix, field, negated))
    return out


def parse_query(text: str) -> ParsedQuery:
    """Parse what a user typed.

    Raises:
        QueryError: the query is too long or has too many items.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is {len(text)} characters long; at most {MAX_QUERY_CHARS} are allowed."
        )
    tokens = _lex(_clean(text))
    groups: list[list[Item]] = []
    excluded: list[Item] = []
    join_next = negate_next = False
    items = 0
    for tok in tokens:
        if tok == "OR":
            join_next = bool(groups)
            continue
        if tok == "NOT":
            negate_next = True
            continue
        syntax = tok.phrase or tok.prefix or tok.field or tok.negated or negate_next or join_next
        items += bool(syntax)
        if negate_next or tok.negated:
            excluded.append(Item(tok.text, tok.phrase, tok.prefix, tok.field, True))
            negate_next = join_next = False
            continue
        if join_next:
            groups[-1].append(tok)
        else:
            groups.append([tok])
        join_next = False
    if items > MAX_ITEMS:
        raise QueryError(
            f"The query has {items} phrases, prefixes, field prefixes, exclusions or OR'ed "
            f"words; at most {MAX_ITEMS} are allowed."
        )
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))


class QueryBuilder:
    """Builds Whoosh queries for one searcher (its schema and vocabulary)."""

    def __init__(
        self,
        searcher,
        fields: tuple[str, ...] = SEARCH_FIELDS,
        aliases: dict[str, str] | None = None,
        synonyms: Synonyms | None = None,
    ):
        """``fields``: searched when an item names none; ``aliases``: a field prefix the
        user wrote -> this index's field (``people:`` is the speaker in the quotation index);
        ``synonyms``: what widens a word (``search_api.synonyms``; none by default)."""
        self.searcher = searcher
        self.schema = searcher.schema
        self.fields = fields
        self.aliases = aliases or {}
        self.synonyms = synonyms

    def tokens(self, field: str, text: str) -> list[str]:
        """The index terms the field's own analyzer makes of ``text``."""
        return [t.text for t in self.schema[field].analyzer(text, mode="query")]

    def _field_query(self, field: str, item: Item) -> wq.Query | None:
        if item.prefix:
            return self._prefix_query(field, item.text)
        toks = self.tokens(field, item.text)
        if not toks:
            return None
        weight = field_weight(field)
        joined = wq.Term(field, toks[0], boost=weight) if len(toks) == 1 else None
        joined = joined or Phrase(field, toks, boost=weight)
        if not _HYPHENATED.search(item.text):
            return joined
        # "long-term" is the joined word (which the index holds for "long-term" and
        # "longterm") or its parts written apart ("long term"): the phrase of the parts.
        split = self.tokens(field, _HYPHENATED.sub(" ", item.text))
        if len(split) < 2 or split == toks:
            return joined
        return wq.Or([joined, Phrase(field, split, boost=weight)])

    def _prefix_query(self, field: str, text: str) -> wq.Query | None:
        # Expand against the unstemmed vocabulary, keep the most frequent words, then
        # analyze each (stemming) so it matches what the field indexed.
        folded = [t.text for t in _NAMES(text, mode="query")]  # folded, not stemmed
        if len(folded) != 1:
            return None
        reader = self.searcher.reader()
        source = _spelling_field(self.schema, field)
        words = list(reader.expand_prefix(source, folded[0]))
        if len(words) > MAX_PREFIX_EXPANSION:
            words.sort(key=lambda w: -reader.doc_frequency(source, w))
            words = words[:MAX_PREFIX_EXPANSION]
        terms = set()
        for w in words:
            w = w.decode("utf-8") if isinstance(w, bytes) else w
            terms.update(self.tokens(field, w))
        if not terms:
            return None
        weight = field_weight(field)
        return wq.Or([wq.Term(field, t, boost=weight) for t in sorted(terms)])

    def item_query(self, item: Item) -> wq.Query | None:
        """The query for one item over its field, or over every search field."""
        field = self.aliases.get(item.field, item.field)
        if field and field not in self.schema.names():
            raise QueryError(f"'{item.field}:' cannot be searched here.")
        fields = (field,) if field else self.fields
        combined = None
        if not field and COMBINED_FIELDS and not item.prefix:
            combined = self._combined_query(item)
            if combined is not None:
                fields = tuple(f for f in fields if f not in COMBINED)
        parts = [q for f in fields if (q := self._field_query(f, item)) is not None]
        if combined is not None:
            parts.insert(0, combined)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _combined_query(self, item: Item) -> wq.Query | None:
        """A single word over title and body as one BM25 field (``search_api.bm25``)."""
        fields = tuple(f for f in COMBINED if f in self.fields and f in self.schema)
        if len(fields) < 2:
            return None
        toks = {f: self.tokens(f, item.text) for f in fields}
        first = toks[fields[0]]
        if len(first) != 1 or any(t != first for t in toks.values()) or item.phrase:
            return None
        if _HYPHENATED.search(item.text):
            return None  # the joined word or the phrase of its parts: per field
        weights = tuple(field_weight(f) for f in fields)
        return CombinedTerm(fields, first[0], weights)

    def _is_stop(self, item: Item) -> bool:
        return (
            not item.phrase
            and not item.prefix
            and item.field is None
            and item.text.lower().strip(".,;:!?'’") in STOP_WORDS
        )

    def plan(self, parsed: ParsedQuery) -> QueryPlan:
        """Build every item's query once: the plan the engine runs, falls back on and marks.

        Prefix expansion reads the lexicon and every item is analysed, so a request plans
        its query once and passes the plan on. Synonyms widen the groups here (the plan's
        ``parsed`` stays what the user wrote).
        """
        groups, excluded = parsed.groups, parsed.excluded
        words = sum(1 for g in groups if not all(self._is_stop(i) for i in g))
        if self.synonyms is not None and words < QUESTION_WORDS:
            # A question is not widened: its other words already say what it is about, and
            # an alternative's OR outweighs them (CISI's two questions naming "the united
            # states" fell 0.46 and 0.20 nDCG@10 with the aliases).
            groups, excluded = self.synonyms.expand(groups, excluded)
        content = [g for g in groups if not all(self._is_stop(i) for i in g)]
        stops = [g for g in groups if all(self._is_stop(i) for i in g)]
        if not content:  # a query of stop words only: then they are the words to find
            content, stops = stops, []
        required, singles = [], []
        for group, times in self._rarest(content):
            qs = [q for i in group if (q := self.item_query(i)) is not None]
            if qs:
                q = qs[0] if len(qs) == 1 else wq.Or(qs)
                if times > 1:
                    q = q.copy()
                    q.boost *= times
                required.append(q)
                if len(group) == 1 and not group[0].phrase and not group[0].prefix:
                    singles.append(group[0])
        optional = [q for g in stops for i in g if (q := self.item_query(i)) is not None]
        neg = [q for i in excluded if (q := self.item_query(i)) is not None]
        excluded = None if not neg else neg[0] if len(neg) == 1 else wq.Or(neg)
        return QueryPlan(
            parsed=parsed,
            required=tuple(required),
            optional=tuple(optional),
            excluded=excluded,
            pairs=tuple(self._pairs(singles)),
        )

    def _rarest(self, groups: list[tuple[Item, ...]]) -> list[tuple[tuple[Item, ...], int]]:
        """The groups to rank by, each with how often the query says it: a plain word said
        again weighs again (a question repeats what it is about) but is searched once; at
        most ``MAX_QUERY_TERMS`` distinct plain words (the rarest in the body) are kept, in
        the order the user wrote them."""
        out: list[list] = []
        plain: dict[tuple[str, ...], int] = {}  # analysed word -> its place in out
        for g in groups:
            item = g[0]
            if len(g) == 1 and not (item.phrase or item.prefix or item.field):
                key = tuple(self.tokens("body", item.text))
                if key in plain:
                    out[plain[key]][1] += 1
                    continue
                plain[key] = len(out)
            out.append([g, 1])
        if len(plain) > MAX_QUERY_TERMS:
            reader = self.searcher.reader()

            def df(key: tuple[str, ...]) -> int:
                return min((reader.doc_frequency("body", t) for t in key), default=0)

            ranked = sorted(plain, key=lambda k: (df(k) == 0, df(k), plain[k]))
            dropped = {plain[k] for k in ranked[MAX_QUERY_TERMS:]}
            out = [pair for i, pair in enumerate(out) if i not in dropped]
        return [(g, n if REPEATED_WORDS_COUNT else 1) for g, n in out]

    def _pairs(self, singles: list[Item]) -> list[tuple[str, str]]:
        """Body terms of adjacent query words, for the proximity re-rank of the top hits."""
        pairs = []
        for a, b in zip(singles, singles[1:], strict=False):
            if a.field or b.field:
                continue
            ta, tb = self.tokens("body", a.text), self.tokens("body", b.text)
            if len(ta) == 1 and len(tb) == 1 and ta != tb:
                pairs.append((ta[0], tb[0]))
        return pairs


@dataclass(frozen=True)
class QueryPlan:
    """One request's query, planned once (``QueryBuilder.plan``) and passed on.

    ``required``: one query per content group (a word, phrase, prefix or OR group);
    ``optional``: the stop words, which add score but never narrow; ``excluded``: what
    ``-word``/``NOT`` removes; ``pairs``: body terms of adjacent single words, for the
    proximity re-rank.
    """

    parsed: ParsedQuery
    required: tuple[wq.Query, ...]
    optional: tuple[wq.Query, ...]
    excluded: wq.Query | None
    pairs: tuple[tuple[str, str], ...]

    @property
    def content_words(self) -> int:
        """How many required groups (words the analyzer keeps, not stop words)."""
        return len(self.required)

    @property
    def is_question(self) -> bool:
        """A long question (``QUESTION_WORDS`` content words or more): ranked by what it is
        about, not by how many of its words a document repeats."""
        return self.content_words >= QUESTION_WORDS

    @property
    def proximity_boost(self) -> float:
        """How much adjacent query words found close together add (``search_api.proximity``)."""
        return QUESTION_PROXIMITY_BOOST if self.is_question else PROXIMITY_BOOST

    @property
    def has_or(self) -> bool:
        """Whether the user wrote an OR (then "all groups" is what they asked for)."""
        return any(len(g) > 1 for g in self.parsed.groups)

    def _exclude(self, main: wq.Query) -> wq.Query:
        return main if self.excluded is None else wq.AndNot(main, self.excluded)

    def all_words(self) -> wq.Query | None:
        """Every content word (or OR group) required; stop words add score.

        Returns None when nothing searchable is left (e.g. only punctuation).
        """
        if not self.required:
            if self.parsed.excluded and not self.parsed.groups:
                return self._exclude(wq.Every())
            return None
        main = self.required[0] if len(self.required) == 1 else wq.And(list(self.required))
        if self.optional:
            main = wq.AndMaybe(main, wq.Or(list(self.optional)))
        return self._exclude(main)

    def any_words(self, min_share: float | None = None) -> wq.Query | None:
        """At least ``min_share`` of the content words must match (``ANY_MIN_SHARE`` for a
        long question); more is better.

        None when the query has fewer than two content groups (then "all" is the answer).
        """
        n = len(self.required)
        if n < 2:
            return None
        if min_share is None:
            min_share = QUESTION_MIN_SHARE if self.is_question else ANY_MIN_SHARE
        share = min_share
        minmatch = max(1, min(n - 1, math.ceil(n * share)))
        coord = QUESTION_COORD_POWER if self.is_question else COORD_POWER
        main: wq.Query = MinMatchOr(list(self.required), minmatch=minmatch, coord=coord)
        if self.optional and ANY_STOP_WORDS:
            main = wq.AndMaybe(main, wq.Or(list(self.optional)))
        return self._exclude(main)


def _spelling_field(schema, field: str) -> str:
    """The field holding unstemmed words for ``field`` (itself when it is not stemmed)."""
    obj = schema[field]
    if getattr(obj, "spelling", False) and obj.separate_spelling():
        return obj.spelling_fieldname(field)
    return field
