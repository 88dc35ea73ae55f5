"""Evaluate people and place extraction against Reuters-21578's gold labels.

The parts:

* ``GOLD_PLACES`` / ``place_target``: for each Reuters place code, the canonical names that
  count as a hit and the names a text can use for it. Written here by hand, apart from
  ``indexer.places``, so the evaluation checks the normalisation instead of repeating it.
* ``people_key`` / ``person_named`` / ``person_found``: surname matching for the people
  codes ("james-baker", "reagan", "de-la-madrid", "deng-xiaoping").
* ``score``: recall over the gold labels the text actually names (Reuters labels what a
  story is about, not every place in it, so a label the text never names cannot be found).
* ``precision_sample``: a seeded random sample of predictions with their sentence, written
  to ``bench/out/`` to be judged by reading (results in ``bench/results/entities.md``).
* ``main``: the command line. Run::

      .venv/bin/python -m bench.eval_entities [--limit N | --sample N] [--n-process 2]

Input per story: the title and the text as printed (dateline, then body, signature
dropped), the same text ``bench/reuters_to_jsonl.py`` writes for the archive.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.reuters import DEFAULT_CORPUS, printed_body, read_stories  # noqa: E402
from indexer.entities import Entities, EntityExtractor, Mention  # noqa: E402
from indexer.places import strip_accents  # noqa: E402

OUT_DIR = REPO / "bench" / "out"

# Reuters place code -> (canonical names that count as a hit, names a text may use).
# Codes not listed here use the code's words in title case for both ("saudi-arabia" ->
# "Saudi Arabia"). Decisions:
# * a country is "named" by its name or a standard abbreviation, never by a demonym
#   ("Soviet", "British") or its capital ("Moscow"): the extractor keeps cities as cities;
# * bare "Korea" names neither Korea (ambiguous in text, and left as "Korea");
# * "America" is left out for usa: "Latin America", "Bank of America" make the text test
#   unreliable, and Reuters writes "U.S." anyway.
GOLD_PLACES: dict[str, tuple[set[str], list[str]]] = {
    "usa": ({"United States"}, ["U.S.", "United States", "USA", "U.S.A."]),
    "uk": ({"United Kingdom"}, ["Britain", "U.K.", "United Kingdom", "UK"]),
    "ussr": ({"Soviet Union"}, ["Soviet Union", "USSR", "U.S.S.R."]),
    "west-germany": ({"West Germany"}, ["West Germany", "Federal Republic of Germany"]),
    "east-germany": ({"East Germany"}, ["East Germany", "German Democratic Republic"]),
    "uae": ({"United Arab Emirates"}, ["United Arab Emirates", "UAE", "U.A.E."]),
    "trinidad-tobago": ({"Trinidad and Tobago"}, ["Trinidad and Tobago", "Trinidad"]),
    "kampuchea": ({"Cambodia"}, ["Kampuchea", "Cambodia"]),
    "burma": ({"Myanmar"}, ["Burma", "Myanmar"]),
    "zaire": ({"Democratic Republic of the Congo"}, ["Zaire"]),
    "swaziland": ({"Eswatini"}, ["Swaziland"]),
    "western-samoa": ({"Samoa"}, ["Western Samoa", "Samoa"]),
    "vatican": ({"Vatican City"}, ["Vatican"]),
    "yemen-arab-republic": ({"North Yemen", "Yemen"}, ["North Yemen", "Yemen Arab Republic"]),
    "yemen-demo-republic": ({"South Yemen", "Yemen"}, ["South Yemen"]),
    "netherlands": ({"Netherlands"}, ["Netherlands", "Holland"]),
    "macao": ({"Macau"}, ["Macao", "Macau"]),
    "us-virgin-islands": ({"U.S. Virgin Islands"}, ["U.S. Virgin Islands"]),
    "antigua": ({"Antigua and Barbuda"}, ["Antigua"]),
    "guinea-bissau": ({"Guinea-Bissau"}, ["Guinea-Bissau"]),
}
# A name preceded by one of these words is part of another name ("New Mexico",
# "Papua New Guinea", "Northern Ireland", "American Samoa").
_NAME_GUARD = r"(?<!New\s)(?<!Equatorial\s)(?<!Northern\s)(?<!American\s)(?<![\w.-])"


def place_target(code: str) -> tuple[set[str], list[str]]:
    """The canonical names that count as a hit for ``code``, and the names a text uses."""
    if code in GOLD_PLACES:
        return GOLD_PLACES[code]
    name = " ".join(word.capitalize() for word in code.split("-"))
    return {name}, [name]


def _name_regex(names: Sequence[str], *, upper: bool) -> re.Pattern[str]:
    alternation = "|".join(re.escape(n.upper() if upper else n) for n in names)
    return re.compile(f"{_NAME_GUARD}(?:{alternation})(?![\\w-])")


def place_named(code: str, title: str, body: str) -> bool:
    """Whether the story's text names the gold place (by a name, not a demonym or city)."""
    _, names = place_target(code)
    if _name_regex(names, upper=False).search(body):
        return True
    return bool(_name_regex(names, upper=True).search(title.upper()))


