"""Offline tests of the exporter: botocore's Stubber answers every call and checks each request against the real
SageMaker / CloudTrail / S3 service models (a wrong parameter name or type fails the test)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pathlib
import re

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from lineage_export import cli
from lineage_export.exporter import MAX_DEPTH, Exporter, ExportError, Options, _at_depth, dumps

REGION, ACCOUNT = "eu-west-1", "111122223333"
REPO = pathlib.Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "fixtures" / "exporter" / "credit-prod-bundle.json"
NOW = dt.datetime(2027, 9, 15, 8, 0, tzinfo=dt.timezone.utc)


def arn(kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{name}"


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def client(service: str):
    return boto3.client(service, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")


def vertex(a: str, type_: str, lineage_type: str) -> dict:
    return {"Arn": a, "Type": type_, "LineageType": lineage_type}


def edge(src: str, dst: str, kind: str) -> dict:
    return {"SourceArn": src, "DestinationArn": dst, "AssociationType": kind}


def query_params(start: str, direction: str, token: str | None = None) -> dict:
    p = {"StartArns": [start], "Direction": direction, "IncludeEdges": True, "MaxDepth": 10, "MaxResults": 50}
    if token:
        p["NextToken"] = token
    return p


class Recorder:
    """Collects the exporter's sleeps and log lines instead of waiting and printing."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.lines: list[str] = []


def exporter(sm, ct=None, s3=None, rec: Recorder | None = None) -> Exporter:
    rec = rec or Recorder()
    return Exporter(sagemaker=sm, cloudtrail=ct, s3=s3, sleep=rec.sleeps.append, now=lambda: NOW, log=rec.lines.append)


# ---- small behaviours ------------------------------------------------------------------------------------------


def test_every_next_token_is_followed_and_repeats_are_dropped():
    sm = client("sagemaker")
    a, b, c = arn("artifact", "a"), arn("artifact", "b"), arn("artifact", "c")
    with Stubber(sm) as st:
        st.add_response(
            "query_lineage",
            {"Vertices": [vertex(b, "DataSet", "Artifact")], "Edges": [edge(b, a, "ContributedTo")], "NextToken": "p2"},
            query_params(a, "Ascendants"),
        )
        st.add_response(
            "query_lineage",
            {
                "Vertices": [vertex(b, "DataSet", "Artifact"), vertex(c, "DataSet", "Artifact")],
                "Edges": [edge(b, a, "ContributedTo"), edge(c, b, "ContributedTo")],
            },
            query_params(a, "Ascendants", "p2"),
        )
        e = exporter(sm)
        pages = e.query(a, "Ascendants")
        st.assert_no_pending_responses()
    assert [v["Arn"] for p in pages for v in p["Vertices"]] == [b, c]
    assert len([x for p in pages for x in p["Edges"]]) == 2
    assert (e.stats.pages, e.stats.duplicate_vertices, e.stats.duplicate_edges) == (2, 1, 1)


def test_depth_beyond_ten_is_followed_from_the_frontier():
    sm = client("sagemaker")
    chain = [arn("artifact", f"v{i:02d}") for i in range(14)]  # v00 <- v01 <- ... <- v13
    edges = [edge(chain[i + 1], chain[i], "DerivedFrom") for i in range(13)]
    with Stubber(sm) as st:
        # The first query stops at depth 10 (v10); the second starts there and reaches v13.
        st.add_response(
            "query_lineage",
            {"Vertices": [vertex(v, "DataSet", "Artifact") for v in chain[1:11]], "Edges": edges[:10]},
            query_params(chain[0], "Ascendants"),
        )
        st.add_response(
            "query_lineage",
            {"Vertices": [vertex(v, "DataSet", "Artifact") for v in chain[11:]], "Edges": edges[10:]},
            query_params(chain[10], "Ascendants"),
        )
        e = exporter(sm)
        pages = e.query(chain[0], "Ascendants")
        st.assert_no_pending_responses()
    assert sorted(v["Arn"] for p in pages for v in p["Vertices"]) == chain[1:]
    assert e.stats.requeries_beyond_depth == 1


def test_frontier_is_the_vertices_at_the_cap():
    edges = [edge("b", "a", "X"), edge("c", "b", "X"), edge("d", "a", "X")]
    assert _at_depth("a", edges, "Ascendants", 2) == ["c"]
    assert _at_depth("c", edges, "Descendants", 2) == ["a"]
    assert _at_depth("a", edges, "Descendants", 1) == []
    assert MAX_DEPTH == 10


