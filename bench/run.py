"""Benchmark: `lineage report` (and `lineage check` over every model package) end to end on a ~1M-vertex, ~3M-edge synthetic export, against three baselines.

    python3 bench/run.py [--models 720] [--weeks 52] [--runs 5] [--shape both|described|lineage-only]

Both shapes by default: "described" (a Describe response for every vertex but the raw partitions and for every job
and package, as lineage-export-sagemaker writes) and "lineage-only" (the start package described only), each with
its targets.

Baselines on the same bytes: `lineage-bench parse-only --mode floor` (bench/floor, a workspace package that is not
shipped: serde derive structs of just the fields the answers read, strings borrowed: the floor the described shape's
target is measured against), `--mode typed` (the importer's own readers, building nothing; a bundle's descriptions
are only scanned), `--mode value` (serde_json::Value) and `--mode skip` (a validating scan), and
bench/networkx_walk.py (json + networkx: what a user would write instead). lineage-bench has the same global
allocator as `lineage` (jemalloc). Wall time is the median of --runs; peak RSS is the largest seen
(from wait4's rusage, so no tool beyond Python is needed). Needs `pip install networkx` for the last row.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lineage")
# The parse-only baselines: `lineage-bench`, built from bench/floor (not part of the shipped `lineage`).
BENCH = os.path.join(ROOT, "target", "release", "lineage-bench")
OUT = os.path.join(ROOT, "bench", "out")


def warm(path):
    """Reads the export once, so every command starts with it in the page cache (the Value and networkx rows use
    several GiB and would otherwise leave the next command reading from disk)."""
    with open(path, "rb") as f:
        while f.read(64 << 20):
            pass


def measure(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss * 1024


def interleaved(rows, export, runs, label):
    """Runs every row `runs` times, rounds interleaving the commands (so a slow spell on a shared machine hits every
    row alike), the export read before each; the wall times per row and the largest peak RSS."""
    times = {name: [] for name in rows}
    peaks = {name: 0 for name in rows}
    for r in range(runs):
        for name, cmd in rows.items():
            warm(export)
            t, rss = measure(cmd)
            times[name].append(t)
            peaks[name] = max(peaks[name], rss)
        print(f"[{label}] round {r + 1}/{runs}: " + ", ".join(f"{n} {times[n][-1]:.2f}s" for n in rows), flush=True)
    return times, peaks


# Targets by shape: the lineage-only figures must be no worse than before descriptions were generated (issue 11);
# the described shape (what lineage-export-sagemaker writes) has its own.
TARGETS = {
    "described": {"report_vs_floor": ("<=", 1.5), "networkx_vs_report": (">=", 8.0), "report_rss_vs_file": ("<=", 2.0),
                  "check_vs_report": ("<=", 1.25)},
    "lineage-only": {"report_vs_parse_typed": ("<=", 1.82), "networkx_vs_report": (">=", 6.2), "report_rss_vs_file": ("<=", 1.59)},
}


def shape(label, export, runs):
    """Measures every row on one export, rounds interleaved; prints and returns the summary."""
    size = os.path.getsize(export)
    counts = subprocess.run([BENCH, "parse-only", export], capture_output=True, text=True, check=True).stdout.strip()
    rows = {
        "report (json)": [BIN, "report", export, "--format", "json", "-o", os.path.join(OUT, "report.json")],
        # Every model package of the export (37,440 at 720 x 52) against the built-in policy (issue 12).
        "check (json)": [BIN, "check", export, "--format", "json", "-o", os.path.join(OUT, "check.json")],
        "parse-only floor": [BENCH, "parse-only", export, "--mode", "floor"],
        "parse-only typed": [BENCH, "parse-only", export, "--mode", "typed"],
        "parse-only skip": [BENCH, "parse-only", export, "--mode", "skip"],
        "parse-only value": [BENCH, "parse-only", export, "--mode", "value"],
        "python json + networkx": [sys.executable, os.path.join(ROOT, "bench", "networkx_walk.py"), export],
    }
    times, peaks = interleaved(rows, export, runs, label)
    results = {}
    print(f"\n== {label}: {size / 2**20:.0f} MiB; {counts}")
    for name in rows:
        med = statistics.median(times[name])
        results[name] = {"median_s": med, "runs_s": times[name], "peak_rss_bytes": peaks[name]}
        print(f"{name:<24} median {med:7.2f} s   peak RSS {peaks[name] / 2**20:8.0f} MiB")
    rep = results["report (json)"]
    summary = {
        "export": os.path.relpath(export, ROOT),
        "export_bytes": size,
        "records": counts,
        "results": results,
        "report_vs_parse_typed": rep["median_s"] / results["parse-only typed"]["median_s"],
        "report_vs_floor": rep["median_s"] / results["parse-only floor"]["median_s"],
        "report_vs_parse_value": rep["median_s"] / results["parse-only value"]["median_s"],
        "networkx_vs_report": results["python json + networkx"]["median_s"] / rep["median_s"],
        "report_rss_vs_file": rep["peak_rss_bytes"] / size,
        "check_vs_report": results["check (json)"]["median_s"] / rep["median_s"],
    }
    for key, (op, target) in TARGETS[label].items():
        ok = summary[key] <= target if op == "<=" else summary[key] >= target
        print(f"{key:<24}: {summary[key]:6.2f}x  (target {op} {target}: {'met' if ok else 'MISSED'})")
    for key in ("report_vs_floor", "report_vs_parse_typed", "report_vs_parse_value", "check_vs_report"):
        if key not in TARGETS[label]:
            print(f"{key:<24}: {summary[key]:6.2f}x")
    return summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=720)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shape", choices=["both", "described", "lineage-only"], default="both")
    args = ap.parse_args()
    # lineage-bench is a workspace member but not a default one: it is named here, never built by a plain `cargo build`.
    build = ["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli", "-p", "lineage-bench"]
    subprocess.run(build, cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    summaries = {}
    for label in (["described", "lineage-only"] if args.shape == "both" else [args.shape]):
        suffix = "" if label == "lineage-only" else "-described"
        export = os.path.join(OUT, f"synth-{args.models}x{args.weeks}{suffix}.json")
        if not os.path.exists(export):
            flags = ["--lineage-only"] if label == "lineage-only" else []
            subprocess.run([BIN, "synth", "--models", str(args.models), "--weeks", str(args.weeks), *flags,
                            "-o", export], check=True)
        summaries[label] = shape(label, export, args.runs)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(summaries, f, indent=2)


if __name__ == "__main__":
    main()
