"""Near-duplicate grouping (issue 16) on Reuters-21578: precision, recall, cost.

The archive: Reuters-21578's stories with a body (``bench/perf.py`` ``base_records``), with
the collection's own people and places (``bench/build_scale.py`` ``tagged_records``: no
NER), and 20% of them republished under new ids with small edits, seeded: a changed
headline, a dropped paragraph, an added paragraph (one of another story), a new dateline;
each copy gets one or two of them. The originals come first in the archive (file order),
so they are grouped before any copy.

Stages:
    ``sweep``: for each threshold, the grouping alone (``indexer.duplicates.GroupStore``
    over the records, no index): pair precision and recall of the copies, against the
    truth "a copy belongs with its original, and with whatever its original is grouped
    with" (Reuters' own duplicates are not counted against a copy that joins them); also
    how many groups Reuters itself holds, the time and the store's size;
    ``build``: full builds of the archive with grouping at the chosen threshold and
    without (``duplicate_threshold=None``), in this process with 2 workers, A B A B; the
    precision and recall read back from the built index (the same as the sweep's); then
    1,000 new articles added (an incremental build), with and without grouping;
    ``scale``: the grouping alone over the 16x archive (``scaled_archive``: 16 copies of
    every story, ids ``-r2`` ... ``-r16``): time, store size, and 1,000 more articles;
    ``sample``: ~10 of Reuters' own groups (seeded), ids and titles printed for a reader to
    judge (the verdicts are written into bench/RESULTS.md by hand, no corpus text);
    ``copies-latency``: the same on an index of ``bench/perf.py``'s 4x archive (every
    story four times, so every story is a group of four: what collapsing costs when each
    result stands for several versions), built grouped first;
    ``latency``: on the grouped index of ``build``, in-process ``Engine.search`` of 300
    queries (two title words of seeded stories, a page of 10), ``collapse=true`` and
    ``collapse=false`` interleaved query by query (A B A B), three rounds: median and p95
    of each, and their ratio.

Results go to ``bench/out/duplicates/results.json`` (and the console). Run::

    .venv/bin/python bench/eval_duplicates.py [--thresholds 0.4 0.5 0.6 0.7]
        [--stages sweep build scale sample]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

from bench.build_scale import tagged_records  # noqa: E402
from bench.perf import base_records, dir_size_bytes, log, machine  # noqa: E402
from indexer import duplicates  # noqa: E402
from indexer.build import build_index  # noqa: E402

DEFAULT_OUT = REPO / "bench" / "out" / "duplicates"
STAGES = ("sweep", "build", "scale", "sample", "latency", "copies-latency")
SEED = 16
SHARE = 0.2
# (measure, threshold): the shipped measure is containment (indexer/duplicates.py).
THRESHOLDS = (
    ("containment", 0.6),
    ("containment", 0.7),
    ("containment", 0.8),
    ("containment", 0.9),
    ("jaccard", 0.5),
    ("jaccard", 0.7),
)
EDITS = ("headline", "drop", "add", "dateline")
INCREMENT = 1000
WORKERS = 2
# A dateline: "CITY, Mon day - " at the start of a Reuters body.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]*?, [A-Z][a-z]{2,4} +\d{1,2} - ")
_CITIES = ("LONDON", "NEW YORK", "TOKYO", "FRANKFURT", "WASHINGTON", "CHICAGO", "PARIS")
_MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct")
# Paragraphs of a Reuters body: a new line indented by spaces.
_PARAGRAPH = "\n    "
_HEADLINE_WORDS = ("UPDATE", "CORRECTED", "REFILE", "RPT", "WRAPUP", "INSIGHT")


def republish(base: list[dict], share: float, seed: int) -> tuple[list[dict], dict[str, str]]:
    """Copies of ``share`` of the stories under new ids with one or two small edits each;
    and copy id -> original id."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(base)), round(share * len(base)))
    copies, origin = [], {}
    for n, i in enumerate(chosen):
        rec = base[i]
        kinds = rng.sample(EDITS, rng.choice((1, 2)))
        title, body = rec.get("title") or "", rec.get("body") or ""
        paragraphs = body.split(_PARAGRAPH)
        for kind in kinds:
            if kind == "headline":
                words = title.split()
                rng.shuffle(words)
                title = f"{rng.choice(_HEADLINE_WORDS)} 1-" + " ".join(
                    words[: max(2, len(words) - 1)]
                )
            elif kind == "drop" and len(paragraphs) > 2:
                del paragraphs[rng.randrange(1, len(paragraphs))]
            elif kind == "add":
                other = base[rng.randrange(len(base))]["body"].split(_PARAGRAPH)
                paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(other))
            elif kind == "dateline":
                line = f"{rng.choice(_CITIES)}, {rng.choice(_MONTHS)} {rng.randint(1, 28)} - "
                first = paragraphs[0]
                paragraphs[0] = (
                    _DATELINE.sub(line, first) if _DATELINE.match(first) else (line + first)
                )
        copy = {
            **rec,
            "id": f"{rec['id']}-v{n}",
            "title": title,
            "body": _PARAGRAPH.join(paragraphs),
        }
        copy["edits"] = kinds
        copies.append(copy)
        origin[copy["id"]] = rec["id"]
    return copies, origin


