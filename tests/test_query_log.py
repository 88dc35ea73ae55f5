"""The query log (search_api.querylog) and its report (python -m search_api report)."""

from __future__ import annotations

import json
import logging
import multiprocessing
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from falcon import testing

from indexer.build import build_index
from indexer.settings import Settings
from search_api import report
from search_api.app import create_app
from search_api.querylog import MAX_LINE_BYTES, QueryLog, encode_line
from tests.fakes import KeywordExtractor, story

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("querylog")
    archive = root / "archive"
    archive.mkdir()
    (archive / "dump.txt").write_text(
        story(
            "Ann Lee Opens The New Bridge Today", 'Ann Lee said: "The bridge is open." In Bangui.'
        )
        + story("Second Story Of The Dump File Here", "Traders said little moved in Russia today."),
        "utf-8",
    )
    build_index(archive, root / "index", extractor=KeywordExtractor())
    return root / "index"


def _client(index_dir, log_path):
    return testing.TestClient(create_app(Settings(index_dir=index_dir, query_log=log_path)))


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_search_quotes_and_page_are_logged_without_reader_details(index_dir, tmp_path):
    log = tmp_path / "var" / "queries.jsonl"
    client = _client(index_dir, log)
    headers = {"Cookie": "session=secret", "User-Agent": "AgentSmith/1.0"}
    params = "q=bridge&people=Ann+Lee&from=2020-01-01&sort=newest&page=1"
    assert client.simulate_get("/search", query_string=params, headers=headers).status_code == 200
    assert (
        client.simulate_get("/quotes", query_string="q=bridge", headers=headers).status_code == 200
    )
    assert client.simulate_get("/", query_string="q=russia", headers=headers).status_code == 200
    client.simulate_get("/search", query_string="page=0")  # a 400 is not a search
    client.simulate_get("/")  # the empty page runs no search
    search, quotes, page = _lines(log)
    assert set(search) == {
        "time", "endpoint", "q", "sort", "people", "places", "author", "section", "from",
        "to", "page", "total", "mode", "ms", "cached",
    }  # fmt: skip
    assert search["endpoint"] == "/search" and search["q"] == "bridge"
    assert (search["people"], search["from"], search["to"]) == (["Ann Lee"], "2020-01-01", None)
    assert (search["sort"], search["page"], search["mode"]) == ("newest", 1, "all")
    assert search["total"] == 0  # the story is undated: from= leaves it out
    assert datetime.fromisoformat(search["time"]).tzinfo == UTC
    assert search["ms"] >= 0 and search["cached"] is False
    assert quotes["endpoint"] == "/quotes" and "mode" not in quotes and quotes["total"] == 1
    assert page["endpoint"] == "/" and page["q"] == "russia" and page["total"] == 1
    text = log.read_text("utf-8")
    for secret in ("secret", "AgentSmith", "127.0.0.1", "remote", "cookie", "agent"):
        assert secret not in text.lower()


def test_a_repeat_answered_from_the_cache_is_logged_as_cached(index_dir, tmp_path):
    log = tmp_path / "q.jsonl"
    client = _client(index_dir, log)
    first = client.simulate_get("/search", query_string="q=bridge")
    again = client.simulate_get("/search", query_string="q=bridge")
    assert again.text == first.text
    a, b = _lines(log)
    assert (a["cached"], b["cached"]) == (False, True)
    assert b["q"] == "bridge" and b["total"] == a["total"] == 1


def test_an_empty_setting_turns_the_log_off(index_dir, tmp_path, monkeypatch):
    assert Settings.from_env({}).query_log == Path("var/queries.jsonl")
    settings = Settings.from_env({"SEARCH_QUERY_LOG": "", "SEARCH_INDEX_DIR": str(index_dir)})
    assert settings.query_log is None
    monkeypatch.chdir(tmp_path)
    client = testing.TestClient(create_app(settings))
    assert client.simulate_get("/search", query_string="q=bridge").status_code == 200
    assert list(tmp_path.rglob("*.jsonl")) == []


