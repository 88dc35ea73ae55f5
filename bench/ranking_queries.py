"""Build the fixed, seeded known-item query sets for the ranking evaluation.

Parts:
    ``Doc`` / ``load_reuters`` / ``load_bbc``: the two test collections as plain records, each
    document tagged with its duplicate group (documents whose normalised body is identical);
    ``Query``: one query, the story it was made from and every id that counts as a correct hit
    (the story's duplicate group);
    ``phrase_queries`` / ``headline_queries`` / ``keyword_queries`` /
    ``partial_headline_queries``: the four set builders (how each is built is in its
    docstring and in ``bench/results/ranking.md``);
    ``build_query_sets``: all four sets for one collection, from one seed;
    ``main``: writes the sets as JSON Lines under ``bench/out/ranking/queries/`` and prints a
    sample of each, so a person can read exactly what the engines are asked.

Every set is a *known-item* set: the query is made from one story and the question is at
which rank the engines return that story (or a byte-for-byte duplicate of it). Randomness
comes only from ``random.Random(seed)`` over lists in corpus order, so the same seed gives
the same queries on every machine.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import DEFAULT_CORPUS as REUTERS_CORPUS  # noqa: E402
from bench.reuters import read_stories  # noqa: E402
from bench.reuters_to_jsonl import records  # noqa: E402

BBC_CORPUS = REPO.parent / "shared" / "corpora" / "bbc"
QUERY_DIR = REPO / "bench" / "out" / "ranking" / "queries"
DEFAULT_SEED = 20261127
DEFAULT_PER_SET = 200
# Same headline and this share of distinct body words in common: the same story (see
# ``_with_groups``).
NEAR_DUP_JACCARD = 0.5
SET_NAMES = ("phrase", "headline", "keywords", "partial_headline")

# A small English stop list: used only to decide which words are "content" words when
# building queries (the engines get the query text as it is, stop words included).
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your said says say new""".split()
)
# Words a reader adds around keywords when typing a question into a search box.
QUESTION_WORDS = (
    "what",
    "why",
    "how",
    "did",
    "does",
    "is",
    "the",
    "about",
    "of",
    "in",
    "for",
    "on",
    "news",
    "latest",
)
# Wire-service shorthand in Reuters headlines ("1ST QTR NET", "SHR 12 CTS"): never a
# reader's choice of words, so partial-headline queries do not pick them.
WIRE_SHORTHAND = frozenset(
    """qtr net shr cts dlrs mln pct corp inc ltd plc co div avg rev oper shrs vs nine six
    four year qtly sets raises cuts rise rises falls fall up down says sees unit""".split()
)

# Letters-only words with nothing glued to them (no digits, apostrophes, dots, hyphens),
# so a phrase built from them tokenises the same way in every engine.
_PLAIN_WORD = re.compile(r"(?<![\w'’.\-&/])[A-Za-z]+(?![\w'’\-&/]|\.\w)")
_NORM_TOKEN = re.compile(r"[a-z0-9]+")
_LETTER_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
# Words a reader could type from a headline: letters/digits, inner dots/apostrophes kept.
_QUERY_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'’&][A-Za-z0-9]+)*")
# Reuters bodies start with the dateline: "SALVADOR, Feb 26 - ".
_DATELINE = re.compile(r"^[^\n]{0,80}?\b[A-Z][a-z]{2}\s+\d{1,2}\s+-\s+")


@dataclass(frozen=True)
class Doc:
    """One document of a test collection, as every engine indexes it."""

    id: str
    title: str
    body: str
    group: int = 0  # duplicate group (see ``_with_groups``): its members are all correct hits


@dataclass(frozen=True)
class Query:
    """One known-item query."""

    set: str
    corpus: str
    qid: str
    text: str
    target: str
    targets: tuple[str, ...] = field(default_factory=tuple)  # target + its duplicates


def normalise(text: str) -> str:
    """Lower-case alphanumeric tokens joined by single spaces, padded with spaces."""
    return " " + " ".join(_NORM_TOKEN.findall(text.lower())) + " "