def write_archive(out: Path, base: list[dict], copies: list[dict]) -> Path:
    """The archive folder: the originals' file first, then the copies' (file order)."""
    archive = out / "archive"
    if archive.is_dir():
        return archive
    archive.mkdir(parents=True)
    for name, rows in (("a-reuters.jsonl", base), ("b-republished.jsonl", copies)):
        with (archive / name).open("w", encoding="utf-8") as fh:
            for rec in rows:
                rec = {k: v for k, v in rec.items() if k != "edits"}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return archive


def group_records(
    records: list[dict], threshold: float, folder: Path, measure: str = "containment"
) -> tuple[dict, dict]:
    """Group ``records`` in order with a fresh store; id -> group, and cost figures."""
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    store = duplicates.GroupStore(folder, threshold=threshold, measure=measure)
    store.begin(None)
    groups = {}
    for rec in records:
        groups[rec["id"]] = store.assign(rec["id"], "x", rec.get("title") or "", rec["body"])
    store.commit()
    seconds = time.perf_counter() - started
    grouped = store.count()
    store.close()
    size = dir_size_bytes(folder)
    cost = {"seconds": round(seconds, 2), "store_bytes": size, "signed_articles": grouped}
    return groups, cost


def pair_scores(groups: dict[str, int], origin: dict[str, str]) -> dict:
    """Pair precision and recall of the copies.

    Truth: each copy belongs to its original's group as the originals were grouped among
    themselves (a Reuters duplicate of the original counts as the same story). Only pairs
    with at least one copy in them are scored (the originals' own pairs are the sample's).
    """
    truth_of = {}
    for rec_id, group in groups.items():
        truth_of[rec_id] = ("g", groups[origin[rec_id]]) if rec_id in origin else ("g", group)
    predicted, truth = defaultdict(list), defaultdict(list)
    for rec_id in groups:
        predicted[groups[rec_id]].append(rec_id)
        truth[truth_of[rec_id]].append(rec_id)

    def copy_pairs(clusters) -> set[tuple[str, str]]:
        out = set()
        for members in clusters.values():
            if len(members) < 2 or not any(m in origin for m in members):
                continue
            for a, b in combinations(sorted(members), 2):
                if a in origin or b in origin:
                    out.add((a, b))
        return out

    p, t = copy_pairs(predicted), copy_pairs(truth)
    hit = len(p & t)
    with_original = sum(groups[c] == groups[o] for c, o in origin.items())
    return {
        "predicted_pairs": len(p),
        "true_pairs": len(t),
        "precision": round(hit / len(p), 4) if p else None,
        "recall": round(hit / len(t), 4) if t else None,
        "copies_with_their_original": round(with_original / len(origin), 4),
    }


def natural_groups(groups: dict[str, int], origin: dict[str, str]) -> dict[int, list[str]]:
    """Reuters' own groups: groups of two or more originals."""
    out = defaultdict(list)
    for rec_id, group in groups.items():
        if rec_id not in origin:
            out[group].append(rec_id)
    return {g: m for g, m in out.items() if len(m) > 1}


