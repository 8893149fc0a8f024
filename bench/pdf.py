"""Benchmark: `lineage report --format pdf` end to end (load, report, layout, PDF) for the example and for a
1,000-vertex ancestry (`lineage synth --models 1 --weeks 1 --raw-partitions 990`).

    python3 bench/pdf.py [--runs 20]

Targets: example < 100 ms and < 150 KB; 1,000-vertex ancestry < 1 s. Prints median wall time and file size.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lineage")
OUT = os.path.join(ROOT, "bench", "out")


def run(args, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    big = os.path.join(OUT, "ancestry-1000.json")
    subprocess.run([BIN, "synth", "--models", "1", "--weeks", "1", "--raw-partitions", "990", "--lineage-only", "-o", big], check=True,
                   stderr=subprocess.DEVNULL)
    cases = [
        ("example (credit-xgb/73)", [os.path.join(ROOT, "examples", "credit-xgb"), "--start", "credit-xgb/73"], 0.100, 150 * 1024),
        ("1,000-vertex ancestry", [big], 1.0, None),
    ]
    failed = False
    for name, inputs, time_target, size_target in cases:
        pdf = os.path.join(OUT, name.split(" ")[0].strip(",") + ".pdf")
        args = [BIN, "report", *inputs, "--format", "pdf", "--date", "2026-11-28", "-o", pdf]
        t = run(args, a.runs)
        size = os.path.getsize(pdf)
        pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
        ok = t < time_target and (size_target is None or size < size_target)
        failed |= not ok
        size_note = f" (target < {size_target // 1024} KiB)" if size_target else ""
        print(f"{name:<26} median {t * 1000:7.1f} ms (target < {time_target * 1000:.0f} ms)   "
              f"{size / 1024:8.1f} KiB{size_note}   {pages} pages   {'ok' if ok else 'MISSED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
