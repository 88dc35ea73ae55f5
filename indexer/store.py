"""Where the index lives on disk: generations, the ``current`` pointer, meta and manifest.

Layout of the index folder (``SEARCH_INDEX_DIR``)::

    current -> gen-20261127T093000-1234   a symlink, switched atomically (os.replace)
    gen-.../                              one complete Whoosh index + meta.json + manifest.json
    gen-.../quotes/                       the generation's quotation index (Whoosh)
    gen-....tmp/                          a build in progress (or one that was killed)
    build.lock                            held (flock) by the one running build
    cache/articles.sqlite                 the build cache (``indexer.cache``), not an index

A build writes a new generation next to the old one and switches ``current`` only when it
is complete, so a killed build leaves the previous index servable; ``flock`` locks die with
their process, so no stale lock blocks the next build. Shared by the indexer (writes) and
the search API (reads).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

CURRENT = "current"
LOCK_FILE = "build.lock"
META_FILE = "meta.json"
MANIFEST_FILE = "manifest.json"
GEN_PREFIX = "gen-"
TMP_SUFFIX = ".tmp"
QUOTES_DIR = "quotes"


class IndexUnavailable(Exception):
    """No index can be opened (none built yet, or a stale schema version)."""


class BuildLocked(Exception):
    """Another build holds the index folder's lock."""


@dataclass(frozen=True)
class IndexMeta:
    """What a generation says about itself."""

    schema_version: int
    built_at: str
    documents: int
    generation: str = ""  # the folder's name: known once published, not written
    quotes: int = 0

    def to_json(self) -> dict:
        """What meta.json holds (the generation is its folder's name)."""
        return {
            "schema_version": self.schema_version,
            "built_at": self.built_at,
            "documents": self.documents,
            "quotes": self.quotes,
        }


def current_generation(index_dir: Path) -> Path | None:
    """The folder of the generation ``current`` points at, or None when there is none."""
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    gen = Path(index_dir) / target
    return gen if gen.is_dir() else None


def read_meta(gen_dir: Path) -> IndexMeta:
    """Read a generation's meta.json.

    Raises:
        IndexUnavailable: when it is missing or unreadable.
    """
    try:
        data = json.loads((Path(gen_dir) / META_FILE).read_text("utf-8"))
        return IndexMeta(
            schema_version=int(data["schema_version"]),
            built_at=str(data["built_at"]),
            documents=int(data["documents"]),
            generation=Path(gen_dir).name,
            quotes=int(data.get("quotes", 0)),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexUnavailable(f"index metadata in {gen_dir} is unreadable: {exc}") from exc


def manifest_entry(content_hash: str, ids: list[str], problems: list[str]) -> dict:
    """The manifest entry of one indexed file: its hash, article ids and problems."""
    entry: dict = {"hash": content_hash, "ids": ids}
    if problems:
        entry["problems"] = problems
    return entry


def manifest_problems(entry: dict) -> list[str]:
    """The problems found in a file when it was indexed (none in an older manifest)."""
    problems = entry.get("problems")
    return [str(p) for p in problems] if isinstance(problems, list) else []


def read_manifest(gen_dir: Path) -> dict[str, dict]:
    """A generation's manifest: archive path -> {"hash", "ids", "problems"} of each file.

    ``problems`` (the file's line-level problems, re-reported while it is unchanged) is left
    out when there are none, and is absent from manifests written before it existed.
    """
    try:
        data = json.loads((Path(gen_dir) / MANIFEST_FILE).read_text("utf-8"))
        return dict(data["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())


def new_generation_dir(index_dir: Path, now: datetime) -> Path:
    """Make an empty folder for a build in progress (a ``.tmp`` name until published)."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    path = index_dir / f"{GEN_PREFIX}{stamp}-{os.getpid()}{TMP_SUFFIX}"
    path.mkdir()
    return path


def copy_generation(src: Path, dst: Path) -> None:
    """Fill ``dst`` with the files of ``src`` by hard links (copies where links fail).

    Whoosh never rewrites a file in place (segments and TOCs are write-once), so a new
    generation can share the unchanged segment files of the old one.
    """
    for entry in os.scandir(src):
        if entry.is_dir(follow_symlinks=False):
            (Path(dst) / entry.name).mkdir()
            copy_generation(Path(entry.path), Path(dst) / entry.name)
            continue
        if not entry.is_file() or entry.name.endswith(".lock"):
            continue
        target = Path(dst) / entry.name
        try:
            os.link(entry.path, target)
        except OSError:
            shutil.copy2(entry.path, target)


def discard_generation(tmp_dir: Path) -> None:
    """Remove an unpublished build folder."""
    shutil.rmtree(tmp_dir, ignore_errors=True)


def publish_generation(
    index_dir: Path, tmp_dir: Path, meta: IndexMeta, manifest: dict[str, dict]
) -> Path:
    """Write meta and manifest, then switch ``current`` to the new generation atomically."""
    _write_json(Path(tmp_dir) / MANIFEST_FILE, {"files": manifest})
    _write_json(Path(tmp_dir) / META_FILE, meta.to_json())
    final = Path(str(tmp_dir)[: -len(TMP_SUFFIX)])
    os.rename(tmp_dir, final)
    link_tmp = Path(index_dir) / f"{CURRENT}.{os.getpid()}{TMP_SUFFIX}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, Path(index_dir) / CURRENT)
    _fsync_dir(index_dir)
    return final


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def collect_garbage(index_dir: Path, keep_previous: int = 2) -> None:
    """Remove dead builds and all but the newest ``keep_previous`` old generations.

    Old generations are kept a while because a running API may still be reading them.
    Call only while holding the build lock.
    """
    index_dir = Path(index_dir)
    current = current_generation(index_dir)
    gens = []
    for entry in index_dir.iterdir():
        if not entry.name.startswith(GEN_PREFIX) or not entry.is_dir():
            if entry.name.startswith(f"{CURRENT}.") and entry.name.endswith(TMP_SUFFIX):
                entry.unlink(missing_ok=True)
            continue
        if entry.name.endswith(TMP_SUFFIX):
            shutil.rmtree(entry, ignore_errors=True)
        elif current is None or entry.name != current.name:
            gens.append(entry)
    gens.sort(key=lambda p: p.name, reverse=True)
    for old in gens[keep_previous:]:
        shutil.rmtree(old, ignore_errors=True)


class BuildLock:
    """The index folder's build lock: one build at a time, released when its process dies."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildLocked(
                f"another build is running on {self.path.parent} (it holds {self.path.name})"
            ) from None
        self._fd = fd
        return self

    @property
    def fd(self) -> int | None:
        """The lock file's descriptor while held (helper processes close their copy)."""
        return self._fd

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
