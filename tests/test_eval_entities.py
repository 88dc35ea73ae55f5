"""The entity evaluation's precision sample shows whole sentences."""

from bench.eval_entities import _sentence


def test_the_sample_sentence_does_not_end_at_an_abbreviation_or_an_initial():
    text = "Prices fell. The U.S. Agriculture Department said C. William Zorb agreed. It rose."
    assert _sentence(text, "U.S.") == "The U.S. Agriculture Department said C. William Zorb agreed."
    assert _sentence(text, "It rose") == "It rose."
    assert _sentence("Exports to the U.S. Rose by 3 pct.", "U.S.").endswith("3 pct.")
