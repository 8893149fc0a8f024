"""Writes the OpenLineage half of examples/credit-xgb-airflow/: the Airflow DAG `credit_features` that assembled the
week's training dataset, as the real openlineage-python client (pinned in exporters/sagemaker/requirements-test.txt)
writes it through its file transport (append mode: one JSON event per line), and the two feature groups'
DescribeFeatureGroup responses (their offline stores are the Glue tables the events read).

The SageMaker half (`sagemaker-bundle.json`) is written by the capture round trip
(exporters/sagemaker/tests/test_capture_round_trip.py): the same week with no dataset sources recorded in SageMaker.
Also writes the OpenLineage test fixtures: an export made only of OpenLineage events (the
Airflow assembly and a training run whose output is a MODEL dataset), the same with a separate task registering the
model (`tests/fixtures/narrative/openlineage-register/`), the same events as one JSON array, and the
Marquez lineage and runs responses for the assembly job (shapes from Marquez's API models: a Marquez server is not run).
Deterministic (fixed times and run IDs): `python examples/gen/openlineage_events.py [OUT_DIR]` (OUT_DIR holds both
parts, for the tests); the exporter's tests run it and compare with the committed files."""

from __future__ import annotations

import json
import pathlib
import sys
import uuid

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import (
    DatasetEvent,
    InputDataset,
    Job,
    JobEvent,
    OutputDataset,
    Run,
    RunEvent,
    RunState,
    StaticDataset,
)
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    dataset_type_dataset,
    dataset_version_dataset,
    execution_parameters_run,
    job_type_job,
    nominal_time_run,
    output_statistics_output_dataset,
    ownership_dataset,
    ownership_job,
    parent_run,
    schema_dataset,
    source_code_location_job,
    symlinks_dataset,
)
from openlineage.client.serde import Serde
from openlineage.client.transport.file import FileConfig, FileTransport

REPO = pathlib.Path(__file__).resolve().parents[2]
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python"
EXAMPLE = pathlib.Path("examples") / "credit-xgb-airflow"
FIXTURES = pathlib.Path("tests") / "fixtures" / "cli"
REGION, ACCOUNT = "eu-west-1", "111122223333"
NAMESPACE = "credit-airflow"
DAG, TASK = "credit_features", "credit_features.assemble_training_set"
WEEK = "2027-W10"
GLUE = f"arn:aws:glue:{REGION}:{ACCOUNT}"
FEATURE_GROUPS = {"accounts": 1677000000, "behaviour": 1677000100}


