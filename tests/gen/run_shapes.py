#!/usr/bin/env python3
"""Runs the `lineage` binary on every generated response (tests/gen/botocore_shapes.py) and checks each imports.

For every `<Operation>-<variant>-<n>.json` in --dir it runs `lineage inspect FILE`, and for every
DescribeModelPackage response also `lineage report FILE` (a describe-only model package must give a report).
Each run must exit 0 and print no "panicked"; and a document the importer reads must be read as what it is:
inspect's input line names the document's kind, which must be the operation's (a DescribeProcessingJob read as a
DescribeTrainingJob fails; --no-kind-check turns this off). Failures are summarised per operation, one line per distinct first
stderr line (file names, positions and indices normalised) with a count and one example file. The last line is
`N passed, N failed`; the exit code is 1 when anything failed.

Usage: python3 tests/gen/run_shapes.py [--lineage target/debug/lineage] [--dir target/shapes] [--verbose]
"""

import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys
import time

TIMEOUT_SECONDS = 60

# The kind `lineage inspect` names on a file's input line, per operation the importer reads. The other
# operations (documents to skip) may be named anything.
EXPECTED_KIND = {
    "DescribeArtifact": "DescribeArtifact",
    "DescribeAction": "DescribeAction",
    "DescribeContext": "DescribeContext",
    "DescribeTrialComponent": "DescribeTrialComponent",
    "DescribeModelPackage": "DescribeModelPackage",
    "DescribeTrainingJob": "DescribeTrainingJob",
    "DescribeProcessingJob": "DescribeProcessingJob",
    "DescribeEndpoint": "DescribeEndpoint",
    "DescribeEndpointConfig": "DescribeEndpointConfig",
    "DescribeModel": "DescribeModel",
    "DescribePipelineExecution": "DescribePipelineExecution",
    "ListPipelineExecutionSteps": "ListPipelineExecutionSteps",
    "ListPipelineParametersForExecution": "ListPipelineParametersForExecution",
    "DescribePipelineDefinitionForExecution": "DescribePipelineDefinitionForExecution",
    "QueryLineage": "QueryLineage response",
    "ListAssociations": "ListAssociations",
    "ListArtifacts": "List* summaries",
    "ListActions": "List* summaries",
    "ListContexts": "List* summaries",
}


def operation_of(name):
    return name.split("-", 1)[0]


def cases(directory):
    files = sorted(f for f in os.listdir(directory) if f.endswith(".json"))
    for f in files:
        path = os.path.join(directory, f)
        yield ("inspect", path)
        if operation_of(f) == "DescribeModelPackage":
            yield ("report", path)


def run(lineage, command, path):
    args = [lineage, command, path]
    if command == "report":
        # Fixed date: the report is the same on every day.
        args += ["--date", "2026-01-01"]
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return (command, path, None, f"timed out after {TIMEOUT_SECONDS} s", "")
    stderr = p.stderr.decode("utf-8", "replace")
    stdout = p.stdout.decode("utf-8", "replace") if command == "inspect" else ""
    return (command, path, p.returncode, stderr, stdout)


def kind_problem(path, stdout):
    """Why inspect's output shows the file read as another kind of document; None when it is as expected or the
    output names no kind for the file."""
    expected = EXPECTED_KIND.get(operation_of(os.path.basename(path)))
    if expected is None:
        return None
    for line in stdout.splitlines():
        if path in line and "sha256" in line:
            m = re.search(r"\(([^()]*)\)\s*$", line)
            if m is None:
                return None
            kinds = [re.sub(r" ×\d+$", "", k.strip()) for k in m.group(1).split(",")]
            if kinds != [expected]:
                return f"read as {', '.join(kinds)} (expected {expected})"
            return None
    return None


def failure_reason(code, stderr):
    if code is None:
        return stderr
    if "panicked" in stderr:
        line = next((l for l in stderr.splitlines() if "panicked" in l), "panicked")
        return line if code != 0 else f"{line} (exit 0)"
    if code != 0:
        first = next((l for l in stderr.splitlines() if l.strip()), "")
        return first or f"exit code {code} with no message"
    return None


def normalise(line, path):
    """The cause without what differs from file to file: the file name, positions, indices, long values."""
    line = line.replace(path, "FILE").replace(os.path.basename(path), "FILE")
    line = re.sub(r"\(line \d+ column \d+\)", "(line L column C)", line)
    line = re.sub(r"\(column \d+\)", "(column C)", line)
    line = re.sub(r"\[\d+\]", "[i]", line)
    line = re.sub(r"arn:aws[\w-]*:[^\s,;)]+", "ARN", line)
    line = re.sub(r"(found|value) \"(?:[^\"\\]|\\.){40,}\"", r'\1 "…"', line)
    line = re.sub(r"\d+(\.\d+)? ?(ms|s)\b", "T", line)
    return line[:400]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lineage", default="target/debug/lineage", help="the lineage binary")
    ap.add_argument("--dir", default="target/shapes", help="directory of generated responses")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel runs")
    ap.add_argument("--verbose", action="store_true", help="list every failing file")
    ap.add_argument("--no-kind-check", action="store_true",
                    help="do not check that inspect names each document as its operation's kind")
    args = ap.parse_args(argv)

    if not os.path.isfile(args.lineage) or not os.access(args.lineage, os.X_OK):
        sys.exit(f"{args.lineage}: no such executable (build it: cargo build --locked -p lineage-cli)")
    todo = list(cases(args.dir))
    if not todo:
        sys.exit(f"{args.dir}: no generated responses (run tests/gen/botocore_shapes.py --out {args.dir})")

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: run(args.lineage, *c), todo))
    elapsed = time.monotonic() - started

    per_op = collections.OrderedDict()
    causes = collections.OrderedDict()  # operation -> {(command, cause): [paths]}
    passed = failed = 0
    for command, path, code, stderr, stdout in results:
        op = operation_of(os.path.basename(path))
        counts = per_op.setdefault(op, [0, 0])
        reason = failure_reason(code, stderr)
        if reason is None and command == "inspect" and not args.no_kind_check:
            reason = kind_problem(path, stdout)
        if reason is None:
            passed += 1
            counts[0] += 1
            continue
        failed += 1
        counts[1] += 1
        key = (command, normalise(reason, path))
        causes.setdefault(op, collections.OrderedDict()).setdefault(key, []).append(path)

    print(f"lineage shape test: {len(todo)} runs of {args.lineage} on {args.dir} in {elapsed:.1f} s")
    for op, (ok, bad) in per_op.items():
        print(f"  {op:28} {ok:4} passed {bad:4} failed")
    if causes:
        print("\nFailures by operation (first stderr line, normalised; count; one example):")
        for op, by_cause in causes.items():
            print(f"{op}:")
            for (command, cause), paths in by_cause.items():
                print(f"  [{command}] x{len(paths)}: {cause}")
                print(f"      e.g. {paths[0]}")
                if args.verbose:
                    for p in paths[1:]:
                        print(f"           {p}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
