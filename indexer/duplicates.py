"""Near-duplicate grouping at build time: MinHash signatures, LSH bands, groups in SQLite.

Wire copy comes back under new ids: the same story again, a corrected version, the same
agency text on three sites. Each article is given a *group* number when it is written to
the index (the ``group`` field of both schemas); the API shows one result per group
(search_api/collapse.py).

Parts:
    ``shingles(title, body)``: the article's word ``SHINGLE_WORDS``-grams (words as runs of
    letters and digits, case folded), hashed;
    ``signature(hashes)``: the MinHash of those shingles (``datasketch``), ``NUM_PERM``
    32-bit values, or None for a text too short to judge (``MIN_SHINGLES``);
    ``GroupStore(index_dir)``: the file ``<index>/groups/duplicates.sqlite``: every grouped
    article's signature and group, and its LSH band keys (so a new article finds its
    candidates with one indexed lookup, without reading the archive again); ``begin``
    drops the articles of changed and deleted files, ``assign`` gives an article its group,
    ``commit`` makes the build's changes durable (just before the generation is
    published), ``rollback`` forgets them.

How an article gets its group: its signature's ``BANDS`` bands (``ROWS`` values each) are
looked up; each article sharing a band is a candidate (likely from a Jaccard similarity of
about 0.3 on), kept when the two are one story: the share of the smaller article's shingles
that the other holds (its *containment*, estimated from the signatures' agreement, the
Jaccard similarity J, and the two sets' sizes: ``|A & B| = J (|A| + |B|) / (1 + J)``) is at
least ``THRESHOLD``, and J at least ``MIN_JACCARD``. Containment, not J, because the edits
of republished copy (a dropped or an added paragraph) cut J by the share of the text they
touch, but leave the smaller version inside the larger one; the floor on J keeps a short
text that a long article quotes whole (a two-line brief, a statement) a story of its own,
and matches what the bands can find (below J 0.3 they find a pair less often than not).
The article joins the group of the most similar candidate, or starts a new group. Groups
are numbers, never an article's id, so deleting an article leaves no group pointing at it:
its rows go, its group lives on in its other members. Groups are never regrouped: an
article keeps the group it was written with until its file changes (it is then grouped
again).

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
from datasketch import MinHash

GROUPS_DIR = "groups"
GROUPS_FILE = "duplicates.sqlite"
# The similarity (containment, or Jaccard with measure="jaccard") from which two articles
# are one story.
THRESHOLD = 0.7
NUM_PERM = 96
# Below this Jaccard similarity two articles are never one story, whatever their containment.
MIN_JACCARD = 0.3
# LSH bands: 32 bands of 3 values: two articles of Jaccard similarity 0.3 share a band with
# probability 0.58, of 0.4 with 0.88, of 0.5 with 0.98.
BANDS, ROWS = 32, 3
SHINGLE_WORDS = 3
# Fewer shingles than this (about 30 words: a brief, a headline and a line): not grouped,
# a story of its own. So short a text that repeats a sentence (a quotation, a statement)
# is as likely another story quoting it as a version of the same one.
MIN_SHINGLES = 30
# The store's page cache during a build, in KiB (SQLite's default is 2 MB): it holds the
# band and signature pages at 16x Reuters (277 MB on disk) nearly whole.
CACHE_KIB = 256 * 1024
# Shared with the build's parameters: a store made with others is started again.
PARAMS = (
    f"minhash={NUM_PERM};seed=1;bands={BANDS}x{ROWS};shingle={SHINGLE_WORDS};min={MIN_SHINGLES};"
    f"jaccard>={MIN_JACCARD}"
)
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=1).permutations
# Words for shingles: not the index's analyzer (indexer.schema), on purpose: it costs ~0.8 ms
# an article, 4 minutes of a 305,000-article build's main process, and what it adds
# (accents, apostrophes, stems) barely moves the similarity of two versions of a text.
_WORDS = re.compile(r"\w+")


def _params(threshold: float | None, measure: str = "containment") -> str:
    return f"{PARAMS};{measure}={threshold}" if threshold is not None else "off"


def shingles(title: str, body: str) -> set[int]:
    """The hashed word ``SHINGLE_WORDS``-grams of the title and body (folded words)."""
    words = _WORDS.findall(f"{title}\n{body}".casefold())
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


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller set inside the other, from their Jaccard similarity and
    sizes (at most 1)."""
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, common / max(1, min(size_a, size_b)))


