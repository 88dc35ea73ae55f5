"""Near-duplicate grouping at build time: MinHash signatures, LSH bands, groups in SQLite.

Wire copy comes back under new ids: the same story again, a corrected version, the same
agency text on three sites. Each article is given a *group* number when it is written to
the index (the ``group`` field of both schemas); the API shows one result per group
(search_api/collapse.py).

Parts:
    ``shingles(title, body)``: the article's word ``SHINGLE_WORDS``-grams, its text folded
    as the index folds words (case, accents; ``indexer.schema.fold``'s tokens), hashed;
    ``signature(hashes)``: the MinHash of those shingles (``datasketch``), ``NUM_PERM``
    32-bit values, or None for a text too short to judge (``MIN_SHINGLES``);
    ``GroupStore(index_dir)``: the file ``<index>/groups/duplicates.sqlite``: every grouped
    article's signature and group, and its LSH band keys (so a new article finds its
    candidates with one indexed lookup, without reading the archive again); ``begin``
    drops the articles of changed and deleted files, ``assign`` gives an article its group,
    ``commit`` makes the build's changes durable (just before the generation is
    published), ``rollback`` forgets them.

How an article gets its group: its signature's ``bands`` are looked up; each article
sharing a band is a candidate, kept when the signatures agree on at least ``THRESHOLD`` of
their values (the estimated Jaccard similarity of the two shingle sets). The article joins
the group of the most similar candidate, or starts a new group. Groups are numbers, never
an article's id, so deleting an article leaves no group pointing at it: its rows go, its
group lives on in its other members. Groups are never regrouped: an article keeps the
group it was written with until its file changes (it is then grouped again).

The threshold was chosen by measurement (bench/eval_duplicates.py, bench/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from indexer.schema import fold

GROUPS_DIR = "groups"
GROUPS_FILE = "duplicates.sqlite"
# Estimated Jaccard similarity of two articles' shingle sets from which they are one story.
THRESHOLD = 0.5
NUM_PERM = 64
SHINGLE_WORDS = 3
# Fewer shingles than this (a brief, a headline alone): not grouped (its own group).
MIN_SHINGLES = 8
# Shared with the build's parameters: a store made with others is started again.
PARAMS = f"minhash={NUM_PERM};seed=1;shingle={SHINGLE_WORDS};min={MIN_SHINGLES}"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1).permutations
_NUMBERS_AND_WORDS = re.compile(r"\w+")


def _params(threshold: float | None) -> str:
    return f"{PARAMS};t={threshold}" if threshold is not None else "off"


def _lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch picks for ``threshold``."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def shingles(title: str, body: str) -> set[int]:
    """The hashed word ``SHINGLE_WORDS``-grams of the title and body (folded words)."""
    words = _NUMBERS_AND_WORDS.findall(fold(f"{title}\n{body}"))
    k = SHINGLE_WORDS
    return {zlib.crc32(" ".join(words[i : i + k]).encode()) for i in range(len(words) - k + 1)}


def signature(hashes: set[int]) -> np.ndarray | None:
    """The MinHash signature of a shingle set (uint32 values), None when it is too small."""
    if len(hashes) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS, hashfunc=int)
    m.update_batch(list(hashes))
    return m.hashvalues.astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band (its index and its values, hashed)."""
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