def run_id(name: str) -> str:
    """A fixed run ID (the client checks only that it is a UUID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://acme.example/airflow/{name}"))


def offline_store(group: str) -> str:
    return f"s3://acme-feature-store/{ACCOUNT}/sagemaker/{REGION}/offline-store/{group}-{FEATURE_GROUPS[group]}/data"


def feature_table(group: str) -> InputDataset:
    """A feature group's offline store as Airflow's Athena/Glue hook names it: the Glue table, with its S3 place."""
    return InputDataset(
        namespace=GLUE,
        name=f"table/sagemaker_featurestore/{group}_{FEATURE_GROUPS[group]}",
        facets={
            "version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=WEEK),
            "datasetType": dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="TABLE"),
            "symlinks": symlinks_dataset.SymlinksDatasetFacet(
                identifiers=[symlinks_dataset.Identifier(namespace="s3://acme-feature-store", name=offline_store(group)[len("s3://acme-feature-store/"):], type="LOCATION")]
            ),
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[
                    schema_dataset.SchemaDatasetFacetFields(name="customer_id", type="string"),
                    schema_dataset.SchemaDatasetFacetFields(name="event_time", type="timestamp"),
                    schema_dataset.SchemaDatasetFacetFields(name=f"{group}_score", type="double"),
                ]
            ),
        },
    )


def exclusions() -> InputDataset:
    return InputDataset(
        namespace="s3://acme-credit-policy",
        name="exclusions.csv",
        facets={
            "version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="v14"),
            "datasetType": dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="FILE"),
        },
    )


def training_set() -> OutputDataset:
    src = lambda group: column_lineage_dataset.InputField(  # noqa: E731
        namespace=GLUE, name=f"table/sagemaker_featurestore/{group}_{FEATURE_GROUPS[group]}", field=f"{group}_score"
    )
    return OutputDataset(
        namespace="s3a://acme-credit-ml",
        name=f"train/{WEEK}",
        facets={
            "datasetType": dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="TABLE"),
            "schema": schema_dataset.SchemaDatasetFacet(
                fields=[
                    schema_dataset.SchemaDatasetFacetFields(name="label", type="int"),
                    schema_dataset.SchemaDatasetFacetFields(name="accounts_score", type="double"),
                    schema_dataset.SchemaDatasetFacetFields(name="behaviour_score", type="double"),
                ]
            ),
            "columnLineage": column_lineage_dataset.ColumnLineageDatasetFacet(
                fields={
                    "accounts_score": column_lineage_dataset.Fields(inputFields=[src("accounts")]),
                    "behaviour_score": column_lineage_dataset.Fields(inputFields=[src("behaviour")]),
                }
            ),
        },
        outputFacets={"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=1284113)},
    )


def events() -> list[RunEvent]:
    dag_run, task_run = Run(runId=run_id(f"{DAG}/{WEEK}")), None
    dag_job = Job(
        namespace=NAMESPACE,
        name=DAG,
        facets={"jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW", jobType="DAG")},
    )
    task_job = Job(
        namespace=NAMESPACE,
        name=TASK,
        facets={
            "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW", jobType="TASK"),
            "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
                type="git",
                url="https://github.com/acme/credit-features/blob/9c1d2e3f/dags/credit_features.py",
                repoUrl="https://github.com/acme/credit-features",
                path="dags/credit_features.py",
                version="9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d",
                branch="main",
            ),
            "ownership": ownership_job.OwnershipJobFacet(owners=[ownership_job.Owner(name="team:credit-features", type="TEAM")]),
        },
    )
    parent = parent_run.ParentRunFacet(
        run=parent_run.Run(runId=dag_run.runId), job=parent_run.Job(namespace=NAMESPACE, name=DAG)
    )
    task_run = Run(
        runId=run_id(f"{TASK}/{WEEK}"),
        facets={
            "parent": parent,
            "nominalTime": nominal_time_run.NominalTimeRunFacet(nominalStartTime="2027-03-06T00:00:00+00:00"),
            "executionParameters": execution_parameters_run.ExecutionParametersRunFacet(
                parameters=[
                    execution_parameters_run.ExecutionParameter(key="as_of", value="2027-03-05"),
                    execution_parameters_run.ExecutionParameter(key="lookback_weeks", value="52"),
                ]
            ),
        },
    )
    inputs = [feature_table("accounts"), feature_table("behaviour"), exclusions()]
    t = lambda hm: f"2027-03-06T{hm}:00+00:00"  # noqa: E731
    return [
        RunEvent(eventType=RunState.START, eventTime=t("00:00"), run=dag_run, job=dag_job),
        RunEvent(eventType=RunState.START, eventTime=t("00:05"), run=task_run, job=task_job, inputs=inputs),
        RunEvent(eventType=RunState.COMPLETE, eventTime=t("00:52"), run=task_run, job=task_job, inputs=inputs, outputs=[training_set()]),
        RunEvent(eventType=RunState.COMPLETE, eventTime=t("00:53"), run=dag_run, job=dag_job),
    ]


def feature_group(group: str) -> dict:
    """`aws sagemaker describe-feature-group` output (the fields the report reads, and a few more)."""
    return {
        "FeatureGroupArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:feature-group/{group}",
        "FeatureGroupName": group,
        "RecordIdentifierFeatureName": "customer_id",
        "EventTimeFeatureName": "event_time",
        "CreationTime": "2027-02-20T09:00:00+00:00",
        "OfflineStoreConfig": {
            "S3StorageConfig": {
                "S3Uri": "s3://acme-feature-store",
                "ResolvedOutputS3Uri": offline_store(group),
            },
            "DisableGlueTableCreation": False,
            "DataCatalogConfig": {
                "TableName": f"{group}_{FEATURE_GROUPS[group]}",
                "Catalog": "AwsDataCatalog",
                "Database": "sagemaker_featurestore",
            },
        },
        "FeatureGroupStatus": "Created",
    }


def training_events() -> list[RunEvent]:
    """The week's training run as a Python training job reports it: the assembled dataset in, a MODEL dataset out,
    its hyperparameters as executionParameters and its commit in sourceCodeLocation."""
    job = Job(
        namespace="credit-ml",
        name="train_xgb",
        facets={
            "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="PYTHON", jobType="JOB"),
            "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
                type="git",
                url="https://github.com/acme/credit-ml/blob/a14f2b9/train.py",
                repoUrl="https://github.com/acme/credit-ml",
                version="a14f2b93c6d1e0f58b7a2c4d9e6f1a3b5c7d8e90",
            ),
        },
    )
    params = {"max_depth": "6", "eta": "0.2", "num_round": "400", "objective": "binary:logistic"}
    run = Run(
        runId=run_id(f"train_xgb/{WEEK}"),
        facets={
            "executionParameters": execution_parameters_run.ExecutionParametersRunFacet(
                parameters=[execution_parameters_run.ExecutionParameter(key=k, value=v) for k, v in params.items()]
            )
        },
    )
    data = InputDataset(namespace="s3://acme-credit-ml", name=f"train/{WEEK}")
    model = OutputDataset(
        namespace="s3://acme-credit-ml",
        name=f"models/{WEEK}/model.tar.gz",
        facets={
            "datasetType": dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="MODEL"),
            "version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion=f"credit-xgb-{WEEK}"),
        },
    )
    return [
        RunEvent(eventType=RunState.START, eventTime="2027-03-06T01:00:00+00:00", run=run, job=job, inputs=[data]),
        RunEvent(eventType=RunState.COMPLETE, eventTime="2027-03-06T03:00:00+00:00", run=run, job=job, inputs=[data], outputs=[model]),
    ]


def register_events() -> list[RunEvent]:
    """The usual Airflow shape's last task: `register_model` reads the model artifact the training run wrote and
    registers it in the team's MLflow registry (its output: registered model `credit-xgb` version 74). A run whose
    only input is a model registers it: it is not the training job."""
    job = Job(
        namespace="credit-ml",
        name="register_model",
        facets={"jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW", jobType="TASK")},
    )
    run = Run(runId=run_id(f"register_model/{WEEK}"))
    model_type = dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="MODEL")
    artifact = InputDataset(
        namespace="s3://acme-credit-ml", name=f"models/{WEEK}/model.tar.gz", facets={"datasetType": model_type}
    )
    registered = OutputDataset(
        namespace="mlflow://mlflow.acme-credit.internal",
        name="credit-xgb",
        facets={
            "datasetType": model_type,
            "version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="74"),
        },
    )
    return [
        RunEvent(eventType=RunState.START, eventTime="2027-03-06T03:05:00+00:00", run=run, job=job, inputs=[artifact]),
        RunEvent(eventType=RunState.COMPLETE, eventTime="2027-03-06T03:06:00+00:00", run=run, job=job, inputs=[artifact], outputs=[registered]),
    ]


def emit(path: pathlib.Path, events: list[RunEvent]) -> None:
    """Through the client's file transport in append mode (one JSON event per line)."""
    path.unlink(missing_ok=True)
    client = OpenLineageClient(transport=FileTransport(FileConfig(log_file_path=str(path), append=True)))
    for e in events:
        client.emit(e)


