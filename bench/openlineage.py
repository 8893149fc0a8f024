"""Benchmark: the OpenLineage importer on 100,000 events (issue 14).

    python3 bench/openlineage.py [--pipelines 25000] [--runs 5]

Writes bench/out/openlineage-{N}.ndjson: N weekly feature pipelines, each as an Airflow task that assembles a
training set from two feature tables (Glue, with version, schema and symlinks facets) and an exclusion list, and a
training run that reads it and writes a MODEL dataset (executionParameters, sourceCodeLocation), each run a START
and a COMPLETE with the facets openlineage-python writes (`_producer`, `_schemaURL`, a parent facet, the client's
tags facet): 4 events per pipeline, 100,000 events for the default. Events of one run are not adjacent (the
START events come first, as a file transport shared by concurrent tasks writes them).

Measures, median of --runs: `lineage inspect FILE` (read, merge per run, join, build the graph), `lineage report FILE
--start MODEL --format json` (the same and one report), and `python3 -c json.loads per line` (the floor any reader
pays: parsing the JSON), with peak RSS.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid

from run import measure  # bench/run.py: wall time and peak RSS of one command

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "lineage")
OUT = os.path.join(ROOT, "bench", "out")
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"
GLUE = "arn:aws:glue:eu-west-1:111122223333"


def facet(name, **fields):
    return {"_producer": PRODUCER, "_schemaURL": f"https://openlineage.io/spec/facets/1-0-1/{name}.json#/$defs/{name}", **fields}


def schema(prefix, n=12):
    return facet("SchemaDatasetFacet", fields=[{"name": f"{prefix}_{i}", "type": "double"} for i in range(n)])


def table(p, group):
    name = f"table/sagemaker_featurestore/{group}_{p:06d}"
    return {
        "namespace": GLUE,
        "name": name,
        "facets": {
            "version": facet("DatasetVersionDatasetFacet", datasetVersion=f"2027-W{p % 52 + 1:02d}"),
            "datasetType": facet("DatasetTypeDatasetFacet", datasetType="TABLE"),
            "schema": schema(group),
            "symlinks": facet("SymlinksDatasetFacet", identifiers=[{"namespace": "s3://bench-feature-store", "name": f"offline/{group}-{p:06d}/data", "type": "LOCATION"}]),
        },
        "inputFacets": {},
    }


def event(kind, when, run_id, job, inputs, outputs, run_facets):
    return {
        "eventTime": when,
        "eventType": kind,
        "inputs": inputs,
        "job": job,
        "outputs": outputs,
        "producer": PRODUCER,
        "run": {"facets": run_facets, "runId": run_id},
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }


def pipeline(p):
    """The four events of pipeline `p`: (STARTs, COMPLETEs)."""
    tags = {"tags": facet("TagsRunFacet", tags=[{"key": "openlineage_client_version", "source": "OPENLINEAGE_CLIENT", "value": "1.54.0"}])}
    dag = str(uuid.uuid5(uuid.NAMESPACE_URL, f"dag/{p}"))
    assemble, train = (str(uuid.uuid5(uuid.NAMESPACE_URL, f"{k}/{p}")) for k in ("assemble", "train"))
    job = lambda name, kind: {"namespace": "bench-airflow", "name": name, "facets": {"jobType": facet("JobTypeJobFacet", processingType="BATCH", integration="AIRFLOW", jobType=kind), "sourceCodeLocation": facet("SourceCodeLocationJobFacet", type="git", url="https://github.com/acme/features", version=f"{p:040x}")}}  # noqa: E731
    parent = {"parent": facet("ParentRunFacet", run={"runId": dag}, job={"namespace": "bench-airflow", "name": f"features_{p % 100}"})}
    inputs = [table(p, "accounts"), table(p, "behaviour"), {"namespace": "s3://bench-policy", "name": "exclusions.csv", "facets": {"version": facet("DatasetVersionDatasetFacet", datasetVersion=f"v{p % 20}")}, "inputFacets": {}}]
    dataset = {"namespace": "s3://bench-ml", "name": f"train/{p:06d}", "facets": {"datasetType": facet("DatasetTypeDatasetFacet", datasetType="TABLE"), "schema": schema("f", 24)}, "outputFacets": {"outputStatistics": facet("OutputStatisticsOutputDatasetFacet", rowCount=1000 + p)}}
    model = {"namespace": "s3://bench-models", "name": f"model-{p:06d}/model.tar.gz", "facets": {"datasetType": facet("DatasetTypeDatasetFacet", datasetType="MODEL"), "version": facet("DatasetVersionDatasetFacet", datasetVersion=f"m{p}")}, "outputFacets": {}}
    params = {"executionParameters": facet("ExecutionParametersRunFacet", parameters=[{"key": k, "value": v} for k, v in (("max_depth", "6"), ("eta", "0.2"), ("num_round", "400"))])}
    day = f"2027-{p % 12 + 1:02d}-{p % 28 + 1:02d}"
    a_job, t_job = job(f"features_{p % 100}.assemble", "TASK"), job(f"train_{p % 100}", "JOB")
    starts = [
        event("START", f"{day}T00:05:00+00:00", assemble, a_job, inputs, [], {**parent, **tags}),
        event("START", f"{day}T01:00:00+00:00", train, t_job, [{"namespace": "s3://bench-ml", "name": f"train/{p:06d}", "facets": {}, "inputFacets": {}}], [], {**params, **tags}),
    ]
    completes = [
        event("COMPLETE", f"{day}T00:52:00+00:00", assemble, a_job, inputs, [dataset], {**parent, **tags}),
        event("COMPLETE", f"{day}T03:00:00+00:00", train, t_job, [{"namespace": "s3://bench-ml", "name": f"train/{p:06d}", "facets": {}, "inputFacets": {}}], [model], {**params, **tags}),
    ]
    return starts, completes


def write(path, pipelines):
    with open(path, "w") as f:
        for half in (0, 1):
            for p in range(pipelines):
                for e in pipeline(p)[half]:
                    f.write(json.dumps(e, sort_keys=True) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipelines", type=int, default=25000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lineage-cli"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"openlineage-{args.pipelines}.ndjson")
    if not os.path.exists(path):
        write(path, args.pipelines)
    size = os.path.getsize(path)
    events = 4 * args.pipelines
    floor = [sys.executable, "-c", "import json,sys\nfor line in open(sys.argv[1]): json.loads(line)", path]
    rows = {
        "lineage inspect": [BIN, "inspect", path],
        "lineage report (one model)": [BIN, "report", path, "--start", "s3://bench-models/model-000001/model.tar.gz", "--format", "json"],
        "python json.loads per line": floor,
    }
    times = {k: [] for k in rows}
    rss = {k: 0 for k in rows}
    for _ in range(args.runs):
        for k, cmd in rows.items():
            t, m = measure(cmd)
            times[k].append(t)
            rss[k] = max(rss[k], m)
    print(f"{events:,} events, {size / 2**20:.0f} MiB, {args.pipelines:,} pipelines; median of {args.runs}")
    summary = {"events": events, "bytes": size}
    for k in rows:
        med = statistics.median(times[k])
        summary[k] = {"seconds": med, "peak_rss": rss[k]}
        print(f"{k:<28} {med:6.2f} s  {events / med:>10,.0f} events/s  peak RSS {rss[k] / 2**20:6.0f} MiB")
    with open(os.path.join(OUT, "openlineage-results.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
