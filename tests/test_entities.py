"""Tests for indexer.entities and indexer.places: the sample archive, then small exact cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.entities import Entities, split_article
from indexer.names import clean_person
from indexer.places import canonical_place, find_countries

SAMPLE = Path(__file__).resolve().parent.parent / "archive" / "moscow-times-2020-sample.txt"
SECOND_TITLE = "Russia, Rwanda Send ‘Several Hundred’ Troops to C.Africa"


def sample_articles() -> list[tuple[str, str]]:
    """The two (title, body) pairs of the sample dump, split on the known second title."""
    text = SAMPLE.read_text(encoding="utf-8")
    first, second = text.split(SECOND_TITLE)
    second = SECOND_TITLE + second.split("Leave a Reply")[0]
    articles = []
    for chunk in (first, second):
        title, _, body = chunk.strip().partition("\n\n")
        articles.append((title, body))
    return articles


@pytest.fixture(scope="module")
def sample_entities(entity_extractor) -> list[Entities]:
    return entity_extractor.extract_many(sample_articles())


def test_sample_article_1_people(sample_entities):
    people = sample_entities[0].people
    assert "Vladimir Putin" in people
    assert "Putin" not in people


def test_sample_article_1_places(sample_entities):
    places = sample_entities[0].places
    for place in ("Russia", "China", "United States", "United Kingdom", "Germany", "France"):
        assert place in places
    assert places[0] == "Russia"  # the headline is the first mention


def test_sample_article_2_people(sample_entities):
    people = sample_entities[1].people
    for person in ("Francois Bozize", "Faustin-Archange Touadera", "Ange Maxime Kazagui"):
        assert person in people
    assert "Bozize" not in people


def test_sample_article_2_places(sample_entities):
    places = sample_entities[1].places
    for place in ("Russia", "Rwanda", "Central African Republic", "Bangui"):
        assert place in places
    assert "CAR" not in places and "C.Africa" not in places


def test_extract_matches_extract_many(entity_extractor, sample_entities):
    title, body = sample_articles()[1]
    assert entity_extractor.extract(title, body) == sample_entities[1]


def test_results_are_deduplicated(sample_entities):
    for entities in sample_entities:
        assert len(set(entities.people)) == len(entities.people)
        assert len(set(entities.places)) == len(entities.places)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.K.", "United Kingdom"),
        ("UK", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("the United States", "United States"),
        ("U.S.", "United States"),
        ("America", "United States"),
        ("C.Africa", "Central African Republic"),
        ("CAR", "Central African Republic"),
        ("Russian Federation", "Russia"),
        ("Russia's", "Russia"),
        ("Russia’s", "Russia"),
        ("Kremlin’s", "Kremlin"),
        ("Iran", "Iran"),
        ("Republic of Korea", "South Korea"),
        ("Syrian Arab Republic", "Syria"),
        ("Viet Nam", "Vietnam"),
        ("Czechia", "Czech Republic"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Burma", "Myanmar"),
        ("USSR", "Soviet Union"),
        ("Bangui", "Bangui"),
        ("Moscow", "Moscow"),
        ("Latin America", "Latin America"),
        ("BUENOS AIRES", "Buenos Aires"),
        ("Calif.", "California"),
        ("Penn.", "Pennsylvania"),
        ("the", None),
        ("us", None),
        ("1987", None),
        ("BB", None),
        ("United Arab Emirates Central Bank", None),
    ],
)
def test_canonical_place(name, expected):
    assert canonical_place(name) == expected


def test_gazetteer_finds_whole_country_names():
    text = "Troops to C.Africa; the Central African Republic, New Mexico and West Germany."
    assert [country for _, _, country in find_countries(text)] == [
        "Central African Republic",
        "Central African Republic",
        "West Germany",
    ]


def test_gazetteer_skips_ambiguous_words_in_mixed_case_only():
    assert list(find_countries("Turkey prices rose; Chad Smith said.")) == []
    assert [c for _, _, c in find_countries("GREECE ACCUSES TURKEY", all_caps=True)] == [
        "Greece",
        "Turkey",
    ]


def test_clean_person_strips_titles_and_possessives():
    assert clean_person("President Vladimir Putin") == ("Vladimir", "Putin")
    assert clean_person("Putin’s") == ("Putin",)
    assert clean_person("Finance Minister Kiichi Miyazawa") == ("Kiichi", "Miyazawa")
    assert clean_person("Sen. Bob Dole") == ("Bob", "Dole")
    assert clean_person("Suleiman Abdulaziz al-Salim") == ("Suleiman", "Abdulaziz", "al-Salim")
    assert clean_person("Goodyear Tire and Rubber Co") is None


def test_dateline_is_split_off_and_read_as_a_place():
    segments = split_article("ARGENTINA SEES GROWTH", "BUENOS AIRES, March 3 - Growth will rise.")
    assert [(s.text, s.caps, s.dateline_places) for s in segments] == [
        ("ARGENTINA SEES GROWTH", True, ()),
        ("BUENOS AIRES, March 3 -", True, ("Buenos Aires",)),
        ("Growth will rise.", False, ()),
    ]


def test_all_caps_headline_and_dateline_are_not_people(entity_extractor):
    result = entity_extractor.extract(
        "BUENOS AIRES SEES GROWTH",
        "BUENOS AIRES, March 3 - Argentina's economy will grow, Economy Minister Juan "
        "Sourrouille said.\n    Sourrouille spoke in Buenos Aires.",
    )
    assert result == Entities(people=("Juan Sourrouille",), places=("Buenos Aires", "Argentina"))


def test_surname_is_linked_to_the_full_name(entity_extractor):
    result = entity_extractor.extract(
        "Putin Says Alliance Possible",
        "President Vladimir Putin said on Thursday that an alliance with China was possible.\n\n"
        "Putin spoke by videoconference.",
    )
    assert result.people == ("Vladimir Putin",)
    assert result.places == ("China",)


def test_hard_wrapped_wire_text(entity_extractor):
    result = entity_extractor.extract(
        "",
        "WASHINGTON, Feb 26 - Treasury Secretary James Baker said the\n"
        "dollar was stable against the yen.\n"
        "    Baker told reporters the U.S. and Japan agreed.",
    )
    assert result.people == ("James Baker",)
    assert result.places == ("Washington", "United States", "Japan")


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("Chefs Jamie Oliver", ("Jamie", "Oliver")),
        ("Wing Zorbic Quintans", ("Zorbic", "Quintans")),
        ("Striker Zorbry Quint", ("Zorbry", "Quint")),
        ("Tory Treasurer Lord", None),
        ("Lib Dem", None),
        ("The Lib Dems", None),
        ("Lib Dem Mark Oaten", ("Mark", "Oaten")),
        ("Veteran Ilse Marrow", ("Ilse", "Marrow")),
        ("Dan Zorbel (D-Kan.)", ("Dan", "Zorbel")),
        ("Dan Zorbel R-Calif", ("Dan", "Zorbel")),
    ],
)
def test_descriptions_stay_out_of_names(span, expected):
    assert clean_person(span) == expected


def test_all_caps_headlines_name_uk_and_usa_but_not_us():
    found = [name for _, _, name in find_countries("UK AND USA TALKS: US SEES GAIN", all_caps=True)]
    assert found == ["United Kingdom", "United States"]


def test_a_list_page_cannot_flood_the_people(entity_extractor):
    from indexer.entities import MAX_PEOPLE

    names = [
        f"{first} {last}"
        for first in ("Anna", "Boris", "Carl", "Dora", "Emil", "Fay")
        for last in ("Abbot", "Baxter", "Cole", "Drury", "Ellis")
    ]
    body = (
        "Chef Jamie Oliver backed the campaign. Jamie Oliver said it mattered.\n\n"
        + "\n\n".join(f"MP {name} signed the letter." for name in names)
    )
    people = entity_extractor.extract("Campaign", body).people
    assert len(names) + 1 > MAX_PEOPLE
    assert people == ("Jamie Oliver",)


def test_a_one_word_place_the_text_uses_as_something_else():
    from indexer.entities import _not_used_as_place

    texts = ["A Porky's prequel", "Raunchy means like Porky's, she says.", "Porky's again."]
    assert _not_used_as_place("Porky", texts, 1)  # tagged once in three
    assert not _not_used_as_place("Porky", texts, 2)
    assert not _not_used_as_place("Texas", ["Texas", "in Texas", "Texas"], 1)  # a US state


def test_regions_and_constituencies_are_not_people(entity_extractor):
    body = "West Devon voted. Milton Keynes South counted late. Oliver North spoke."
    people = entity_extractor.extract("", body).people
    assert "West Devon" not in people and "Milton Keynes South" not in people


def test_a_quoted_speaker_is_one_of_the_people():
    from indexer.documents import Article
    from indexer.prepare import add_quotes

    article = Article(
        id="a",
        source="s",
        title="A new mayor",
        body='"This is the second time I am making history," said Nadia Mohamed.',
        people=("Jake Spano",),
    )
    (done,) = add_quotes([article])
    assert done.people == ("Jake Spano", "Nadia Mohamed")


def test_a_title_case_dateline_is_a_place_not_a_person(entity_extractor):
    segments = split_article("", "Sioux Falls, April 7 - Hog prices opened higher.")
    assert segments[0].dateline_places == ("Sioux Falls",)
    result = entity_extractor.extract("", "Sioux Falls, April 7 - Hog prices opened higher.")
    assert result.people == () and "Sioux Falls" in result.places


def test_the_place_gazetteer_knows_cities_and_regions_not_invented_words():
    from indexer.places import is_known_place

    assert is_known_place("Tehran") and is_known_place("Ontario")
    assert is_known_place("Gansu")  # pycountry's "Gansu Sheng"
    assert is_known_place("Newfoundland")  # "Newfoundland and Labrador"
    assert is_known_place("Caribbean")  # a region no list of cities holds
    assert not is_known_place("Zorblat") and not is_known_place("Quibbleton")


def test_a_one_word_place_named_once_needs_the_gazetteer_or_its_context():
    from indexer.entities import _unsupported_place

    assert _unsupported_place("Zorblat", ["The Zorblat premiere drew a crowd."])
    assert not _unsupported_place("Tehran", ["The Tehran talks went on."])  # a known city
    assert not _unsupported_place("Zorblat", ["Snow fell in Zorblat."])
    assert not _unsupported_place("Zorblat", ["He left the town of Zorblat."])
    assert not _unsupported_place("Zorblat", ["Its Zorblat, Ontario mine shut."])
    assert not _unsupported_place("Zorblat", ["Rain fell in Henan, Zorblat and Gansu."])
    assert not _unsupported_place("Zorblat", ["Zorblat grew.", "Zorblat voted."])  # twice


def test_a_name_the_wire_marks_as_a_company_is_no_person():
    from indexer.entities import _bracketed

    texts = ["Acme Corp said it signed a deal with <Zanthu Morrel>.", "Zanthu Morrel will own 60%."]
    assert _bracketed("Zanthu Morrel", texts)
    assert _bracketed("Zanthu Morrel", ["A unit of <Zanthu Morrel Mining Ltd>."])
    assert not _bracketed("Zanthu", ["Its <Zanthuan Mining Ltd> unit."])  # another word
    assert not _bracketed("Zanthu Morrel", ["Zanthu Morrel said so."])


def test_a_firm_written_as_a_named_person_s_employer_is_no_person():
    from indexer.entities import _employs

    texts = ["Zanthu Morrel chief financial economist Orvel Kahan said rates would fall."]
    assert _employs("Zanthu Morrel", texts)
    assert _employs("Zanthu Morrel", ["Zanthu Morrel analyst Ann Lee agreed."])
    # A person's own aide, or the person speaking, keeps the person.
    assert not _employs("Orvel Kahan", ["Orvel Kahan spokesman Bram Tollan said so."])
    assert not _employs("Orvel Kahan", ["Orvel Kahan, an economist, said so."])
    assert not _employs("Zanthu Morrel", ["Mr Zanthu Morrel economist at a bank."])  # no name


def test_a_name_opening_with_a_legal_form_is_no_person(entity_extractor):
    body = "The bonds are guaranteed by Grobel GmbH und Co Kommanditgesellschaft, it said."
    assert entity_extractor.extract("", body).people == ()


def test_a_place_the_article_names_as_a_company_is_no_place():
    from indexer.entities import _place_is_company

    texts = ["Zorblat Valley Corp said profit rose.", "Zorblat Valley said so."]
    assert _place_is_company("Zorblat Valley", "Zorblat Valley", texts)
    assert not _place_is_company("New York", "New York", ["Bank of New York Corp rose."])
    texts = ["A unit of <ZORBCO Securities Ltd> opened.", "ZORBCO's branch manager spoke."]
    assert _place_is_company("Zorbco", "ZORBCO's", texts)  # an all-caps name, title-cased
    assert not _place_is_company("Zorblat", "Zorblat", ["Snow fell in Zorblat."])


def test_a_title_cue_names_a_person_in_all_caps_prose(entity_extractor):
    body = "ZANTHIAN TRADE MINISTER ORVELO QUIMBE SAID TODAY THE TARIFF ON GRAIN WOULD RISE."
    assert entity_extractor.extract("", body).people == ("Orvelo Quimbe",)
    table = "MINISTER ORVELO 12 VS 14"  # a table, not prose: nothing
    assert entity_extractor.extract("", table).people == ()


def test_an_all_caps_dateline_with_an_all_caps_month_or_a_saint():
    assert split_article("", "ZORBTOWN, APRIL 9 - Grain rose.")[0].dateline_places == ("Zorbtown",)
    assert split_article("", "ST. ZORBS, MArch 3 - Grain rose.")[0].dateline_places == (
        "St. Zorbs",
    )
    assert split_article("", "U.S. - Grain rose.")[0].dateline_places == ("United States",)


def test_a_heading_with_a_dash_is_no_dateline_and_a_month_no_state():
    # Without a date, a state or an agency, only a known city opens a dateline: a table's
    # heading ("ZORBINGS - ", "WHEAT - ") is no place.
    for body in ("ZORBINGS - Grade one 12.50", "WHEAT - Prices rose.", "FOB ZORB RIVER - 12"):
        assert all(not seg.dateline_places for seg in split_article("", body)), body
    assert split_article("", "LONDON - Grain rose.")[0].dateline_places == ("London",)
    assert split_article("", "ZORBTOWN (AP) - Grain rose.")[0].dateline_places == ("Zorbtown",)
    # A month after the city is the date, not its state or country.
    assert split_article("", "ZORBTOWN, April - Grain rose.")[0].dateline_places == ("Zorbtown",)
    assert split_article("", "ZORBTOWN, Maryland, March 2 - Grain rose.")[0].dateline_places == (
        "Zorbtown",
        "Maryland",
    )


def test_a_person_cut_after_the_particles_is_completed_from_the_text():
    from indexer.entities import _past_particles

    text = "GEM managing director Zorvel van der Vorm said so."
    end = text.index(" Vorm")
    assert _past_particles("Zorvel van der", text, end) == "Zorvel van der Vorm"
    assert _past_particles("Zorvel Vorm", text, 0) == "Zorvel Vorm"  # no particle: as it is


def test_a_name_after_a_firm_noun_or_ending_worldwide_is_a_company():
    from indexer.entities import _is_company
    from indexer.names import clean_person

    assert _is_company("J. Zorbel", ["Offers came from grain firm J. Zorbel at 80 dlrs."], ())
    assert not _is_company("J. Zorbel", ["J. Zorbel, a grain trader, said so."], ())
    assert clean_person("Ted Zorbel Worldwide") is None


def test_a_place_unknown_to_the_gazetteer_before_a_company_name_is_no_place():
    from indexer.entities import _place_is_company

    texts = ["Zorbmont Mining Corp held 5 mln shares."]
    assert _place_is_company("Zorbmont", "Zorbmont", texts)
    # A known place stays a place: "Denver Gold Mines Ltd" in a story about Denver.
    assert not _place_is_company("Denver", "Denver", ["Denver Gold Mines Ltd rose."])


def test_a_place_naming_a_round_of_talks_or_a_creditors_club_is_no_place(entity_extractor):
    body = "Success hinges on the current Uruguay Round of trade talks, the commission said."
    assert "Uruguay" not in entity_extractor.extract("", body).places
    body = "Farmers in Uruguay protested on Monday against the new tax on wool exports."
    assert "Uruguay" in entity_extractor.extract("", body).places


def test_function_words_and_place_endings_are_no_names():
    from indexer.names import clean_person

    # A programme's name, a mine's site: not people.
    assert clean_person("Zorbles Under Book-Entry Safekeeping") is None
    assert clean_person("Zorva Falls") is None
    # Surnames that are place words too stay names.
    assert clean_person("Zorva Park") == ("Zorva", "Park")
    assert clean_person("Zorva Hills") == ("Zorva", "Hills")


def test_a_publication_is_no_person():
    from indexer.entities import _is_company

    name = "Gazeta Zorbantil"
    assert _is_company(name, ["He told the Gazeta Zorbantil newspaper so."], ())
    assert _is_company(name, ["The business daily Gazeta Zorbantil reported it."], ())
    report = ["He would not comment on an Advertising Zorb report."]
    assert _is_company("Advertising Zorb", report, ())
    assert not _is_company(name, ["Gazeta Zorbantil, a trader, said so."], ())


def test_an_org_span_written_as_a_company_is_not_linked_to_a_person():
    from indexer.entities import Segment, _resolve

    segments = [
        Segment("Zorbere and Co said it agreed with the rival."),
        Segment("Under the deal John Zorbere engines are sold worldwide."),
    ]
    ents = [[(0, 7, "ORG", "Zorbere")], [(14, 26, "PERSON", "John Zorbere")]]
    _, mentions = _resolve(segments, ents)
    assert [m.surface for m in mentions if m.kind == "person"] == ["John Zorbere"]
    # Written bare, the same span is the person's surname.
    segments[0] = Segment("Zorbere said it agreed with the rival.")
    _, mentions = _resolve(segments, ents)
    assert [m.surface for m in mentions if m.kind == "person"] == ["Zorbere", "John Zorbere"]


def test_a_place_inside_a_company_name_with_a_bracketed_part_is_no_place():
    from indexer.entities import _place_is_company

    texts = ["Zorbosuez Asia (Singapore) Ltd will lead the issue."]
    assert _place_is_company("Asia", "Asia", texts)
    assert not _place_is_company("Asia", "Asia", ["Exports to Asia (mainly Japan) rose."])


def test_a_name_cut_before_its_particles_is_completed():
    from indexer.entities import _past_particles

    text = "President Zorvel arap Moi said so."
    end = text.index(" arap")
    assert _past_particles("Zorvel", text, end) == "Zorvel arap Moi"
    text = "Zorvel de facto ruled."  # a particle-like word before a lower-case word
    assert _past_particles("Zorvel", text, len("Zorvel")) == "Zorvel"


def test_japanese_legal_form_and_shop_chains_are_companies():
    from indexer.entities import _is_company
    from indexer.names import clean_person

    assert clean_person("Zorbaka Kikinzoku KK") is None
    texts = ["It bought the Zorvel's and Gordon Zorbond pharmacies last year."]
    assert _is_company("Gordon Zorbond", texts, ())
    assert not _is_company("Gordon Zorbond", ["Gordon Zorbond, who runs it, said so."], ())


def test_a_person_named_exactly_like_a_known_city_is_no_person():
    from indexer.entities import Segment, _resolve

    segments = [Segment("Shipments from Bandar Abbas rose, Zorvel Quint told reporters.")]
    ents = [[(15, 27, "PERSON", "Bandar Abbas"), (34, 46, "PERSON", "Zorvel Quint")]]
    entities, _ = _resolve(segments, ents)
    assert entities.people == ("Zorvel Quint",)


@pytest.mark.parametrize(
    ("texts", "before", "after", "expected"),
    [
        (["XZorb Inc rose; Zorb Inc fell."], r"(?<![\w-])", r"\s+Inc\b", True),  # 2nd time
        (["XZorb Inc rose."], r"(?<![\w-])", r"\s+Inc\b", False),
        (["the grain firm Zorb said"], r"\b(?:firm|house)\s+", r"(?![\w-])", True),
        (["the grain firmZorb said"], r"\b(?:firm|house)\s+", r"(?![\w-])", False),
        (["Zorbing Inc"], "", r"\s+Inc\b", False),
        (["a", "Zorb, Quint Inc"], "", r"(?:,\s+[A-Z]\w*)?\s+Inc\b", True),
    ],
)
def test_written_matches_the_patterns_at_the_names_edges(texts, before, after, expected):
    import re

    from indexer.entities import _written

    assert _written("Zorb", texts, before, after) is expected
    pattern = re.compile(before + "Zorb" + after)  # what it stands for
    assert any(pattern.search(text) for text in texts) is expected


def test_a_country_inside_a_dateline_city_of_another_country_is_no_place(entity_extractor):
    body = "PORT OF SPAIN, Trinidad, March 3 - The government raised fuel prices on Monday."
    places = entity_extractor.extract("", body).places
    assert "Spain" not in places and "Trinidad and Tobago" in places
    # A country named in the story's text still counts.
    body = "PORT OF SPAIN, Trinidad, March 3 - Spain raised fuel prices on Monday."
    assert "Spain" in entity_extractor.extract("", body).places


def test_limited_ends_a_company_and_a_bare_letter_ends_no_name():
    from indexer.entities import _is_company
    from indexer.names import clean_person

    assert clean_person("Zorbon Limited") is None
    assert clean_person("Annex B") is None and clean_person("Zorva B") is None
    assert clean_person("Zorva B. Quint") == ("Zorva", "B.", "Quint")
    assert _is_company("Zorbon", ["Berg Zorbon Limited partners sold it."], ())
    # The verb is no company suffix: "Zorbon limited his remarks".
    assert not _is_company("Zorbon", ["Zorbon limited his remarks to trade."], ())


def test_nationality_nouns_states_and_a_lower_case_club():
    from indexer.names import clean_person

    assert clean_person("Zealander Zorvel Quint") == ("Zorvel", "Quint")
    assert clean_person("Zorbora State") is None


def test_a_place_naming_a_club_in_lower_case_is_no_place(entity_extractor):
    body = "Talks with the Paris club of western creditors resumed on Monday, officials said."
    assert "Paris" not in entity_extractor.extract("", body).places


def test_a_name_before_a_bracketed_words_and_a_legal_form_is_a_company():
    from indexer.entities import _is_company

    assert _is_company("Zorvel Capel", ["Zorvel Capel (Far East) Ltd led the issue."], ())
    assert not _is_company("Zorvel Capel", ["Zorvel Capel (a broker) said so."], ())


def _people_of(text: str, name: str) -> tuple[str, ...]:
    """The people ``_resolve`` keeps when the model tagged ``name`` (first occurrence)
    PERSON in the one-segment article ``text``."""
    from indexer.entities import Segment, _resolve

    start = text.index(name)
    entities, _ = _resolve([Segment(text)], [[(start, start + len(name), "PERSON", name)]])
    return entities.people


def test_a_name_before_a_stock_ticker_or_ending_in_bros_or_banks_is_a_firm():
    assert _people_of("Like Sweden's L.Z. Zorbsson <ZORB.ST>, it sells.", "L.Z. Zorbsson") == ()
    assert _people_of("Zorbo Quint <ZQ> agreed to buy it.", "Zorbo Quint") == ()
    assert _people_of("Proceeds repay debt. Zorbon Bros is lead underwriter.", "Zorbon Bros") == ()
    assert _people_of("Marine Zorbland Banks agreed to it.", "Marine Zorbland Banks") == ()
    assert _places_of("Zorbyll <ZRB.L> raised its offer.", "Zorbyll") == ()


def test_a_name_of_several_words_needs_something_that_says_it_is_a_person():
    # Nothing says so: a firm ("Peko Wallsend"), a product or a statistic tagged PERSON.
    assert _people_of("Zorbo Wallsend raised its dividend, it said.", "Zorbo Wallsend") == ()
    assert _people_of("It launched Zorbo Kits for clinics.", "Zorbo Kits") == ()
    # "said" is no sign: companies say things too.
    assert _people_of("Zorbo Quint said profits rose.", "Zorbo Quint") == ()
    # A given name before the surname, or in the middle ("T. Boone Pickens").
    assert _people_of("Edouard Zorbquint said profits rose.", "Edouard Zorbquint")
    assert _people_of("Z. Edouard Zorbquint said profits rose.", "Z. Edouard Zorbquint")
    # A title before the surname somewhere in the article.
    text = "Zorbo Quint said profits rose. Mr Quint is new."
    from indexer.entities import Segment, _resolve

    ents = [[(0, 11, "PERSON", "Zorbo Quint"), (34, 39, "PERSON", "Quint")]]
    assert _resolve([Segment(text)], ents)[0].people == ("Zorbo Quint",)


def test_a_role_an_age_or_a_persons_verb_says_a_name_is_a_persons():
    cases = [
        ("Zorbo Quint, president of the coffee institute, spoke.", "Zorbo Quint"),
        ("Zorbo Quint, professor of politics at Tokyo University, agreed.", "Zorbo Quint"),
        ("Zorbo Quint, 52, resigned on Monday.", "Zorbo Quint"),
        ("Zorbo Quint told reporters the talks failed.", "Zorbo Quint"),
        ("The minister of mines and power Zorbo Quint Musa met them.", "Zorbo Quint Musa"),
        ("Shares rose, said Zorbo Quint of Zanthu Securities.", "Zorbo Quint"),
        ("The stake is held by investor Zorbo Quint.", "Zorbo Quint"),
        ("The President of the Coffee Institute, ZCI, Zorbo Quint spoke.", "Zorbo Quint"),
    ]
    for text, name in cases:
        assert _people_of(text, name) == (name,), text
    # A company's description is no role: "a unit of", "the state enterprise".
    assert _people_of("Zorbo Posta, the state enterprise, grew.", "Zorbo Posta") == ()
    # A role and a comma: the name is the role-holder ("its chairman, Zorbo Quint, said")
    # unless a phrase of common words stands between ("a spokesman for the owners, Zorbo
    # Thoresen": the name is the owners').
    assert _people_of("Its chairman, Zorbo Quint, resigned.", "Zorbo Quint") == ("Zorbo Quint",)
    text = "It sank, a spokesman for the owners, Zorbo Thoresen, said."
    assert _people_of(text, "Zorbo Thoresen") == ()
    # A particle is no given name: "Caixa de Zorbona", "Zorbo van Quint" have none.
    assert _people_of("Caixa de Zorbona raised its rates.", "Caixa de Zorbona") == ()


def test_given_names_are_folded_and_umlauts_written_out():
    from indexer.names import is_given_name

    assert is_given_name("Edouard") and is_given_name("Francois") and is_given_name("François")
    assert is_given_name("Juergen") and is_given_name("Jean-Claude")
    assert not is_given_name("Credit") and not is_given_name("Probe") and not is_given_name("J.")
    assert not is_given_name("de") and not is_given_name("Van")


def _places_of(text: str, surface: str, label: str = "GPE") -> tuple[str, ...]:
    """The places ``_resolve`` keeps when the model tagged ``surface`` (first occurrence)
    ``label`` in the one-segment article ``text``."""
    from indexer.entities import Segment, _resolve

    start = text.index(surface)
    ents = [[(start, start + len(surface), label, surface)]]
    return _resolve([Segment(text)], ents)[0].places


def test_a_country_the_model_tagged_as_or_glued_to_a_person_stays_a_place():
    from indexer.entities import Segment, _resolve

    # "Sri Lanka's" tagged PERSON: the gazetteer still finds the country.
    text = "Sri Lanka's Central Bank offered bills."
    assert _places_of(text, "Sri Lanka's", "PERSON") == ("Sri Lanka",)
    # "told Zorbaro Brazil should ..." tagged PERSON: "Brazil" is no surname, so the
    # country stays a place; "Kevin Holland" keeps his surname.
    text = "Zorbaro met Stoltenzorb. He told Zorbaro Brazil should pay. Brazil agreed."
    first, second = text.index("Zorbaro Brazil"), text.rindex("Brazil")
    ents = [
        [
            (0, 7, "PERSON", "Zorbaro"),
            (first, first + 14, "PERSON", "Zorbaro Brazil"),
            (second, second + 6, "GPE", "Brazil"),
        ]
    ]
    assert "Brazil" in _resolve([Segment(text)], ents)[0].places
    text = "Kevin Holland said so. Holland added that it paid."
    ents = [[(0, 13, "PERSON", "Kevin Holland"), (23, 30, "GPE", "Holland")]]
    assert _resolve([Segment(text)], ents)[0].places == ()


def test_a_country_tagged_person_is_a_place_where_the_text_writes_it_as_one():
    def places(text: str, span: str) -> tuple[str, ...]:
        return _places_of(text, span, "PERSON")

    # "Niger" (also a river and a name) is left to the model, which tags it PERSON.
    assert places("It lent 241 mln dlrs to Niger and Zaire.", "Niger") == (
        "Niger",
        "Democratic Republic of the Congo",
    )
    assert "Niger" in places("Gabon, Liberia and Niger were declared eligible.", "Niger")
    assert places("Niger said it agreed.", "Niger") == ()
    # A table's row tagged PERSON hides no country: "Czechoslovakia 365,897".
    assert places("Italy 430,029 (338,766), Czechoslovakia 365,897", "Czechoslovakia 365,897") == (
        "Italy",
        "Czechoslovakia",
    )


def test_a_futures_month_or_a_currency_named_after_a_place_is_no_place():
    # A city's month is a futures contract; a currency in a rates table is no place.
    assert _places_of("Sales went at 35 dlrs under New York July.", "New York") == ()
    assert _places_of("Butter went at 2.27 times New York Dec.", "New York") == ()
    assert _places_of("Kuwait Dinar 0.350461 (0.351685)", "Kuwait") == ()
    assert _places_of("Loans were mainly in U.S. Dollars.", "U.S.") == ()
    assert _places_of("It is 1.28 to the U.S. Dlr.", "U.S.") == ()
    assert _places_of("Talks on the Uruguay trade round resumed.", "Uruguay") == ()
    assert split_article("", "WASHINGTON, D.C., March 26 - It rose.")[0].dateline_places == (
        "Washington",
        "District of Columbia",
    )
    # A date, a verb, a country's monthly figure and the place itself stay.
    assert _places_of("Talks open in New York May 3.", "New York") == ("New York",)
    assert _places_of("Analysts say Seoul may bow to pressure.", "Seoul") == ("Seoul",)
    assert _places_of("Zorbex said Japan May output rose.", "Japan") == ("Japan",)
    assert _places_of("The dollar fell in Kuwait on Monday.", "Kuwait") == ("Kuwait",)


def test_a_crude_grade_or_an_interbank_rate_names_no_place():
    text = "Zorbex posted West Zorbia Sour at 17.00 dlrs a barrel."
    assert _places_of(text, "West Zorbia Sour") == ()
    assert _places_of("Zorbia Sea Brent rose 10 cents.", "Zorbia Sea Brent") == ()
    assert canonical_place("West Zorbian Federation of Banks") is None
    # Known places (an unknown one-word place named once is dropped anyway).
    assert (
        _places_of("The loan pays 1/4 point over the London interbank offered rate.", "London")
        == ()
    )
    assert _places_of("Light Louisiana Sweet crude rose.", "Louisiana") == ()
    assert _places_of("The Southern Zorbia grade was raised.", "Southern Zorbia") == ()
    assert _places_of("Urals crude fell.", "Urals", "LOC") == ()
    # The place itself is still a place, and a country before "interbank" stays one.
    assert _places_of("Oil output in West Zorbia rose.", "West Zorbia")
    assert _places_of("Rates over Bahrain interbank offered rates fell.", "Bahrain") == ("Bahrain",)


def test_a_surname_alone_an_initial_or_a_list_of_people_says_a_name_is_a_persons():
    from indexer.entities import Segment, _resolve

    # The surname tagged PERSON on its own elsewhere: the article refers to a person by it.
    text = "Zorbo Quint lost the final. Quint was tired."
    ents = [[(0, 11, "PERSON", "Zorbo Quint"), (28, 33, "PERSON", "Quint")]]
    assert _resolve([Segment(text)], ents)[0].people == ("Zorbo Quint",)
    # A line-up's initial without a dot: "G Zorbquint (Cardiff)".
    assert _people_of("G Zorbquint (Cardiff), T Shanklin (Cardiff).", "G Zorbquint")
    # A list beside a name with a given name: "Rowetta Satchell, Steve Brookstein".
    text = "Zorbetta Quint, Steve Zorbstein and Zabby Quorl are the finalists."
    names = ("Zorbetta Quint", "Steve Zorbstein", "Zabby Quorl")
    ents = [[(text.index(n), text.index(n) + len(n), "PERSON", n) for n in names]]
    assert _resolve([Segment(text)], ents)[0].people == names
    # Not a list: two names a sentence apart.
    text = "Zorbetta Quint rose. Steve Zorbstein fell."
    names = ("Zorbetta Quint", "Steve Zorbstein")
    ents = [[(text.index(n), text.index(n) + len(n), "PERSON", n) for n in names]]
    assert _resolve([Segment(text)], ents)[0].people == ("Steve Zorbstein",)
    # A trade before the name is a role: "tennis star Zorbo Quint", "rapper Zorbo Quint".
    assert _people_of("She married tennis star Zorbo Quint in May.", "Zorbo Quint")


def test_the_given_name_comes_first_and_a_bare_compass_word_or_a_city_accord_is_no_place():
    # A given name inside a firm's name says nothing: "Compagnie Francaise D'Electro".
    assert (
        _people_of("It sold Zorbagnie Francaise Quintel to them.", "Zorbagnie Francaise Quintel")
        == ()
    )
    assert _people_of("Z. Edouard Zorbquint sold it.", "Z. Edouard Zorbquint")
    assert _people_of("The Finance Committees met.", "Committees") == ()

    def places(text: str, surface: str) -> tuple[str, ...]:
        return _places_of(text, surface, "LOC")

    assert places("Demand in South-east Asia rose.", "South-east") == ()
    assert places("Rain fell in the South-West on Monday.", "South-West") == ()
    assert places("Dealers doubted the Paris accord would hold.", "Paris") == ()
    assert places("Since the Paris accords, it rose.", "Paris") == ()
    assert places("They kept to the Paris agreement.", "Paris") == ()
    assert places("Dealers in Paris doubted it.", "Paris") == ("Paris",)
    assert places("Before the Venice economic summit, it rose.", "Venice") == ()
    assert places("Ahead of the Tokyo summit, it fell.", "Tokyo") == ()
    # A lake is not its state; "New-Mexico-based" is not Mexico.
    assert places("Ice covered Lake Michigan.", "Michigan") == ()
    assert places("A New-Mexico-based firm bought it.", "Mexico") == ()
    assert places("Snow fell in Michigan.", "Michigan") == ("Michigan",)
    assert "Japan" in places("The U.S.-Japan accord was signed.", "Japan")


def test_a_place_inside_a_commercial_bank_an_exchange_or_a_firm_bracket_is_no_place():
    assert _places_of("Lead manager is Union Bank of Switzerland.", "Switzerland") == ()
    assert _places_of("It owes United Bancorp of Arizona money.", "Arizona") == ()
    assert _places_of("It is listed on the Luxembourg Stock Exchange.", "Luxembourg") == ()
    assert _places_of("Toshiba Finance (Netherlands) issued notes.", "Netherlands") == ()
    assert _places_of("Zorbex (Australia) Finance Ltd issued notes.", "Australia") == ()
    # A person's country and a place's other name in brackets stay places.
    assert _places_of("Winners: Margaret Zorbwood (Canada).", "Canada") == ("Canada",)
    assert _places_of("It reopened consulates in Mumbai (Bombay).", "Bombay") == ("Bombay",)
    assert _places_of("He spoke of the Iran-contra affair.", "Iran") == ()
    # A firm based in a place names the place ("Continental Grain Co of New York").
    assert _places_of("It sold a plant to Zorbex Corp of Houston.", "Houston") == ("Houston",)
    # Another mention of the place as a place keeps it.
    text = "Exports from Switzerland rose, Union Bank of Switzerland said."
    assert _places_of(text, "Switzerland") == ("Switzerland",)


def test_a_country_inside_a_firm_s_or_a_bank_s_name_is_the_story_s_only_by_its_dateline():
    from indexer.entities import _resolve

    def places(body: str, org: str, title: str = "") -> tuple[str, ...]:
        segments = split_article(title, body)
        ents = []
        for seg in segments:
            at = seg.text.find(org)
            ents.append([] if seg.caps or at < 0 else [(at, at + len(org), "ORG", org)])
        return _resolve(segments, ents)[0].places

    # The model's ORG span holds the country after another word of the name.
    assert places("Dealers said the Bank of Japan intervened.", "the Bank of Japan") == ()
    assert places("Zorbshell Canada Ltd raised prices.", "Zorbshell Canada Ltd") == ()
    assert places("It bought Zorbex de Mexico.", "Zorbex de Mexico") == ()
    # ... and the all-caps headline writes the same name.
    title = "ZORBSHELL CANADA RAISES CRUDE"
    assert places("Zorbshell Canada Ltd raised prices.", "Zorbshell Canada Ltd", title) == ()
    # The dateline puts the story there: the country stays, with the dateline its mention.
    body = "TOKYO, March 3 - The Bank of Japan intervened."
    assert places(body, "The Bank of Japan") == ("Tokyo", "Japan")
    body = "CALGARY, Alberta, March 3 - Zorbshell Canada Ltd raised prices."
    assert "Canada" in places(body, "Zorbshell Canada Ltd")
    # A firm "of" a country is based there; the country first, a list or a sentence stay.
    assert places("Nippon Zorb Co of Japan bought it.", "Nippon Zorb Co of Japan") == ("Japan",)
    text = "The U.S. Agriculture Department said so."
    assert places(text, "The U.S. Agriculture Department") == ("United States",)
    assert places("Fixtures: USG/Taiwan 54,000 mt.", "USG/Taiwan") == ("Taiwan",)
    assert places("The Group of Five plus Canada met.", "The Group of Five plus Canada") == (
        "Canada",
    )


def test_a_dateline_puts_its_story_in_a_country():
    from indexer.places import dateline_country

    assert dateline_country("Zurich") == "Switzerland"
    assert dateline_country("London") == "United Kingdom"  # not London, Ontario
    assert dateline_country("Danbury", "Connecticut") == "United States"
    assert dateline_country("Calgary", "Alberta") == "Canada"
    assert dateline_country("Strasbourg", "France") == "France"
    assert dateline_country("Bonn") is None  # West Germany's then, Germany's now
    assert dateline_country("Zorbtown") is None


def test_a_misspelt_dateline_city_or_country_is_corrected():
    from indexer.entities import split_article

    def dateline(body: str) -> tuple[str, ...]:
        return split_article("", body)[0].dateline_places

    assert dateline("PHILADEPHIA, March 18 - Prices rose.") == ("Philadelphia",)
    assert dateline("NORCORSS, Ga., June 1 - Prices rose.") == ("Norcross", "Georgia")
    # A real town (of 500 people or more) keeps its name; so does a name no slip explains.
    assert dateline("CAMAS, Wash., June 1 - Prices rose.") == ("Camas", "Washington")
    assert dateline("ZORBQUINT, Ga., June 1 - Prices rose.") == ("Zorbquint", "Georgia")
    # An all-caps dateline gets the gazetteer's capitals.
    assert dateline("MCLEAN, Va., June 1 - Prices rose.") == ("McLean", "Virginia")
    # A name only a town abroad has is a slip for the state's city (Landsdale is in
    # Australia); a town elsewhere in the country keeps its name (the wire named the wrong
    # state: Englewood is in Colorado and New Jersey).
    assert dateline("LANDSDALE, Penn., April 3 - Prices rose.") == ("Lansdale", "Pennsylvania")
    assert dateline("ENGLEWOOD, Calif., June 1 - Prices rose.") == ("Englewood", "California")
    assert canonical_place("Saudia Arabia") == "Saudi Arabia"
    assert canonical_place("Equador") == "Ecuador"  # seven letters
    assert canonical_place("Tolland") == "Tolland"  # a town, not Holland: first letters differ
    # A month misspelt is no place; a place one slip from a month is.
    assert canonical_place("Feburary") is None
    assert canonical_place("Septmember") is None
    assert canonical_place("Augusta") == "Augusta"
    assert canonical_place("Republic of Ireland") == "Republic of Ireland"  # not Iceland


def test_a_canadian_province_s_abbreviation_a_court_s_district_and_the_un():
    assert split_article("", "ZORBVILLE, Que., April 2 - Ore rose.")[0].dateline_places == (
        "Zorbville",
        "Quebec",
    )
    assert canonical_place("B.C.") == "British Columbia"
    assert canonical_place("Ont.") == "Ontario"
    assert canonical_place("Man") == "Man"  # only with its dot: the Isle of Man
    # "the Southern District of New York" is a court's; the UN's seat is no place.
    assert canonical_place("the Southern District") is None
    assert canonical_place("UNITED NATIONS") is None
    assert canonical_place("Big Bang") is None
    assert canonical_place("District of Columbia") == "District of Columbia"


def test_an_institution_named_after_its_place_is_no_place():
    assert canonical_place("Hamilton County Common Pleas Court") is None
    assert canonical_place("Zorbia Transport Commission") is None
    assert canonical_place("Zorbian Railways") is None
    assert canonical_place("Warburg Zorbitic SA") is None  # a legal form ends a firm's name
    assert canonical_place("State College") == "State College"  # a town in Pennsylvania


def test_a_place_tagged_person_or_a_firm_s_unit_is_no_person():
    # "New Brunswick" tagged PERSON: cutting "New" must not leave a person "Brunswick".
    assert _people_of("The New Brunswick utilities objected.", "New Brunswick") == ()
    # A name written as a firm's business, unit or division is the firm's.
    assert _people_of("Its newly acquired Zorbo Quintel business grew.", "Zorbo Quintel") == ()
    assert _people_of("Its Zorbo Quintel unit said sales rose.", "Zorbo Quintel") == ()
    assert _people_of("The chairman, Zorbo Quintel, 52, said sales rose.", "Zorbo Quintel")


def test_a_word_cut_from_the_end_of_a_span_is_no_title_cue():
    # "Heldring en" of "Pierson, Heldring en Pierson": cutting "en" leaves no person.
    assert _people_of("Lead manager is Pierson, Zorbring en Pierson.", "Zorbring en") == ()
    # A title cut from the front is a cue for a lone surname.
    assert _people_of("He met President Zorbquint.", "President Zorbquint") == ("Zorbquint",)


def test_a_name_ending_in_a_title_is_a_title_unless_a_given_name_opens_it():
    # (the title cue still finds the prince's name after it)
    assert _people_of("Zorbia's Crown Prince Quint said so.", "Crown Prince") == ("Quint",)
    assert _people_of("Zorbex Treasurer, 52, told us.", "Zorbex Treasurer") == ()
    # "Singer", "Pope", "King" are surnames too.
    assert _people_of("Chairman Brian Singer said so.", "Brian Singer") == ("Brian Singer",)


def test_letters_after_a_name_go_and_other_capitals_there_end_no_person():
    assert clean_person("Zorbo Quintel MP") == ("Zorbo", "Quintel")
    assert clean_person("Dame Zorba Quintel QC") == ("Zorba", "Quintel")
    # A firm or a heading in capitals ("Thorn EMI", "LONG GRAIN RICE") is nobody.
    assert clean_person("Zorbo ZQX") is None
    assert clean_person("ZORBO QUINT") is None
    # A generation number is part of the name.
    assert clean_person("Zorbo Quintel III") == ("Zorbo", "Quintel", "III")


def test_a_name_ending_in_a_legal_form_is_a_company():
    assert clean_person("Zorbo Quintel Oy") is None
    assert clean_person("Zorbo Quintel AB") is None
    assert clean_person("Zorbo Associates LP") is None


def test_a_title_typed_with_a_doubled_letter_is_still_a_title():
    assert clean_person("Miniister Zorbo Quintel") == ("Zorbo", "Quintel")
    assert clean_person("Presidentt Zorbquint") == ("Zorbquint",)
    # Words one other slip away from a title are names ("Farmer" / "former").
    assert clean_person("Farmer Zorbquint") == ("Farmer", "Zorbquint")
    assert clean_person("Sanger Zorbquint") == ("Sanger", "Zorbquint")
    # "Major" is a rank, but no cue for the word after it ("other major Exchanges").
    assert _people_of("Major Zorbo Quintel said so.", "Major Zorbo Quintel") == ("Zorbo Quintel",)
    assert _people_of("It met other major Zorbchanges.", "Zorbchanges") == ()
    # Nor is "Treasury" ("the Treasury Bill rate").
    assert _people_of("The weekly Treasury Bill rate fell.", "Bill") == ()


def test_a_name_the_model_cut_short_is_completed_from_the_text():
    # A lone word after a title, with the surname after it.
    text = "Executive Secretary Zorbo Quintel told the meeting."
    assert _people_of(text, "Zorbo") == ("Zorbo Quintel",)
    text = "It asked (Finance Minister Zorbo) Quintel's aides."
    assert _people_of(text, "Zorbo") == ("Zorbo Quintel",)
    text = "Finance Minister Zorbo In-quint will visit."
    assert _people_of(text, "Zorbo") == ("Zorbo In-quint",)
    # A given name closing brackets needs no title.
    assert _people_of("It met (raider Irwin) Zorbquint.", "Irwin") == ("Irwin Zorbquint",)
    # Without a title, a given name and the next word are no person.
    assert _people_of("It drills its Clinton Zorbstone formation.", "Clinton") != (
        "Clinton Zorbstone",
    )
    # A given name before a name that opens with one, or after a title.
    text = "The head of Zorbex, Jamal Hassan Zorbquint, retired."
    assert _people_of(text, "Hassan Zorbquint") == ("Jamal Hassan Zorbquint",)
    text = "Trade Minister Alejandro Zorbinez Quenca said so."
    assert _people_of(text, "Zorbinez Quenca") == ("Alejandro Zorbinez Quenca",)
    # Not a word before a firm's name that happens to be a given name.
    text = "The bid for Hero Zorbserven Quintburg failed."
    assert "Hero Zorbserven Quintburg" not in _people_of(text, "Zorbserven Quintburg")
    # Particles after a cut span: "Cor van" + " der Klugt".
    text = "Chairman Zorb van der Quint said so."
    assert _people_of(text, "Zorb van") == ("Zorb van der Quint",)


def test_a_firm_a_ship_or_a_bank_is_no_person():
    # A lower-case noun before the name says what it is.
    assert _people_of("A spokesman for brokers Zorbo Quintel said.", "Zorbo Quintel") == ()
    assert _people_of("It was led by the carrier Zorba Quint.", "Zorba Quint") == ()
    assert _people_of("Former investment bankers Zorbo Quintel and others.", "Zorbo Quintel")
    # German, Swiss and French banks by their names' ends; brokerages, wineries.
    assert clean_person("Swiss Zorbvolksbank") is None
    assert clean_person("Caisse d'Epargne de Zorbia") is None
    assert clean_person("Zorbo Brokerage") is None
    assert clean_person("Zorbo Quint Cellars") is None
    assert canonical_place("Zorbsparkasse") is None


def test_an_elided_particle_ends_a_name():
    assert clean_person("Valery Zorbard d'Quint") == ("Valery", "Zorbard", "d'Quint")
    text = "The founder was President Valery Zorbard d'Quint, it said."
    assert _people_of(text, "Valery Zorbard") == ("Valery Zorbard d'Quint",)


def test_a_stock_ticker_or_a_company_named_after_a_place_names_no_place():
    text = "The bidders were Zorbex Corp's <UK.> unit and others."
    assert _places_of(text, "UK") == ()
    assert _places_of("Sales in the UK rose, Zorbex said.", "UK") == ("United Kingdom",)
    # A place opening a company's name in wire brackets; not after "of", nor the country
    # of a firm's unit, which Reuters' labels count as the story's place.
    assert _places_of("It bought <Canada Zorbing Corp> shares.", "Canada") == ()
    assert _places_of("It bought <Zorbex Canada Ltd> shares.", "Canada") == ("Canada",)
    assert _places_of("It sold <Bank of Canada> notes.", "Canada") == ("Canada",)
    # A sea or an airline named after a country, found by the model or the gazetteer.
    assert _places_of("Rigs in the Gulf of Mexico were shut.", "Mexico") == ()
    from indexer.entities import Segment, _resolve

    for text in ("Rigs in the Gulf of Mexico were shut.", "It bought shares of Air Canada."):
        assert _resolve([Segment(text)], [[]])[0].places == ()


def test_a_postal_state_code_in_a_dateline_is_the_state():
    assert split_article("", "TULSA, OK., March 3 - Prices rose.")[0].dateline_places == (
        "Tulsa",
        "Oklahoma",
    )


def test_given_names_after_a_title_take_the_surnames_after_them():
    text = "Trade Minister Jose Hugo Zorbelo Quinco told the meeting."
    assert _people_of(text, "Jose Hugo") == ("Jose Hugo Zorbelo Quinco",)
    # After a title, a given name before the span may be a place's name too ("Salem").
    text = "Governor Sheikh Salem Abdul-Aziz al-Zorbah said so."
    assert _people_of(text, "Abdul-Aziz al-Zorbah") == ("Salem Abdul-Aziz al-Zorbah",)


def test_a_hyphen_or_a_particle_after_a_cut_name_completes_it():
    text = "It buried a sister of President Felix Zorbouet-Quigny, it said."
    assert _people_of(text, "Felix Zorbouet") == ("Felix Zorbouet-Quigny",)
    text = "Foreign minister Ramiro de Zorbreu Quodre said so."
    assert _people_of(text, "Ramiro de Zorbreu") == ("Ramiro de Zorbreu Quodre",)
    # A span the particles already completed takes nothing twice.
    text = "President Miguel de la Zorbrid said so."
    assert _people_of(text, "Miguel de la") == ("Miguel de la Zorbrid",)


def test_mines_cemeteries_and_a_firm_s_lines_are_no_people():
    assert clean_person("Zorbo Colliery") is None
    assert clean_person("Zorbo Memorial Gardens") is None
    assert _people_of("Its American President Lines unit grew.", "Lines") == ()
    assert _people_of("Brazilian Geography and Statistics Institute data.", "Geography") == ()


def test_an_adjective_an_acronym_or_a_lower_case_tail_is_no_place_s_name():
    assert canonical_place("Kuwaiti") is None  # "the Kuwaiti response"
    assert canonical_place("ZORBO") is None  # "the ICCO session": an acronym
    assert canonical_place("ROME") == "Rome"  # a known city in capitals stays
    assert canonical_place("Sea") is None  # "the Law of the Sea"
    # Wire copy's lower-case place nouns are part of the name; other words are not.
    assert canonical_place("Zorbia city") == "Zorbia City"
    assert canonical_place("Zorbia province") == "Zorbia Province"
    assert canonical_place("New york") == "New York"
    assert canonical_place("Zorbia began") == "Zorbia"
    assert canonical_place("City of") is None
    # An affair named after a country is no mention of it.
    assert _places_of("Before the Iran/Contra scandal, it rose.", "Iran") == ()
