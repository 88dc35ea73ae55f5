"""The build cache: each article's cleaning, NER and quotation results, kept for reruns.

A build that is killed (or crashes) loses its unpublished generation, but not the work
done on each article: that is stored here as soon as it is done, so the next build only
writes the index again for those articles. It serves incremental builds too (a changed
file's unchanged records are not cleaned or tagged again).

Parts:
    ``code_fingerprint(...)``: what the results depend on besides the record: the source
    of the cleaning, entity and quotation code and its word lists, the schema version,
    the NER model (``extractor.cache_key``) and the site rules;
    ``record_key(raw, fingerprint)``: the key of one raw record: a hash of every field of
    it and of the fingerprint, so a changed record or changed code is never served a stale
    result;
    ``BuildCache``: the SQLite file ``<index>/cache/articles.sqlite``: ``get_many``,
    ``put_many`` (committed at once: a kill keeps them), ``touch``, and ``prune(...)`` at
    the end of a successful build: entries of files no longer in the index and stale
    entries of the files this build read are dropped, so the cache holds one entry per
    indexed article at most.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from indexer.documents import Article, RawArticle
from indexer.schema import SCHEMA_VERSION

CACHE_DIR = "cache"
CACHE_FILE = "articles.sqlite"
# Bump when the stored value's shape changes (the code fingerprint covers the rest).
CACHE_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
# The code whose output is cached: cleaning, dates, entities, names, places, quotations.
_CODE = (
    "prepare.py",
    "documents.py",
    "dates.py",
    "entities.py",
    "names.py",
    "places.py",
    "wordlists.py",
    "clean",
    "quotes",
    "data",
)
_RAW_FIELDS = ("id", "source", "title", "body", "html", "url", "date", "author", "people")
_RAW_FIELDS += ("places",)

Entry = tuple[Article | None, list[str]]  # (the article, or None: no text; cleaning notes)


def code_fingerprint(extractor_key: str, rules=None, *, package: Path = _PACKAGE) -> bytes:
    """A digest of everything besides the record that the cached results depend on.

    Args:
        extractor_key: what identifies the NER (``extractor_key``).
        rules: the site rules in use, or None.
        package: the ``indexer`` package folder whose code is read.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"format={CACHE_FORMAT};schema={SCHEMA_VERSION};ner={extractor_key};".encode())
    h.update(repr(getattr(rules, "rules", rules)).encode())
    for name in _CODE:
        path = Path(package) / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".toml", ".txt", ".json"):
                h.update(str(file.relative_to(package)).encode())
                h.update(file.read_bytes())
    return h.digest()


def extractor_key(extractor) -> str:
    """What identifies an extractor's results: its ``cache_key``, else its class."""
    key = getattr(extractor, "cache_key", None)
    if key:
        return str(key)
    kind = type(extractor)
    return f"{kind.__module__}.{kind.__qualname__}"


def record_key(raw: RawArticle, fingerprint: bytes) -> str:
    """The cache key of one raw record (every field of it, and the code fingerprint)."""
    h = hashlib.blake2b(fingerprint, digest_size=20)
    for name in _RAW_FIELDS:
        value = getattr(raw, name)
        data = value if isinstance(value, bytes) else repr(value).encode("utf-8", "replace")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _pack(entry: Entry) -> bytes:
    return zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(data: bytes) -> Entry:
    return pickle.loads(zlib.decompress(data))


class BuildCache:
    """The per-article results of earlier builds, in ``<index_dir>/cache/articles.sqlite``.

    Args:
        index_dir: the index folder (the cache sits beside the generations).
        build_id: this build's number; entries it uses or writes are marked with it.
    """

    def __init__(self, index_dir: Path, build_id: int) -> None:
        folder = Path(index_dir) / CACHE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self.build_id = build_id
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # A damaged cache is only lost time: start a new one.
            self.path.unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, source TEXT NOT NULL,"
            " build INTEGER NOT NULL, data BLOB NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS entries_source ON entries (source)")
        return db

    def get_many(self, keys: Sequence[str]) -> dict[str, Entry]:
        """The cached entries of those keys that have one."""
        found: dict[str, Entry] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, data FROM entries WHERE key IN ({marks})", chunk)
            for key, data in rows:
                try:
                    found[key] = _unpack(data)
                except Exception:  # an unreadable entry is simply done again
                    continue
        return found

    def put_many(self, items: Iterable[tuple[str, str, Entry]]) -> None:
        """Store ``(key, source, entry)`` items, committed before returning."""
        rows = [(key, source, self.build_id, _pack(entry)) for key, source, entry in items]
        if rows:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)

    def touch(self, keys: Iterable[str]) -> None:
        """Mark entries as used by this build (so ``prune`` keeps them)."""
        rows = [(self.build_id, key) for key in keys]
        if rows:
            with self._db:
                self._db.executemany("UPDATE entries SET build = ? WHERE key = ?", rows)

    def prune(self, indexed_sources: Iterable[str], read_sources: Iterable[str]) -> int:
        """Drop what no article of the new index needs; returns how many were dropped.

        Args:
            indexed_sources: the archive files in the new index (its manifest).
            read_sources: the files this build read: their entries not used now are stale.
        """
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (source TEXT PRIMARY KEY)")
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (source TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.execute("DELETE FROM seen")
            insert = "INSERT OR IGNORE INTO {} VALUES (?)"
            self._db.executemany(insert.format("keep"), ((s,) for s in indexed_sources))
            self._db.executemany(insert.format("seen"), ((s,) for s in read_sources))
            dropped = self._db.execute(
                "DELETE FROM entries WHERE source NOT IN (SELECT source FROM keep)"
                " OR (source IN (SELECT source FROM seen) AND build != ?)",
                (self.build_id,),
            ).rowcount
        return dropped

    def count(self) -> int:
        """How many entries the cache holds."""
        return self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    def close(self) -> None:
        """Close the database (the WAL is folded back into the file)."""
        self._db.close()
