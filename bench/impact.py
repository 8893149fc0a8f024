"""Benchmark: `lineage impact` (issue 25) on the 1M-vertex synthetic export, against one report on the same bytes.

    python3 bench/impact.py [--models 720] [--weeks 52] [--runs 5]

The export is `lineage synth --models 720 --weeks 52` (the described shape lineage-export-sagemaker writes; shared
with bench/run.py, made once in bench/out). The source is the `accounts` feature group: every week's model of every
group used one of its versions, so the walk reaches every model package (37,440 at 720 x 52) and their deployments.
Rows, rounds interleaved, the export read once before each command: `report --format json` (the default start),
`impact --source accounts --format json`, the same as CSV, and `diff` of two consecutive versions.

Target: impact <= 2x one report. Prints medians and peak RSS; writes bench/out/impact-results.json.
"""
import argparse
import json
import os
import statistics
import subprocess

from run import BIN, OUT, ROOT, interleaved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=720)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    export = os.path.join(OUT, f"synth-{a.models}x{a.weeks}-described.json")
    if not os.path.exists(export):
        subprocess.run([BIN, "synth", "--models", str(a.models), "--weeks", str(a.weeks), "-o", export], check=True)
    last = f"credit-m0000/{a.weeks}"
    rows = {
        "report (json)": [BIN, "report", export, "--format", "json", "-o", os.path.join(OUT, "impact-report.json")],
        "impact accounts (json)": [BIN, "impact", export, "--source", "accounts", "--format", "json",
                                   "-o", os.path.join(OUT, "impact.json")],
        "impact accounts (csv)": [BIN, "impact", export, "--source", "accounts", "--format", "csv",
                                  "-o", os.path.join(OUT, "impact.csv")],
        "diff (json)": [BIN, "diff", export, "--from", f"credit-m0000/{a.weeks - 1}", "--to", last, "--format", "json",
                        "-o", os.path.join(OUT, "impact-diff.json")],
    }
    times, peaks = interleaved(rows, export, a.runs, "impact")
    with open(os.path.join(OUT, "impact.json")) as f:
        found = json.load(f)
    results = {n: {"median_s": statistics.median(times[n]), "runs_s": times[n], "peak_rss_bytes": peaks[n]} for n in rows}
    size = os.path.getsize(export)
    print(f"\n== {os.path.relpath(export, ROOT)}: {size / 2**20:.0f} MiB; impact of accounts: "
          f"{len(found['models'])} model versions, {len(found['downstream'])} downstream vertices, "
          f"{sum(len(d['inferences']) for m in found['models'] for d in m['deployments'])} inferences")
    for n, r in results.items():
        print(f"{n:<24} median {r['median_s']:7.2f} s   peak RSS {r['peak_rss_bytes'] / 2**20:8.0f} MiB")
    ratio = results["impact accounts (json)"]["median_s"] / results["report (json)"]["median_s"]
    print(f"impact / report: {ratio:.2f}x (target <= 2: {'met' if ratio <= 2 else 'MISSED'})")
    with open(os.path.join(OUT, "impact-results.json"), "w") as f:
        json.dump({"results": results, "impact_vs_report": ratio, "models": len(found["models"]),
                   "downstream": len(found["downstream"])}, f, indent=2)


if __name__ == "__main__":
    main()
