"""Builds at scale (issue 14): throughput, NER, resuming a killed build, increments, memory.

Every build runs as the command a person types (``python -m indexer build ARCHIVE --index
DIR --workers 2``), in a process of its own, so the numbers are those of a real build:
wall time, articles per second, and memory (the largest single process of the build, and
the sum over its processes sampled every 0.2 s). Stages (``--stages``):

    ``tagged``: Reuters-21578 as a JSONL export that carries its own ``people``/``places``
    (the collection's gold labels, so no NER runs), replicated 1x/4x/16x by
    ``bench/perf.py``'s ``scaled_archive`` (one file per copy): full build of each;
    ``increment``: after each tagged build, 1,000 new articles in a new file, an
    incremental build: its cost at 1x and at the largest scale;
    ``ner``: the untagged 1x export (one file of 19,043 stories): a full build with NER;
    ``resume``: the same build killed (SIGKILL) once 60% of the stories are in the build
    cache, then rerun: the share of finished articles the rerun reused, and its time.

Results go to ``bench/out/build-scale/results.json`` and ``summary.md``. Run::

    .venv/bin/python bench/build_scale.py [--scale 1 4 16] [--stages tagged increment ner resume]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

from bench.perf import base_records, dir_size_bytes, log, machine, scaled_archive  # noqa: E402
from bench.reuters import read_stories  # noqa: E402

DEFAULT_OUT = REPO / "bench" / "out" / "build-scale"
STAGES = ("tagged", "increment", "ner", "resume")
INCREMENT = 1000
KILL_AT = 0.6
WORKERS = 2


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_build(archive: Path, index_dir: Path, kill_when=None) -> dict:
    """One ``python -m indexer build`` in its own process: wall, memory, its report.

    Args:
        kill_when: a function polled every 0.2 s; when it returns True the build is killed
            with SIGKILL (its whole process group), as a crash or an operator would.
    """
    cmd = [sys.executable, "-m", "indexer", "build", str(archive), "--index", str(index_dir)]
    cmd += ["--workers", str(WORKERS)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    peak_sum = peak_one = 0.0
    killed = False
    while proc.poll() is None:
        rss = [_rss_mib(p) for p in _tree(proc.pid)]
        peak_sum, peak_one = max(peak_sum, sum(rss)), max(peak_one, max(rss, default=0))
        if kill_when is not None and kill_when():
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    result = {
        "wall_s": round(wall, 1),
        "exit": proc.returncode,
        "killed": killed,
        "peak_rss_sum_mib": round(peak_sum),
        "peak_rss_largest_process_mib": round(peak_one),
    }
    match = re.search(r"(\d+) articles in the index, (\d+) written", out)
    if match:
        result["documents"], result["written"] = int(match.group(1)), int(match.group(2))
        result["docs_per_s"] = round(result["written"] / wall, 1)
    reused = re.search(r"reused\s+(\d+) articles", out)
    result["reused"] = int(reused.group(1)) if reused else 0
    if not killed and proc.returncode != 0:
        raise RuntimeError(f"build failed ({proc.returncode}): {err[-2000:]}")
    (index_dir.parent / f"{index_dir.name}.report.txt").write_text(out + err, "utf-8")
    return result


def cache_entries(index_dir: Path) -> int:
    """Rows in a build cache (0 before it exists), read while a build writes it."""
    path = index_dir / "cache" / "articles.sqlite"
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def tagged_records(base: list[dict]) -> list[dict]:
    """The export with its own tags: Reuters' gold PEOPLE and PLACES labels per story."""
    gold = {f"reuters-{s['newid']}": s for s in read_stories()}
    return [
        {**r, "people": gold[r["id"]]["people"], "places": gold[r["id"]]["places"]} for r in base
    ]


def write_increment(archive: Path, base: list[dict], n: int) -> Path:
    """A new file of ``n`` articles (new ids; the corpus again if it has fewer) in ``archive``."""
    path = archive / "increment.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = base[i % len(base)]
            new = {**rec, "id": f"{rec['id']}-new{i // len(base)}"}
            fh.write(json.dumps(new, ensure_ascii=False) + "\n")
    return path


