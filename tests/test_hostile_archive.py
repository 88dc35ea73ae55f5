"""An archive of hostile files: the build never crashes and accounts for every file.

Binary, empty, truncated gzip, invalid UTF-8, cp1252, HTML without a body, a 50 MB page,
5,000 nested <div>s, JSON Lines with bad lines, symlink loops, broken links, a file that
vanishes, an unreadable file. Every file ends up in ``report.indexed`` or
``report.rejected`` (with a reason); bad JSONL lines are reported by line number.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.archive import MAX_HTML_BYTES, read_archive_file, walk_archive
from indexer.build import build_index
from tests.fakes import KeywordExtractor, story

BIG_BYTES = 50 * 1024 * 1024
GOOD_STORY = story(
    "Ann Lee Opens The New Bridge Today",
    "Ann Lee opened the bridge in Bangui, to the applause of a large crowd.",
)


def _all_entries(root: Path) -> set[str]:
    """Every file and symlink below ``root`` (symlinked folders not followed)."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel = Path(dirpath).relative_to(root)
        out.update((rel / d).as_posix() for d in dirnames if os.path.islink(Path(dirpath, d)))
        out.update((rel / f).as_posix() for f in filenames)
    return out


@pytest.fixture
def hostile(tmp_path) -> Path:
    root = tmp_path / "archive"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "good.txt").write_text(GOOD_STORY, "utf-8")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (root / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(512))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.jsonl").write_bytes(b"  \n\n\t\n")
    (root / "truncated.txt.gz").write_bytes(gzip.compress(GOOD_STORY.encode() * 50)[:40])
    (root / "not-gzip.html.gz").write_bytes(b"<html>plainly not gzip</html>")
    (root / "invalid-utf8.txt").write_bytes(
        story("Bad Bytes In The Headline Here", "Body with \x81\x8d bytes and more words.").encode(
            "latin-1"
        )
    )
    (root / "cp1252.txt").write_bytes(
        story("Mélenchon’s Day In Court Today", "“Quoted” text – with a dash, café.").encode(
            "cp1252"
        )
    )
    (root / "no-body.html").write_text("<html><head><title>Only a title</title></head></html>")
    (root / "script-only.html").write_text("<html><body><script>var x = 1;</script></body></html>")
    nested = "<div>" * 5000 + "<p>Deep text about the bridge in Bangui.</p>" + "</div>" * 5000
    (root / "nested.html").write_text(f"<html><body>{nested}</body></html>")
    paragraph = (
        b"<p>" + b"A paragraph of filler text about nothing in particular. " * 20 + b"</p>\n"
    )
    with open(root / "huge.html", "wb") as fh:
        fh.write(b"<html><body>")
        fh.write(paragraph * (BIG_BYTES // len(paragraph) + 1))
        fh.write(b"</body></html>")
    (root / "mixed.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": "ok1", "title": "Fine", "body": "A fine body of text."}),
                "{broken",
                json.dumps({"id": "ok2", "body": "Another fine body."}),
                json.dumps({"id": "nobody"}),
                "[1, 2, 3]",
                json.dumps({"id": {"nested": 1}, "body": "x"}),
                "\x01\x7f junk on a line ☃",
            ]
        ),
        "utf-8",
    )
    (root / "all-bad.jsonl").write_text("{nope\n[]\n", "utf-8")
    (root / "notes.md").write_text("not an archive type")
    # Symlink loops: a folder linked to its parent, and two file links to each other.
    os.symlink("..", root / "sub" / "deeper" / "loop")
    os.symlink("b-link.txt", root / "a-link.txt")
    os.symlink("a-link.txt", root / "b-link.txt")
    os.symlink("does-not-exist.txt", root / "dangling.txt")
    (root / "sub" / "inner.txt").write_text(GOOD_STORY.replace("Bridge", "Tunnel"), "utf-8")
    return root