def by_edit(groups: dict[str, int], origin: dict[str, str], copies: list[dict]) -> dict:
    """Share of copies grouped with their original, by edit."""
    seen, hit = defaultdict(int), defaultdict(int)
    for copy in copies:
        key = "+".join(sorted(copy["edits"]))
        seen[key] += 1
        hit[key] += groups[copy["id"]] == groups[origin[copy["id"]]]
    return {k: round(hit[k] / seen[k], 4) for k in sorted(seen)}


def stage_sweep(out: Path, base, copies, origin, thresholds) -> dict:
    rows = {}
    for measure, threshold in thresholds:
        name = f"{measure}-{threshold}"
        groups, cost = group_records(base + copies, threshold, out / f"sweep-{name}", measure)
        natural = natural_groups(groups, origin)
        rows[name] = {
            **pair_scores(groups, origin),
            "by_edit": by_edit(groups, origin, copies),
            "reuters_groups": len(natural),
            "reuters_articles_in_groups": sum(len(m) for m in natural.values()),
            **cost,
        }
        log(f"{name}: {rows[name]}")
    return rows


def _index_groups(index_dir: Path) -> dict[str, int]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir / "current"))
    with ix.searcher() as s:
        return {f["id"]: f.get("group") for f in s.all_stored_fields()}


def stage_build(out: Path, archive: Path, origin, threshold: float, rounds: int) -> dict:
    result: dict = {"threshold": threshold, "runs": []}
    for _ in range(rounds):
        for label, t in (("grouped", threshold), ("ungrouped", None)):
            index_dir = out / f"index-{label}"
            shutil.rmtree(index_dir, ignore_errors=True)
            started = time.perf_counter()
            report = build_index(archive, index_dir, workers=WORKERS, duplicate_threshold=t)
            wall = time.perf_counter() - started
            run = {"build": label, "wall_s": round(wall, 1), "articles": report.documents}
            run["grouped"] = report.grouped
            log(f"build {label}: {run}")
            result["runs"].append(run)
    index_dir = out / "index-grouped"
    groups = _index_groups(index_dir)
    result["from_index"] = pair_scores(groups, origin)
    result["store_bytes"] = dir_size_bytes(index_dir / duplicates.GROUPS_DIR)
    result["index_bytes"] = dir_size_bytes(index_dir / "current")
    # 1,000 new articles (copies of the first stories with new ids), each build type.
    extra = archive / "c-increment.jsonl"
    lines = (archive / "a-reuters.jsonl").read_text("utf-8").splitlines()[:INCREMENT]
    rows = []
    for line in lines:
        rec = json.loads(line)
        rows.append(json.dumps({**rec, "id": rec["id"] + "-inc"}, ensure_ascii=False))
    extra.write_text("\n".join(rows) + "\n", "utf-8")
    try:
        for label, t in (("grouped", threshold), ("ungrouped", None)):
            started = time.perf_counter()
            report = build_index(
                archive, out / f"index-{label}", workers=WORKERS, duplicate_threshold=t
            )
            wall = time.perf_counter() - started
            result[f"increment_{label}"] = {"wall_s": round(wall, 2), "grouped": report.grouped}
            log(f"+{INCREMENT} {label}: {result[f'increment_{label}']}")
    finally:
        extra.unlink()
    return result


def stage_scale(out: Path, base: list[dict], threshold: float, scale: int = 16) -> dict:
    records = []
    for copy in range(1, scale + 1):
        for rec in base:
            records.append(rec if copy == 1 else {**rec, "id": f"{rec['id']}-r{copy}"})
    folder = out / f"scale-{scale}x"
    groups, cost = group_records(records, threshold, folder)
    log(f"{scale}x grouping: {len(records)} articles, {cost}")
    store = duplicates.GroupStore(folder, threshold=threshold)
    store.begin(["x"])
    started = time.perf_counter()
    for rec in base[:INCREMENT]:
        store.assign(rec["id"] + "-inc", "y", rec.get("title") or "", rec["body"])
    store.commit()
    increment = time.perf_counter() - started
    store.close()
    sizes = defaultdict(int)
    for g in groups.values():
        sizes[g] += 1
    return {
        "articles": len(records),
        **cost,
        "store_bytes_after_increment": dir_size_bytes(folder),
        "increment_seconds": round(increment, 2),
        "groups": len(sizes),
        "groups_of_16_or_more": sum(1 for n in sizes.values() if n >= scale),
    }


