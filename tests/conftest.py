"""Shared fixtures: heavy things (the spaCy model) load once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ARCHIVE = REPO / "archive"
CORPORA = REPO.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def entity_extractor():
    """One EntityExtractor (spaCy NER model loaded once) for the whole session."""
    from indexer.entities import EntityExtractor

    return EntityExtractor()


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared third-party corpora; tests that need them skip when absent."""
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present")
    return CORPORA