def marquez_lineage() -> dict:
    """`GET /api/v1/lineage?nodeId=dataset:s3://acme-credit-ml:train/2027-W10` after Marquez ingested the assembly's
    events: the job node (with its latest run) and its dataset nodes. Marquez's dataset versions are its own UUIDs."""
    task = events()[2]
    name = lambda d: {"namespace": d.namespace, "name": d.name}  # noqa: E731
    node_id = lambda kind, d: f"{kind}:{d['namespace']}:{d['name']}"  # noqa: E731
    job = {"namespace": NAMESPACE, "name": TASK}
    version = lambda d: str(uuid.uuid5(uuid.NAMESPACE_URL, f"marquez:{d.namespace}/{d.name}"))  # noqa: E731
    latest = {
        "id": task.run.runId,
        "createdAt": "2027-03-06T00:05:00.120Z",
        "updatedAt": "2027-03-06T00:52:00.410Z",
        "nominalStartTime": "2027-03-06T00:00:00Z",
        "nominalEndTime": None,
        "state": "COMPLETED",
        "startedAt": "2027-03-06T00:05:00Z",
        "endedAt": "2027-03-06T00:52:00Z",
        "durationMs": 2820000,
        "args": {"nominal_start_time": "2027-03-06T00:00Z"},
        "jobVersion": {**job, "version": str(uuid.uuid5(uuid.NAMESPACE_URL, "marquez:job-version"))},
        "inputDatasetVersions": [{"datasetVersionId": {**name(d), "version": version(d)}, "facets": {}} for d in task.inputs],
        "outputDatasetVersions": [{"datasetVersionId": {**name(d), "version": version(d)}, "facets": {}} for d in task.outputs],
        "facets": json.loads(Serde.to_json(task.run))["facets"],
    }
    job_node = {
        "id": node_id("job", job),
        "type": "JOB",
        "data": {
            "id": job, "type": "BATCH", "name": TASK, "simpleName": "assemble_training_set",
            "parentJobName": DAG, "parentJobUuid": None, "currentRunUuid": task.run.runId,
            "createdAt": "2027-02-20T10:00:00Z", "updatedAt": "2027-03-06T00:52:00.410Z", "namespace": NAMESPACE,
            "inputs": [name(d) for d in task.inputs], "outputs": [name(d) for d in task.outputs],
            "location": "https://github.com/acme/credit-features/blob/9c1d2e3f/dags/credit_features.py",
            "description": None, "latestRun": latest,
        },
        "inEdges": [{"origin": node_id("dataset", name(d)), "destination": node_id("job", job)} for d in task.inputs],
        "outEdges": [{"origin": node_id("job", job), "destination": node_id("dataset", name(d))} for d in task.outputs],
    }
    def dataset_node(d, writes: bool) -> dict:
        edge = {"origin": node_id("job", job), "destination": node_id("dataset", name(d))}
        if not writes:
            edge = {"origin": node_id("dataset", name(d)), "destination": node_id("job", job)}
        fields = [{"name": f.name, "type": f.type, "tags": [], "description": None} for f in d.facets["schema"].fields] if "schema" in (d.facets or {}) else []
        return {
            "id": node_id("dataset", name(d)),
            "type": "DATASET",
            "data": {
                "id": name(d), "type": "DB_TABLE", "name": d.name, "physicalName": d.name,
                "createdAt": "2027-02-20T10:00:00Z", "updatedAt": "2027-03-06T00:52:00.410Z",
                "namespace": d.namespace, "sourceName": "default", "fields": fields, "tags": [],
                "lastModifiedAt": None, "description": None,
            },
            "inEdges": [edge] if writes else [],
            "outEdges": [] if writes else [edge],
        }
    nodes = [job_node] + [dataset_node(d, False) for d in task.inputs] + [dataset_node(d, True) for d in task.outputs]
    return {"graph": sorted(nodes, key=lambda n: n["id"])}


