"""The capture helpers' round trip: a whole weekly run recorded by the helpers against an in-memory SageMaker and
CloudTrail (every request validated against botocore's models), exported by the real exporter, and compared with
the committed bundle `tests/fixtures/exporter/capture-weekly-run-bundle.json`, which `lineage report` and `lineage
check` read in the Rust tests (`tests/fixtures/cli/*capture-weekly-run*.args`)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib

from fake_aws import Clock, FakeCloudTrail, FakeSageMaker

from lineage_capture import Pace, handle_approval_event, record_code_commit, record_dataset_sources
from lineage_export.exporter import Exporter, Options, dumps

REPO = pathlib.Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "fixtures" / "exporter" / "capture-weekly-run-bundle.json"
#: The SageMaker half of the cross-system example: the same week, its dataset assembled by Airflow (whose
#: OpenLineage events name the sources), so no dataset sources are recorded in SageMaker.
AIRFLOW_HALF = REPO / "examples" / "credit-xgb-airflow" / "sagemaker-bundle.json"
START = dt.datetime(2027, 3, 6, 1, 0, tzinfo=dt.timezone.utc)
P = "arn:aws:sagemaker:eu-west-1:111122223333"
PACKAGE = f"{P}:model-package/credit-xgb/10"
DATASET = "s3://acme-credit-ml/train/2027-W10/"
TRAINING_JOB = "credit-xgb-train-2027W10"
FEATURES = [
    {"feature_group_arn": f"{P}:feature-group/accounts", "version": "2027-W10", "snapshot_time": "2027-03-05T23:00:00Z"},
    {"feature_group_arn": f"{P}:feature-group/behaviour", "version": "2027-W10", "snapshot_time": "2027-03-05T23:00:00Z"},
]
EXCLUSIONS = {"uri": "s3://acme-credit-policy/exclusions.csv", "version": "v14"}
COMMIT = "a14f2b93c6d1e0f58b7a2c4d9e6f1a3b5c7d8e90"


#: The only calls the helpers may make (the approval recorder's IAM role grants exactly these).
SEVEN = {
    "create_artifact", "list_artifacts", "describe_artifact", "add_association", "list_associations",
    "describe_model_package", "lookup_events",
}


def seed_week(sm: FakeSageMaker) -> str:
    """What SageMaker records by itself for the week's pipeline run: the assembly and training jobs with their
    trial components, the dataset, model and model-package artifacts and their associations."""
    assemble = sm.seed_job(
        "processing",
        "credit-assemble-2027W10",
        {
            "ProcessingJobStatus": "Completed",
            "CreationTime": START,
            "AppSpecification": {"ImageUri": "acme/assemble:3"},
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}},
        },
        {"Status": {"PrimaryStatus": "Completed"}},
    )
    dataset = sm.seed_artifact("credit-train-2027-W10", "DataSet", DATASET)
    train = sm.seed_job(
        "training",
        TRAINING_JOB,
        {
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
            "ModelArtifacts": {"S3ModelArtifacts": "s3://acme-credit-ml/models/2027-W10/model.tar.gz"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "HyperParameters": {"max_depth": "6", "eta": "0.2", "num_round": "400", "objective": "binary:logistic"},
            "FinalMetricDataList": [
                {"MetricName": "validation:auc", "Value": 0.912},
                {"MetricName": "validation:logloss", "Value": 0.287},
            ],
            "AlgorithmSpecification": {"TrainingImage": "acme/xgboost:1.7-1", "TrainingInputMode": "File"},
            "CreationTime": START + dt.timedelta(hours=1),
            "TrainingStartTime": START + dt.timedelta(hours=1, minutes=2),
            "TrainingEndTime": START + dt.timedelta(hours=3),
        },
        {
            "Status": {"PrimaryStatus": "Completed"},
            "Parameters": {"max_depth": {"NumberValue": 6.0}, "eta": {"NumberValue": 0.2}, "num_round": {"NumberValue": 400.0}},
            "Metrics": [{"MetricName": "validation:auc", "Last": 0.912}, {"MetricName": "validation:logloss", "Last": 0.287}],
        },
    )
    model = sm.seed_artifact("credit-xgb-2027W10-model", "Model", "s3://acme-credit-ml/models/2027-W10/model.tar.gz")
    package_artifact = sm.seed_artifact("credit-xgb-10-ModelPackage", "Model", PACKAGE)
    sm.seed_package(
        {
            "ModelPackageGroupName": "credit-xgb",
            "ModelPackageVersion": 10,
            "ModelPackageArn": PACKAGE,
            "ModelPackageName": "credit-xgb",
            "ModelPackageStatus": "Completed",
            "ModelPackageStatusDetails": {"ValidationStatuses": []},
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [{"Image": "acme/xgboost:1.7-1", "ModelDataUrl": "s3://acme-credit-ml/models/2027-W10/model.tar.gz"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        }
    )
    sm.seed_association(assemble, dataset, "Produced")
    sm.seed_association(dataset, train, "ContributedTo")
    sm.seed_association(train, model, "Produced")
    sm.seed_association(model, package_artifact, "ContributedTo")
    return dataset


def run_week(record_sources: bool = True) -> tuple[FakeSageMaker, FakeCloudTrail, Clock, list]:
    """The week as a platform team runs it with the helpers: sources after assembly (unless another system records
    them), the commit after training, then a rejection and an approval, each event delivered twice (EventBridge
    delivers at least once)."""
    clock = Clock(START)
    sm, ct = FakeSageMaker(clock), FakeCloudTrail(clock)
    pace = Pace(sleep=clock.sleep, clock=clock.monotonic)
    seed_week(sm)
    results = [record_dataset_sources(sm, DATASET, FEATURES, EXCLUSIONS, pace=pace)] if record_sources else [None]
    results.append(record_code_commit(sm, f"{P}:training-job/{TRAINING_JOB.lower()}", "https://github.com/acme/credit-ml", COMMIT, branch="main", pace=pace))
    clock.sleep(86400)
    rejected = sm.update_model_package(ct, PACKAGE, "Rejected", "risk-ops@company.com", "Stability below threshold on the 2026 cohort (RISK-2290).")
    results += [handle_approval_event(sm, ct, rejected, pace=pace) for _ in range(2)]
    clock.sleep(7200)
    approved = sm.update_model_package(ct, PACKAGE, "Approved", "head-of-risk@company.com", "Backtest, stability and fairness review passed (RISK-2291).")
    results += [handle_approval_event(sm, ct, approved, pace=pace) for _ in range(2)]
    return sm, ct, clock, results


def test_a_weekly_run_recorded_by_the_helpers_exports_as_the_committed_bundle():
    sm, ct, clock, results = run_week()
    assert [r.outcome for r in results[2:]] == ["recorded", "already recorded", "recorded", "already recorded"]
    assert results[2].approver == "risk-ops@company.com" and results[4].approver == "head-of-risk@company.com"
    assert min(clock.slept) > 0, "CloudTrail delivers late: the handler waited for it"
    made = {op for op, _ in sm.calls + ct.calls}
    assert made == SEVEN, f"the helpers made {sorted(made - SEVEN)} besides the seven calls the IAM role grants"
    kinds = sorted(d["ArtifactType"] for kind, d in sm.entities.values() if kind == "Artifact")
    assert kinds.count("ApprovalRecord") == 2 and kinds.count("FeatureStoreVersion") == 2
    text = export(sm, ct, clock)
    if os.environ.get("UPDATE_EXPECT"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "bundle changed: rerun with UPDATE_EXPECT=1 and review the diff"


def export(sm: FakeSageMaker, ct: FakeCloudTrail, clock: Clock) -> str:
    exporter = Exporter(sagemaker=sm, cloudtrail=ct, sleep=clock.sleep, now=lambda: clock.now, log=lambda _m: None)
    bundle = exporter.export(model_package=PACKAGE, options=Options(cloudtrail=True, cloudtrail_start=START, cloudtrail_end=clock.now))
    assert exporter.notes == []
    return dumps(bundle)


def test_the_week_without_recorded_sources_is_the_sagemaker_half_of_the_airflow_example():
    sm, ct, clock, _ = run_week(record_sources=False)
    assert not [d for kind, d in sm.entities.values() if d.get("ArtifactType") in ("FeatureStoreVersion", "ExclusionList")]
    text = export(sm, ct, clock)
    if os.environ.get("UPDATE_EXPECT"):
        AIRFLOW_HALF.parent.mkdir(parents=True, exist_ok=True)
        AIRFLOW_HALF.write_text(text, encoding="utf-8")
    assert text == AIRFLOW_HALF.read_text(encoding="utf-8"), "bundle changed: rerun with UPDATE_EXPECT=1 and review the diff"


def test_running_every_helper_again_creates_nothing():
    sm, ct, clock, _ = run_week()
    entities, associations = len(sm.entities), len(sm.associations)
    pace = Pace(sleep=clock.sleep, clock=clock.monotonic)
    again = [
        record_dataset_sources(sm, DATASET, FEATURES, EXCLUSIONS, pace=pace),
        record_code_commit(sm, f"{P}:training-job/{TRAINING_JOB.lower()}", "https://github.com/acme/credit-ml", COMMIT, branch="main", pace=pace),
    ]
    assert [r.created for r in again] == [0, 0]
    assert (len(sm.entities), len(sm.associations)) == (entities, associations)
    assert {op for op, _ in sm.calls} <= {
        "create_artifact", "list_artifacts", "describe_artifact", "add_association", "list_associations",
        "describe_model_package", "query_lineage", "describe_trial_component", "describe_training_job",
        "describe_processing_job",
    }
