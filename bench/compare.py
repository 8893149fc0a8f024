"""Compares two `lineage` binaries on the benchmark's inputs, rounds interleaved, medians reported.

    python3 bench/compare.py OLD_BIN NEW_BIN [--runs 5] [--models 720 --weeks 52]

Rows: `report --format json` and `--format md` on the synthetic export (as `bench/run.py` makes it), and
`report --format pdf` on the bundled example and on the 1,000-vertex ancestry (as `bench/pdf.py` makes it). Used
to show a change keeps the figures of `bench/RESULTS.md` (say, within 5 %).
"""

import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from run import OUT, ROOT, measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--models", type=int, default=720)
    ap.add_argument("--weeks", type=int, default=52)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    export = os.path.join(OUT, f"synth-{args.models}x{args.weeks}.json")
    if not os.path.exists(export):
        subprocess.run([args.new, "synth", "--models", str(args.models), "--weeks", str(args.weeks), "--lineage-only",
                        "-o", export],
                       check=True)
    big = os.path.join(OUT, "synth-1000-vertex.json")
    if not os.path.exists(big):
        subprocess.run([args.new, "synth", "--models", "1", "--weeks", "1", "--raw-partitions", "990", "--lineage-only",
                        "-o", big],
                       check=True)
    example = [os.path.join(ROOT, "examples", "credit-xgb"), "--start", "credit-xgb/73"]
    pdf = ["--format", "pdf", "--date", "2026-11-28", "-o", os.path.join(OUT, "cmp.pdf")]
    rows = {
        "report json (synthetic)": [export, "--format", "json", "-o", os.path.join(OUT, "cmp.json")],
        "report md (synthetic)": [export, "--format", "md", "-o", os.path.join(OUT, "cmp.md")],
        "report pdf (example)": [*example, *pdf],
        "report pdf (1,000 vertices)": [big, *pdf],
    }
    times = {(b, r): [] for b in ("old", "new") for r in rows}
    for i in range(args.runs):
        for name, rest in rows.items():
            for which, binary in (("old", args.old), ("new", args.new)):
                t, _ = measure([binary, "report", *rest])
                times[(which, name)].append(t)
        print(f"round {i + 1}/{args.runs} done", flush=True)
    print(f"\n{'row':<30} {'old':>9} {'new':>9} {'new/old':>8}")
    for name in rows:
        old = statistics.median(times[("old", name)])
        new = statistics.median(times[("new", name)])
        print(f"{name:<30} {old:8.3f}s {new:8.3f}s {new / old:8.3f}")


if __name__ == "__main__":
    main()