def test_throttling_is_retried_with_growing_backoff_then_gives_up():
    sm = client("sagemaker")
    a = arn("artifact", "a")
    rec = Recorder()
    with Stubber(sm) as st:
        for _ in range(2):
            st.add_client_error("query_lineage", service_error_code="ThrottlingException", http_status_code=400)
        st.add_response("query_lineage", {"Vertices": [], "Edges": []}, query_params(a, "Ascendants"))
        e = exporter(sm, rec=rec)
        e.query(a, "Ascendants")
        st.assert_no_pending_responses()
    assert len(rec.sleeps) == 2 and rec.sleeps[1] > rec.sleeps[0] * 1.0 - 1e-9
    assert e.stats.throttled_retries == 2

    sm = client("sagemaker")
    with Stubber(sm) as st:
        for _ in range(3):
            st.add_client_error("query_lineage", service_error_code="ThrottlingException", http_status_code=400)
        e = exporter(sm)
        e.attempts = 3
        with pytest.raises(Exception, match="ThrottlingException"):
            e.query(a, "Ascendants")


def test_other_errors_are_not_retried_and_a_vanished_resource_becomes_a_note():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        st.add_client_error("describe_model", service_error_code="ResourceNotFound", service_message="gone")
        st.add_client_error("describe_endpoint", service_error_code="AccessDeniedException", http_status_code=403)
        e = exporter(sm)
        assert e.describe("model/m", "describe_model", ModelName="m") is None
        with pytest.raises(Exception, match="AccessDenied"):
            e.describe("endpoint/x", "describe_endpoint", EndpointName="x")
    assert e.notes == ["describe_model model/m: ResourceNotFound gone"]


def test_actions_contexts_and_trial_components_are_described_by_name_not_arn():
    # The SageMaker SDK passes the entity's name (the ARN's text after the last /); the Stubber fails the test if
    # the request carries the ARN instead.
    tc = "arn:aws:sagemaker:us-east-1:123456789012:experiment-trial-component/credit-xgb-73-aws-training-job"
    action = "arn:aws:sagemaker:us-east-1:123456789012:action/credit-prod-deployment-1772963220"
    context = "arn:aws:sagemaker:us-east-1:123456789012:context/credit-prod-1706745600-aws-endpoint"
    sm = client("sagemaker")
    with Stubber(sm) as st:
        st.add_response("describe_action", {"ActionName": "credit-prod-deployment-1772963220", "ActionArn": action},
                        {"ActionName": "credit-prod-deployment-1772963220"})
        st.add_response("describe_context", {"ContextName": "credit-prod-1706745600-aws-endpoint", "ContextArn": context},
                        {"ContextName": "credit-prod-1706745600-aws-endpoint"})
        st.add_response("describe_trial_component",
                        {"TrialComponentName": "credit-xgb-73-aws-training-job", "TrialComponentArn": tc},
                        {"TrialComponentName": "credit-xgb-73-aws-training-job"})
        e = exporter(sm)
        pages = [{"Vertices": [vertex(action, "ModelDeployment", "Action"), vertex(context, "Endpoint", "Context"),
                               vertex(tc, "TrainingJob", "TrialComponent")], "Edges": []}]
        assert e.describe_vertices(pages) == (set(), set())
        st.assert_no_pending_responses()
    # The descriptions stay keyed by ARN.
    assert sorted(e._described) == sorted([action, context, tc]) and e.stats.descriptions == 3


def test_bad_arguments_are_clear_errors(capsys):
    with pytest.raises(ExportError, match="not a model-package ARN"):
        exporter(client("sagemaker")).export(model_package="credit-xgb/73")
    with pytest.raises(ExportError, match="exactly one"):
        exporter(client("sagemaker")).export()
    assert cli.main(["--endpoint", "x", "--capture-s3-uri", "s3://b/p", "-o", "-"]) == 2
    assert "needs --from and --to" in capsys.readouterr().err


def _no_aws(args):
    raise AssertionError("the exporter was made (AWS would be called) despite a usage error")


