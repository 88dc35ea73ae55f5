"""Reading archive files: formats, encodings, ids and every kind of junk."""

from __future__ import annotations

import gzip
import json
import os

from indexer.archive import (
    ArchiveFile,
    Rejected,
    decode_text,
    kind_of,
    read_archive_file,
    walk_archive,
)


def _file(root, rel: str) -> ArchiveFile:
    return next(f for f in walk_archive(root) if f.path == rel)


def test_kind_of_handles_case_and_gzip():
    assert kind_of("a/B.HTML") == "html"
    assert kind_of("x.htm.gz") == "html"
    assert kind_of("dump.txt.gz") == "text"
    assert kind_of("export.jsonl") == "jsonl"
    assert kind_of("notes.md") is None
    assert kind_of("archive.gz") is None


def test_decode_text_utf8_then_cp1252():
    assert decode_text("Mélenchon’s".encode()) == "Mélenchon’s"
    assert decode_text("Mélenchon’s".encode("cp1252")) == "Mélenchon’s"
    assert decode_text("\ufeffBOM".encode()) == "BOM"
    # 0x81 is undefined in cp1252: Latin-1 is the last resort and never fails.
    assert decode_text(b"a\x81b") == "a\x81b"


def test_text_dump_ids_are_path_then_path_hash_n(tmp_path):
    (tmp_path / "2020").mkdir()
    text = (
        "First Headline Of The Day Here\n\nA body sentence that is long enough to count.\n\n"
        "Second Headline Of The Day Here\n\nAnother body sentence long enough to count.\n"
    )
    (tmp_path / "2020" / "dump.txt.gz").write_bytes(gzip.compress(text.encode("cp1252")))
    read = read_archive_file(tmp_path, _file(tmp_path, "2020/dump.txt.gz"))
    assert read.rejected is None
    assert [a.id for a in read.articles] == ["2020/dump.txt.gz", "2020/dump.txt.gz#2"]
    assert {a.source for a in read.articles} == {"2020/dump.txt.gz"}
    assert read.articles[1].title == "Second Headline Of The Day Here"


def test_html_file_is_one_raw_article_with_its_bytes(tmp_path):
    page = "<html><head><meta charset='windows-1252'></head><body><p>Caf\xe9</p></body></html>"
    (tmp_path / "p.html").write_bytes(page.encode("cp1252"))
    read = read_archive_file(tmp_path, _file(tmp_path, "p.html"))
    [raw] = read.articles
    assert raw.id == "p.html" and isinstance(raw.html, bytes) and b"Caf\xe9" in raw.html


def test_jsonl_good_lines_index_bad_lines_are_reported_by_number(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "T", "body": "Body text.", "people": ["Ann Lee"]}),
        "{not json",
        json.dumps({"title": "no id", "body": "x"}),
        json.dumps({"id": "a2", "html": "<p>Some html</p>", "date": "2020-12-24"}),
        json.dumps({"id": "a3"}),
        json.dumps({"id": "a1", "body": "again"}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": 7, "body": "numeric id", "places": "Russia"}),
    ]
    (tmp_path / "e.jsonl").write_text("\n".join(lines), "utf-8")
    read = read_archive_file(tmp_path, _file(tmp_path, "e.jsonl"))
    assert [a.id for a in read.articles] == ["a1", "a2", "7"]
    assert read.problems == [
        "line 2: bad JSON (Expecting property name enclosed in double quotes)",
        "line 3: no 'id'",
        "line 5: no 'body' or 'html'",
        "line 6: duplicate id 'a1' (first at line 1; kept that)",
        "line 7: not a JSON object",
    ]
    a1, a2, a7 = read.articles
    assert a1.people == ("Ann Lee",) and a1.places is None
    assert a2.html == "<p>Some html</p>" and a2.body is None and a2.date == "2020-12-24"
    assert a7.places == ("Russia",)


def test_junk_files_are_rejected_with_reasons(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "cut.txt.gz").write_bytes(gzip.compress(b"Title\n\nBody " * 100)[:30])
    (tmp_path / "notgz.html.gz").write_bytes(b"<html>plain</html>")
    (tmp_path / "bad.jsonl").write_text("{oops\n[]\n", "utf-8")
    (tmp_path / "title-only.txt").write_text("Only A Title Here\n", "utf-8")
    reasons = {}
    for item in walk_archive(tmp_path):
        assert isinstance(item, ArchiveFile)
        read = read_archive_file(tmp_path, item)
        reasons[item.path] = read.rejected
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.html"] == "empty file"
    assert reasons["binary.txt"] == "binary file (NUL bytes), not text"
    assert reasons["cut.txt.gz"].startswith("corrupt or truncated gzip")
    assert reasons["notgz.html.gz"].startswith("corrupt or truncated gzip")
    assert reasons["bad.jsonl"].startswith("no valid records (2 bad lines; first: line 1")
    assert reasons["title-only.txt"].startswith("no article text")


def test_walk_reports_other_files_links_and_does_not_loop(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("T\n\nbody", "utf-8")
    (tmp_path / "notes.md").write_text("x", "utf-8")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    items = list(walk_archive(tmp_path))
    files = [i.path for i in items if isinstance(i, ArchiveFile)]
    rejected = {i.path: i.reason for i in items if isinstance(i, Rejected)}
    assert files == ["sub/a.txt"]
    assert rejected == {
        "dangling.txt": "not a regular file (broken link?)",
        "notes.md": "not an archive file type (.html, .htm, .txt, .jsonl, .gz)",
        "sub/loop": "symlinked folder (not followed)",
    }
