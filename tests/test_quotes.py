"""Quotations and their speakers (indexer.quotes)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.clean.textdump import split_articles
from indexer.quotes import find_quotes
from tests.conftest import SAMPLE_ARCHIVE

SAMPLE = SAMPLE_ARCHIVE / "moscow-times-2020-sample.txt"
SAMPLE_PEOPLE = (
    ("Vladimir Putin",),
    ("Francois Bozize", "Ange Maxime Kazagui", "Faustin-Archange Touadera"),
)
# What a reader of the sample archive finds: (the quotation's first words, its speaker).
SAMPLE_QUOTES = (
    [
        ("Without any doubt, our cooperation", "Vladimir Putin"),
        ("The time will show how it will develop", "Vladimir Putin"),  # "…, he added, noting:"
        ("We don’t need it, but, theoretically", "Vladimir Putin"),  # "Putin said: “…”"
    ],
    [
        ("Russia has sent several hundred soldiers", "Ange Maxime Kazagui"),
        # A paragraph that is only a quotation: the previous speaker goes on.
        ("The Rwandans have also sent several hundred men", "Ange Maxime Kazagui"),
        ("serious concern", "the Kremlin"),  # an organisation
        ("under control.", "a spokesman for the UN force"),  # unnamed stays unnamed
    ],
)


def quotes_of(body: str, people=()):
    return [(q.text, q.speaker) for q in find_quotes(body, people)]


def sample_articles():
    return split_articles(SAMPLE.read_text("utf-8"))


def test_the_sample_archive_quotations_are_found_and_attributed():
    articles = sample_articles()
    assert len(articles) == 2
    for (title, body), people, expected in zip(articles, SAMPLE_PEOPLE, SAMPLE_QUOTES, strict=True):
        found = quotes_of(body, people)
        assert [
            (text[: len(start)], speaker)
            for (text, speaker), (start, _) in zip(found, expected, strict=True)
        ] == expected, title


def test_the_sample_archive_with_the_real_entity_extractor(entity_extractor):
    """End to end: the speakers resolve to the people the spaCy model finds."""
    for (title, body), expected in zip(sample_articles(), SAMPLE_QUOTES, strict=True):
        people = entity_extractor.extract(title, body).people
        assert [speaker for _, speaker in quotes_of(body, people)] == [s for _, s in expected]


def test_scare_quotes_and_unattributed_fragments_are_not_quotations():
    _, body = sample_articles()[1]
    texts = [text for text, _ in quotes_of(body)]
    assert "peace and security" not in texts  # no speaker, three words
    _, body = sample_articles()[0]
    assert "pivoted" not in [text for text, _ in quotes_of(body)]  # one word


def test_spans_point_at_the_quoted_words_in_the_body():
    _, body = sample_articles()[0]
    for quote in find_quotes(body, ("Vladimir Putin",)):
        start, end = quote.spans[0]
        assert body[start - 1] == "“"
        assert " ".join(body[start:end].split()).startswith(quote.text[:20])


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ('"We will win," Ann Lee said.', "Ann Lee"),
        ('"We will win," said Ann Lee, the party leader.', "Ann Lee"),
        ('"We will win," Lee, the party leader, said on Monday.', "Ann Lee"),
        ("Lee said: “We will win.”", "Ann Lee"),
        ('"We will win," according to Ann Lee.', "Ann Lee"),
        ('Ann Lee, 45, said the party would "win the vote easily".', "Ann Lee"),
        ('"We will win," the Kremlin said.', "the Kremlin"),
        ('"We will win," a spokesman for the party said.', "a spokesman for the party"),
        ('"We will win," Analysts said.', "analysts"),
        ('"We will win," said analyst Bob Hart of Hart Securities.', "Bob Hart"),
        ('"We will win," government spokesman Ange Maxime Kazagui said.', "Ange Maxime Kazagui"),
        ('President Lee told reporters: "We will win the vote."', "Ann Lee"),
        ('Lee has also said that the plan was "dead in the water".', "Ann Lee"),
    ],
)
def test_attribution_patterns(body, speaker):
    people = ("Ann Lee", "Ange Maxime Kazagui")
    assert quotes_of(body, people)[0][1] == speaker


def test_he_added_resolves_to_the_last_named_speaker():
    body = (
        '"Prices will rise," Ann Lee said.\n\n'
        "The forecast was disputed by Bob Hart.\n\n"
        'She added: "Not all of them, and not this year."'
    )
    assert quotes_of(body, ("Ann Lee", "Bob Hart"))[1] == (
        "Not all of them, and not this year.",
        "Ann Lee",
    )


def test_she_after_a_sentence_about_someone_is_that_someone():
    body = (
        '"Prices will rise," Bob Hart said.\n\n'
        "Ann Lee paid tribute to the bank's staff.\n\n"
        '"They worked very hard this year," she said.'
    )
    assert quotes_of(body, ("Ann Lee", "Bob Hart"))[1][1] == "Ann Lee"


def test_he_before_anyone_spoke_is_the_subject_of_the_last_sentence_naming_someone():
    body = (
        "Ann Lee praised Bob Hart on Monday.\n\n"
        "He made the remarks in a speech about Bob Hart.\n\n"
        'He said: "The work is done and it was done well."'
    )
    assert quotes_of(body, ("Ann Lee", "Bob Hart"))[0][1] == "Ann Lee"


def test_a_quotation_over_several_paragraphs_is_one_quotation():
    body = (
        'Ann Lee said: "The first part of the answer.\n\n'
        '"The second part of the answer."\n\n'
        "The meeting ended."
    )
    [quote] = find_quotes(body, ("Ann Lee",))
    assert quote.speaker == "Ann Lee"
    assert quote.text == "The first part of the answer. The second part of the answer."
    assert len(quote.spans) == 2


def test_a_lost_paragraph_break_inside_a_quotation_keeps_one_quotation():
    # The BBC dumps lost the breaks: `tie. "The players` opens the next paragraph's part.
    body = 'Wenger said: "We are still in the tie. "The players are down," he said.'
    [quote] = find_quotes(body, ("Arsene Wenger",))
    assert quote.text == "We are still in the tie. The players are down"
    assert quote.speaker == "Arsene Wenger"


def test_hard_wrapped_wire_copy():
    body = (
        "LONDON, March 3 - Prices fell, the\nministry said.\n"
        '"We expect a recovery in the second\nhalf," Finance Minister Ann\nLee told '
        "reporters.\n"
        '"Exports are strong."\n'
        'Traders said the UAE"s output was steady.'
    )
    assert quotes_of(body, ("Ann Lee",)) == [
        ("We expect a recovery in the second half", "Ann Lee"),
        ("Exports are strong.", "Ann Lee"),
    ]


def test_called_for_is_not_speech_but_called_is():
    assert quotes_of('The union called for "a fair and open vote on pay".') == [
        ("a fair and open vote on pay", None)
    ]
    assert quotes_of('Ann Lee called the plan "a very bad idea".', ("Ann Lee",)) == [
        ("a very bad idea", "Ann Lee")
    ]


def test_curly_single_quotes_when_there_are_no_double_quotes():
    body = "‘It’s the right decision for the club,’ Ann Lee said."
    assert quotes_of(body, ("Ann Lee",)) == [("It’s the right decision for the club", "Ann Lee")]


@pytest.mark.parametrize("body", ["", "   ", '"', "“", 'He said "', '""""', "no quotes at all"])
def test_odd_input_gives_no_quotations(body):
    assert find_quotes(body, ("Ann Lee",)) == []