# --- people ------------------------------------------------------------------------------

_PARTICLES = {"de", "del", "la", "von", "van", "du", "o", "al", "le", "da"}


def _norm_tokens(text: str) -> list[str]:
    """Lower-case name tokens, accents dropped, hyphens and apostrophes as separators."""
    return re.split(r"[\s\-'’.]+", strip_accents(text).casefold().strip(" -'’."))


def people_key(code: str) -> list[str]:
    """The surname tokens of a people code.

    The surname is the last word ("james-baker" -> ["baker"]), or everything from the first
    particle on ("de-la-madrid" -> ["de", "la", "madrid"], "o-kennedy" -> ["o", "kennedy"]);
    for family-name-first codes ("deng-xiaoping") the last word still tells the person apart.
    """
    tokens = code.split("-")
    for i, tok in enumerate(tokens):
        if tok in _PARTICLES and i < len(tokens) - 1:
            return tokens[i:]
    return tokens[-1:]


def person_named(code: str, title: str, body: str) -> bool:
    """Whether the surname appears in the text, capitalised (or in the all-caps title)."""
    key = people_key(code)
    words = r"[\s\-'’]*".join(re.escape(tok) for tok in key)
    pattern = re.compile(rf"(?<![\w]){words}(?![\w])", re.I)
    for match in pattern.finditer(strip_accents(body)):
        if match.group(0)[:1].isupper():
            return True  # "rich", "young", "bond" in lower case are words, not the person
    return bool(pattern.search(strip_accents(title)))


def person_found(code: str, people: Sequence[str]) -> bool:
    """Whether a predicted person's name ends with the code's surname."""
    key = people_key(code)
    return any(_norm_tokens(name)[-len(key) :] == key for name in people)


# --- scoring -----------------------------------------------------------------------------


