"""Settings: declared once, read from the environment, every one documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.settings import SETTINGS, Settings
from tests.conftest import REPO


def test_defaults():
    s = Settings.from_env({})
    assert s.archive_dir == Path("archive/") and s.index_dir == Path("var/index/")
    assert s.cors_origins == () and s.site_rules is None and s.workers == 0
    assert s.build_workers() >= 1


def test_values_from_the_environment():
    s = Settings.from_env(
        {
            "SEARCH_ARCHIVE_DIR": "/data/a",
            "SEARCH_INDEX_DIR": "/data/i",
            "SEARCH_CORS_ORIGINS": "https://a.example, https://b.example,",
            "SEARCH_SITE_RULES": "rules.toml",
            "SEARCH_BUILD_WORKERS": "3",
        }
    )
    assert s.archive_dir == Path("/data/a") and s.index_dir == Path("/data/i")
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert s.site_rules == Path("rules.toml") and s.build_workers() == 3


@pytest.mark.parametrize("bad", ["two", "-1", "1.5"])
def test_bad_worker_count_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="SEARCH_BUILD_WORKERS"):
        Settings.from_env({"SEARCH_BUILD_WORKERS": bad})


def test_readme_documents_every_setting():
    readme = (REPO / "README.md").read_text("utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    assert missing == []