@settings(max_examples=300, deadline=None)
@example(body='a said "a a\n\n“')  # an empty continuation paragraph gave an empty span
@given(
    st.lists(
        st.sampled_from([*'ab AB.,:;"“”‘’\n-', "\n\n", " said", " Lee", " he", "The "]),
        max_size=80,
    ).map("".join)
)
def test_any_text_gives_well_formed_quotations(body):
    for quote in find_quotes(body, ("Ann Lee",)):
        assert quote.text.strip()
        assert len(quote.text.split()) >= 2 or quote.speaker is not None
        for start, end in quote.spans:
            assert 0 <= start < end <= len(body)


# Cases a user met on BBC News articles (issue 17), each cut down to its pattern.
@pytest.mark.parametrize(
    ("body", "people", "quote", "speaker"),
    [
        (  # a relative clause between the name and the verb; "He" is that name
            "Tony Blair apologised. Gerry Conlon - who was wrongly convicted - said the "
            'families were pleased. He said Mr Blair had "listened to everyone".',
            ("Tony Blair", "Gerry Conlon"),
            "listened to everyone",
            "Gerry Conlon",
        ),
        (  # "went on to say:", and a later "Mr Blair said" in the same paragraph
            'Shadow Home Secretary David Davis spoke. He went on to say: "We regard it as '
            'essential." Mr Blair said the powers were renewable.',
            ("David Davis", "Tony Blair"),
            "We regard it as essential.",
            "David Davis",
        ),
        (  # an opening phrase without its comma, then a role the article does not name
            'In his New Year message the Liberal Democrat leader said it was "the politics '
            'of fear". Charles Kennedy said it again.',
            ("Charles Kennedy",),
            "the politics of fear",
            "Charles Kennedy",
        ),
        (
            'In his televised news conference Reagan said it was "a good deal" for all.',
            ("Ronald Reagan",),
            "a good deal",
            "Ronald Reagan",
        ),
        (
            'In a statement the RSPCA said it had "grave concerns" about it.',
            (),
            "grave concerns",
            "the RSPCA",
        ),
        (
            "In a statement, detainee 'A' in Woodhill Prison said: \"I hope the government "
            'will act."',
            (),
            "I hope the government will act.",
            "detainee 'A' in Woodhill Prison",
        ),
        (
            "Patricia Hewitt said it was a priority. The minister told delegates that "
            'ending "career sexism" was vital.',
            ("Patricia Hewitt",),
            "career sexism",
            "Patricia Hewitt",
        ),
        (  # an abbreviation goes by the name the article introduced
            "Growth is needed, the International Monetary Fund (IMF) has said. The IMF said "
            'it saw "a lack of transparency".',
            (),
            "a lack of transparency",
            "the International Monetary Fund",
        ),
        (  # "has said" is no "… as said"
            'Growth needs "sustained and deep reform efforts", the International Monetary '
            "Fund has said.",
            (),
            "sustained and deep reform efforts",
            "the International Monetary Fund",
        ),
    ],
)
def test_speakers_from_unseen_text(body, people, quote, speaker):
    assert (quote, speaker) in quotes_of(body, people)


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # the person named before the organisation he speaks for
        ('Colin Asplin, Blackpool Hotel Association said: "We tried hard."', "Colin Asplin"),
        (
            '"Plastics will grow," Colin Asplin, GenCorp chairman and chief executive said.',
            "Colin Asplin",
        ),
        # a broadcaster relaying someone's words: the one quoted
        ('Tehran Radio quoted Rafsanjani as saying: "We will respond."', "Ali Rafsanjani"),
    ],
)
def test_the_person_behind_an_organisation_or_a_broadcaster(body, speaker):
    people = ("Colin Asplin", "Ali Rafsanjani")
    (quote, speaker_found), *_ = quotes_of(body, people)
    assert speaker_found == speaker


