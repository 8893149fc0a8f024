"""The OpenLineage example and fixtures are what the pinned openlineage-python client writes: the generator runs here
into a temporary directory and every file must equal the committed one (a client upgrade that changes its output
shows as a diff; `python examples/gen/openlineage_events.py` rewrites them)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[3]
GENERATOR = REPO / "examples" / "gen" / "openlineage_events.py"


def generator():
    spec = importlib.util.spec_from_file_location("openlineage_events", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_openlineage_files_are_what_the_client_writes(tmp_path):
    gen = generator()
    gen.main(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) >= 7, written
    for rel in written:
        assert (tmp_path / rel).read_text(encoding="utf-8") == (REPO / rel).read_text(encoding="utf-8"), f"{rel} differs: rerun the generator"


def test_the_file_transport_writes_one_event_per_line_with_the_spec_fields(tmp_path):
    gen = generator()
    gen.main(tmp_path)
    lines = (tmp_path / gen.EXAMPLE / "airflow-openlineage-events.ndjson").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["eventType"] for e in events] == ["START", "START", "COMPLETE", "COMPLETE"]
    for e in events:
        assert {"eventTime", "producer", "schemaURL", "run", "job"} <= e.keys()
        assert e["producer"].endswith("/client/python")
    task = events[2]
    assert task["run"]["facets"]["parent"]["run"]["runId"] == events[0]["run"]["runId"]
    assert {i["facets"]["version"]["datasetVersion"] for i in task["inputs"]} == {"2027-W10", "v14"}