def write_json(path: pathlib.Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")


def main(root: pathlib.Path) -> None:
    example = root / EXAMPLE
    example.mkdir(parents=True, exist_ok=True)
    emit(example / "airflow-openlineage-events.ndjson", events())
    for group in FEATURE_GROUPS:
        write_json(example / f"describe-feature-group-{group}.json", feature_group(group))
    only = root / "tests" / "fixtures" / "narrative" / "openlineage-only"
    only.mkdir(parents=True, exist_ok=True)
    emit(only / "events.ndjson", events() + training_events())
    for group in FEATURE_GROUPS:
        write_json(only / f"describe-feature-group-{group}.json", feature_group(group))
    register = root / "tests" / "fixtures" / "narrative" / "openlineage-register"
    register.mkdir(parents=True, exist_ok=True)
    emit(register / "events.ndjson", events() + training_events() + register_events())
    for group in FEATURE_GROUPS:
        write_json(register / f"describe-feature-group-{group}.json", feature_group(group))
    # The same events as one JSON array, as some proxies and exports write them, with the static lineage of the
    # task (a JobEvent) and a DatasetEvent for the exclusion list, as a catalog sync emits them.
    static = [
        JobEvent(eventTime="2027-03-01T00:00:00+00:00", producer=PRODUCER, job=events()[1].job, inputs=events()[1].inputs, outputs=[training_set()]),
        DatasetEvent(
            eventTime="2027-03-01T00:00:00+00:00",
            producer=PRODUCER,
            dataset=StaticDataset(namespace="s3://acme-credit-policy", name="exclusions.csv", facets={
                "datasetType": dataset_type_dataset.DatasetTypeDatasetFacet(datasetType="FILE"),
                "ownership": ownership_dataset.OwnershipDatasetFacet(owners=[ownership_dataset.Owner(name="team:credit-risk-policy", type="TEAM")]),
            }),
        ),
    ]
    array = [json.loads(Serde.to_json(e)) for e in events() + static]
    write_json(root / FIXTURES / "openlineage-array" / "events.json", array)
    write_json(root / FIXTURES / "marquez" / "marquez-lineage-train-2027-W10.json", marquez_lineage())


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO)