@pytest.mark.parametrize(
    "uri",
    ["credit-audit/data-capture", "s3:/credit-audit/data-capture", "https://credit-audit.s3.amazonaws.com/dc",
     "S3://credit-audit/data-capture", "s3://", "s3:///data-capture", ""],
)
def test_a_capture_uri_that_is_not_s3_bucket_prefix_is_refused_when_parsing(uri, tmp_path, capsys):
    out = tmp_path / "bundle.json"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--endpoint", "credit-prod", "--capture-s3-uri", uri, "--from", "2027-03-12", "--to", "2027-03-12",
                  "-o", str(out)], new_exporter=_no_aws, is_terminal=lambda: False)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --capture-s3-uri: expected s3://BUCKET/PREFIX" in err and repr(uri) in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("uri", ["s3://credit-audit/data-capture", "s3://credit-audit/data-capture/", "s3://credit-audit"])
def test_a_capture_uri_with_a_bucket_is_accepted(uri):
    args = cli.parser().parse_args(["--endpoint", "e", "--capture-s3-uri", uri, "-o", "-"])
    assert args.capture_s3_uri == uri


@pytest.fixture
def no_aws_config(tmp_path, monkeypatch):
    """An environment where boto3 finds no region: no region variables, no profile, no config file."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    # Credentials would let a call go out; the region check comes first, so none is made either way.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return monkeypatch


def test_no_region_is_a_usage_error_that_names_region(no_aws_config, tmp_path, capsys):
    out = tmp_path / "out" / "bundle.json"
    out.parent.mkdir()
    assert cli.main(["--endpoint", "credit-prod", "--cloudtrail", "-o", str(out)], is_terminal=lambda: False) == 2
    err = capsys.readouterr().err
    assert err == "error: no AWS region: pass --region REGION or set AWS_REGION / AWS_DEFAULT_REGION\n"
    assert list(out.parent.iterdir()) == []  # neither a bundle nor a journal


@pytest.mark.parametrize("region", ["", " ", "eu-west-1 ", "-eu", "eu_west_1"])
def test_a_region_that_is_not_a_region_name_is_refused_when_parsing(region, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--endpoint", "credit-prod", f"--region={region}", "-o", "-"], new_exporter=_no_aws)
    assert exit_.value.code == 2
    assert f"argument --region: expected an AWS region such as eu-west-1, got {region!r}" in capsys.readouterr().err


def test_a_no_region_error_from_botocore_is_reported_the_same_way(capsys):
    from botocore.exceptions import NoRegionError

    def new_exporter(args):
        raise NoRegionError()

    assert cli.main(["--endpoint", "credit-prod", "-o", "-"], new_exporter=new_exporter, is_terminal=lambda: False) == 2
    assert "pass --region REGION" in capsys.readouterr().err


def test_the_region_comes_from_region_then_boto3_then_aws_region(no_aws_config):
    def region(*argv: str, **env: str) -> str:
        for name, value in env.items():
            no_aws_config.setenv(name, value)
        e = cli.aws_exporter(cli.parser().parse_args(["--endpoint", "e", "--cloudtrail", *argv, "-o", "-"]))
        assert e.cloudtrail.meta.region_name == e.sagemaker.meta.region_name
        return e.sagemaker.meta.region_name

    assert region("--region", "eu-west-1") == "eu-west-1"
    assert region(AWS_REGION="us-east-2") == "us-east-2"  # boto3 alone ignores AWS_REGION
    assert region(AWS_DEFAULT_REGION="eu-central-1") == "eu-central-1"  # boto3's own variable comes first
    assert region("--region", "eu-west-1") == "eu-west-1"


# ---- installing: what the READMEs say `pip install` gives ---------------------------------------------------------

EXPORTER = REPO / "exporters" / "sagemaker"


def _pins(path: pathlib.Path) -> dict[str, str]:
    """`name==version` lines of a requirements file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def _install_lines(readme: pathlib.Path) -> list[tuple[str, str]]:
    """(command, comment) of every `pip install` of the exporter in the README's sh blocks, commented-out
    alternatives included."""
    lines, in_sh = [], False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_sh = line.strip() == "```sh"
            continue
        text = line.lstrip("# ").strip()
        if in_sh and text.startswith("pip install") and "exporters/sagemaker" in text:
            command, _, comment = text.partition(" #")
            lines.append((command.split(), comment))
    return lines