def stage_tagged(out: Path, base: list[dict], scales: list[int], increment: bool) -> dict:
    """Full builds with tags given at each scale; the 1,000-article increment after each."""
    tagged = tagged_records(base)
    rows = {}
    for scale in scales:
        archive = scaled_archive(out, tagged, scale)
        (archive / "increment.jsonl").unlink(missing_ok=True)
        index_dir = out / f"index-{scale}x"
        shutil.rmtree(index_dir, ignore_errors=True)
        log(f"{scale}x: full build of {len(tagged) * scale} tagged stories ...")
        row = {"stories": len(tagged) * scale, "full": run_build(archive, index_dir)}
        row["index_mib"] = round(dir_size_bytes(index_dir / "current") / 2**20)
        log(f"{scale}x: {row['full']}")
        if increment:
            write_increment(archive, tagged, INCREMENT)
            row["increment"] = run_build(archive, index_dir)
            log(f"{scale}x: +{INCREMENT} articles: {row['increment']}")
            (archive / "increment.jsonl").unlink()
        rows[str(scale)] = row
    return rows


def stage_ner(out: Path, base: list[dict]) -> dict:
    """The untagged 1x export, one file: a full build with the real NER."""
    archive = scaled_archive(out / "untagged", base, 1)
    index_dir = out / "index-1x-ner"
    shutil.rmtree(index_dir, ignore_errors=True)
    log(f"NER build of {len(base)} stories ...")
    result = run_build(archive, index_dir)
    log(f"NER build: {result}")
    return result


def stage_resume(out: Path, base: list[dict]) -> dict:
    """Kill the NER build of the one-file export at 60%, rerun it; what was reused."""
    archive = scaled_archive(out / "untagged", base, 1)
    index_dir = out / "index-1x-resume"
    shutil.rmtree(index_dir, ignore_errors=True)
    target = int(KILL_AT * len(base))
    log(f"NER build killed once {target} stories are done ...")
    killed = run_build(archive, index_dir, kill_when=lambda: cache_entries(index_dir) >= target)
    finished = cache_entries(index_dir)
    log(f"killed after {killed['wall_s']} s with {finished} articles finished; rerun ...")
    rerun = run_build(archive, index_dir)
    log(f"rerun: {rerun}")
    return {
        "killed": killed,
        "finished_at_kill": finished,
        "rerun": rerun,
        "reused_share": round(rerun["reused"] / finished, 4) if finished else None,
    }


def summary(results: dict) -> str:
    """The results as Markdown tables."""
    m = results.get("machine", {})
    lines = [
        "# Builds at scale (generated by bench/build_scale.py)",
        "",
        f"Machine: {m.get('cpu')} x {m.get('cores')} cores; load average at start "
        f"{m.get('load_avg_at_start')}; `--workers {WORKERS}`.",
        "",
        "| build | stories | wall s | articles/s | index MiB | peak RSS MiB (largest process / "
        "sum) | reused |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(label: str, stories, r: dict, mib="") -> str:
        return (
            f"| {label} | {stories} | {r['wall_s']} | {r.get('docs_per_s', '-')} | {mib} | "
            f"{r['peak_rss_largest_process_mib']} / {r['peak_rss_sum_mib']} | {r['reused']} |"
        )

    for scale, r in results.get("tagged", {}).items():
        lines.append(row(f"tags given, {scale}x, full", r["stories"], r["full"], r["index_mib"]))
        if "increment" in r:
            lines.append(row(f"tags given, {scale}x, +{INCREMENT} new", INCREMENT, r["increment"]))
    if "ner" in results:
        lines.append(row("NER, 1x, full", results["ner"].get("written"), results["ner"]))
    if "resume" in results:
        res = results["resume"]
        lines.append(row("NER, 1x, killed at 60%", res["finished_at_kill"], res["killed"]))
        rerun = res["rerun"]
        lines.append(row("NER, 1x, rerun after the kill", rerun.get("written"), rerun))
        lines += [
            "",
            f"Rerun after the kill: reused {res['rerun']['reused']} of the "
            f"{res['finished_at_kill']} articles finished before it "
            f"(**{res['reused_share']:.1%}**).",
        ]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 4, 16], help="copies")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--limit", type=int, help="only the first N stories (a quick try)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    base = base_records(out)
    if args.limit:
        base = base[: args.limit]
        out = out / f"limit-{args.limit}"
        out.mkdir(exist_ok=True)
    path = out / "results.json"
    results = json.loads(path.read_text("utf-8")) if path.exists() else {}
    results["machine"] = machine()
    stages = set(args.stages)

    def save() -> None:
        path.write_text(json.dumps(results, indent=2), "utf-8")

    if "tagged" in stages:
        results["tagged"] = stage_tagged(out, base, args.scale, "increment" in stages)
        save()
    if "ner" in stages:
        results["ner"] = stage_ner(out, base)
        save()
    if "resume" in stages:
        results["resume"] = stage_resume(out, base)
        save()
    text = summary(results)
    (out / "summary.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