def test_hostile_archive_never_crashes_and_every_file_is_accounted_for(hostile, tmp_path):
    started = time.monotonic()
    report = build_index(hostile, tmp_path / "index", extractor=KeywordExtractor())
    elapsed = time.monotonic() - started
    rejected = {r.path: r.reason for r in report.rejected}
    assert set(report.indexed) | set(rejected) == _all_entries(hostile)
    assert not set(report.indexed) & set(rejected)
    assert all(reason for reason in rejected.values())
    assert {"good.txt", "cp1252.txt", "invalid-utf8.txt", "mixed.jsonl", "sub/inner.txt"} <= set(
        report.indexed
    )
    assert rejected["binary.txt"] == "binary file (NUL bytes), not text"
    assert rejected["empty.txt"] == "empty file"
    assert rejected["blank.jsonl"] == "empty file"
    assert rejected["truncated.txt.gz"].startswith("corrupt or truncated gzip")
    assert rejected["not-gzip.html.gz"].startswith("corrupt or truncated gzip")
    assert rejected["huge.html"].startswith("HTML page too large")
    assert rejected["all-bad.jsonl"].startswith("no valid records (2 bad lines; first: line 1")
    assert rejected["notes.md"].startswith("not an archive file type")
    assert rejected["sub/deeper/loop"] == "symlinked folder (not followed)"
    for link in ("a-link.txt", "b-link.txt", "dangling.txt"):
        assert rejected[link] == "not a regular file (broken link?)"
    # Bad JSON Lines lines are reported by number; the good ones are in the index.
    problems = [msg for path, msg in report.problems if path == "mixed.jsonl"]
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 4", "line 5", "line 6", "line 7"]
    with whoosh_index.open_dir(str(store.current_generation(tmp_path / "index"))).searcher() as s:
        ids = {f["id"] for f in s.all_stored_fields()}
        assert {"ok1", "ok2", "good.txt", "cp1252.txt"} <= ids
        assert s.document(id="cp1252.txt")["title"] == "Mélenchon’s Day In Court Today"
        # Latin-1 is the last resort; the C1 control bytes are cleaned away.
        assert s.document(id="invalid-utf8.txt")["body"] == "Body with bytes and more words."
    # Deeply nested HTML and pages without text: indexed or rejected, never a crash.
    for name in ("nested.html", "no-body.html", "script-only.html", "binary.html"):
        assert name in report.indexed or rejected[name]
    assert elapsed < 60, f"the hostile archive took {elapsed:.1f} s"
    assert "Rejected files:" in report.format()
    # A second build over the same hostile archive changes nothing and reports it all again.
    again = build_index(hostile, tmp_path / "index", extractor=KeywordExtractor())
    assert again.generation == report.generation
    assert {r.path for r in again.rejected} == set(rejected) - set(report.indexed)


def test_huge_file_is_rejected_by_size_not_parsed(tmp_path):
    assert BIG_BYTES > MAX_HTML_BYTES  # what the test above relies on
    (tmp_path / "big.htm").write_bytes(b"<p>x</p>" * (MAX_HTML_BYTES // 8 + 1))
    [file] = walk_archive(tmp_path)
    read = read_archive_file(tmp_path, file)
    assert read.rejected.startswith("HTML page too large") and not read.articles


def test_file_that_vanishes_after_the_walk_is_rejected_not_raised(tmp_path):
    (tmp_path / "gone.txt").write_text(GOOD_STORY, "utf-8")
    [file] = walk_archive(tmp_path)
    (tmp_path / "gone.txt").unlink()
    read = read_archive_file(tmp_path, file)
    assert read.rejected.startswith("unreadable") and not read.articles


def test_unreadable_file_is_rejected(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    secret = root / "secret.txt"
    secret.write_text(GOOD_STORY, "utf-8")
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading")
        report = build_index(root, tmp_path / "index", extractor=KeywordExtractor())
        assert [(r.path, r.reason.split(":")[0]) for r in report.rejected] == [
            ("secret.txt", "unreadable")
        ]
    finally:
        secret.chmod(0o644)