def test_a_passive_naming_verb_has_no_speaker():
    body = 'The portrait is of a young man who was dubbed "the noble savage and more" then.'
    assert [speaker for _, speaker in quotes_of(body)] in ([], [None])


def test_a_quotation_over_paragraphs_takes_the_verb_of_its_last_paragraph():
    body = (
        "Financial Corp said it was exploring alternatives.\n\n"
        '"We are responsible to our shareholders.\n\n'
        '"Any proposal will be viewed from this perspective," Financial Corp chairman '
        "William Popejoy said in a statement."
    )
    quotes = quotes_of(body, ("William Popejoy",))
    assert [speaker for _, speaker in quotes] == ["William Popejoy"]


def test_a_one_word_quotation_of_a_speaker_is_kept_but_not_a_term():
    said = 'Robert Salomon said the outlook was "difficult" this year.'
    assert quotes_of(said, ("Robert Salomon",)) == [("difficult", "Robert Salomon")]
    term = 'Robert Salomon said the so-called "lockup" devices were legal.'
    assert quotes_of(term, ("Robert Salomon",)) == []
    term = 'Robert Salomon said the clerks got round the rule by "stacking" their stock.'
    assert quotes_of(term, ("Robert Salomon",)) == []


def test_a_fragment_is_no_speaker():
    body = 'The unit will issue farm securities for resale to investors-- said to be "new".'
    assert [speaker for _, speaker in quotes_of(body)] in ([], [None])
    body = (
        "It is a site which uses the swap system called Varnet. A note has appeared on it "
        'warning "You can look, but you cannot hide".'
    )
    assert [speaker for _, speaker in quotes_of(body)] in ([], [None])


