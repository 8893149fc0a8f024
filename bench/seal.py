"""Benchmark: the sealed PDF (issue 24). Sizes of the example's PDF with and without its inputs attached, and the
time sealing adds on a ~50 MB input set (`lineage synth --models 28 --weeks 52`, the exporter's described shape):
`report --format pdf --attach-inputs all` against `--attach-inputs none` (the same report and pages; the difference
is hashing, compressing and embedding the inputs), and signing on top (`--sign`, RSA 2048, the test key).

    python3 bench/seal.py [--runs 5]

Target: sealing a 50 MB input set adds at most 2 s. Prints medians.
"""
import argparse
import os
import subprocess

from pdf import run as median_time  # the median wall time of `runs` runs (bench/pdf.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lineage")
OUT = os.path.join(ROOT, "bench", "out")
PKI = os.path.join(ROOT, "tests", "fixtures", "seal", "pki")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    example = [BIN, "report", os.path.join(ROOT, "examples", "credit-xgb"), "--start", "credit-xgb/73", "--date", "2026-11-28"]
    for mode in ["none", "auto"]:
        pdf = os.path.join(OUT, f"example-{mode}.pdf")
        subprocess.run(example + ["--attach-inputs", mode, "-o", pdf], check=True)
        print(f"example PDF, --attach-inputs {mode}: {os.path.getsize(pdf) / 1024:.0f} KiB")
    big = os.path.join(OUT, "seal-50mb.json")
    subprocess.run([BIN, "synth", "--models", "28", "--weeks", "52", "-o", big], check=True, stderr=subprocess.DEVNULL)
    mb = os.path.getsize(big) / 1e6
    base = [BIN, "report", big, "--date", "2026-11-28", "--format", "pdf"]
    sign = ["--sign", os.path.join(PKI, "signer-rsa.key"), "--cert", os.path.join(PKI, "signer-rsa.crt")]
    none = median_time(base + ["--attach-inputs", "none", "-o", os.path.join(OUT, "seal-none.pdf")], a.runs)
    full = median_time(base + ["--attach-inputs", "all", "-o", os.path.join(OUT, "seal-all.pdf")], a.runs)
    signed = median_time(base + ["--attach-inputs", "all", "-o", os.path.join(OUT, "seal-signed.pdf")] + sign, a.runs)
    size = os.path.getsize(os.path.join(OUT, "seal-all.pdf")) / 1e6
    print(f"input set: {mb:.1f} MB; sealed PDF {size:.1f} MB")
    print(f"report --format pdf, inputs not attached: {none:.2f} s")
    print(f"attached (sealed): {full:.2f} s  -> sealing adds {full - none:.2f} s (target <= 2 s)")
    print(f"attached and signed: {signed:.2f} s  -> signing adds {signed - full:.2f} s")
    if full - none > 2.0:
        raise SystemExit("sealing target missed")


if __name__ == "__main__":
    main()