def test_the_readmes_install_lines_say_what_is_pinned():
    from packaging.requirements import Requirement

    pyproject = (EXPORTER / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = {
        r.name.lower(): r
        for r in map(Requirement, re.findall(r'"([^"]+)"', re.search(r"^dependencies = \[(.*)\]$", pyproject, re.M)[1]))
    }
    tested = _pins(EXPORTER / "requirements-test.txt")
    for name in ("boto3", "botocore"):
        assert name in tested, f"requirements-test.txt pins no exact {name}"
    for name, requirement in dependencies.items():
        assert tested[name] in requirement.specifier, f"the tested {name}=={tested[name]} is outside {requirement}"

    for readme in (REPO / "README.md", EXPORTER / "README.md"):
        lines, pinned_installs = _install_lines(readme), 0
        assert lines, f"{readme}: no pip install of the exporter"
        for command, comment in lines:
            constraints = [command[i + 1] for i, word in enumerate(command[:-1]) if word in ("-c", "-r")]
            if constraints:
                pinned_installs += 1
                for path in constraints:
                    pins = _pins(REPO / path)
                    assert {"boto3", "botocore"} <= pins.keys(), f"{readme}: {path} does not pin boto3 and botocore"
            else:
                # pyproject's ranges are all a bare `pip install` applies: no pin may be claimed for it.
                assert not re.search(r"(?<!not )\bpinn?(ed|s)?\b", comment), f"{readme}: {comment!r} claims a pin"
            for name, low in re.findall(r"\b(boto3|tqdm) >= ([0-9.]+)", comment):
                assert f">={low}" in str(dependencies[name].specifier), f"{readme}: {name} >= {low} is not pyproject's"
        assert pinned_installs, f"{readme}: no install with the tested pins (-c exporters/sagemaker/requirements-test.txt)"


# ---- a whole export, compared with the committed bundle the Rust side reads -------------------------------------

PKG73, PKG71 = arn("model-package", "credit-xgb/73"), arn("model-package", "credit-xgb/71")
P73, P71 = arn("artifact", "5f1c3a9e8b7d4c2a1f0e9d8c7b6a5f43"), arn("artifact", "3d9a18c7b6a5f4e3d2c1b0a9f8e7d6c5")
M73 = arn("artifact", "7a6b5c4d3e2f10f9e8d7c6b5a4f3e2d1")
D73 = arn("artifact", "9a8b7c6d5e4f30211f2e3d4c5b6a7980")
FS = arn("artifact", "a1b2c3d4e5f60718293a4b5c6d7e8f90")
TC = arn("experiment-trial-component", "credit-xgb-2027W10-a3c7-aws-training-job")
JOB = arn("training-job", "credit-xgb-2027w10-a3c7")
A73, A71 = arn("action", "credit-prod-deployment-1772963220"), arn("action", "credit-prod-deployment-1771843510")
CTX = arn("context", "credit-prod-1706745600-aws-endpoint")
ENDPOINT = arn("endpoint", "credit-prod")


def artifact(a: str, name: str, type_: str, uri: str, props: dict | None = None) -> dict:
    return {
        "ArtifactName": name,
        "ArtifactArn": a,
        "Source": {"SourceUri": uri},
        "ArtifactType": type_,
        "Properties": props or {},
        "CreationTime": t("2027-03-06T04:02:11Z"),
    }


def trail_event(event_id: str, name: str, time: str, who: str, request: dict, response: dict | None = None) -> dict:
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "arn": who, "accountId": ACCOUNT},
        "eventTime": time,
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "requestParameters": request,
        "responseElements": response,
        "eventID": event_id,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
    }
    return {
        "EventId": event_id,
        "EventName": name,
        "ReadOnly": "false",
        "EventTime": t(time),
        "EventSource": "sagemaker.amazonaws.com",
        "Username": who.rsplit("/", 1)[1],
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }


APPROVER = f"arn:aws:sts::{ACCOUNT}:assumed-role/RiskOpsApprover/risk-ops@company.com"
DEPLOYER = f"arn:aws:sts::{ACCOUNT}:assumed-role/CreditDeployPipeline/deploy-credit-prod"
TRAIL = {
    "UpdateModelPackage": [
        trail_event("ev-approve-73", "UpdateModelPackage", "2027-03-08T09:42:00Z", APPROVER,
                    {"modelPackageArn": PKG73, "modelApprovalStatus": "Approved"}),
        trail_event("ev-other-package", "UpdateModelPackage", "2027-03-08T11:00:00Z", APPROVER,
                    {"modelPackageArn": arn("model-package", "fraud/2"), "modelApprovalStatus": "Approved"}),
    ],
    "CreateEndpointConfig": [
        trail_event("ev-config-71", "CreateEndpointConfig", "2027-02-23T10:41:57Z", DEPLOYER,
                    {"endpointConfigName": "credit-prod-config-v71",
                     "productionVariants": [{"variantName": "credit-prod-v71", "modelName": "credit-xgb-71"}]}),
    ],
    "CreateEndpoint": [
        trail_event("ev-create", "CreateEndpoint", "2027-02-23T10:45:10Z", DEPLOYER,
                    {"endpointName": "credit-prod", "endpointConfigName": "credit-prod-config-v71"}),
    ],
    "UpdateEndpoint": [
        trail_event("ev-update", "UpdateEndpoint", "2027-03-08T10:00:00Z", DEPLOYER,
                    {"endpointName": "credit-prod", "endpointConfigName": "credit-prod-config-v73"}),
    ],
}


def model_package(pkg: str, version: int, status: str, modified: str) -> dict:
    return {
        "ModelPackageGroupName": "credit-xgb",
        "ModelPackageVersion": version,
        "ModelPackageArn": pkg,
        "ModelPackageName": "credit-xgb",
        "CreationTime": t("2027-03-06T04:02:10Z"),
        "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
        "ModelApprovalStatus": status,
        "LastModifiedTime": t(modified),
        "LastModifiedBy": {"IamIdentity": {"Arn": APPROVER}},
    }