def test_a_verb_with_its_agent_after_by_is_no_speakers_verb():
    body = (
        "One clerk said that while the steps urged by the guild were modest, the plan "
        'shows "it will take years to mend".'
    )
    assert quotes_of(body) == [("it will take years to mend", "one clerk")]


def test_a_name_before_a_role_and_its_verb_is_no_apposition():
    body = (
        "The mayor will visit Ovington Brask, a Guild spokesman said.\n\n"
        'The spokesman, who asked not to be named, said: "It is the press of work."'
    )
    assert quotes_of(body, ("Ovington Brask",)) == [
        ("It is the press of work.", "a Guild spokesman")
    ]


def test_would_only_say_keeps_the_speaker_whole():
    body = 'A Guild spokeswoman would only say: "We will decide when we decide."'
    assert quotes_of(body) == [("We will decide when we decide.", "a Guild spokeswoman")]


def test_a_verb_that_takes_an_object_may_stand_before_its_subject_after_a_quotation():
    body = '"We had a call from Varnia," confirmed a Brellford spokesman. Talks go on.'
    assert quotes_of(body) == [("We had a call from Varnia", "a Brellford spokesman")]


def test_a_participle_after_a_thing_has_no_speaker():
    body = 'The step, announced a day after the merger, will "cost more than it saves".'
    assert [speaker for _, speaker in quotes_of(body)] in ([], [None])
    body = 'One of the officials, who asked not to be named, said it would "cost more".'
    assert quotes_of(body) == [("cost more", "one of the officials")]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # "the consortium" is the one the article named with that noun
        (
            "The Varnian Aerostar consortium has won orders, the consortium said.\n\n"
            '"Our aims are met," the consortium said.',
            "the Varnian Aerostar consortium",
        ),
        # "the bank" is the subject before its verb, not an apposition of a name before it
        (
            "<Brellford Banco> will buy its affiliate, Glimmer-Bank, the bank said.\n\n"
            '"It gives us a firm footing," the bank said.',
            "Brellford Banco",
        ),
    ],
)
def test_the_organisation_behind_the_company_or_the_consortium(body, speaker):
    assert [found for _, found in quotes_of(body)] == [speaker]


def test_a_broadcaster_keeps_its_capitalised_noun():
    body = (
        "Varnia Radio said a minister had spoken.\n\n"
        'The radio said he spoke "after the raid on the port".'
    )
    assert quotes_of(body) == [("after the raid on the port", "Varnia Radio")]


def test_a_broadcaster_quoting_someone_telling_is_the_one_quoted():
    body = (
        'Ovington Brask said: "Our role is calm."\n\n'
        "Varnia Radio quoted spokesman Ilse Marrow telling guests,\n\n"
        '"The fleet is near us."'
    )
    speakers = [speaker for _, speaker in quotes_of(body, ("Ovington Brask", "Ilse Marrow"))]
    assert speakers == ["Ovington Brask", "Ilse Marrow"]


def test_a_name_the_model_split_in_two_is_one_speaker():
    body = '"We are calm," said defence spokesman Ilse Varo Marrow Tesk.'
    assert quotes_of(body, ("Ilse Varo", "Marrow Tesk")) == [
        ("We are calm", "Ilse Varo Marrow Tesk")
    ]


def test_a_participle_without_a_verb_of_saying_in_its_sentence_is_its_subjects():
    body = (
        "The Guild of Varnia noted that trade was brisk. Bank president Ovington Brask "
        'has defended the cut, saying "the rate is not the one that matters".'
    )
    assert quotes_of(body, ("Ovington Brask",)) == [
        ("the rate is not the one that matters", "Ovington Brask")
    ]


