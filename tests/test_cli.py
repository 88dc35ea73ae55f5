"""The CLI end to end on the sample archive (real NER model, worker processes)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO, SAMPLE_ARCHIVE


def _run(*args, env=None, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    archive = root / "archive"
    shutil.copytree(SAMPLE_ARCHIVE, archive)
    (archive / "junk.html.gz").write_bytes(b"not gzip at all")
    proc = _run("build", str(archive), "--index", str(root / "index"), "--workers", "2")
    return root, proc


def test_build_prints_the_report_and_exits_0_with_rejected_files(sample_index):
    _, proc = sample_index
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2 articles in the index" in out
    assert "indexed          1 files" in out
    assert "rejected         1 files" in out
    assert "junk.html.gz: corrupt or truncated gzip" in out


def test_sample_articles_have_their_people_and_places(sample_index):
    from whoosh import index as whoosh_index

    from indexer import store

    root, _ = sample_index
    gen = store.current_generation(root / "index")
    with whoosh_index.open_dir(str(gen)).searcher() as s:
        first = s.document(id="moscow-times-2020-sample.txt")
        second = s.document(id="moscow-times-2020-sample.txt#2")
    people1, places1 = first["people_tag"].split(","), first["places_tag"].split(",")
    assert "Vladimir Putin" in people1 and "Putin" not in people1
    assert {"Russia", "China", "United States", "United Kingdom", "Germany", "France"} <= set(
        places1
    )
    people2, places2 = second["people_tag"].split(","), second["places_tag"].split(",")
    assert {"Francois Bozize", "Faustin-Archange Touadera", "Ange Maxime Kazagui"} <= set(people2)
    assert {"Russia", "Rwanda", "Central African Republic", "Bangui"} <= set(places2)
    assert first["title"] == "Russia-China Military Alliance ‘Quite Possible,’ Putin Says"
    assert "Leave a Reply" not in second["body"]


def test_stats_describes_the_index(sample_index):
    root, _ = sample_index
    proc = _run("stats", "--index", str(root / "index"))
    assert proc.returncode == 0, proc.stderr
    assert "articles:       2" in proc.stdout
    assert "Vladimir Putin (1)" in proc.stdout


def test_rebuild_of_unchanged_archive_skips_everything(sample_index):
    root, _ = sample_index
    proc = _run("build", str(root / "archive"), "--index", str(root / "index"))
    assert proc.returncode == 0, proc.stderr
    assert "unchanged        1 files" in proc.stdout and "0 written" in proc.stdout


def test_problems_inside_an_unchanged_file_are_reported_on_every_build(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    record = '{"id": "e1", "body": "Prices rose.", "people": [], "places": []}'
    (archive / "export.jsonl").write_text(f"{record}\n{{oops\n[1]\n", "utf-8")
    build = ("build", str(archive), "--index", str(tmp_path / "index"), "--workers", "1")
    first, second = _run(*build), _run(*build)
    assert first.returncode == second.returncode == 0, second.stderr
    assert "indexed          1 files (2 problems)" in first.stdout
    assert "unchanged        1 files (2 problems)" in second.stdout
    for proc in (first, second):
        assert "  export.jsonl: line 2: bad JSON" in proc.stdout
        assert "  export.jsonl: line 3: " in proc.stdout
    (archive / "export.jsonl").write_text(record + "\n", "utf-8")
    fixed = _run(*build)
    assert "updated          1 files\n" in fixed.stdout and "export.jsonl: line" not in fixed.stdout


def test_missing_archive_exits_2_with_a_message(tmp_path):
    proc = _run("build", str(tmp_path / "nope"), "--index", str(tmp_path / "ix"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr


def test_bad_environment_exits_2(tmp_path):
    import os

    env = {**os.environ, "SEARCH_BUILD_WORKERS": "many"}
    proc = _run("stats", env=env)
    assert proc.returncode == 2 and "SEARCH_BUILD_WORKERS" in proc.stderr


def test_help_explains_the_commands():
    proc = _run("--help")
    assert proc.returncode == 0 and "build" in proc.stdout and "stats" in proc.stdout
    assert "Unchanged files are skipped" in _run("build", "--help").stdout


def test_no_index_stats_exits_2(tmp_path):
    proc = _run("stats", "--index", str(tmp_path / "none"))
    assert proc.returncode == 2 and "no index" in proc.stderr