class GroupStore:
    """The grouping state of the index in ``index_dir``: signatures, bands, groups.

    One transaction spans a build: ``begin`` opens it, ``commit`` (before the generation is
    published) or ``rollback`` ends it, so a killed build leaves the store as the published
    index needs it. A build that commits and is killed before publishing leaves rows of
    files the index lacks: the next build reads those files again, and ``begin`` drops them
    first (it keeps only the files that build finds unchanged).
    """

    def __init__(self, index_dir: Path, *, threshold: float | None = THRESHOLD) -> None:
        folder = Path(index_dir) / GROUPS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / GROUPS_FILE
        self.threshold = threshold
        if threshold is not None:
            self.bands, self.rows = _lsh_shape(threshold, NUM_PERM)
        self.params = _params(threshold)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self._db = self._open()
        self.grouped = 0  # articles that joined an existing group in this build
        self._next: int | None = None

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS docs (doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " source TEXT NOT NULL, grp INTEGER NOT NULL, sig BLOB NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS docs_source ON docs (source)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL,"
            " PRIMARY KEY (key, doc)) WITHOUT ROWID"
        )
        return db

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: object) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, str(value)))

    @staticmethod
    def matches(index_dir: Path, threshold: float | None) -> bool:
        """Whether the store in ``index_dir`` was made with these parameters (else the
        build starts again from nothing: the index's groups would not agree with it)."""
        path = Path(index_dir) / GROUPS_DIR / GROUPS_FILE
        if not path.exists():
            return False
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT value FROM meta WHERE name = 'params'").fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return False
        return row is not None and row[0] == _params(threshold)

    def begin(self, keep_sources: Iterable[str] | None) -> None:
        """Open the build's transaction; keep only the articles of ``keep_sources`` (None:
        keep nothing, a full build)."""
        self._db.execute("BEGIN IMMEDIATE")
        if keep_sources is None:
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM bands")
            self._set_meta("params", self.params)
            self._set_meta("next_group", 0)
            self._next = 0
            return
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (source TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM keep")
        self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((s,) for s in keep_sources))
        self._db.execute(
            "DELETE FROM bands WHERE doc IN (SELECT doc FROM docs WHERE source NOT IN"
            " (SELECT source FROM keep))"
        )
        self._db.execute("DELETE FROM docs WHERE source NOT IN (SELECT source FROM keep)")
        self._next = int(self._meta("next_group") or 0)

    def _new_group(self) -> int:
        group = self._next or 0
        self._next = group + 1
        return group

    def assign(self, article_id: str, source: str, title: str, body: str) -> int | None:
        """The group of a new article (written to the store with it); None when grouping is
        off."""
        if self.threshold is None:
            return None
        sig = signature(shingles(title, body))
        if sig is None:
            return self._new_group()
        keys = band_keys(sig, self.bands, self.rows)
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT d.grp, d.sig FROM docs d WHERE d.doc IN"
            f" (SELECT doc FROM bands WHERE key IN ({marks}))",
            keys,
        ).fetchall()
        best, best_sim = None, -1.0
        for grp, blob in rows:
            sim = similarity(sig, np.frombuffer(blob, dtype=np.uint32))
            if sim >= self.threshold and (sim > best_sim or (sim == best_sim and grp < best)):
                best, best_sim = grp, sim
        if best is None:
            group = self._new_group()
        else:
            group = best
            self.grouped += 1
        self._db.execute(
            "DELETE FROM bands WHERE doc IN (SELECT doc FROM docs WHERE id = ?)", (article_id,)
        )
        cur = self._db.execute(
            "INSERT OR REPLACE INTO docs (id, source, grp, sig) VALUES (?, ?, ?, ?)",
            (article_id, source, group, sig.tobytes()),
        )
        doc = cur.lastrowid
        self._db.executemany(
            "INSERT OR IGNORE INTO bands VALUES (?, ?)", ((key, doc) for key in keys)
        )
        return group

    def count(self) -> int:
        """How many articles the store holds (those long enough to be grouped)."""
        return self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def groups_of(self, ids: Iterable[str]) -> dict[str, int]:
        """The group of each of ``ids`` the store holds."""
        ids = list(ids)
        out: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for aid, grp in self._db.execute(
                f"SELECT id, grp FROM docs WHERE id IN ({marks})", chunk
            ):
                out[aid] = grp
        return out

    def commit(self) -> None:
        """Make the build's changes durable."""
        if self._db.in_transaction:
            self._set_meta("next_group", self._next or 0)
            self._db.execute("COMMIT")

    def rollback(self) -> None:
        """Forget the build's changes."""
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def close(self) -> None:
        """Roll back what is not committed and close the file."""
        self.rollback()
        self._db.close()