def test_a_communique_speaks_for_the_company_that_issued_it():
    body = (
        "The Varnian Aerostar consortium has won orders, the consortium said in a "
        'communique. Its board "found the aims met and the plan sound," the communique said.'
    )
    assert [speaker for _, speaker in quotes_of(body)] == ["the Varnian Aerostar consortium"]


def test_a_comma_ends_what_with_attaches_to():
    body = (
        "A guild spokesman said Brask Co was pleased with the ruling, noting that a loss "
        'would have "set the whole thing back for years".'
    )
    assert quotes_of(body) == [("set the whole thing back for years", "a guild spokesman")]


def test_an_unnamed_speaker_keeps_where_he_works_but_not_where_he_spoke():
    body = '"It is a technical matter," said an official at the Varnia Guild.'
    assert quotes_of(body) == [("It is a technical matter", "an official at the Varnia Guild")]
    body = '"It is a technical matter," said an official at a news conference.'
    assert quotes_of(body) == [("It is a technical matter", "an official")]


def test_a_description_goes_by_its_first_fuller_form():
    body = (
        "Varnia will tax the guilds more, the federal trade office said.\n\n"
        'The rise "will widen the base," the trade office said.'
    )
    assert quotes_of(body) == [("will widen the base", "the federal trade office")]


def test_a_surname_goes_by_the_full_name_with_its_nickname():
    body = (
        "Ovin 'Spoke' Brask has left the band. Brask added that he would explain how he "
        '"got to this point in life".'
    )
    assert quotes_of(body) == [("got to this point in life", "Ovin 'Spoke' Brask")]


def test_an_abbreviation_before_a_pronoun_ends_the_speaker():
    body = (
        '"We are running out of luck," said Ilse Marrow of Varnia Trading Corp. His '
        "interest rate and trade forecasts were among the lowest."
    )
    assert quotes_of(body, ("Ilse Marrow",)) == [("We are running out of luck", "Ilse Marrow")]


def test_a_name_before_a_relative_clause_is_the_subject():
    body = (
        "Ilse Marrow of the Varnia institute, which with the guild had the gloomier "
        'view, said, "The drag on trade will stay strong."'
    )
    assert quotes_of(body, ("Ilse Marrow",)) == [
        ("The drag on trade will stay strong.", "Ilse Marrow")
    ]


def test_a_peer_known_by_the_title_alone_keeps_it_and_a_royal_the_place():
    body = 'Shadow minister Lord Brask said: "We aim to shift the load to the guilds."'
    assert quotes_of(body, ("Brask",)) == [
        ("We aim to shift the load to the guilds.", "Lord Brask")
    ]
    body = 'Princess Ilse of Varnia, his former friend, who said it was "work, work, work".'
    assert quotes_of(body) == [("work, work, work", "Ilse of Varnia")]


def test_a_verb_the_wire_capitalised_after_an_abbreviation():
    body = (
        '"Varnia must open its markets," Ilse Marrow, a vice-president of Brask Bank '
        "N.A., Told a group of members."
    )
    assert quotes_of(body, ("Ilse Marrow",)) == [("Varnia must open its markets", "Ilse Marrow")]


def test_an_open_parenthesis_starts_a_subject():
    body = (
        "Ilse Marrow has led the guild for years. How long she stays is unclear (she once "
        'said there are two kinds of leader: "those who fail and those who leave in time.")'
    )
    assert quotes_of(body, ("Ilse Marrow",)) == [
        ("those who fail and those who leave in time.", "Ilse Marrow")
    ]


def test_a_message_from_someone_warning_is_theirs_and_an_acronym_stays_in_its_sentence():
    body = (
        "Film makers sued in the US.\n\nThe Varnia Film Guild (VFG) closed a site. A message "
        'has appeared on it from the VFG warning "You can click, but you cannot hide".'
    )
    assert quotes_of(body) == [("You can click, but you cannot hide", "the Varnia Film Guild")]


