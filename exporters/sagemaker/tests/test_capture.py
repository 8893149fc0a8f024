"""The capture helpers call by call: botocore's Stubber answers each request and checks it against the pinned
SageMaker and CloudTrail models and the exact parameters expected (a wrong name, type or value fails the test)."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.stub import Stubber

from lineage_capture import (
    CaptureError,
    Pace,
    approval_handler,
    handle_approval_event,
    record_code_commit,
    record_dataset_sources,
    record_sources_step,
)

P = "arn:aws:sagemaker:eu-west-1:111122223333"
PACKAGE = f"{P}:model-package/credit-xgb/12"
PACKAGE_ARTIFACT = f"{P}:artifact/package12"
DATASET = f"{P}:artifact/dataset"
FG = f"{P}:feature-group/accounts"
AT = dt.datetime(2027, 3, 8, 9, 42, tzinfo=dt.timezone.utc)
SKEW = dt.timedelta(minutes=2)


def client(service: str):
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def pace(t: FakeTime | None = None) -> Pace:
    t = t or FakeTime()
    return Pace(sleep=t.sleep, clock=lambda: t.now)


def no_artifacts(st: Stubber, uri: str, type_: str) -> None:
    st.add_response("list_artifacts", {"ArtifactSummaries": []}, {"SourceUri": uri, "ArtifactType": type_})


def created(st: Stubber, arn: str, params: dict) -> None:
    st.add_response("create_artifact", {"ArtifactArn": arn}, params)


def associated(st: Stubber, src: str, dst: str, kind: str) -> None:
    st.add_response("list_associations", {"AssociationSummaries": []}, {"SourceArn": src, "DestinationArn": dst})
    st.add_response("add_association", {"SourceArn": src, "DestinationArn": dst}, {"SourceArn": src, "DestinationArn": dst, "AssociationType": kind})


def new_source(st: Stubber, id_: str, type_: str, uri: str, name: str, props: dict, target: str | None) -> None:
    """The calls that record one new source: not found, created, associated to `target` (None: left to the test)."""
    no_artifacts(st, uri, type_)
    created(st, f"{P}:artifact/{id_}", {"ArtifactName": name, "Source": {"SourceUri": uri}, "ArtifactType": type_, "Properties": props})
    if target:
        associated(st, f"{P}:artifact/{id_}", target, "ContributedTo")


def throttled(st: Stubber, operation: str, times: int, code: str = "ThrottlingException") -> None:
    for _ in range(times):
        st.add_client_error(operation, code, "Rate exceeded")


# ---- record_dataset_sources --------------------------------------------------------------------------------------


def test_dataset_sources_become_artifacts_that_contributed_to_the_dataset_found_by_its_s3_uri():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        st.add_response(
            "list_artifacts",
            {"ArtifactSummaries": [{"ArtifactArn": DATASET, "ArtifactType": "DataSet"}], "NextToken": "p2"},
            {"SourceUri": "s3://b/train/2027-W10/"},
        )
        st.add_response("list_artifacts", {"ArtifactSummaries": []}, {"SourceUri": "s3://b/train/2027-W10/", "NextToken": "p2"})
        props = {"version": "2027-W10", "feature_group_name": "accounts", "snapshot_time": "2027-03-05T23:00:00Z"}
        new_source(st, "fs", "FeatureStoreVersion", FG, "features-accounts-2027-W10", props, DATASET)
        new_source(st, "excl", "ExclusionList", "s3://policy/exclusions.csv", "exclusion-list-exclusions-csv-v14", {"version": "v14"}, DATASET)
        new_source(st, "raw", "RawData", "s3://raw/bureau/2027-03-05/", "raw-2027-03-05", {}, DATASET)
        out = record_dataset_sources(
            sm,
            "s3://b/train/2027-W10/",
            [{"feature_group_arn": FG, "version": "2027-W10", "snapshot_time": "2027-03-05T23:00:00Z"}],
            {"uri": "s3://policy/exclusions.csv", "version": "v14"},
            [{"uri": "s3://raw/bureau/2027-03-05/"}],
            pace=pace(),
        )
        st.assert_no_pending_responses()
    assert out.created == 6


def test_a_source_recorded_before_is_found_by_its_version_and_not_created_again():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        st.add_response(
            "list_artifacts",
            {"ArtifactSummaries": [
                {"ArtifactArn": f"{P}:artifact/w09", "CreationTime": AT - dt.timedelta(days=7)},
                {"ArtifactArn": f"{P}:artifact/w10", "CreationTime": AT},
            ]},
            {"SourceUri": FG, "ArtifactType": "FeatureStoreVersion"},
        )
        st.add_response("describe_artifact", {"ArtifactArn": f"{P}:artifact/w09", "Properties": {"version": "2027-W09"}}, {"ArtifactArn": f"{P}:artifact/w09"})
        st.add_response("describe_artifact", {"ArtifactArn": f"{P}:artifact/w10", "Properties": {"version": "2027-W10"}}, {"ArtifactArn": f"{P}:artifact/w10"})
        st.add_response(
            "list_associations",
            {"AssociationSummaries": [{"SourceArn": f"{P}:artifact/w10", "DestinationArn": DATASET, "AssociationType": "ContributedTo"}]},
            {"SourceArn": f"{P}:artifact/w10", "DestinationArn": DATASET},
        )
        out = record_dataset_sources(sm, DATASET, [{"feature_group_arn": FG, "version": "2027-W10"}], pace=pace())
        st.assert_no_pending_responses()
    assert out.created == 0 and out.artifacts == [(f"{P}:artifact/w10", False)]


def test_a_processing_job_stands_for_its_trial_component_and_an_existing_association_is_success():
    sm = client("sagemaker")
    tc = f"{P}:experiment-trial-component/assemble-w10-aws-processing-job"
    with Stubber(sm) as st:
        new_source(st, "excl", "ExclusionList", "s3://policy/exclusions.csv", "exclusion-list-exclusions-csv-v14", {"version": "v14"}, None)
        st.add_response("list_associations", {"AssociationSummaries": []}, {"SourceArn": f"{P}:artifact/excl", "DestinationArn": tc})
        # A duplicated delivery added it between the listing and the call.
        st.add_client_error("add_association", "ValidationException", "The association already exists.")
        out = record_dataset_sources(sm, f"{P}:processing-job/assemble-w10", exclusion_list={"uri": "s3://policy/exclusions.csv", "version": "v14"}, pace=pace())
        st.assert_no_pending_responses()
    assert out.associations == [(f"{P}:artifact/excl", tc, "ContributedTo", False)]


@pytest.mark.parametrize(
    "args, message",
    [
        ({}, "no source given"),
        ({"feature_store_versions": [{"feature_group_arn": "accounts", "version": "1"}]}, "not a feature group ARN"),
        ({"feature_store_versions": [{"feature_group_arn": FG}]}, "feature_store_versions[0].version: expected a non-empty string"),
        ({"exclusion_list": {"uri": "s3://p/e.csv", "version": ""}}, "exclusion_list.version"),
        ({"exclusion_list": "s3://p/e.csv"}, "exclusion_list: expected an object"),
        ({"raw_data": [{"uri": "s3://r/", "k": "x" * 5000}]}, "too long"),
    ],
)
def test_bad_sources_are_refused_before_any_call(args, message):
    sm = client("sagemaker")
    with Stubber(sm), pytest.raises(CaptureError, match=message.replace("[", r"\[").replace("]", r"\]")):
        record_dataset_sources(sm, DATASET, **args, pace=pace())


def test_a_dataset_uri_with_no_artifact_or_several_is_an_error_naming_it():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        st.add_response("list_artifacts", {"ArtifactSummaries": []}, {"SourceUri": "s3://b/t/"})
        with pytest.raises(CaptureError, match="no lineage artifact has source URI s3://b/t/"):
            record_dataset_sources(sm, "s3://b/t/", exclusion_list={"uri": "s3://p/e.csv", "version": "1"}, pace=pace())
        two = [{"ArtifactArn": f"{P}:artifact/a", "ArtifactType": "DataSet"}, {"ArtifactArn": f"{P}:artifact/b", "ArtifactType": "DataSet"}]
        st.add_response("list_artifacts", {"ArtifactSummaries": two}, {"SourceUri": "s3://b/t/"})
        with pytest.raises(CaptureError, match="2 lineage artifacts have source URI s3://b/t/"):
            record_dataset_sources(sm, "s3://b/t/", exclusion_list={"uri": "s3://p/e.csv", "version": "1"}, pace=pace())


# ---- record_code_commit ----------------------------------------------------------------------------------------

COMMIT = "a14f2b93c6d1e0f58b7a2c4d9e6f1a3b5c7d8e90"


def commit_params(repo: str, uri: str) -> dict:
    return {
        "ArtifactName": "code-credit-ml-a14f2b93c6d1",
        "Source": {"SourceUri": uri},
        "ArtifactType": "CodeCommit",
        "Properties": {"repository": repo, "commit": COMMIT},
        "MetadataProperties": {"CommitId": COMMIT, "Repository": repo},
    }


def test_a_commit_is_recorded_against_the_model_package_artifact_not_its_approval_records():
    sm = client("sagemaker")
    uri = f"https://github.com/acme/credit-ml/commit/{COMMIT}"
    with Stubber(sm) as st:
        st.add_response(
            "list_artifacts",
            {"ArtifactSummaries": [
                {"ArtifactArn": f"{P}:artifact/approval", "ArtifactType": "ApprovalRecord"},
                {"ArtifactArn": PACKAGE_ARTIFACT, "ArtifactType": "Model"},
            ]},
            {"SourceUri": PACKAGE},
        )
        no_artifacts(st, uri, "CodeCommit")
        created(st, f"{P}:artifact/code", commit_params("https://github.com/acme/credit-ml.git", uri))
        associated(st, f"{P}:artifact/code", PACKAGE_ARTIFACT, "ContributedTo")
        out = record_code_commit(sm, PACKAGE, "https://github.com/acme/credit-ml.git", COMMIT, pace=pace())
        st.assert_no_pending_responses()
    assert out.created == 2


def test_throttling_is_retried_with_backoff_and_gives_up_naming_the_call():
    sm = client("sagemaker")
    t = FakeTime()
    tc = f"{P}:experiment-trial-component/train-w10-aws-training-job"
    uri = f"git@github.com:acme/credit-ml.git#{COMMIT}"
    with Stubber(sm) as st:
        throttled(st, "list_artifacts", 2)
        no_artifacts(st, uri, "CodeCommit")
        throttled(st, "create_artifact", 1, "ThrottledException")
        created(st, f"{P}:artifact/code", commit_params("git@github.com:acme/credit-ml.git", uri))
        associated(st, f"{P}:artifact/code", tc, "ContributedTo")
        record_code_commit(sm, f"{P}:training-job/train-w10", "git@github.com:acme/credit-ml.git", COMMIT, pace=Pace(sleep=t.sleep))
        st.assert_no_pending_responses()
    assert len(t.slept) == 3 and t.slept[1] > t.slept[0] * 0.9
    with Stubber(sm) as st:
        throttled(st, "list_artifacts", 3)
        with pytest.raises(CaptureError, match=r"sagemaker list_artifacts \(.*credit-ml.*\) after 3 attempts: ThrottlingException"):
            record_code_commit(sm, tc, "git@github.com:acme/credit-ml.git", COMMIT, pace=Pace(attempts=3, sleep=t.sleep))


def test_any_other_error_names_the_call_and_the_arn():
    sm = client("sagemaker")
    tc = f"{P}:experiment-trial-component/gone-aws-training-job"
    with Stubber(sm) as st:
        st.add_response("list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": f"{P}:artifact/code"}]}, {"SourceUri": f"https://github.com/a/b/commit/{COMMIT}", "ArtifactType": "CodeCommit"})
        st.add_response("describe_artifact", {"Properties": {"commit": COMMIT}}, {"ArtifactArn": f"{P}:artifact/code"})
        st.add_client_error("list_associations", "ResourceNotFound", "Trial component does not exist")
        with pytest.raises(CaptureError, match=rf"list_associations \({P}:artifact/code -ContributedTo-> {tc}\): ResourceNotFound"):
            record_code_commit(sm, tc, "https://github.com/a/b", COMMIT, pace=pace())


@pytest.mark.parametrize("commit", ["main", "a14f2b", "zz14f2b93"])
def test_a_commit_that_is_not_a_hash_is_refused(commit):
    with pytest.raises(CaptureError, match="expected a git commit hash"):
        record_code_commit(client("sagemaker"), DATASET, "https://github.com/a/b", commit, pace=pace())


# ---- approvals -------------------------------------------------------------------------------------------------


def state_change(status: str = "Approved", **detail) -> dict:
    return {
        "version": "0",
        "id": "7c1e9a2b-3d4f-5a6b-7c8d-9e0f1a2b3c4d",
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "time": "2027-03-08T09:42:01Z",
        "resources": [PACKAGE],
        "detail": {
            "ModelPackageGroupName": "credit-xgb",
            "ModelPackageVersion": 12,
            "ModelPackageArn": PACKAGE,
            "ModelApprovalStatus": status,
            "ApprovalDescription": "Backtest passed (RISK-2291).",
            "LastModifiedTime": "2027-03-08T09:42:00Z",
            **detail,
        },
    }


def trail_event(event_id: str, status: str, at: dt.datetime = AT, package: str = PACKAGE) -> dict:
    body = {
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/RiskOps/risk-ops@company.com"},
        "eventTime": at.isoformat().replace("+00:00", "Z"),
        "eventName": "UpdateModelPackage",
        "requestParameters": {"modelPackageArn": package, "modelApprovalStatus": status},
        "eventID": event_id,
    }
    return {"EventId": event_id, "EventName": "UpdateModelPackage", "EventTime": at, "CloudTrailEvent": json.dumps(body)}


def lookup(st: Stubber, events: list, name: str = "UpdateModelPackage", token: str | None = None, next_token: str | None = None) -> None:
    params = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}], "StartTime": AT - SKEW, "EndTime": AT + SKEW}
    if token:
        params["NextToken"] = token
    st.add_response("lookup_events", {"Events": events, **({"NextToken": next_token} if next_token else {})}, params)


def described(st: Stubber, created_at: dt.datetime = AT - dt.timedelta(days=2)) -> None:
    st.add_response("describe_model_package", {
        "ModelPackageName": "credit-xgb", "ModelPackageArn": PACKAGE, "CreationTime": created_at, "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
    }, {"ModelPackageName": PACKAGE})


def package_artifact(st: Stubber) -> None:
    st.add_response("list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": PACKAGE_ARTIFACT, "ArtifactType": "Model"}]}, {"SourceUri": PACKAGE})


RECORD = {
    "ArtifactName": "approval-credit-xgb-12-Approved-8f2b6c1e",
    "Source": {"SourceUri": PACKAGE},
    "ArtifactType": "ApprovalRecord",
    "Properties": {
        "status": "Approved",
        "approver": "risk-ops@company.com",
        "approver_arn": "arn:aws:sts::111122223333:assumed-role/RiskOps/risk-ops@company.com",
        "approval_time": "2027-03-08T09:42:00Z",
        "description": "Backtest passed (RISK-2291).",
        "cloudtrail_event_id": "8f2b6c1e-3d4a",
        "cloudtrail_event_name": "UpdateModelPackage",
        "eventbridge_event_id": "7c1e9a2b-3d4f-5a6b-7c8d-9e0f1a2b3c4d",
    },
}


def test_an_approval_found_in_cloudtrail_after_it_arrives_late_is_recorded_with_its_approver():
    sm, ct, t = client("sagemaker"), client("cloudtrail"), FakeTime()
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst)
        lookup(cst, [])  # not delivered yet
        lookup(cst, [trail_event("other", "Approved", package=f"{P}:model-package/credit-xgb/11")], next_token="t2")
        lookup(cst, [], token="t2")
        throttled(cst, "lookup_events", 1)
        lookup(cst, [trail_event("8f2b6c1e-3d4a", "Approved"), trail_event("old", "Rejected")])
        package_artifact(sst)
        no_artifacts(sst, PACKAGE, "ApprovalRecord")
        created(sst, f"{P}:artifact/approval", RECORD)
        associated(sst, f"{P}:artifact/approval", PACKAGE_ARTIFACT, "AssociatedWith")
        result = handle_approval_event(sm, ct, state_change(), pace=pace(t))
        sst.assert_no_pending_responses()
        cst.assert_no_pending_responses()
    assert (result.outcome, result.approver, result.cloudtrail_event_id) == ("recorded", "risk-ops@company.com", "8f2b6c1e-3d4a")
    assert t.slept[:2] == [15.0, 30.0]


def test_a_duplicated_event_creates_nothing():
    sm, ct = client("sagemaker"), client("cloudtrail")
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst)
        lookup(cst, [trail_event("8f2b6c1e-3d4a", "Approved")])
        package_artifact(sst)
        sst.add_response("list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": f"{P}:artifact/approval"}]}, {"SourceUri": PACKAGE, "ArtifactType": "ApprovalRecord"})
        sst.add_response("describe_artifact", {"Properties": RECORD["Properties"]}, {"ArtifactArn": f"{P}:artifact/approval"})
        sst.add_response(
            "list_associations",
            {"AssociationSummaries": [{"SourceArn": f"{P}:artifact/approval", "DestinationArn": PACKAGE_ARTIFACT, "AssociationType": "AssociatedWith"}]},
            {"SourceArn": f"{P}:artifact/approval", "DestinationArn": PACKAGE_ARTIFACT},
        )
        result = handle_approval_event(sm, ct, state_change(), pace=pace())
        sst.assert_no_pending_responses()
    assert result.outcome == "already recorded" and result.record_arn == f"{P}:artifact/approval"


def test_a_change_cloudtrail_never_delivers_fails_after_the_wait_so_lambda_retries_it():
    sm, ct, t = client("sagemaker"), client("cloudtrail"), FakeTime()
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst)
        for _ in range(4):
            lookup(cst, [trail_event("r", "Rejected")])
        with pytest.raises(CaptureError, match=f"no UpdateModelPackage call setting Approved on {PACKAGE}.*after waiting 100 s"):
            handle_approval_event(sm, ct, state_change(), wait_seconds=100, pace=pace(t))
    assert t.slept == [15.0, 30.0, 55.0]


def test_a_package_created_pending_is_skipped_and_one_created_approved_is_found_in_its_create_call():
    sm, ct = client("sagemaker"), client("cloudtrail")
    with Stubber(sm) as sst:
        described(sst, created_at=AT)
        result = handle_approval_event(sm, ct, state_change("PendingManualApproval"), pace=pace())
    assert result.outcome == "skipped"
    create = trail_event("c1", "Approved")
    body = json.loads(create["CloudTrailEvent"])
    body.update(eventName="CreateModelPackage", requestParameters={"modelPackageGroupName": "credit-xgb", "modelApprovalStatus": "Approved"}, responseElements={"modelPackageArn": PACKAGE})
    create.update(EventName="CreateModelPackage", CloudTrailEvent=json.dumps(body))
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst, created_at=AT)
        lookup(cst, [])
        lookup(cst, [create], name="CreateModelPackage")
        package_artifact(sst)
        no_artifacts(sst, PACKAGE, "ApprovalRecord")
        sst.add_response("create_artifact", {"ArtifactArn": f"{P}:artifact/approval"})
        associated(sst, f"{P}:artifact/approval", PACKAGE_ARTIFACT, "AssociatedWith")
        result = handle_approval_event(sm, ct, state_change(), pace=pace())
    assert (result.outcome, result.cloudtrail_event_id) == ("recorded", "c1")


def test_an_update_that_set_no_approval_status_is_skipped_not_waited_for():
    sm, ct, t = client("sagemaker"), client("cloudtrail"), FakeTime()
    metadata = trail_event("m1", "Approved")
    body = json.loads(metadata["CloudTrailEvent"])
    body["requestParameters"] = {"modelPackageArn": PACKAGE, "customerMetadataProperties": {"ticket": "RISK-2291"}}
    metadata["CloudTrailEvent"] = json.dumps(body)
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst)
        lookup(cst, [metadata])
        result = handle_approval_event(sm, ct, state_change(), pace=pace(t))
    assert (result.outcome, result.reason, t.slept) == ("skipped", "the update set no approval status", [])


@pytest.mark.parametrize(
    "event, message",
    [
        ({**state_change(), "detail-type": "SageMaker Endpoint State Change"}, "expected detail-type"),
        (state_change(ModelPackageArn="credit-xgb/12"), "ModelPackageArn: expected a model package ARN"),
        (state_change(ModelApprovalStatus=None), "ModelApprovalStatus: missing"),
        (state_change(LastModifiedTime="yesterday"), "expected an ISO 8601 time"),
    ],
)
def test_an_event_that_is_not_a_package_state_change_is_refused(event, message):
    with pytest.raises(CaptureError, match=message):
        handle_approval_event(client("sagemaker"), client("cloudtrail"), event, pace=pace())


def test_the_lambda_entry_point_makes_its_clients_and_reads_its_wait(monkeypatch, capsys):
    sm, ct = client("sagemaker"), client("cloudtrail")
    monkeypatch.setenv("CLOUDTRAIL_WAIT_SECONDS", "0")
    with Stubber(sm) as sst, Stubber(ct) as cst:
        described(sst)
        lookup(cst, [])
        with pytest.raises(CaptureError, match="after waiting 0 s"):
            approval_handler(state_change(), None, clients={"sagemaker": sm, "cloudtrail": ct}.__getitem__)
    monkeypatch.setenv("CLOUDTRAIL_WAIT_SECONDS", "ten")
    with pytest.raises(CaptureError, match="CLOUDTRAIL_WAIT_SECONDS"):
        approval_handler(state_change(), None, clients={"sagemaker": sm, "cloudtrail": ct}.__getitem__)


def test_the_pipeline_step_reads_its_parameters_as_json():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        no_artifacts(st, "s3://p/e.csv", "ExclusionList")
        st.add_response("create_artifact", {"ArtifactArn": f"{P}:artifact/e"})
        associated(st, f"{P}:artifact/e", DATASET, "ContributedTo")
        out = record_sources_step(DATASET, "[]", '{"uri": "s3://p/e.csv", "version": "3"}', client=lambda _s: sm, pace=pace())
    assert out["artifacts"] == [{"arn": f"{P}:artifact/e", "created": True}]
    with pytest.raises(CaptureError, match="exclusion_list: not JSON"):
        record_sources_step(DATASET, "[]", "{uri", client=lambda _s: sm)
