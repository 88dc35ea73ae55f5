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
    Setting(
        "synonyms",
        "SEARCH_SYNONYMS",
        "",
        "Path of a newsroom synonym file (Solr format), applied at query time (none by default).",
    ),
    Setting(
        "recency_half_life_days",
        "SEARCH_RECENCY_HALF_LIFE_DAYS",
        "365",
        "sort=recent: the age in days at which an article's freshness bonus halves.",
    ),
    Setting(
        "recency_floor",
        "SEARCH_RECENCY_FLOOR",
        "0.5",
        "sort=recent: the share of its relevance an old (or undated) article keeps, 0..1.",
    ),
    Setting(
        "default_sort",
        "SEARCH_DEFAULT_SORT",
        "relevance",
        "The sort of a search that names none: relevance, recent, newest or oldest.",
    ),
    Setting(
        "query_log",
        "SEARCH_QUERY_LOG",
        "var/queries.jsonl",
        "Path of the query log (JSON Lines, one line per search); empty turns it off.",
    ),
)

# The sorts a search can ask for (search_api.responses.Sort says the same for the API).
SEARCH_SORTS = ("relevance", "recent", "newest", "oldest")


@dataclass(frozen=True)
class Settings:
    """The resolved settings; pass it in, never read the environment elsewhere."""

    archive_dir: Path = Path("archive/")
    index_dir: Path = Path("var/index/")
    cors_origins: tuple[str, ...] = ()
    site_rules: Path | None = None
    public_url: str | None = None
    workers: int = 0
    synonyms: Path | None = None
    recency_half_life_days: float = 365.0
    recency_floor: float = 0.5
    default_sort: str = "relevance"
    # Off when Settings is built in code (tests, benchmarks); from_env() gives the
    # documented default, var/queries.jsonl.
    query_log: Path | None = None

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
        half_life = _number(raw, "recency_half_life_days", "SEARCH_RECENCY_HALF_LIFE_DAYS")
        if half_life <= 0:
            raise ValueError("SEARCH_RECENCY_HALF_LIFE_DAYS must be more than 0")
        floor = _number(raw, "recency_floor", "SEARCH_RECENCY_FLOOR")
        if not 0 <= floor <= 1:
            raise ValueError("SEARCH_RECENCY_FLOOR must be between 0 and 1")
        default_sort = raw["default_sort"].strip() or "relevance"
        if default_sort not in SEARCH_SORTS:
            raise ValueError(
                f"SEARCH_DEFAULT_SORT must be one of {', '.join(SEARCH_SORTS)}, "
                f"got {default_sort!r}"
            )
        origins = tuple(o.strip() for o in raw["cors_origins"].split(",") if o.strip())
        return cls(
            archive_dir=Path(raw["archive_dir"] or "archive/"),
            index_dir=Path(raw["index_dir"] or "var/index/"),
            cors_origins=origins,
            site_rules=Path(raw["site_rules"]) if raw["site_rules"] else None,
            public_url=raw["public_url"].strip() or None,
            workers=workers,
            synonyms=Path(raw["synonyms"]) if raw["synonyms"].strip() else None,
            recency_half_life_days=half_life,
            recency_floor=floor,
            default_sort=default_sort,
            query_log=Path(raw["query_log"].strip()) if raw["query_log"].strip() else None,
        )

    def build_workers(self) -> int:
        """How many processes a build uses for cleaning and NER."""
        return self.workers or (os.cpu_count() or 1)


def _number(raw: Mapping[str, str], name: str, env: str) -> float:
    default = next(s.default for s in SETTINGS if s.name == name)
    try:
        value = float(raw[name].strip() or default)
    except ValueError:
        raise ValueError(f"{env} must be a number, got {raw[name]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{env} must be a finite number")
    return value


assert {s.name for s in SETTINGS} == {f.name for f in fields(Settings)}
