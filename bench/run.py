"""Benchmark: `lineage report` end to end on a ~1M-vertex, ~3M-edge synthetic export, against three baselines.

    python3 bench/run.py [--models 720] [--weeks 52] [--runs 3]

Baselines on the same bytes: `lineage parse-only --mode typed` (the importer's own readers, building nothing),
`--mode value` (serde_json::Value) and `--mode skip` (a validating scan), and bench/networkx_walk.py (json +
networkx: what a user would write instead). Wall time is the median of --runs; peak RSS is the largest seen
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
OUT = os.path.join(ROOT, "bench", "out")


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=720)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    export = os.path.join(OUT, f"synth-{args.models}x{args.weeks}.json")
    if not os.path.exists(export):
        subprocess.run([BIN, "synth", "--models", str(args.models), "--weeks", str(args.weeks), "-o", export], check=True)
    size = os.path.getsize(export)
    counts = subprocess.run([BIN, "parse-only", export], capture_output=True, text=True, check=True).stdout.strip()
    rows = {
        "report (json)": [BIN, "report", export, "--format", "json", "-o", os.path.join(OUT, "report.json")],
        "parse-only typed": [BIN, "parse-only", export, "--mode", "typed"],
        "parse-only skip": [BIN, "parse-only", export, "--mode", "skip"],
        "parse-only value": [BIN, "parse-only", export, "--mode", "value"],
        "python json + networkx": [sys.executable, os.path.join(ROOT, "bench", "networkx_walk.py"), export],
    }
    # Rounds interleave the commands, so a slow spell on a shared machine hits every row alike.
    times = {name: [] for name in rows}
    peaks = {name: 0 for name in rows}
    for r in range(args.runs):
        for name, cmd in rows.items():
            t, rss = measure(cmd)
            times[name].append(t)
            peaks[name] = max(peaks[name], rss)
        print(f"round {r + 1}/{args.runs}: " + ", ".join(f"{n} {times[n][-1]:.2f}s" for n in rows), flush=True)
    results = {}
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
        "report_vs_parse_value": rep["median_s"] / results["parse-only value"]["median_s"],
        "networkx_vs_report": results["python json + networkx"]["median_s"] / rep["median_s"],
        "report_rss_vs_file": rep["peak_rss_bytes"] / size,
    }
    print(f"\nexport: {size / 2**20:.0f} MiB; {counts}")
    print(f"report / parse-only typed : {summary['report_vs_parse_typed']:.2f}x  (target <= 2)")
    print(f"report / parse-only value : {summary['report_vs_parse_value']:.2f}x")
    print(f"networkx / report         : {summary['networkx_vs_report']:.1f}x  (target >= 5)")
    print(f"report peak RSS / file    : {summary['report_rss_vs_file']:.2f}x  (target <= 3)")
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
