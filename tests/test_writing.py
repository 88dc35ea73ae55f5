"""Segment writing: the per-term posting pool writes what Whoosh's own pool writes."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.documents import Article
from indexer.postingpool import TermPool
from indexer.records import article_document
from indexer.schema import build_schema
from indexer.writing import open_writer

WORDS = (
    "minister said budget e-mail Kremlin’s U.S.-led talks oil price rose fell bank rates "
    "Juncker Jean-Claude market shares trade deficit coffee quota Brazil growth"
).split()


def _articles(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 80)))
        out.append(
            Article(
                id=f"a{n}",
                source="dump.jsonl",
                title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6))),
                body=body,
                date=datetime(1987, 3, 1 + n % 28) if n % 5 else None,
                people=rng.sample(["Jean-Claude Juncker", "Tony Blair", "Ann Li"], n % 3),
                places=rng.sample(["Brazil", "France", "Kenya"], n % 4 % 3),
            )
        )
    return out


def _write(folder, writer_of, articles) -> dict:
    """Every posting of the index in ``folder`` written by ``writer_of(ix)``, by term."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_of(ix)
    for article in articles:
        writer.add_document(**article_document(article, "hash"))
    writer.commit()
    out = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            if fieldname.startswith("spell_"):
                # Whoosh's spelling words: every posting is document 0 with the value
                # bytes of the article's last posting before it, which nothing reads; the
                # pool orders them by those bytes. Compared as a reader uses them.
                postings = [(doc, weight) for doc, weight, _ in postings]
            stats = (info.doc_frequency(), info.weight(), info.max_weight())
            out[fieldname, text] = (stats, info.min_length(), info.max_length(), postings)
        lengths = {
            (name, doc): reader.doc_field_length(doc, name)
            for name in ("title", "body", "people")
            for doc in range(reader.doc_count_all())
        }
    return out | {"lengths": lengths}


@pytest.mark.parametrize("limitmb", [64, 0.002], ids=["in memory", "spilled to runs"])
def test_a_segment_from_the_term_pool_equals_whooshs_own(tmp_path, limitmb):
    articles = _articles(300)
    whoosh = _write(tmp_path / "whoosh", lambda ix: SegmentWriter(ix, limitmb=64), articles)
    ours = _write(tmp_path / "ours", lambda ix: open_writer(ix, limitmb, lock=False), articles)
    assert ours.keys() == whoosh.keys()
    assert ours == whoosh
    assert any(field.startswith("spell_") for field, _ in [k for k in ours if k != "lengths"])


def test_a_spilled_pool_joins_each_terms_parts_in_docnum_order(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    pool = TermPool(FileStorage(str(tmp_path)), limitmb=0.0005)
    expected = {}
    for docnum in range(200):
        for word in (b"oil", b"price", b"rose" if docnum % 3 else b"fell"):
            value = bytes([docnum % 251]) * (docnum % 4)
            pool.add(("body", word, docnum, float(docnum % 5 + 1), value))
            expected.setdefault(("body", word), []).append((docnum, float(docnum % 5 + 1), value))
    assert len(pool.runs) > 3  # the budget was spent again and again
    got = {}
    for field, text, docnum, weight, value in pool.iter_postings():
        got.setdefault((field, text), []).append((docnum, weight, value))
    assert got == expected
    assert list(got) == sorted(expected)
    assert not list(tmp_path.glob("*.run"))  # every run read is removed


def _every_posting(index_dir) -> dict:
    """Every article-index posting, by term, with article ids for document numbers."""
    ix = whoosh_index.open_dir(str(next(index_dir.glob("gen-*"))))
    out = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {doc: fields["id"] for doc, fields in reader.iter_docs()}
        for fieldname, text in reader.all_terms():
            if fieldname.startswith("spell_"):
                out[fieldname, text] = reader.doc_frequency(fieldname, text)
                continue
            matcher = reader.postings(fieldname, text)
            postings = set()
            while matcher.is_active():
                postings.add((ids[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            out[fieldname, text] = postings
    return out


def test_writer_processes_that_spill_runs_keep_every_posting(tmp_path, monkeypatch):
    import json

    from indexer import writing
    from indexer.build import build_index

    archive = tmp_path / "archive"
    archive.mkdir()
    lines = [
        json.dumps(
            {
                "id": a.id,
                "title": a.title,
                "body": a.body or "words",
                "people": a.people,
                "places": a.places,
            }
        )
        for a in _articles(900, seed=3)
    ]
    (archive / "a.jsonl").write_text("\n".join(lines), "utf-8")
    build_index(archive, tmp_path / "one", workers=1, duplicate_threshold=None)
    # Two writer processes, each spilling many runs into the one shared temporary folder.
    monkeypatch.setattr(writing, "ARTICLE_LIMIT_MB", 0.05)
    build_index(archive, tmp_path / "two", workers=2, duplicate_threshold=None)
    assert _every_posting(tmp_path / "two") == _every_posting(tmp_path / "one")


def _spill_and_read_back(folder: str, writer: int, barrier, results) -> None:
    from whoosh.filedb.filestore import FileStorage

    pool = TermPool(FileStorage(folder), limitmb=0.0005)  # a run every 2 postings
    sent = [("body", b"oil", docnum, 1.0, b"%d/%d" % (writer, docnum)) for docnum in range(300)]
    for posting in sent:
        pool.add(posting)
    barrier.wait(timeout=60)  # both have spilled all their runs before either reads
    results.put(list(pool.iter_postings()) == sent)


def test_forked_writers_spilling_into_one_folder_keep_their_own_runs(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")  # as ParallelWriter starts its processes
    results, barrier = ctx.Queue(), ctx.Barrier(2)
    procs = [
        ctx.Process(target=_spill_and_read_back, args=(str(tmp_path), n, barrier, results))
        for n in range(2)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join()
    assert outcomes == [True, True]
