"""Serving while the index is rebuilt, and a build killed in the middle of Whoosh's commit.

Real gunicorn (2 workers, the project's gunicorn.conf.py) answers 4 client threads for the
whole of a rebuild that changes the archive: every request gets a 200, and the new
documents are served once the build finishes. A child build SIGKILLed inside
``SegmentWriter.commit`` leaves the previous index serving and no stale lock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from tests.conftest import REPO
from tests.fakes import KeywordExtractor, story
from tests.servers import get, gunicorn

CLIENT_THREADS = 4


def _write_archive(root: Path, files: int, tag: str) -> None:
    for n in range(files):
        (root / f"{tag}-{n:03d}.txt").write_text(
            story(
                f"Bridge Story Number {n} Of The {tag.title()} Batch",
                f"Ann Lee opened bridge {n} in Bangui; the {tag} crowd applauded loudly.",
                "Officials said more bridges would follow before the end of the year.",
            ),
            "utf-8",
        )


def test_queries_never_fail_while_the_index_is_rebuilt(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    _write_archive(archive, 20, "old")
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    with gunicorn(index_dir) as (base, _):
        statuses: Counter[int] = Counter()
        errors: list[str] = []
        stop = threading.Event()
        urls = [
            "/search?q=bridge",
            "/search?q=%22ann+lee%22+bangui&sort=newest",
            "/health",
            "/articles/old-010.txt",
            "/suggest?q=bri",
            "/?q=bridge",
            # issue 16's endpoints: related stories, every version, quotations' first use
            "/articles/old-010.txt/related?limit=5",
            "/search?q=bridge&collapse=false",
            "/quotes?q=bridge&sort=oldest",
        ]

        def client(offset: int) -> None:
            n = offset
            while not stop.is_set():
                url = base + urls[n % len(urls)]
                n += 1
                try:
                    status, _ = get(url)
                except OSError as exc:  # a refused or reset connection is a failure too
                    errors.append(f"{url}: {exc}")
                    continue
                statuses[status] += 1
                if status != 200:
                    errors.append(f"{url}: {status}")

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENT_THREADS)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.3)  # the clients are under way before the build starts
            # The rebuild changes the archive: files changed, removed and added.
            for n in range(5):
                (archive / f"old-{n:03d}.txt").unlink()
            _write_archive(archive, 40, "new")
            report = build_index(archive, index_dir, extractor=KeywordExtractor())
            assert len(report.indexed) == 40 and len(report.deleted) == 5
            time.sleep(0.3)  # and keep querying the new generation a moment
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        assert errors == [], errors[:10]
        assert sum(statuses.values()) >= 20, statuses
        deadline = time.monotonic() + 5
        while True:
            status, body = get(base + "/articles/new-039.txt")
            health = json.loads(get(base + "/health")[1])
            if status == 200 and health["documents"] == 55:
                break
            assert time.monotonic() < deadline, (status, health)
            time.sleep(0.1)
        assert get(base + "/articles/old-000.txt")[0] == 404
        found = json.loads(get(base + "/search?q=%22new+batch%22&per_page=100")[1])
        assert found["total"] == 40


# A child process whose build stops forever inside Whoosh's commit (after touching a
# marker), so the test can SIGKILL it there: segment files written, their table of contents
# not, nothing published. ``_commit_toc`` is the step of every commit (Whoosh's own and
# ``indexer.writing.commit_with_segments``) that writes the table of contents.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from whoosh import writing
    from indexer import build
    from tests.fakes import KeywordExtractor

    archive, index_dir, marker = sys.argv[1:4]
    def stuck_commit(self, *args, **kwargs):
        Path(marker).touch()
        time.sleep(600)

    writing.SegmentWriter._commit_toc = stuck_commit
    build.build_index(Path(archive), Path(index_dir), extractor=KeywordExtractor())
    """
)


def _ids(index_dir: Path) -> list[str]:
    gen = store.current_generation(index_dir)
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def test_build_killed_during_whoosh_commit_leaves_previous_index_servable(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    _write_archive(archive, 3, "old")
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    before = _ids(index_dir)
    (archive / "more.jsonl").write_text(json.dumps({"id": "m", "body": "More text."}), "utf-8")
    marker = tmp_path / "reached"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(archive), str(index_dir), str(marker)], cwd=REPO
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the build ended before reaching the commit"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert any(p.name.endswith(".tmp") for p in index_dir.iterdir())  # the dead build's folder
    assert _ids(index_dir) == before  # the previous generation still opens and serves
    with gunicorn(index_dir, workers=1) as (base, _):
        assert get(base + "/articles/old-001.txt")[0] == 200
        assert get(base + "/articles/m")[0] == 404
    report = build_index(archive, index_dir, extractor=KeywordExtractor())  # no stale lock
    assert report.indexed == ["more.jsonl"]
    assert "m" in _ids(index_dir)
    assert not any(p.name.endswith(".tmp") for p in index_dir.iterdir())
    with store.BuildLock(index_dir):  # the lock is free again
        pass


# A build with worker processes that stops forever after its first article; only its main
# process is SIGKILLed, as ``kill -9 PID`` would: its helpers must not keep the lock.
_PARALLEL_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from indexer import build
    from tests.fakes import KeywordExtractor

    archive, index_dir, marker = sys.argv[1:4]

    def stop(article_id):
        Path(marker).touch()
        time.sleep(600)

    build.build_index(
        Path(archive), Path(index_dir), extractor=KeywordExtractor(), workers=2,
        on_article=stop,
    )
    """
)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def test_killing_a_parallel_build_leaves_no_lock_and_no_helpers(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    _write_archive(archive, 5, "par")
    index_dir = tmp_path / "index"
    marker = tmp_path / "reached"
    child = subprocess.Popen(
        [sys.executable, "-c", _PARALLEL_CHILD, str(archive), str(index_dir), str(marker)],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the build ended before writing"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        helpers = _children(child.pid)
        assert len(helpers) >= 4  # 2 writer processes, 2 workers
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    report = build_index(archive, index_dir, extractor=KeywordExtractor())  # no stale lock
    assert report.articles_written == 5
    assert report.reused == 5  # the killed build had cleaned and tagged them all
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in helpers):
        assert time.monotonic() < deadline, "helper processes outlived the killed build"
        time.sleep(0.2)
