"""Building the index: formats together, incremental updates, atomic switch, killed builds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from indexer.schema import SCHEMA_VERSION
from tests.conftest import REPO
from tests.fakes import KeywordExtractor, story

PAGE = """<html><head><title>Ann Lee Visits Russia | The Daily Test</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ann Lee visits Russia",
 "datePublished": "2021-03-04T10:00:00Z", "url": "https://news.example/ann-lee"}</script></head>
<body><nav>Home | World | Sport</nav><article><h1>Ann Lee visits Russia</h1>
<p>Ann Lee arrived in Russia on Thursday for talks that officials described as frank.</p>
<p>She is expected to travel on to Bangui later in the week, her office said in a statement.</p>
</article><footer>Copyright The Daily Test</footer></body></html>"""


def _ids(index_dir: Path) -> list[str]:
    gen = store.current_generation(index_dir)
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "archive"
    (root / "2021").mkdir(parents=True)
    (root / "2021" / "visit.html").write_text(PAGE, "utf-8")
    (root / "dump.txt").write_text(
        story(
            "Ann Lee Opens The New Bridge Today",
            "Ann Lee opened the bridge in Bangui, to the applause of a large crowd.",
        )
        + story(
            "Second Story Of The Dump File Here",
            "A quiet day in the markets, traders said, with little news to move prices.",
        ),
        "utf-8",
    )
    (root / "export.jsonl").write_text(
        json.dumps({"id": "j1", "body": "Prices rose in Russia. Analysts were surprised."})
        + "\n"
        + json.dumps(
            {"id": "j2", "title": "Tagged", "body": "Text.", "people": ["Zed Tagged"], "places": []}
        )
        + "\n",
        "utf-8",
    )
    (root / "junk.txt").write_bytes(b"\x00\x01\x02")
    return root


def test_full_build_indexes_every_format_and_reports_junk(archive, tmp_path):
    index_dir = tmp_path / "index"
    report = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert report.full_rebuild
    assert sorted(report.indexed) == ["2021/visit.html", "dump.txt", "export.jsonl"]
    assert [(r.path, r.reason) for r in report.rejected] == [
        ("junk.txt", "binary file (NUL bytes), not text")
    ]
    assert report.documents == 5
    assert _ids(index_dir) == ["2021/visit.html", "dump.txt", "dump.txt#2", "j1", "j2"]
    gen = store.current_generation(index_dir)
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        page = s.document(id="2021/visit.html")
        assert page["title"] == "Ann Lee visits Russia"
        assert page["date"].isoformat() == "2021-03-04T10:00:00"
        assert page["year"] == 2021
        assert page["url"] == "https://news.example/ann-lee"
        assert "Home | World" not in page["body"] and "Copyright" not in page["body"]
        assert page["people_tag"] == "Ann Lee"
        assert page["places_tag"] == "Russia,Bangui"
        j1 = s.document(id="j1")
        assert j1["title"] == "Prices rose in Russia."  # from the first sentence
        j2 = s.document(id="j2")
        assert (j2["people_tag"], j2["places_tag"]) == ("Zed Tagged", "")  # newsroom tags kept
    meta = store.read_meta(gen)
    assert (meta.schema_version, meta.documents) == (SCHEMA_VERSION, 5)
    text = report.format()
    assert "rejected         1 files" in text and "junk.txt: binary file" in text


def test_unchanged_archive_is_skipped_without_a_new_generation(archive, tmp_path):
    index_dir = tmp_path / "index"
    first = build_index(archive, index_dir, extractor=KeywordExtractor())
    extractor = KeywordExtractor()
    again = build_index(archive, index_dir, extractor=extractor)
    assert sorted(again.unchanged) == ["2021/visit.html", "dump.txt", "export.jsonl"]
    assert again.indexed == again.updated == again.deleted == []
    assert again.generation == first.generation
    assert extractor.calls == 0
    assert [r.path for r in again.rejected] == ["junk.txt"]  # still reported, every build


def test_changed_and_removed_files_replace_and_drop_their_articles(archive, tmp_path):
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    old_gen = store.current_generation(index_dir)
    (archive / "dump.txt").write_text(
        story("Only One Story Left In This File", "A single paragraph of body text remains."),
        "utf-8",
    )
    (archive / "export.jsonl").unlink()
    (archive / "new.jsonl").write_text(json.dumps({"id": "n1", "body": "New."}) + "\n", "utf-8")
    report = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert (report.updated, report.deleted, report.indexed) == (
        ["dump.txt"],
        ["export.jsonl"],
        ["new.jsonl"],
    )
    assert report.unchanged == ["2021/visit.html"]
    assert _ids(index_dir) == ["2021/visit.html", "dump.txt", "n1"]
    # The previous generation is untouched (hard links never rewritten) and still opens.
    with whoosh_index.open_dir(str(old_gen)).searcher() as s:
        assert s.doc_count() == 5


def test_duplicate_id_across_files_keeps_the_first(tmp_path):
    root = tmp_path / "a"
    root.mkdir()
    (root / "1.jsonl").write_text(json.dumps({"id": "x", "body": "One."}) + "\n", "utf-8")
    (root / "2.jsonl").write_text(
        json.dumps({"id": "x", "body": "Two."}) + "\n" + json.dumps({"id": "y", "body": "Y."}),
        "utf-8",
    )
    report = build_index(root, tmp_path / "ix", extractor=KeywordExtractor())
    assert report.problems == [("2.jsonl", "duplicate id 'x' (already in 1.jsonl)")]
    assert _ids(tmp_path / "ix") == ["x", "y"]


def test_problems_of_an_unchanged_file_are_reported_until_it_changes(tmp_path):
    root = tmp_path / "a"
    root.mkdir()
    good = json.dumps({"id": "g1", "body": "Good."})
    (root / "ok.jsonl").write_text(json.dumps({"id": "k", "body": "Fine."}) + "\n", "utf-8")
    export = root / "export.jsonl"
    export.write_text(good + "\n{oops\n" + json.dumps({"body": "No id."}) + "\n", "utf-8")
    expected = [
        ("export.jsonl", "line 2: bad JSON (Expecting property name enclosed in double quotes)"),
        ("export.jsonl", "line 3: no 'id'"),
    ]
    first = build_index(root, tmp_path / "ix", extractor=KeywordExtractor())
    assert first.problems == expected
    again = build_index(root, tmp_path / "ix", extractor=KeywordExtractor())
    assert sorted(again.unchanged) == ["export.jsonl", "ok.jsonl"]
    assert again.problems == expected
    text = again.format()
    assert "  unchanged        2 files (2 problems)\n" in text
    assert "  export.jsonl: line 3: no 'id'" in text
    # A change that leaves the other file alone: its (unchanged) problems are still there.
    (root / "ok.jsonl").write_text(json.dumps({"id": "k", "body": "Finer."}) + "\n", "utf-8")
    third = build_index(root, tmp_path / "ix", extractor=KeywordExtractor())
    assert (third.updated, third.unchanged, third.problems) == (
        ["ok.jsonl"],
        ["export.jsonl"],
        expected,
    )
    export.write_text(good + "\n", "utf-8")
    fixed = build_index(root, tmp_path / "ix", extractor=KeywordExtractor())
    assert (fixed.updated, fixed.problems) == (["export.jsonl"], [])
    assert build_index(root, tmp_path / "ix", extractor=KeywordExtractor()).problems == []
    assert "problem" not in fixed.format()


def test_manifest_without_problems_reads_as_none(archive, tmp_path):
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    manifest = store.current_generation(index_dir) / store.MANIFEST_FILE
    data = json.loads(manifest.read_text("utf-8"))
    for entry in data["files"].values():  # as an older build wrote it
        entry.pop("problems", None)
    manifest.write_text(json.dumps(data), "utf-8")
    again = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert len(again.unchanged) == 3 and again.problems == []
    assert "  unchanged        3 files\n" in again.format()


def test_schema_version_change_forces_a_full_rebuild(archive, tmp_path):
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    meta_file = store.current_generation(index_dir) / store.META_FILE
    meta = json.loads(meta_file.read_text())
    meta_file.write_text(json.dumps({**meta, "schema_version": 0}))
    report = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert report.full_rebuild and len(report.indexed) == 3


def test_old_generations_are_collected(archive, tmp_path):
    index_dir = tmp_path / "index"
    for n in range(5):
        (archive / "counter.jsonl").write_text(json.dumps({"id": "c", "body": f"n={n}"}), "utf-8")
        build_index(archive, index_dir, extractor=KeywordExtractor())
    gens = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("gen-"))
    assert len(gens) == 3  # current + the two before it, for readers still on them
    assert store.current_generation(index_dir).name == gens[-1]


def test_a_second_build_at_the_same_time_is_refused(archive, tmp_path):
    index_dir = tmp_path / "index"
    with store.BuildLock(index_dir), pytest.raises(store.BuildLocked, match="another build"):
        build_index(archive, index_dir, extractor=KeywordExtractor())


# A child process that builds with an extractor (or publisher) that stops forever at the
# chosen point, after touching a marker file, so the test can SIGKILL it right there.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from indexer import build, store
    from tests.fakes import KeywordExtractor

    archive, index_dir, marker, point = sys.argv[1:5]

    def stop_here(*args, **kwargs):
        Path(marker).touch()
        time.sleep(600)

    class Stuck(KeywordExtractor):
        def extract_many(self, items):
            stop_here()

    if point == "publish":
        store.publish_generation = stop_here
        extractor = KeywordExtractor()
    else:
        extractor = Stuck()
    build.build_index(Path(archive), Path(index_dir), extractor=extractor)
    """
)


@pytest.mark.parametrize("point", ["ner", "publish"])
def test_killed_build_leaves_previous_index_servable(archive, tmp_path, point):
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    before = _ids(index_dir)
    (archive / "more.jsonl").write_text(json.dumps({"id": "m", "body": "More text."}), "utf-8")
    marker = tmp_path / "reached"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(archive), str(index_dir), str(marker), point],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the build ended before reaching the kill point"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert any(p.name.endswith(".tmp") for p in index_dir.iterdir())  # the dead build's folder
    assert _ids(index_dir) == before  # the previous index still opens and serves
    report = build_index(archive, index_dir, extractor=KeywordExtractor())  # no stale lock
    assert report.indexed == ["more.jsonl"]
    assert "m" in _ids(index_dir)
    assert not any(p.name.endswith(".tmp") for p in index_dir.iterdir())


def test_missing_archive_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_index(tmp_path / "nope", tmp_path / "ix", extractor=KeywordExtractor())
