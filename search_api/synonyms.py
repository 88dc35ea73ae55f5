"""Query-time synonyms: the built-in country aliases and a newsroom's own file.

A query word (or run of words) that is a synonym key is searched as itself or any of its
synonyms: ``uk economy`` finds "Britain's economy", ``places:britain`` finds the stories
tagged United Kingdom. Nothing is re-indexed: synonyms widen the query only, so a new file
applies on the next index generation or restart.

The file (``SEARCH_SYNONYMS``) is the Solr / Elasticsearch synonym format, one rule a line:

    # comments and blank lines are skipped
    nhs, national health service        # equivalents: each finds all of them
    fed => federal reserve               # one way: "fed" is searched as "federal reserve"
    potus, president => president        # several keys, one replacement

Words are compared as the index folds names (``indexer.schema.fold``: case, accents,
apostrophes, dots: "U.S." = "us"). A synonym of several words is searched as a phrase. A
bad line (an empty side, a second ``=>``, a side without words, a key of more than
``MAX_KEY_WORDS`` words) raises ``SynonymError`` naming the file and the line, which stops
the API's start-up.

Bounds (README, "Limits"): one word or phrase of a query gets at most
``MAX_ALTERNATIVES`` alternatives, a whole query at most ``MAX_QUERY_EXPANSIONS``; words
inside quotes and prefixes (``milit*``) are not expanded.

Parts: ``Synonyms`` (``parse``, ``load``, ``builtin``, ``merged``, ``expand``) and
``SynonymError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from indexer.places import country_aliases
from indexer.schema import fold

MAX_KEY_WORDS = 5
MAX_ALTERNATIVES = 8
MAX_QUERY_EXPANSIONS = 32
MAX_LINE_CHARS = 2000


class SynonymError(ValueError):
    """A synonym file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Synonyms:
    """Folded key words -> the texts to search instead (the key's own text among them for
    equivalents)."""

    table: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # Keys that are also everyday words ("us"): they apply only as typed in capitals ("US").
    capitals_only: frozenset[tuple[str, ...]] = frozenset()

    @property
    def longest(self) -> int:
        """The most words of any key."""
        return max((len(k) for k in self.table), default=0)

    @classmethod
    def parse(cls, text: str, source: str = "<synonyms>") -> Synonyms:
        """Read rules in the Solr format (see the module docstring).

        Raises:
            SynonymError: on a bad line, naming ``source`` and the line number.
        """
        table: dict[tuple[str, ...], list[str]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{source}: line {number}"
            if len(line) > MAX_LINE_CHARS:
                raise SynonymError(f"{where}: longer than {MAX_LINE_CHARS} characters")
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            sides = line.split("=>")
            if len(sides) > 2:
                raise SynonymError(f"{where}: more than one '=>' in {line!r}")
            parts = [_terms(side, where) for side in sides]
            if len(parts) == 1:
                keys = targets = parts[0]
                if len(keys) < 2:
                    raise SynonymError(f"{where}: {line!r} names one word: nothing to join")
            else:
                keys, targets = parts
            for key in keys:
                words = tuple(fold(key).split())
                if len(words) > MAX_KEY_WORDS:
                    raise SynonymError(
                        f"{where}: {key!r} has more than {MAX_KEY_WORDS} words; "
                        "a synonym key is a word or a short phrase"
                    )
                known = table.setdefault(words, [])
                known.extend(t for t in targets if t not in known)
        return cls({k: tuple(v) for k, v in table.items()})

    @classmethod
    def load(cls, path: str | Path) -> Synonyms:
        """Read a synonym file (UTF-8).

        Raises:
            SynonymError: it cannot be read, or a line is bad.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SynonymError(f"{path}: cannot read the synonym file: {exc}") from exc
        return cls.parse(text, str(path))

    @classmethod
    def builtin(cls) -> Synonyms:
        """The country aliases the place normaliser knows (``indexer.places``)."""
        return _builtin()

    def merged(self, other: Synonyms) -> Synonyms:
        """These rules and ``other``'s; a key in both gets both's texts (``other``'s first)."""
        table = dict(self.table)
        for key, texts in other.table.items():
            mine = table.get(key, ())
            table[key] = (*texts, *(t for t in mine if t not in texts))
        capitals = frozenset(self.capitals_only - other.table.keys()) | other.capitals_only
        return Synonyms(table, capitals)

    def expand(self, groups: tuple, excluded: tuple) -> tuple[tuple, tuple]:
        """A parsed query's groups and exclusions with synonyms (``search_api.query.Item``).

        A run of plain words (no quotes, no prefix, one field) that is a key becomes one
        group: the alternatives ORed (a several-word one as a phrase), the longest key
        first; an excluded word excludes its synonyms too.
        """
        if not self.table:
            return groups, excluded
        budget = [MAX_QUERY_EXPANSIONS]
        out: list[tuple] = []
        i, longest = 0, self.longest
        while i < len(groups):
            for n in range(min(longest, len(groups) - i), 0, -1):
                run = groups[i : i + n]
                if not all(len(g) == 1 and _plain(g[0]) for g in run):
                    continue
                if len({g[0].field for g in run}) != 1:
                    continue
                items = self._alternatives([g[0] for g in run], budget)
                if items is not None:
                    out.append(items)
                    i += n
                    break
            else:
                out.append(groups[i])
                i += 1
        more = []
        for item in excluded:
            alternatives = self._alternatives([item], budget) if _plain(item) else None
            more.extend(alternatives or (item,))
        return tuple(out), tuple(more)

    def _alternatives(self, run: list, budget: list[int]) -> tuple | None:
        """The items to search for a run of words, or None when it is no key."""
        text = " ".join(item.text for item in run)
        key = tuple(fold(text).split())
        texts = self.table.get(key)
        if not texts or budget[0] <= 0:
            return None
        if key in self.capitals_only and text != text.upper():
            return None  # "us" in a question is the pronoun; "US" is the country
        texts = texts[: min(MAX_ALTERNATIVES, budget[0] + 1)]
        budget[0] -= len(texts) - 1
        first = run[0]
        items = []
        for alt in texts:
            own = tuple(fold(alt).split()) == key
            alt = text if own else alt
            items.append(replace(first, text=alt, phrase=len(alt.split()) > 1))
        return tuple(items)


def _plain(item) -> bool:
    return not item.phrase and not item.prefix


def _terms(side: str, where: str) -> list[str]:
    terms = [" ".join(t.split()) for t in side.split(",")]
    if not all(terms) or not any(fold(t) for t in terms):
        raise SynonymError(f"{where}: an empty term in {side.strip()!r}")
    for t in terms:
        if not fold(t):
            raise SynonymError(f"{where}: {t!r} has no words")
    return terms


@cache
def _builtin() -> Synonyms:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for names in country_aliases().values():
        for name in names:
            table[tuple(fold(name.replace(".", "")).split())] = tuple(names)
    return Synonyms(table, frozenset(k for k in table if k in _EVERYDAY_WORDS))


# Country spellings that are also English words once folded to lower case.
_EVERYDAY_WORDS = frozenset({("us",)})
