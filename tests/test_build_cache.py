"""The build cache: a killed build's work is reused, never stale, and kept bounded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import store
from indexer.build import build_index
from indexer.cache import CACHE_DIR, BuildCache, code_fingerprint, record_key
from indexer.documents import RawArticle
from tests.fakes import KeywordExtractor, story


class Killed(Exception):
    """Stands for the build being killed."""


def _records(n: int, *, tagged: bool = True, word: str = "grain") -> list[dict]:
    out = []
    for i in range(n):
        rec = {
            "id": f"a{i}",
            "title": f"Story {i} about {word}",
            "body": f"Ann Lee said “the {word} harvest {i} was good” in Russia. More text.",
            "date": "2020-03-04",
        }
        if tagged:
            rec |= {"people": ["Ann Lee"], "places": ["Russia"]}
        out.append(rec)
    return out


def _write_archive(root: Path, records: list[dict]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "export.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    (root / "one.txt").write_text(story("Bangui Talks", "Ann Lee visited Bangui."), "utf-8")
    return root


def _content(index_dir: Path) -> tuple[list[dict], list[dict]]:
    """Every stored record of both indexes, in id order (what a reader can see)."""
    gen = store.current_generation(index_dir)
    out = []
    for folder in (gen, gen / store.QUOTES_DIR):
        with whoosh_index.open_dir(str(folder)).searcher() as s:
            out.append(sorted(s.all_stored_fields(), key=lambda f: f["id"]))
    return out[0], out[1]


def _killer(after: int):
    seen = []

    def on_article(article_id: str) -> None:
        seen.append(article_id)
        if len(seen) >= after:
            raise Killed(article_id)

    return on_article


def _cache_entries(index_dir: Path) -> int:
    cache = BuildCache(index_dir, 0)
    try:
        return cache.count()
    finally:
        cache.close()


def test_a_killed_build_is_resumed_from_the_cache_with_the_same_index(tmp_path):
    archive = _write_archive(tmp_path / "archive", _records(12))
    clean = build_index(archive, tmp_path / "clean", extractor=KeywordExtractor())
    assert clean.reused == 0

    index_dir = tmp_path / "index"
    with pytest.raises(Killed):
        build_index(archive, index_dir, extractor=KeywordExtractor(), on_article=_killer(7))
    assert store.current_generation(index_dir) is None  # nothing was published
    finished = _cache_entries(index_dir)
    assert finished >= 7

    again = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert again.reused == finished == 13  # the 12 records and the text file's article
    assert again.articles_written == 13
    assert "  reused          13 articles (cleaned and tagged by an earlier build)" in (
        again.format()
    )
    assert _content(index_dir) == _content(tmp_path / "clean")


def test_a_parallel_build_writes_the_same_index_as_one_process(tmp_path):
    archive = _write_archive(tmp_path / "archive", _records(150))
    build_index(archive, tmp_path / "serial", extractor=KeywordExtractor())
    report = build_index(archive, tmp_path / "parallel", extractor=KeywordExtractor(), workers=2)
    assert report.articles_written == 151
    assert _content(tmp_path / "parallel") == _content(tmp_path / "serial")
    # A rerun after a kill reuses what the workers did, also in parallel.
    shutil.rmtree(tmp_path / "parallel")
    with pytest.raises(Killed):
        build_index(
            archive,
            tmp_path / "parallel",
            extractor=KeywordExtractor(),
            workers=2,
            on_article=_killer(100),
        )
    again = build_index(archive, tmp_path / "parallel", extractor=KeywordExtractor(), workers=2)
    assert again.reused >= 100
    assert _content(tmp_path / "parallel") == _content(tmp_path / "serial")


def test_records_without_tags_are_tagged_again_when_the_extractor_changes(tmp_path):
    archive = _write_archive(tmp_path / "archive", _records(3, tagged=False))
    index_dir = tmp_path / "index"
    first = build_index(archive, index_dir, extractor=KeywordExtractor())
    # The same extractor again (a killed build's rerun): reused.
    for path in index_dir.glob("gen-*"):
        shutil.rmtree(path)
    (index_dir / "current").unlink()
    assert build_index(archive, index_dir, extractor=KeywordExtractor()).reused == 4
    # Another extractor (another NER model): nothing served from the old one.
    for path in index_dir.glob("gen-*"):
        shutil.rmtree(path)
    (index_dir / "current").unlink()
    other = KeywordExtractor(people=("Ann Lee", "Nobody"))
    other.cache_key = "keywords:2"
    second = build_index(archive, index_dir, extractor=other)
    assert second.reused == 0 and first.reused == 0
    assert other.calls >= 1


def test_the_key_covers_every_record_field_and_the_code(tmp_path):
    raw = RawArticle(id="a", source="f.jsonl", title="T", body="B", people=("X",))
    fp = code_fingerprint("ner")
    key = record_key(raw, fp)
    same = RawArticle(id="a", source="f.jsonl", title="T", body="B", people=("X",))
    assert record_key(same, fp) == key
    for changed in (
        RawArticle(id="b", source="f.jsonl", title="T", body="B", people=("X",)),
        RawArticle(id="a", source="f.jsonl", title="T", body="B2", people=("X",)),
        RawArticle(id="a", source="f.jsonl", title="T", body="B", people=None),
        RawArticle(id="a", source="f.jsonl", title="T", body="B", people=("X",), html=b"<p>"),
    ):
        assert record_key(changed, fp) != key
    assert record_key(raw, code_fingerprint("another model")) != key
    # A change to the cleaning code (here: a copy of the package with one file edited).
    package = Path(__file__).resolve().parent.parent / "indexer"
    copy = tmp_path / "indexer"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_fingerprint("ner", package=copy) == fp
    with (copy / "clean" / "text.py").open("a") as fh:
        fh.write("\n# changed\n")
    assert code_fingerprint("ner", package=copy) != fp


def test_the_cache_keeps_only_what_the_index_needs(tmp_path):
    archive = _write_archive(tmp_path / "archive", _records(5))
    index_dir = tmp_path / "index"
    build_index(archive, index_dir, extractor=KeywordExtractor())
    assert _cache_entries(index_dir) == 6
    # One record changed: its old entry goes, the other four are reused.
    records = _records(5)
    records[0]["body"] += " A correction."
    _write_archive(archive, records)
    report = build_index(archive, index_dir, extractor=KeywordExtractor())
    assert report.reused == 4 and report.updated == ["export.jsonl"]
    assert _cache_entries(index_dir) == 6
    # A file gone from the archive takes its entries with it.
    (archive / "export.jsonl").unlink()
    build_index(archive, index_dir, extractor=KeywordExtractor())
    assert _cache_entries(index_dir) == 1
    assert (index_dir / CACHE_DIR).is_dir()


class _BrokenRules:
    """Site rules whose lookup fails: the cleaner raises on every HTML record."""

    rules = ("broken",)

    def __len__(self) -> int:
        return 1

    def for_page(self, **_):
        raise RuntimeError("boom")


def test_a_record_the_cleaner_fails_on_is_reported_and_the_rest_indexed(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    html = {"id": "h", "html": "<html><body><p>Some page text here.</p></body></html>"}
    body = {"id": "b", "title": "Plain", "body": "Plain text.", "people": [], "places": []}
    (archive / "mix.jsonl").write_text(json.dumps(html) + "\n" + json.dumps(body) + "\n")
    (archive / "only.jsonl").write_text(json.dumps(html | {"id": "h2"}) + "\n")
    report = build_index(
        archive, tmp_path / "index", extractor=KeywordExtractor(), rules=_BrokenRules()
    )
    assert report.indexed == ["mix.jsonl"] and report.articles_written == 1
    assert ("mix.jsonl", "article 'h': could not be cleaned (RuntimeError: boom)") in (
        report.problems
    )
    assert [(r.path, r.reason) for r in report.rejected] == [
        ("only.jsonl", "could not be read (RuntimeError: boom)")
    ]
