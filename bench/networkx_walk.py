"""What a user would write instead of `lineage report`: json + networkx, the same walk on the same export.

Loads the bundle, builds a DiGraph, starts at StartArns[0], and answers what `lineage report` answers:
ancestors of the model package, the nearest training job, its dataset inputs, their feature-store versions,
exclusion lists and raw data, code commits, and approval vertices next to the package; then joins the Describe
responses for hyperparameters, metrics and approval. Prints a one-line summary.
"""
import json
import sys

import networkx as nx


def main(path):
    with open(path, "rb") as f:
        export = json.load(f)
    g = nx.DiGraph()
    for v in export["Vertices"]:
        g.add_node(v["Arn"], type=v.get("Type"), lineage_type=v.get("LineageType"))
    for e in export["Edges"]:
        g.add_edge(e["SourceArn"], e["DestinationArn"], association_type=e.get("AssociationType"))
    described = {}
    for d in export.get("Descriptions", []):
        for key in ("ArtifactArn", "ActionArn", "ContextArn", "TrialComponentArn", "ModelPackageArn", "TrainingJobArn"):
            if key in d:
                described[d[key]] = d
    start = export["StartArns"][0]
    ancestors = nx.ancestors(g, start)
    typ = lambda n: g.nodes[n].get("type")
    # Nearest training jobs: walk upstream, stop at the first training job on each path.
    training, seen, stack = [], {start}, [start]
    while stack:
        n = stack.pop()
        for p in g.predecessors(n):
            if p in seen:
                continue
            seen.add(p)
            (training if typ(p) == "TrainingJob" else stack).append(p)
    datasets = sorted(p for t in training for p in g.predecessors(t) if typ(p) == "DataSet")
    upstream = set()
    for d in datasets:
        upstream |= {a for a in nx.ancestors(g, d) if typ(a) in ("FeatureStoreVersion", "DataSet")}
    code = sorted(a for a in ancestors if typ(a) == "CodeCommit")
    approvals = sorted(n for n in set(g.predecessors(start)) | set(g.successors(start)) if typ(n) == "Approval")
    package = described.get(start, {}).get("Source", {}).get("SourceUri")
    mp = described.get(package, {})
    hyper, metrics = {}, {}
    for t in training:
        job = described.get(described.get(t, {}).get("Source", {}).get("SourceArn"), {})
        hyper.update(job.get("HyperParameters", {}))
        metrics.update({m["MetricName"]: m["Value"] for m in job.get("FinalMetricDataList", [])})
    print(
        f"{package}: {len(ancestors)} ancestors, {len(training)} training job(s), {len(datasets)} dataset(s), "
        f"{len(upstream)} upstream sources, {len(code)} commit(s), {len(approvals)} approval(s), "
        f"status {mp.get('ModelApprovalStatus')}, {len(hyper)} hyperparameters, {len(metrics)} metrics"
    )


if __name__ == "__main__":
    main(sys.argv[1])
