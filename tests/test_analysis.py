"""The shared analyzer (indexer.schema): hyphenated compounds, positions, offsets, modes."""

from __future__ import annotations

import indexer.schema as schema_module
from indexer.schema import build_schema, name_analyzer, news_analyzer


def indexed(analyzer, text: str) -> list[tuple[str, int, str]]:
    """(term, position, the characters of the text it marks) of every indexed token."""
    return [
        (t.text, t.pos, text[t.startchar : t.endchar])
        for t in analyzer(text, positions=True, chars=True, mode="index")
    ]


def queried(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text, mode="query")]


def test_a_compound_is_indexed_as_its_parts_and_joined_at_one_position():
    assert indexed(news_analyzer(), "Send e-mail now") == [
        ("send", 0, "Send"),
        ("e", 1, "e"),
        ("mail", 1, "mail"),
        ("email", 1, "e-mail"),
        ("now", 2, "now"),
    ]


def test_a_compound_is_queried_as_the_joined_word():
    analyzer = news_analyzer()
    assert queried(analyzer, "e-mail") == queried(analyzer, "email") == ["email"]
    assert queried(analyzer, "E-Mails") == ["email"]
    assert queried(analyzer, "send e-mail now") == ["send", "email", "now"]


def test_compounds_of_three_parts_with_apostrophes_and_abbreviations():
    assert indexed(news_analyzer(), "his mother-in-law's U.S.-led plan") == [
        ("his", 0, "his"),
        ("mother", 1, "mother"),
        ("in", 1, "in"),
        ("law", 1, "law's"),
        ("motherinlaw", 1, "mother-in-law's"),
        ("us", 2, "U.S."),
        ("led", 2, "led"),
        ("usl", 2, "U.S.-led"),
        ("plan", 3, "plan"),
    ]
    assert queried(news_analyzer(), "U.S.-led") == ["usl"]


def test_unicode_hyphens_join_like_the_ascii_one():
    analyzer = news_analyzer()
    for hyphen in ("\u2010", "\u2011"):
        assert queried(analyzer, f"e{hyphen}mail") == ["email"]
        assert [t for t, _, _ in indexed(analyzer, f"e{hyphen}mail")] == ["e", "mail", "email"]


def test_dashes_loose_hyphens_and_number_ranges_separate_words():
    analyzer = news_analyzer()
    # En and em dashes, a double hyphen and hyphens not between two word characters.
    assert indexed(analyzer, "Paris–London, war—peace, yes--no, pre- and -based") == [
        ("pari", 0, "Paris"),
        ("london", 1, "London"),
        ("war", 2, "war"),
        ("peac", 3, "peace"),
        ("yes", 4, "yes"),
        ("no", 5, "no"),
        ("pre", 6, "pre"),
        ("and", 7, "and"),
        ("base", 8, "based"),
    ]
    # Digits on both sides: a range or a score, two numbers as before (the same as with
    # the en dash that newspapers usually print there).
    assert indexed(analyzer, "the 2004-05 season, 3-1") == [
        ("the", 0, "the"),
        ("2004", 1, "2004"),
        ("05", 2, "05"),
        ("season", 3, "season"),
        ("3", 4, "3"),
        ("1", 5, "1"),
    ]
    assert queried(analyzer, "2004-05") == queried(analyzer, "2004–05") == ["2004", "05"]


def test_letters_and_digits_join():
    assert queried(news_analyzer(), "COVID-19") == ["covid19"]
    assert [t for t, _, _ in indexed(news_analyzer(), "COVID-19")] == ["covid", "19", "covid19"]


def test_names_are_found_by_each_part_and_the_joined_form():
    names = name_analyzer()
    assert indexed(names, "Jean-Claude Juncker") == [
        ("jean", 0, "Jean"),
        ("claude", 0, "Claude"),
        ("jeanclaude", 0, "Jean-Claude"),
        ("juncker", 1, "Juncker"),
    ]
    assert queried(names, "Jean-Claude") == queried(names, "jeanclaude") == ["jeanclaude"]


def test_the_spelling_words_hold_parts_and_joined_forms_unstemmed():
    # Whoosh fills spell_body (did-you-mean, word*) from the analyzer without a mode.
    words = list(build_schema()["body"].spellable_words("Well-known e-mails"))
    assert words == ["e", "emails", "known", "mails", "well", "wellknown"]


def test_the_schema_version_was_bumped_for_the_new_analyzer():
    # Version 3 brought the hyphen analyzer; later changes bump it further.
    assert schema_module.SCHEMA_VERSION >= 3


def test_the_fused_fold_and_stem_stages_give_whoosh_s_own_words():
    """FoldFilter and EnglishStemFilter replace Lowercase, Charset and Stem filters for
    speed only: every token, position and offset stays what Whoosh's stages give."""
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
    from whoosh.support.charset import accent_map

    from indexer.schema import TOKEN_PATTERN, ApostropheFilter, HyphenFilter, name_analyzer

    base = RegexTokenizer(TOKEN_PATTERN) | HyphenFilter() | ApostropheFilter()
    folded = base | LowercaseFilter() | CharsetFilter(accent_map)
    chains = [(folded | StemFilter(lang="en"), news_analyzer()), (folded, name_analyzer())]
    text = (
        "Running RUNNERS ran Łódź's İstanbul Weiß CAFÉ-au-lait e-mails U.S.-led talks, "
        "mother-in-law's Kremlin’s under_score 3-1 ΣΊΣΥΦΟΣ Привет naïve bye-bye"
    )

    def tokens(chain, **kwargs):
        keys = ("text", "pos", "startchar", "endchar")
        return [tuple(getattr(t, k, None) for k in keys) for t in chain(text, **kwargs)]

    for whoosh_chain, ours in chains:
        for kwargs in ({"positions": True, "chars": True}, {"no_morph": True}, {"mode": "query"}):
            want = tokens(whoosh_chain, **kwargs)
            assert tokens(ours, **kwargs) == want and len(want) > 15


def test_spelling_words_taken_from_the_indexing_pass_are_whoosh_s_second_analysis():
    """NewsText reuses the unstemmed words of the indexing pass for spelling: the same
    words Whoosh's own no_morph analysis gives, for the value just indexed only."""
    from whoosh.fields import FieldType

    texts = [
        "Running RUNNERS ran Łódź's CAFÉ-au-lait e-mails U.S.-led talks, mother-in-law's",
        "Kremlin’s under_score 3-1 ΣΊΣΥΦΟΣ Привет naïve bye-bye bye-bye",
        "",
        "The the THE",
    ]
    for name in ("title", "body"):
        field = build_schema()[name]
        for text in texts:
            whoosh_words = list(FieldType.spellable_words(field, text))
            list(field.index(text))  # what Whoosh's writer does first, then the spelling
            assert list(field.spellable_words(text)) == whoosh_words
        # A value not just indexed is analysed afresh, not given the last one's words.
        list(field.index(texts[0]))
        assert list(field.spellable_words(texts[1])) == list(
            FieldType.spellable_words(field, texts[1])
        )
        assert "running" in list(field.spellable_words(texts[0]))


def test_an_index_written_with_reused_spelling_words_suggests_them(tmp_path):
    from whoosh.index import create_in

    ix = create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        writer.add_document(id="a", title="Fishermen protest", body="Running trawlers ran")
        writer.add_document(id="b", title="Quiet day", body="Nothing happened")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert set(reader.lexicon("spell_body")) == {
            b"happened",
            b"nothing",
            b"ran",
            b"running",
            b"trawlers",
        }
        assert set(reader.lexicon("spell_title")) == {b"day", b"fishermen", b"protest", b"quiet"}