def _with_groups(docs: list[Doc]) -> list[Doc]:
    """Tag each document with its duplicate group.

    Two documents are duplicates when their normalised bodies are identical, or when their
    normalised headlines are identical and their bodies share at least ``NEAR_DUP_JACCARD``
    of their distinct words (rewrites and corrections of one story: BBC's two versions of
    "Chancellor rallies Labour voters", Reuters' repeated "NYSE, NYFE MOVE INDEX ..."). No
    engine can tell such stories apart from a headline, so either one is a correct hit.
    """
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_body: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        key = normalise(doc.body)
        if key in by_body:
            union(i, by_body[key])
        else:
            by_body[key] = i
        title = normalise(doc.title)
        if title.strip():
            by_title.setdefault(title, []).append(i)
    for members in by_title.values():
        words = {i: set(normalise(docs[i].body).split()) for i in members}
        for pos, i in enumerate(members):
            for j in members[pos + 1 :]:
                union_size = len(words[i] | words[j])
                if union_size and len(words[i] & words[j]) / union_size >= NEAR_DUP_JACCARD:
                    union(i, j)
    return [Doc(d.id, d.title, d.body, find(i)) for i, d in enumerate(docs)]


def load_reuters(corpus_dir: Path = REUTERS_CORPUS, limit: int | None = None) -> list[Doc]:
    """The Reuters-21578 stories with a body, exactly as ``reuters_to_jsonl`` writes them."""
    rows = records(read_stories(corpus_dir), limit)
    return _with_groups([Doc(r["id"], r["title"], r["body"]) for r in rows])