def test_an_unwritable_log_never_fails_a_search_and_warns_once(index_dir, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    client = _client(index_dir, blocker / "queries.jsonl")
    with caplog.at_level(logging.WARNING, logger="search_api.querylog"):
        for _ in range(3):
            resp = client.simulate_get("/search", query_string="q=russia&page=1&per_page=5")
            assert resp.status_code == 200 and resp.json["total"] == 1
            assert client.simulate_get("/", query_string="q=bridge").status_code == 200
    warnings = [r for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(warnings) == 1


def _append(path: str, worker: int, count: int) -> None:
    log = QueryLog(Path(path), max_bytes=10**9)
    for i in range(count):
        log.write({"endpoint": "/search", "q": f"w{worker} n{i} " + "x" * 500, "total": i})


def test_concurrent_processes_and_threads_lose_no_line(tmp_path):
    path = tmp_path / "q.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append, args=(str(path), w, 300)) for w in range(4)]
    threads = [threading.Thread(target=_append, args=(str(path), 10 + w, 300)) for w in range(3)]
    for worker in (*procs, *threads):
        worker.start()
    for worker in (*procs, *threads):
        worker.join()
    assert all(p.exitcode == 0 for p in procs)
    entries = _lines(path)  # every line parses
    assert len(entries) == 7 * 300
    assert len({e["q"] for e in entries}) == 7 * 300


def _append_rotating(path: str, worker: int) -> None:
    log = QueryLog(Path(path), max_bytes=20_000)
    for i in range(200):
        log.write({"q": f"w{worker} n{i}", "pad": "y" * 200})


def test_the_log_rotates_past_its_size_and_workers_rotate_once(tmp_path):
    path = tmp_path / "q.jsonl"
    log = QueryLog(path, max_bytes=2_000)
    for i in range(30):
        log.write({"q": f"query {i}", "pad": "z" * 100})
    rotated = path.with_name("q.jsonl.1")
    assert path.stat().st_size <= 2_000 and rotated.stat().st_size <= 2_000
    assert _lines(path)[-1]["q"] == "query 29"
    # Several processes rotating at once: the kept files hold whole lines, the newest last.
    path2 = tmp_path / "r.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_rotating, args=(str(path2), w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    for part in (path2, path2.with_name("r.jsonl.1")):
        assert part.stat().st_size <= 20_000
        assert all(e["pad"] == "y" * 200 for e in _lines(part))


def test_a_huge_query_is_cut_to_one_short_line():
    line = encode_line({"q": "\x01" * 4000, "people": ["p" * 300] * 50, "total": 0})
    assert len(line) <= MAX_LINE_BYTES and line.endswith(b"\n")
    entry = json.loads(line)
    assert entry["truncated"] is True and entry["q"].startswith("\x01")


def _written_log(path: Path) -> None:
    days = iter(["2026-03-01T09:00:00", "2026-03-01T10:00:00", "2026-03-02T09:00:00"] * 3)
    log = QueryLog(path, clock=lambda: datetime.fromisoformat(next(days) + "+00:00"))
    rows = [
        ("Putin  China", 12, "all", 5.0),
        ("putin china", 10, "all", 7.0),
        ("zzqx", 0, "all", 2.0),
        ("why did the bank raise rates", 40, "any", 90.0),
        ("", 3, "filter", 1.0),
        ("zzqx", 0, "all", 3.0),
        ("putin china", 11, "all", 4.0),
    ]
    for q, total, mode, ms in rows:
        log.write({"endpoint": "/search", "q": q, "total": total, "mode": mode, "ms": ms})
    with path.open("a") as f:
        f.write("not json\n")


def test_the_report_counts_a_written_log(tmp_path, capsys):
    path = tmp_path / "q.jsonl"
    _written_log(path)
    assert report.main(["report", "--log", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["searches"] == 7
    assert data["top_queries"][:2] == [
        {"q": "Putin China", "count": 3},
        {"q": "zzqx", "count": 2},
    ]
    assert data["no_results"] == [{"q": "zzqx", "count": 2}]
    assert data["any_word"] == [{"q": "why did the bank raise rates", "count": 1}]
    assert [r["ms"] for r in data["slowest"][:2]] == [90.0, 7.0]
    assert data["per_day"] == [
        {"day": "2026-03-01", "count": 5},
        {"day": "2026-03-02", "count": 2},
    ]
    assert report.main(["report", "--log", str(path), "--since", "2026-03-02"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("2 searches since 2026-03-02\n")
    assert "Queries with no results\n       2  zzqx\n" in text
    assert "Searches per day\n  2026-03-02       2\n" in text


def test_the_report_reads_the_rotated_part_too(tmp_path):
    path = tmp_path / "q.jsonl"
    QueryLog(path.with_name("q.jsonl.1")).write({"q": "old", "total": 1})
    QueryLog(path).write({"q": "new", "total": 1})
    assert [e["q"] for e in report.read_entries(path)] == ["old", "new"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--since", "yesterday"], "not a date YYYY-MM-DD"),
        (["report", "--format", "xml"], "invalid choice"),
        (["report", "--log", "missing.jsonl"], "no query log at missing.jsonl"),
        (["nothing"], "invalid choice"),
    ],
)
def test_bad_arguments_are_a_clear_message_and_status_2(args, message, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "search_api", *args],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "SEARCH_QUERY_LOG": "var/q.jsonl"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert message in done.stderr


def test_the_command_prints_the_text_report(tmp_path):
    path = tmp_path / "q.jsonl"
    _written_log(path)
    done = subprocess.run(
        [sys.executable, "-m", "search_api", "report", "--log", str(path)],
        env={"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Top queries\n       3  Putin China\n" in done.stdout


def test_gunicorn_workers_log_every_search(index_dir, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from tests.servers import get, gunicorn

    log = tmp_path / "gunicorn-queries.jsonl"
    with gunicorn(index_dir, workers=3, env={"SEARCH_QUERY_LOG": str(log)}) as (base, _):
        urls = [f"{base}/search?q=bridge&page={1 + i % 3}&per_page={1 + i // 3}" for i in range(60)]
        with ThreadPoolExecutor(8) as pool:
            assert {status for status, _ in pool.map(get, urls)} == {200}
    entries = _lines(log)
    assert len(entries) == 60
    assert {(e["page"], e["q"]) for e in entries} == {(p, "bridge") for p in (1, 2, 3)}