@dataclass
class Score:
    """Counts for one kind (places or people)."""

    gold: int = 0  # gold labels of the stories
    named: int = 0  # ... that the text names
    found: int = 0  # ... that the extractor found
    misses: Counter = field(default_factory=Counter)
    examples: list[tuple[str, str, Sequence[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of the named gold labels that were found."""
        return self.found / self.named if self.named else float("nan")


def score(stories: Sequence[dict[str, Any]], results: Sequence[Entities]) -> tuple[Score, Score]:
    """Places and people recall over the gold labels the text names."""
    places, people = Score(), Score()
    for story, result in zip(stories, results, strict=True):
        title, body = story["title"] or "", printed_body(story)
        for code in story["places"]:
            places.gold += 1
            if not place_named(code, title, body):
                continue
            places.named += 1
            accepted, _ = place_target(code)
            if accepted & set(result.places):
                places.found += 1
            else:
                places.misses[code] += 1
                places.examples.append((f"reuters-{story['newid']}", code, result.places))
        for code in story["people"]:
            people.gold += 1
            if not person_named(code, title, body):
                continue
            people.named += 1
            if person_found(code, result.people):
                people.found += 1
            else:
                people.misses[code] += 1
                people.examples.append((f"reuters-{story['newid']}", code, result.people))
    return places, people


def _sentence(context: str, surface: str, max_chars: int = 320) -> str:
    """The sentence of ``context`` that holds ``surface`` (the whole context if none)."""
    # Not after an abbreviation's or an initial's full stop: "the U.S. Agriculture
    # Department", "C. William Verity" stay one sentence.
    for sentence in re.split(
        r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)(?<!\b[A-Z]\.)\s+(?=[A-Z\"“])", context
    ):
        if surface in sentence:
            return sentence[:max_chars]
    return context[:max_chars]


def precision_sample(
    stories: Sequence[dict[str, Any]],
    explained: Sequence[tuple[Entities, list[Mention]]],
    per_kind: int = 50,
    seed: int = 20240601,
) -> list[dict[str, str]]:
    """A seeded random sample of predictions (``per_kind`` people and places) to judge.

    Each prediction is one (story, canonical name) pair, shown with its first mention.
    """
    pools: dict[str, list[dict[str, str]]] = {"person": [], "place": []}
    for story, (_, mentions) in zip(stories, explained, strict=True):
        seen: set[tuple[str, str]] = set()
        for m in mentions:
            if (m.kind, m.name) in seen:
                continue
            seen.add((m.kind, m.name))
            pools[m.kind].append(
                {
                    "id": f"reuters-{story['newid']}",
                    "kind": m.kind,
                    "name": m.name,
                    "surface": m.surface,
                    "source": m.source,
                    "sentence": _sentence(m.context, m.surface),
                }
            )
    rng = random.Random(seed)
    sample = []
    for kind in ("person", "place"):
        pool = pools[kind]
        sample.extend(rng.sample(pool, min(per_kind, len(pool))))
    return sample


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: print the numbers as Markdown, write the samples."""
    parser = argparse.ArgumentParser(description="Evaluate entities on Reuters-21578.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N stories with a body")
    parser.add_argument("--sample", type=int, help="a seeded random N stories with a body")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--n-process", type=int, default=1, help="spaCy worker processes")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--per-kind", type=int, default=50, help="precision sample per kind")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    stories = [s for s in read_stories(args.corpus) if s["body"]]
    if args.sample:
        stories = random.Random(args.seed).sample(stories, min(args.sample, len(stories)))
        stories.sort(key=lambda s: s["newid"])
    if args.limit:
        stories = stories[: args.limit]

    extractor = EntityExtractor(batch_size=args.batch_size, n_process=args.n_process)
    extractor.nlp  # load the model outside the timed part  # noqa: B018
    start = time.perf_counter()
    explained = extractor.explain_many((s["title"] or "", printed_body(s)) for s in stories)
    elapsed_s = time.perf_counter() - start
    results = [entities for entities, _ in explained]
    places, people = score(stories, results)

    args.out.mkdir(parents=True, exist_ok=True)
    sample = precision_sample(stories, explained, args.per_kind, args.seed)
    sample_path = args.out / "entities-precision-sample.tsv"
    with sample_path.open("w", encoding="utf-8") as out:
        out.write("n\tkind\tname\tsurface\tsource\tid\tsentence\n")
        for i, row in enumerate(sample, 1):
            cells = [row[k].replace("\t", " ") for k in ("kind", "name", "surface", "source")]
            out.write(f"{i}\t" + "\t".join(cells) + f"\t{row['id']}\t{row['sentence']}\n")
    misses_path = args.out / "entities-misses.txt"
    with misses_path.open("w", encoding="utf-8") as out:
        for label, sc in (("places", places), ("people", people)):
            out.write(f"# {label}: missed codes\n{sc.misses.most_common()}\n\n")
            for story_id, code, predicted in sc.examples:
                out.write(f"{story_id}\t{code}\t{list(predicted)}\n")
            out.write("\n")

    predicted_people = sum(len(r.people) for r in results)
    predicted_places = sum(len(r.places) for r in results)
    print(f"stories: {len(stories)} (with a body; {_selection(args)})")
    print(
        f"extraction: {elapsed_s:.1f} s, {len(stories) / elapsed_s:.1f} docs/s "
        f"(n_process={args.n_process}, batch_size={args.batch_size})"
    )
    print(f"predicted: {predicted_people} people, {predicted_places} places\n")
    print("| kind | gold labels | named in text | found | recall |")
    print("| --- | --- | --- | --- | --- |")
    for label, sc in (("places", places), ("people", people)):
        print(f"| {label} | {sc.gold} | {sc.named} | {sc.found} | {sc.recall:.4f} |")
    print(f"\nmost missed places: {places.misses.most_common(12)}")
    print(f"most missed people: {people.misses.most_common(12)}")
    print(f"precision sample: {sample_path}; misses: {misses_path}")
    return 0


def _selection(args: argparse.Namespace) -> str:
    if args.sample:
        return f"random sample of {args.sample}, seed {args.seed}"
    if args.limit:
        return f"first {args.limit}"
    return "the full collection"


if __name__ == "__main__":
    raise SystemExit(main())