def test_an_abbreviation_goes_by_the_name_whose_initials_spell_it():
    # No "(VGF)" in the article: the capitalised name's initials spell the abbreviation.
    body = (
        "BRASKTON, May 2 - The Varnia Grain Federation said it would cut quotas.\n"
        '"The federation will review all quotas next month," the VGF said in a statement.'
    )
    assert quotes_of(body) == [
        ("The federation will review all quotas next month", "the Varnia Grain Federation")
    ]
    # Initials that spell nothing the article names leave the abbreviation as written.
    other = '"Quotas will fall," the VGF said.'
    assert quotes_of(other) == [("Quotas will fall", "the VGF")]


def test_a_two_word_surname_goes_by_the_full_name_the_article_gave_first():
    body = (
        "Varnian President Ilse Brask Marrow said the levy would end.\n"
        'Brask Marrow, quoted by a ministry statement, said: "We cannot pay this year."'
    )
    assert quotes_of(body) == [("We cannot pay this year.", "Ilse Brask Marrow")]
    # A sentence opener before the name is no first name.
    opener = (
        'Varnia Boerse rose.\nBut Varnia Boerse, the exchange, said: "Volumes are at a record."'
    )
    assert quotes_of(opener)[0][1] != "But Varnia Boerse"


def test_a_paper_named_after_its_noun_speaks_for_what_it_printed_and_it_said_too():
    body = (
        "BRASKTON, April 13 - Quotas face scrutiny, the Varnia daily al-Marsad said.\n"
        '"Dealers are waiting to see whether quotas hold," the daily said.\n'
        'It added: "Some members raised output last week."'
    )
    assert quotes_of(body) == [
        ("Dealers are waiting to see whether quotas hold", "al-Marsad"),
        ("Some members raised output last week.", "al-Marsad"),
    ]


def test_the_person_named_by_nationality_is_the_one_the_article_is_about():
    body = (
        "Ilse Marrow arrived in Sydney on Monday. The film maker said there was interest. "
        '"It will take a lot of lawyers in a room," said the New Zealander.'
    )
    assert quotes_of(body, ("Ilse Marrow",)) == [
        ("It will take a lot of lawyers in a room", "Ilse Marrow")
    ]
    scot = 'Ilse Marrow won the final. "I played well," the Scot said.'
    assert quotes_of(scot, ("Ilse Marrow",)) == [("I played well", "Ilse Marrow")]


def test_an_unnamed_spokesman_keeps_the_whole_name_of_his_association():
    body = (
        "The vote was close. The defeat was welcomed by a spokesman for the Coconut Guild "
        'of the Varnian Isles.\n"Naturally we welcomed the defeat," the spokesman said.'
    )
    spokesman = "a spokesman for the Coconut Guild of the Varnian Isles"
    assert quotes_of(body) == [("Naturally we welcomed the defeat", spokesman)]


def test_one_of_a_group_the_article_named_is_that_group():
    body = (
        "Ministers would not comment. Western banking sources were more blunt.\n"
        '"They want no foreign bank to hold a large share," one said.'
    )
    assert quotes_of(body) == [
        ("They want no foreign bank to hold a large share", "Western banking sources")
    ]


def test_he_after_a_sentence_whose_subject_is_a_description_skips_the_object_named_there():
    body = (
        "Top seed Ilse Marrow won in Varnia.\n\nMarrow was not worried. The world number "
        "one was forced to go the distance against Brask Tollan in the final last week. "
        '"I had a slow start again," she said.'
    )
    people = ("Ilse Marrow", "Brask Tollan")
    assert quotes_of(body, people) == [("I had a slow start again", "Ilse Marrow")]


def test_a_full_stop_after_initials_longer_than_the_look_back_ends_no_sentence():
    from indexer.quotes.marks import sentence_ends

    initials = ".".join("abcdefghijklmnopqrstuvwxyz") + "."  # 52 characters, one word
    text = f"He said {initials} Then he left. It rained."
    ends = sentence_ends(text, text, [])
    assert ends == [text.index(" It rained"), len(text)]


def test_sentence_ends_of_a_long_paragraph_are_every_full_stop():
    from indexer.quotes.marks import sentence_ends

    text = " ".join(f"Prices rose {i} percent. Mr. Li said so." for i in range(400))
    ends = sentence_ends(text, text, [])
    assert len(ends) == 800  # "Mr." ends none
    assert ends[-1] == len(text)