def stub_world(sm: Stubber, ct: Stubber, s3: Stubber) -> None:
    """The calls an endpoint export makes, in order, with the world's answers."""
    sm.add_response(
        "describe_endpoint",
        {
            "EndpointName": "credit-prod",
            "EndpointArn": ENDPOINT,
            "EndpointConfigName": "credit-prod-config-v73",
            "ProductionVariants": [{"VariantName": "credit-prod-v73"}],
            "EndpointStatus": "InService",
            "CreationTime": t("2027-02-23T10:45:10Z"),
            "LastModifiedTime": t("2027-03-08T10:07:41Z"),
        },
        {"EndpointName": "credit-prod"},
    )
    sm.add_response(
        "list_contexts",
        {"ContextSummaries": [{"ContextArn": CTX, "ContextName": "credit-prod-1706745600-aws-endpoint"}]},
        {"SourceUri": ENDPOINT},
    )
    for name in ["CreateModelPackage", "UpdateModelPackage", "CreateModel", "CreateEndpointConfig", "CreateEndpoint",
                 "UpdateEndpoint"]:
        events = TRAIL.get(name, [])
        pages = [events[:1], events[1:]] if len(events) > 1 else [events]
        for i, page in enumerate(pages):
            params = {
                "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                "StartTime": t("2027-02-01T00:00:00Z"),
                "EndTime": t("2027-03-31T00:00:00Z"),
                "MaxResults": 50,
            }
            if i:
                params["NextToken"] = f"{name}-2"
            response = {"Events": page}
            if i + 1 < len(pages):
                response["NextToken"] = f"{name}-2"
            ct.add_response("lookup_events", response, params)
    # The endpoint context's ancestry (paged) and descendants.
    sm.add_response(
        "query_lineage",
        {
            "Vertices": [vertex(A73, "ModelDeployment", "Action"), vertex(P73, "Model", "Artifact"),
                         vertex(A71, "ModelDeployment", "Action")],
            "Edges": [edge(A73, CTX, "AssociatedWith"), edge(P73, A73, "ContributedTo"), edge(A71, CTX, "AssociatedWith")],
            "NextToken": "page-2",
        },
        query_params(CTX, "Ascendants"),
    )
    sm.add_response(
        "query_lineage",
        {
            "Vertices": [vertex(P73, "Model", "Artifact"), vertex(M73, "Model", "Artifact"),
                         vertex(TC, "TrainingJob", "TrialComponent"), vertex(D73, "DataSet", "Artifact"),
                         vertex(FS, "FeatureStoreVersion", "Artifact")],
            "Edges": [edge(M73, P73, "ContributedTo"), edge(TC, M73, "Produced"),
                      edge(D73, TC, "ContributedTo"), edge(FS, D73, "ContributedTo")],
        },
        query_params(CTX, "Ascendants", "page-2"),
    )
    sm.add_response("query_lineage", {"Vertices": [], "Edges": []}, query_params(CTX, "Descendants"))
    # Every vertex: artifacts by ARN, actions, contexts and trial components by name (the ARN's text after the last /).
    sm.add_response("describe_action", {"ActionName": "credit-prod-deployment-1771843510", "ActionArn": A71,
                                        "Source": {"SourceUri": ENDPOINT}, "ActionType": "ModelDeployment",
                                        "CreationTime": t("2027-02-23T10:45:12Z")}, {"ActionName": "credit-prod-deployment-1771843510"})
    sm.add_response("describe_action", {"ActionName": "credit-prod-deployment-1772963220", "ActionArn": A73,
                                        "Source": {"SourceUri": ENDPOINT}, "ActionType": "ModelDeployment",
                                        "CreationTime": t("2027-03-08T10:00:02Z")}, {"ActionName": "credit-prod-deployment-1772963220"})
    sm.add_response("describe_artifact", artifact(P73, "credit-xgb-73-ModelPackage", "Model", PKG73), {"ArtifactArn": P73})
    sm.add_response("describe_artifact", artifact(M73, "model-data", "Model", "s3://credit-models/credit-xgb-2027W10-a3c7/output/model.tar.gz"),
                    {"ArtifactArn": M73})
    sm.add_response("describe_artifact", artifact(D73, "training-dataset", "DataSet", "s3://credit/train/2027-W10/",
                                                  {"rows": "27000000", "features": "180"}), {"ArtifactArn": D73})
    sm.add_response("describe_artifact", artifact(FS, "fs-accounts-2027-W10", "FeatureStoreVersion",
                                                  arn("feature-group", "accounts"), {"version": "2027-W10"}), {"ArtifactArn": FS})
    sm.add_response("describe_context", {"ContextName": "credit-prod-1706745600-aws-endpoint", "ContextArn": CTX,
                                         "Source": {"SourceUri": ENDPOINT, "SourceType": "ARN"}, "ContextType": "Endpoint"},
                    {"ContextName": "credit-prod-1706745600-aws-endpoint"})
    sm.add_response(
        "describe_trial_component",
        {
            "TrialComponentName": "credit-xgb-2027W10-a3c7-aws-training-job",
            "TrialComponentArn": TC,
            "Source": {"SourceArn": JOB, "SourceType": "SageMakerTrainingJob"},
            "Parameters": {"max_depth": {"NumberValue": 6.0}},
        },
        {"TrialComponentName": "credit-xgb-2027W10-a3c7-aws-training-job"},
    )
    sm.add_response(
        "describe_training_job",
        {
            "TrainingJobName": "credit-xgb-2027W10-a3c7",
            "TrainingJobArn": JOB,
            "ModelArtifacts": {"S3ModelArtifacts": "s3://credit-models/credit-xgb-2027W10-a3c7/output/model.tar.gz"},
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
            "HyperParameters": {"max_depth": "6", "eta": "0.2"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "CreationTime": t("2027-03-06T01:00:12Z"),
            "TrainingEndTime": t("2027-03-06T03:14:09Z"),
            "FinalMetricDataList": [{"MetricName": "validation:auc", "Value": 0.912}],
        },
        {"TrainingJobName": "credit-xgb-2027W10-a3c7"},
    )
    # The endpoint's configs (current, and the one CloudTrail says it ran before) and their models.
    for n in (71, 73):
        sm.add_response(
            "describe_endpoint_config",
            {
                "EndpointConfigName": f"credit-prod-config-v{n}",
                "EndpointConfigArn": arn("endpoint-config", f"credit-prod-config-v{n}"),
                "ProductionVariants": [{"VariantName": f"credit-prod-v{n}", "ModelName": f"credit-xgb-{n}"}],
                "CreationTime": t("2027-02-23T10:41:55Z"),
            },
            {"EndpointConfigName": f"credit-prod-config-v{n}"},
        )
        sm.add_response(
            "describe_model",
            {"ModelName": f"credit-xgb-{n}", "ModelArn": arn("model", f"credit-xgb-{n}"),
             "PrimaryContainer": {"ModelPackageName": PKG71 if n == 71 else PKG73},
             "CreationTime": t("2027-02-23T10:41:55Z")},
            {"ModelName": f"credit-xgb-{n}"},
        )
    # Package 71's artifact is not in the endpoint's lineage (its edge to the deployment was never recorded): the
    # exporter finds it through the config CloudTrail names, and queries its artifact's lineage too.
    sm.add_response("list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": P71}]}, {"SourceUri": PKG71})
    sm.add_response("query_lineage", {"Vertices": [], "Edges": []}, query_params(P71, "Ascendants"))
    sm.add_response("query_lineage", {"Vertices": [vertex(A71, "ModelDeployment", "Action"), vertex(CTX, "Endpoint", "Context")],
                                      "Edges": [edge(P71, A71, "ContributedTo"), edge(A71, CTX, "AssociatedWith")]},
                    query_params(P71, "Descendants"))
    sm.add_response("describe_artifact", artifact(P71, "credit-xgb-71-ModelPackage", "Model", PKG71), {"ArtifactArn": P71})
    sm.add_response("describe_model_package", model_package(PKG71, 71, "Approved", "2027-02-23T06:10:00Z"),
                    {"ModelPackageName": PKG71})
    sm.add_response("describe_model_package", model_package(PKG73, 73, "Approved", "2027-03-08T09:42:00Z"),
                    {"ModelPackageName": PKG73})
    # Data capture of 12 March: one file in range, one outside it, one key of another layout.
    base = "data-capture/credit-prod/"
    keys = [base + "credit-prod-v73/2027/03/12/14/03-11-902-x.jsonl", base + "credit-prod-v73/2027/03/13/09/00-00-000-y.jsonl",
            base + "README.txt"]
    s3.add_response("list_objects_v2", {"IsTruncated": True, "NextContinuationToken": "more",
                                        "Contents": [{"Key": k} for k in keys[:2]]},
                    {"Bucket": "credit-audit", "Prefix": base})
    s3.add_response("list_objects_v2", {"IsTruncated": False, "Contents": [{"Key": keys[2]}]},
                    {"Bucket": "credit-audit", "Prefix": base, "ContinuationToken": "more"})
    record = {
        "captureData": {
            "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": "29,38500,0.58", "encoding": "CSV"},
            "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": "0.8731", "encoding": "CSV"},
        },
        "eventMetadata": {"eventId": "f47ac10b-58cc-4372-a567-0e02b2c3d479", "inferenceId": "loan-8231",
                          "inferenceTime": "2027-03-12T14:03:27Z"},
        "eventVersion": "0",
    }
    body = (json.dumps(record) + "\n").encode()
    s3.add_response("get_object", {"Body": StreamingBody(io.BytesIO(body), len(body))},
                    {"Bucket": "credit-audit", "Key": keys[0]})


