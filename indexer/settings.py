"""Settings: every knob of archive-search, declared once.

``SETTINGS`` is the one table of settings (name, environment variable, default, help);
``Settings`` is the frozen value the rest of the code receives; ``Settings.from_env()`` is
the only reader of ``os.environ`` in the project. The README documents every entry of
``SETTINGS`` (a test checks it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One declared setting."""

    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("archive_dir", "SEARCH_ARCHIVE_DIR", "archive/", "Folder of archive files to index."),
    Setting("index_dir", "SEARCH_INDEX_DIR", "var/index/", "Folder that holds the Whoosh index."),
    Setting(
        "cors_origins",
        "SEARCH_CORS_ORIGINS",
        "",
        "Comma-separated origins allowed to call the API from a browser; `*` allows all.",
    ),
    Setting(
        "site_rules",
        "SEARCH_SITE_RULES",
        "",
        "Path of a TOML file of per-site HTML cleaning rules (none by default).",
    ),
    Setting(
        "public_url",
        "SEARCH_PUBLIC_URL",
        "",
        "Public base URL of the service for links in /opensearch.xml (default: the request's).",
    ),
    Setting(
        "workers",
        "SEARCH_BUILD_WORKERS",
        "0",
        "Processes for cleaning and NER during a build, and as many for writing the index; "
        "0 means one per CPU core.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The resolved settings; pass it in, never read the environment elsewhere."""

    archive_dir: Path = Path("archive/")
    index_dir: Path = Path("var/index/")
    cors_origins: tuple[str, ...] = ()
    site_rules: Path | None = None
    public_url: str | None = None
    workers: int = 0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (defaults from ``SETTINGS``).

        Raises:
            ValueError: when a variable has a value that cannot be used.
        """
        env = os.environ if environ is None else environ
        raw = {s.name: env.get(s.env, s.default) for s in SETTINGS}
        try:
            workers = int(raw["workers"] or "0")
        except ValueError:
            raise ValueError(
                f"SEARCH_BUILD_WORKERS must be a whole number, got {raw['workers']!r}"
            ) from None
        if workers < 0:
            raise ValueError("SEARCH_BUILD_WORKERS must be 0 or more")
        origins = tuple(o.strip() for o in raw["cors_origins"].split(",") if o.strip())
        return cls(
            archive_dir=Path(raw["archive_dir"] or "archive/"),
            index_dir=Path(raw["index_dir"] or "var/index/"),
            cors_origins=origins,
            site_rules=Path(raw["site_rules"]) if raw["site_rules"] else None,
            public_url=raw["public_url"].strip() or None,
            workers=workers,
        )

    def build_workers(self) -> int:
        """How many processes a build uses for cleaning and NER."""
        return self.workers or (os.cpu_count() or 1)


assert {s.name for s in SETTINGS} == {f.name for f in fields(Settings)}