def read_bbc_file(path: Path) -> tuple[str, str]:
    """Headline and body of one BBC file (UTF-8; ``sport/199.txt`` is cp1252)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    title, _, body = text.strip().partition("\n")
    return title.strip(), body.strip()


def load_bbc(corpus_dir: Path = BBC_CORPUS) -> list[Doc]:
    """The BBC articles, ids ``bbc/<topic>/NNN.txt`` (duplicates kept, grouped)."""
    docs = []
    for path in sorted(Path(corpus_dir).glob("*/*.txt")):
        title, body = read_bbc_file(path)
        docs.append(Doc(f"bbc/{path.parent.name}/{path.name}", title, body))
    return _with_groups(docs)


def load_corpus(name: str, reuters_limit: int | None = None) -> list[Doc]:
    """Load a collection by name: ``reuters`` or ``bbc``."""
    if name == "reuters":
        return load_reuters(limit=reuters_limit)
    if name == "bbc":
        return load_bbc()
    raise ValueError(f"unknown corpus {name!r}")


class _PhraseCounter:
    """Which documents contain a word sequence (on normalised text), without a scan per doc."""

    def __init__(self, docs: Sequence[Doc]):
        parts, self._starts = [], []
        offset = 0
        for doc in docs:
            text = normalise(f"{doc.title}\n{doc.body}")
            self._starts.append(offset)
            parts.append(text)
            offset += len(text)
        self._text = "".join(parts)

    def doc_indexes(self, phrase: str) -> set[int]:
        """Indexes of the documents whose title or body contains ``phrase``."""
        needle = normalise(phrase)
        found: set[int] = set()
        pos = self._text.find(needle)
        while pos >= 0:
            found.add(bisect.bisect_right(self._starts, pos) - 1)
            pos = self._text.find(needle, pos + 1)
        return found


def _group_ids(docs: Sequence[Doc]) -> dict[int, tuple[str, ...]]:
    members: dict[int, list[str]] = {}
    for doc in docs:
        members.setdefault(doc.group, []).append(doc.id)
    return {g: tuple(ids) for g, ids in members.items()}


def _content_words(text: str, min_len: int = 3) -> list[str]:
    """Distinct lower-cased words that are not stop words, in text order.

    Words are letters with inner apostrophes kept ("don't", "o'neill": a reader types them
    whole), curly apostrophes straightened, and a possessive "'s" dropped ("ericsson").
    """
    seen: dict[str, None] = {}
    for word in _LETTER_WORD.findall(text.replace("’", "'")):
        low = re.sub(r"'s$", "", word.lower())
        if len(low) >= min_len and low not in STOP_WORDS:
            seen.setdefault(low, None)
    return list(seen)


def _headline_words(title: str) -> list[str]:
    """The words a reader would type from a headline, lower-cased (Reuters is ALL CAPS)."""
    return [w.lower() for w in _QUERY_WORD.findall(title.replace("’", "'"))]


def first_paragraph(body: str) -> str:
    """The lead paragraph: up to the first blank line or indented line, dateline dropped."""
    body = _DATELINE.sub("", body.strip(), count=1)
    return re.split(r"\n\s*\n|\n[ \t]{2,}", body, maxsplit=1)[0]


def _shuffled_docs(docs: Sequence[Doc], rng: random.Random) -> list[int]:
    order = list(range(len(docs)))
    rng.shuffle(order)
    return order


def phrase_queries(
    docs: Sequence[Doc], corpus: str, n: int, rng: random.Random, counter: _PhraseCounter
) -> list[Query]:
    """Known-item phrases: a quoted 3-6 word span of plain words from a story's body.

    The span lies inside one run of letters-only words separated only by whitespace (no
    punctuation, digits or apostrophes inside), has at least two content words, and occurs
    (as a word sequence, case-insensitive) in no document outside the story's duplicate
    group, so exactly one story (group) is the right answer.
    """
    groups = _group_ids(docs)
    out: list[Query] = []
    for i in _shuffled_docs(docs, rng):
        if len(out) >= n:
            break
        doc = docs[i]
        runs = []
        words = list(_PLAIN_WORD.finditer(doc.body))
        run: list[str] = []
        for prev, cur in zip([None, *words], words, strict=False):
            if prev is not None and doc.body[prev.end() : cur.start()].isspace():
                run.append(cur.group())
            else:
                if len(run) >= 3:
                    runs.append(run)
                run = [cur.group()]
        if len(run) >= 3:
            runs.append(run)
        if not runs:
            continue
        for _attempt in range(5):
            run = rng.choice(runs)
            length = rng.randint(3, min(6, len(run)))
            start = rng.randint(0, len(run) - length)
            phrase = " ".join(run[start : start + length])
            if sum(1 for w in phrase.lower().split() if w not in STOP_WORDS) < 2:
                continue
            holders = {docs[j].group for j in counter.doc_indexes(phrase)}
            if holders == {doc.group}:
                out.append(
                    Query(
                        "phrase",
                        corpus,
                        f"{corpus}-phrase-{len(out):03d}",
                        f'"{phrase}"',
                        doc.id,
                        groups[doc.group],
                    )
                )
                break
    return out


def headline_queries(docs: Sequence[Doc], corpus: str, n: int, rng: random.Random) -> list[Query]:
    """A story's headline typed as a plain query (lower-cased words, no punctuation).

    Skipped: headlines with fewer than 3 content words (short or generic: "BAHIA COCOA
    REVIEW" is kept, "CITYFED <CTYF> 1ST QTR NET" is not) and headlines whose query text
    is shared by stories outside one duplicate group (repeated wire headlines).
    """
    groups = _group_ids(docs)
    texts = [" ".join(_headline_words(d.title)) for d in docs]
    holders: dict[str, set[int]] = {}
    for doc, text in zip(docs, texts, strict=True):
        holders.setdefault(text, set()).add(doc.group)
    out: list[Query] = []
    for i in _shuffled_docs(docs, rng):
        if len(out) >= n:
            break
        doc, text = docs[i], texts[i]
        content = [w for w in _content_words(doc.title, 2) if w not in WIRE_SHORTHAND]
        if len(content) < 3 or len(holders[text]) > 1:
            continue
        out.append(
            Query(
                "headline",
                corpus,
                f"{corpus}-headline-{len(out):03d}",
                text,
                doc.id,
                groups[doc.group],
            )
        )
    return out


def keyword_queries(docs: Sequence[Doc], corpus: str, n: int, rng: random.Random) -> list[Query]:
    """A reader's keyword query: 4-8 content words of the lead paragraph, shuffled, plus stop words.

    From the story's first paragraph (dateline dropped) take the distinct letters-only
    words of 3+ letters that are not stop words (the story needs at least 6); pick 4-8 of
    them at random, shuffle them, and insert 1-3 words from ``QUESTION_WORDS`` at random
    places ("latest shipments the cocoa bahia rains why"). Lower-cased.
    """
    groups = _group_ids(docs)
    out: list[Query] = []
    for i in _shuffled_docs(docs, rng):
        if len(out) >= n:
            break
        doc = docs[i]
        words = _content_words(first_paragraph(doc.body))
        if len(words) < 6:
            continue
        picked = rng.sample(words, min(len(words), rng.randint(4, 8)))
        rng.shuffle(picked)
        for _ in range(rng.randint(1, 3)):
            picked.insert(rng.randint(0, len(picked)), rng.choice(QUESTION_WORDS))
        out.append(
            Query(
                "keywords",
                corpus,
                f"{corpus}-keywords-{len(out):03d}",
                " ".join(picked),
                doc.id,
                groups[doc.group],
            )
        )
    return out


def partial_headline_queries(
    docs: Sequence[Doc], corpus: str, n: int, rng: random.Random
) -> list[Query]:
    """A random 2-4 word subset of a headline's content words, in headline order.

    Content words: letters-only, 3+ letters, not stop words and not wire shorthand
    (``WIRE_SHORTHAND``); the headline needs at least 3, and at most all but one of them is
    taken, so the query never is the whole headline. Lower-cased.
    """
    groups = _group_ids(docs)
    out: list[Query] = []
    for i in _shuffled_docs(docs, rng):
        if len(out) >= n:
            break
        doc = docs[i]
        words = [w for w in _content_words(doc.title) if w not in WIRE_SHORTHAND]
        if len(words) < 3:
            continue
        size = rng.randint(2, min(4, len(words) - 1))
        keep = sorted(rng.sample(range(len(words)), size))
        out.append(
            Query(
                "partial_headline",
                corpus,
                f"{corpus}-partial-{len(out):03d}",
                " ".join(words[k] for k in keep),
                doc.id,
                groups[doc.group],
            )
        )
    return out


def build_query_sets(
    corpus: str, docs: Sequence[Doc], per_set: int = DEFAULT_PER_SET, seed: int = DEFAULT_SEED
) -> dict[str, list[Query]]:
    """All four query sets for one collection; each set gets its own seeded generator."""
    counter = _PhraseCounter(docs)

    def rng(name: str) -> random.Random:
        # One generator per set, so changing one set's size leaves the others unchanged.
        return random.Random(f"{seed}-{corpus}-{name}")

    return {
        "phrase": phrase_queries(docs, corpus, per_set, rng("phrase"), counter),
        "headline": headline_queries(docs, corpus, per_set, rng("headline")),
        "keywords": keyword_queries(docs, corpus, per_set, rng("keywords")),
        "partial_headline": partial_headline_queries(docs, corpus, per_set, rng("partial")),
    }


def write_queries(path: Path, queries: Iterable[Query]) -> int:
    """Write queries as JSON Lines; return how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for query in queries:
            out.write(json.dumps(asdict(query), ensure_ascii=False) + "\n")
            count += 1
    return count


def title_counts(docs: Sequence[Doc]) -> Counter:
    """How many documents share each headline (for the results file's corpus notes)."""
    return Counter(" ".join(_headline_words(d.title)) for d in docs)


def main(argv: list[str] | None = None) -> int:
    """Write the query sets and print a sample of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-set", type=int, default=DEFAULT_PER_SET)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--corpora", default="reuters,bbc")
    parser.add_argument("--out", type=Path, default=QUERY_DIR)
    args = parser.parse_args(argv)
    for corpus in args.corpora.split(","):
        docs = load_corpus(corpus)
        sets = build_query_sets(corpus, docs, args.per_set, args.seed)
        for name, queries in sets.items():
            count = write_queries(args.out / f"{corpus}-{name}.jsonl", queries)
            print(f"{corpus} {name}: {count} queries")
            for query in queries[:3]:
                print(f"    {query.text!r} -> {query.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