def test_an_endpoint_export_is_complete_and_matches_the_committed_bundle():
    sm, ct, s3 = client("sagemaker"), client("cloudtrail"), client("s3")
    with Stubber(sm) as sms, Stubber(ct) as cts, Stubber(s3) as s3s:
        stub_world(sms, cts, s3s)
        e = exporter(sm, ct, s3)
        options = cli.options_from(cli.parser().parse_args(
            ["--endpoint", "credit-prod", "--cloudtrail", "--capture-s3-uri", "s3://credit-audit/data-capture",
             "--from", "2027-02-01", "--to", "2027-03-30", "-o", "-"]))
        options.capture_start = t("2027-03-12T00:00:00Z")
        options.capture_end = t("2027-03-12T23:00:00Z")
        bundle = e.export(endpoint="credit-prod", options=options)
        for s in (sms, cts, s3s):
            s.assert_no_pending_responses()
    events = bundle["Descriptions"][-1]["Events"]
    assert [x["EventId"] for x in events] == ["ev-config-71", "ev-create", "ev-approve-73", "ev-update"]
    assert bundle["Exporter"]["Version"] and bundle["Exporter"]["ExportedAt"] == NOW.isoformat()
    assert [g["S3Uri"] for g in bundle["DataCapture"]] == [
        "s3://credit-audit/data-capture/credit-prod/credit-prod-v73/2027/03/12/14/03-11-902-x.jsonl"]
    assert e.stats.duplicate_vertices == 2 and e.notes == []
    text = dumps(bundle)
    if os.environ.get("UPDATE_EXPECT"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "bundle changed: rerun with UPDATE_EXPECT=1 and review the diff"