def stage_sample(out: Path, base, origin, threshold: float, n: int = 10) -> list[dict]:
    groups, _ = group_records(base, threshold, out / "sample")
    natural = natural_groups(groups, origin)
    titles = {r["id"]: r.get("title") or "" for r in base}
    rng = random.Random(SEED)
    picked = rng.sample(sorted(natural), min(n, len(natural)))
    sample = []
    for g in picked:
        members = natural[g]
        sample.append({"group": g, "ids": members})
        print(f"group {g}: " + " | ".join(f"{m}: {titles[m]}" for m in members))
    return sample


def stage_copies_latency(out: Path, base: list[dict], scale: int = 4) -> dict:
    from bench.perf import scaled_archive

    archive = scaled_archive(out, base, scale)
    index_dir = out / f"index-{scale}x"
    started = time.perf_counter()
    report = build_index(archive, index_dir, workers=WORKERS)
    log(f"{scale}x build: {report.documents} articles in {time.perf_counter() - started:.1f} s")
    return {"scale": scale, "articles": report.documents, **stage_latency(out, base, index_dir)}


def stage_latency(out: Path, base: list[dict], index_dir: Path | None = None, rounds=3) -> dict:
    from search_api.engine import Engine, SearchRequest

    engine = Engine(index_dir or out / "index-grouped")
    rng = random.Random(SEED)
    queries = []
    while len(queries) < 300:
        words = [w for w in re.findall(r"[A-Za-z]{4,}", rng.choice(base)["title"])]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, 2)).lower())
    times: dict[bool, list[float]] = {True: [], False: []}
    for q in queries[:20]:  # warm the caches (postings, groups, facets)
        engine.search(SearchRequest(q=q))
    for _ in range(rounds):
        for q in queries:
            for collapse in (True, False):
                started = time.perf_counter()
                engine.search(SearchRequest(q=q, collapse=collapse))
                times[collapse].append((time.perf_counter() - started) * 1000)

    def stats(values: list[float]) -> dict:
        ordered = sorted(values)
        return {
            "p50_ms": round(ordered[len(ordered) // 2], 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)], 2),
            "mean_ms": round(sum(ordered) / len(ordered), 2),
        }

    on, off = stats(times[True]), stats(times[False])
    ratio = {k: round(on[k] / off[k], 3) for k in on}
    result = {"collapse": on, "no_collapse": off, "ratio": ratio, "queries": len(queries)}
    log(f"latency: {result}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--thresholds",
        nargs="+",
        default=[f"{m}={t}" for m, t in THRESHOLDS],
        help="measure=threshold pairs (containment=0.7 jaccard=0.5)",
    )
    parser.add_argument("--threshold", type=float, default=duplicates.THRESHOLD)
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds of the build stage")
    args = parser.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    base = tagged_records(base_records(out))
    copies, origin = republish(base, SHARE, SEED)
    archive = write_archive(out, base, copies)
    path = out / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["machine"] = machine()
    results["archive"] = {"originals": len(base), "copies": len(copies), "seed": SEED}
    if "sweep" in args.stages:
        pairs = [(m, float(t)) for m, t in (item.split("=") for item in args.thresholds)]
        results["sweep"] = stage_sweep(out, base, copies, origin, pairs)
    if "build" in args.stages:
        results["build"] = stage_build(out, archive, origin, args.threshold, args.rounds)
    if "scale" in args.stages:
        results["scale"] = stage_scale(out, base, args.threshold)
    if "sample" in args.stages:
        results["sample"] = stage_sample(out, base, origin, args.threshold)
    if "latency" in args.stages:
        results["latency"] = stage_latency(out, base)
    if "copies-latency" in args.stages:
        results["copies_latency"] = stage_copies_latency(out, base)
    path.write_text(json.dumps(results, indent=2), "utf-8")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