def band_keys(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """One signed 32-bit key per band (its index and its values, hashed): small in SQLite;
    a collision only adds a candidate, which the signatures then turn down."""
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=4).digest()
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

    def __init__(
        self,
        index_dir: Path,
        *,
        threshold: float | None = THRESHOLD,
        measure: str = "containment",
    ) -> None:
        folder = Path(index_dir) / GROUPS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / GROUPS_FILE
        self.threshold = threshold
        self.measure = measure  # "containment", or "jaccard" (bench/eval_duplicates.py)
        self.params = _params(threshold, measure)
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
        # A build's band lookups and inserts land on random pages: with SQLite's default
        # 2 MB page cache most miss (and one build-long transaction spills its dirty pages).
        # Measured: grouping 4x Reuters (76,172 articles) 48.0 -> 35.9 s of CPU.
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        self._create_tables(db)
        return db

    @staticmethod
    def _create_tables(db: sqlite3.Connection) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS docs (doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
            " source TEXT NOT NULL, grp INTEGER NOT NULL, size INTEGER NOT NULL,"
            " sig BLOB NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS docs_source ON docs (source)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL,"
            " PRIMARY KEY (key, doc)) WITHOUT ROWID"
        )

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
            # Tables made again: a store of an older layout is replaced whole.
            self._db.execute("DROP TABLE IF EXISTS docs")
            self._db.execute("DROP TABLE IF EXISTS bands")
            self._create_tables(self._db)
            self._set_meta("params", self.params)
            self._set_meta("next_group", 0)
            self._next = 0
            return
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (source TEXT PRIMARY KEY)")
        self._db.execute("DELETE FROM keep")
        self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((s,) for s in keep_sources))
        # Each leaving article's band rows are found by their keys (computed again from its
        # signature): the band table has no index by article, which would double its size.
        leaving = self._db.execute(
            "SELECT doc, sig FROM docs WHERE source NOT IN (SELECT source FROM keep)"
        ).fetchall()
        self._db.executemany(
            "DELETE FROM bands WHERE key = ? AND doc = ?",
            (
                (key, doc)
                for doc, blob in leaving
                for key in band_keys(np.frombuffer(blob, dtype=np.uint32))
            ),
        )
        self._db.executemany("DELETE FROM docs WHERE doc = ?", ((doc,) for doc, _ in leaving))
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
        hashes = shingles(title, body)
        sig = signature(hashes)
        if sig is None:
            return self._new_group()
        size = len(hashes)
        keys = band_keys(sig)
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT d.grp, d.size, d.sig FROM docs d WHERE d.doc IN"
            f" (SELECT doc FROM bands WHERE key IN ({marks}))",
            keys,
        ).fetchall()
        best, best_sim = None, -1.0
        for grp, other_size, blob in rows:
            sim = similarity(sig, np.frombuffer(blob, dtype=np.uint32))
            if self.measure == "containment":
                if sim < MIN_JACCARD:
                    continue
                sim = containment(sim, size, other_size)
            if sim >= self.threshold and (sim > best_sim or (sim == best_sim and grp < best)):
                best, best_sim = grp, sim
        if best is None:
            group = self._new_group()
        else:
            group = best
            self.grouped += 1
        # Ids are unique in an index (the build skips a second article of one id), and the
        # articles of the files read again left in ``begin``.
        cur = self._db.execute(
            "INSERT INTO docs (id, source, grp, size, sig) VALUES (?, ?, ?, ?, ?)",
            (article_id, source, group, size, sig.tobytes()),
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
