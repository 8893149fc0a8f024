"""Offline tests of SageMaker Pipelines executions, fleet exports (a model-package group, every group), resuming an
interrupted export from its journal, and the progress bar. botocore's Stubber answers every call in order, checks
every request and response against the pinned SageMaker service model, and fails on any call not queued."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from botocore.stub import Stubber

from lineage_export import cli
from lineage_export.exporter import ExportError, dumps
from test_exporter import ACCOUNT, REGION, REPO, Recorder, arn, artifact, client, edge, exporter, query_params, t, vertex

PIPELINE = arn("pipeline", "credit-train")
EX_OLD = f"{PIPELINE}/execution/a1b2c3d4e5f6"  # ran the training job
EX_NEW = f"{PIPELINE}/execution/x7k2m9q4p1ab"  # reused it (a cached step) and registered credit-xgb/74
TRAIN = arn("training-job", "pipelines-a1b2c3d4e5f6-train-k3j2h1")
PREP_OLD = arn("processing-job", "pipelines-a1b2c3d4e5f6-prep-z5x4c3")
PREP_NEW = arn("processing-job", "pipelines-x7k2m9q4p1ab-prep-q9w8e7")
PKG74 = arn("model-package", "credit-xgb/74")
ART74 = arn("artifact", "c0ffee74c0ffee74c0ffee74c0ffee74")
DEFINITION = json.dumps({"Version": "2020-12-01", "Parameters": [{"Name": "TrainWeek", "Type": "String"}],
                         "Steps": [{"Name": "Prep", "Type": "Processing"}, {"Name": "Train", "Type": "Training"},
                                   {"Name": "Register", "Type": "RegisterModel"}]})


def package(pkg: str, generated_by: str | None = None) -> dict:
    """A DescribeModelPackage response."""
    group, version = pkg.rsplit("/", 2)[1:]
    out = {
        "ModelPackageGroupName": group,
        "ModelPackageVersion": int(version),
        "ModelPackageArn": pkg,
        "ModelPackageName": group,
        "CreationTime": t("2027-09-06T04:02:10Z"),
        "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
        "ModelApprovalStatus": "PendingManualApproval",
    }
    if generated_by:
        out["MetadataProperties"] = {"GeneratedBy": generated_by}
    return out


def summary(pkg: str) -> dict:
    """A ListModelPackages summary."""
    group, version = pkg.rsplit("/", 2)[1:]
    return {"ModelPackageGroupName": group, "ModelPackageVersion": int(version), "ModelPackageArn": pkg,
            "CreationTime": t("2027-09-06T04:02:10Z"), "ModelPackageStatus": "Completed"}


def step(name: str, kind: str, resource: str, cached: str | None = None) -> dict:
    out = {"StepName": name, "StepStatus": "Succeeded", "StartTime": t("2027-09-06T01:00:00Z"),
           "EndTime": t("2027-09-06T03:00:00Z"), "Metadata": {kind: {"Arn": resource}}, "AttemptCount": 1}
    if cached:
        out["CacheHitResult"] = {"SourcePipelineExecutionArn": cached}
    return out


def training_job(job: str) -> dict:
    return {"TrainingJobName": job.rsplit("/", 1)[1], "TrainingJobArn": job,
            "ModelArtifacts": {"S3ModelArtifacts": f"s3://credit-models/{job.rsplit('/', 1)[1]}/output/model.tar.gz"},
            "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed",
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400}, "CreationTime": t("2027-09-01T01:00:12Z")}


def processing_job(job: str) -> dict:
    return {"ProcessingJobName": job.rsplit("/", 1)[1], "ProcessingJobArn": job, "ProcessingJobStatus": "Completed",
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                                      "VolumeSizeInGB": 30}},
            "AppSpecification": {"ImageUri": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/prep:3"},
            "CreationTime": t("2027-09-01T00:30:00Z")}


def described_execution(ex: str) -> dict:
    return {"PipelineArn": PIPELINE, "PipelineExecutionArn": ex, "PipelineExecutionDisplayName": "execution-" + ex[-6:],
            "PipelineExecutionStatus": "Succeeded", "CreationTime": t("2027-09-06T00:00:00Z"),
            "LastModifiedTime": t("2027-09-06T04:00:00Z"), "PipelineVersionId": 3}


#: Each execution's ListPipelineExecutionSteps pages: the new one's in two pages, its Train step cached.
STEPS = {
    EX_NEW: [
        {"PipelineExecutionSteps": [step("Prep", "ProcessingJob", PREP_NEW),
                                    step("Train", "TrainingJob", TRAIN, cached=EX_OLD)], "NextToken": "steps-2"},
        {"PipelineExecutionSteps": [step("Register", "RegisterModel", PKG74)]},
    ],
    EX_OLD: [{"PipelineExecutionSteps": [step("Prep", "ProcessingJob", PREP_OLD), step("Train", "TrainingJob", TRAIN)]}],
}
PARAMETERS = {ex: [{"PipelineParameters": [{"Name": "TrainWeek", "Value": week}]}]
              for ex, week in ((EX_NEW, "2027-W36"), (EX_OLD, "2027-W35"))}


def execution_calls(ex: str, definition_fails: bool = False) -> list[tuple]:
    """The four calls that export an execution (pages in order), as (operation, response, params); a response that
    is an exception's error code is stubbed as that client error."""
    p = {"PipelineExecutionArn": ex}
    calls: list[tuple] = [("describe_pipeline_execution", described_execution(ex), p)]
    for key, operation, pages in (("steps", "list_pipeline_execution_steps", STEPS[ex]),
                                  ("parameters", "list_pipeline_parameters_for_execution", PARAMETERS[ex])):
        for i, page in enumerate(pages):
            calls.append((operation, page, {**p, "MaxResults": 100, **({"NextToken": f"{key}-{i + 1}"} if i else {})}))
    definition = {"PipelineDefinition": DEFINITION, "CreationTime": t("2027-09-06T00:00:00Z")}
    calls.append(("describe_pipeline_definition_for_execution", "ValidationException" if definition_fails else definition, p))
    return calls


def queue(st: Stubber, calls: list[tuple]) -> None:
    for operation, response, params in calls:
        if isinstance(response, str):
            st.add_client_error(operation, service_error_code=response, service_message="no such resource",
                                http_status_code=400, expected_params=params)
        else:
            st.add_response(operation, response, params)


def package_calls(pkg: str, art: str | None, generated_by: str | None = None, lineage: list[dict] | None = None) -> list[tuple]:
    """What `--model-package` sends for a package (its artifact, the lineage both ways, DescribeArtifact and
    DescribeModelPackage), before the pipeline executions."""
    calls: list[tuple] = [("list_artifacts", {"ArtifactSummaries": [{"ArtifactArn": art}] if art else []}, {"SourceUri": pkg})]
    if art:
        calls += [("query_lineage", page, query_params(art, direction)) for direction, page in
                  (("Ascendants", (lineage or [{"Vertices": [], "Edges": []}])[0]), ("Descendants", {"Vertices": [], "Edges": []}))]
        calls.append(("describe_artifact", artifact(art, pkg.rsplit("/", 2)[1] + "-ModelPackage", "Model", pkg), {"ArtifactArn": art}))
    return calls + [("describe_model_package", package(pkg, generated_by), {"ModelPackageName": pkg})]


def pipeline_world() -> list[tuple]:
    """credit-xgb/74, whose GeneratedBy names EX_NEW; EX_NEW's Train step reused EX_OLD's training job."""
    return (
        package_calls(PKG74, ART74, generated_by=EX_NEW)
        + execution_calls(EX_NEW)
        + [("describe_processing_job", processing_job(PREP_NEW), {"ProcessingJobName": PREP_NEW.rsplit("/", 1)[1]}),
           ("describe_training_job", training_job(TRAIN), {"TrainingJobName": TRAIN.rsplit("/", 1)[1]})]
        + execution_calls(EX_OLD)
        + [("describe_processing_job", processing_job(PREP_OLD), {"ProcessingJobName": PREP_OLD.rsplit("/", 1)[1]})]
    )


def elements(bundle: dict) -> list[dict]:
    return [d["PipelineExecution"] for d in bundle["Descriptions"] if "PipelineExecution" in d]


# ---- pipeline executions -----------------------------------------------------------------------------------------


def test_a_package_generated_by_a_pipeline_exports_its_execution_and_the_cached_steps_source():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        queue(st, pipeline_world())
        e = exporter(sm)
        bundle = e.export(model_package=PKG74)
        st.assert_no_pending_responses()
    got = elements(bundle)
    assert [x["DescribePipelineExecution"]["PipelineExecutionArn"] for x in got] == [EX_OLD, EX_NEW]  # by ARN
    new = got[1]
    assert list(new) == ["DescribePipelineExecution", "ListPipelineExecutionSteps", "ListPipelineParametersForExecution",
                         "DescribePipelineDefinitionForExecution"]
    assert new == {
        "DescribePipelineExecution": described_execution(EX_NEW),
        "ListPipelineExecutionSteps": STEPS[EX_NEW],  # both pages, whole: the first keeps its NextToken
        "ListPipelineParametersForExecution": PARAMETERS[EX_NEW],
        "DescribePipelineDefinitionForExecution": {"PipelineDefinition": DEFINITION, "CreationTime": t("2027-09-06T00:00:00Z")},
    }
    assert new["ListPipelineExecutionSteps"][0]["NextToken"] == "steps-2"
    # The jobs the steps name are described once (the training job is named by both executions).
    jobs = [d.get("TrainingJobArn") or d.get("ProcessingJobArn") for d in bundle["Descriptions"]
            if "TrainingJobArn" in d or "ProcessingJobArn" in d]
    assert jobs == [PREP_NEW, TRAIN, PREP_OLD]
    assert bundle["Descriptions"][-2:] == [{"PipelineExecution": got[0]}, {"PipelineExecution": got[1]}]
    assert "ResponseMetadata" not in dumps(bundle) and e.notes == []
    assert bundle["StartArns"] == [ART74] and bundle["Exporter"]["Arguments"] == {"ModelPackage": PKG74}
    # The Rust side reads this very bundle (tests/fixtures/cli/report-exporter-pipeline-bundle.args).
    text = dumps(bundle)
    golden = REPO / "tests" / "fixtures" / "exporter" / "pipeline-bundle.json"
    if os.environ.get("UPDATE_EXPECT"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "bundle changed: rerun with UPDATE_EXPECT=1 and review the diff"


def test_a_pipeline_execution_alone(tmp_path, capsys):
    sm = client("sagemaker")
    out = tmp_path / "bundle.json"
    calls = execution_calls(EX_OLD) + [
        ("describe_processing_job", processing_job(PREP_OLD), {"ProcessingJobName": PREP_OLD.rsplit("/", 1)[1]}),
        ("describe_training_job", training_job(TRAIN), {"TrainingJobName": TRAIN.rsplit("/", 1)[1]}),
    ]
    with Stubber(sm) as st:
        queue(st, calls)
        assert cli.main(["--pipeline-execution", EX_OLD, "-o", str(out)], new_exporter=lambda a: exporter(sm),
                        is_terminal=lambda: False) == 0
        st.assert_no_pending_responses()
    bundle = json.loads(out.read_text())
    assert bundle["Exporter"]["Arguments"] == {"PipelineExecution": EX_OLD}
    assert bundle["StartArns"] == [] and bundle["Pages"] == []
    assert [list(d) for d in bundle["Descriptions"]][-1] == ["PipelineExecution"]
    assert len(bundle["Descriptions"]) == 3
    assert "0 model package(s), 1 pipeline execution(s)" in capsys.readouterr().err
    assert not (tmp_path / "bundle.json.journal.jsonl").exists()


def test_a_definition_that_is_gone_is_a_note_and_its_key_is_left_out():
    sm = client("sagemaker")
    calls = execution_calls(EX_NEW, definition_fails=True) + [
        ("describe_processing_job", processing_job(PREP_NEW), {"ProcessingJobName": PREP_NEW.rsplit("/", 1)[1]}),
        ("describe_training_job", training_job(TRAIN), {"TrainingJobName": TRAIN.rsplit("/", 1)[1]}),
        ("describe_model_package", package(PKG74, EX_NEW), {"ModelPackageName": PKG74}),
        # The cached step's source execution was deleted with its pipeline: a note, no element.
        ("describe_pipeline_execution", "ResourceNotFound", {"PipelineExecutionArn": EX_OLD}),
    ]
    with Stubber(sm) as st:
        queue(st, calls)
        e = exporter(sm)
        bundle = e.export(pipeline_execution=EX_NEW)
        st.assert_no_pending_responses()
    (only,) = elements(bundle)
    assert list(only) == ["DescribePipelineExecution", "ListPipelineExecutionSteps", "ListPipelineParametersForExecution"]
    assert e.notes == [
        f"describe_pipeline_definition_for_execution {EX_NEW}: ValidationException no such resource",
        f"describe_pipeline_execution {EX_OLD}: ResourceNotFound no such resource",
    ]
    assert bundle["Exporter"]["Notes"] == e.notes
    assert e.registered == {PKG74} and e.executions[EX_OLD] is None


def test_a_pipeline_execution_given_that_does_not_exist_is_an_error():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        queue(st, [("describe_pipeline_execution", "ResourceNotFound", {"PipelineExecutionArn": EX_OLD})])
        with pytest.raises(ExportError, match="pipeline execution .* not found"):
            exporter(sm).export(pipeline_execution=EX_OLD)


def test_with_a_model_package_the_arguments_record_the_execution():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        queue(st, pipeline_world())
        bundle = exporter(sm).export(model_package=PKG74, pipeline_execution=EX_NEW)
        st.assert_no_pending_responses()
    assert bundle["Exporter"]["Arguments"] == {"ModelPackage": PKG74, "PipelineExecution": EX_NEW}
    assert len(elements(bundle)) == 2


# ---- fleets -------------------------------------------------------------------------------------------------------

PKG9, PKG10 = arn("model-package", "credit-xgb/9"), arn("model-package", "credit-xgb/10")
ART9, ART10 = arn("artifact", "a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9a9"), arn("artifact", "a10a10a10a10a10a10a10a10a10a10a1")
DS = arn("artifact", "d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5")


def group_world() -> list[tuple]:
    """credit-xgb in two ListModelPackages pages (version 10, then 9); both trained on the same data set, which
    is described once. Processed by version: 9, then 10."""
    ds = ("describe_artifact", artifact(DS, "training-dataset", "DataSet", "s3://credit/train/2027-W35/"), {"ArtifactArn": DS})
    listing = {"ModelPackageGroupName": "credit-xgb", "ModelPackageType": "Versioned", "MaxResults": 100}
    calls: list[tuple] = [
        ("list_model_packages", {"ModelPackageSummaryList": [summary(PKG10)], "NextToken": "pk-2"}, listing),
        ("list_model_packages", {"ModelPackageSummaryList": [summary(PKG9)]}, {**listing, "NextToken": "pk-2"}),
    ]
    calls += package_calls(PKG9, ART9, lineage=[{"Vertices": [vertex(DS, "DataSet", "Artifact")], "Edges": [edge(DS, ART9, "ContributedTo")]}])
    calls.insert(-1, ds)  # described in ARN order, after the start vertex
    calls += package_calls(PKG10, ART10, lineage=[{"Vertices": [vertex(DS, "DataSet", "Artifact")], "Edges": [edge(DS, ART10, "ContributedTo")]}])
    return calls


def test_a_model_package_group_in_two_pages_is_one_bundle():
    sm = client("sagemaker")
    with Stubber(sm) as st:
        queue(st, group_world())
        e = exporter(sm)
        bundle = e.export(model_package_group="credit-xgb")
        st.assert_no_pending_responses()
    assert bundle["StartArns"] == sorted([ART9, ART10])
    assert bundle["Exporter"]["Arguments"] == {"ModelPackageGroup": "credit-xgb"}
    described = [d.get("ArtifactArn") or d.get("ModelPackageArn") for d in bundle["Descriptions"]]
    assert described == [ART9, DS, PKG9, ART10, PKG10]  # every response once
    assert [len(p["Edges"]) for p in bundle["Pages"]] == [1, 1] and e.stats.duplicate_vertices == 1
    assert e.packages == {PKG9, PKG10} and e.notes == []


def test_every_group_since_a_date_filters_packages_not_groups(tmp_path, capsys):
    sm = client("sagemaker")
    since = {"CreationTimeAfter": dt.datetime(2027, 9, 1, tzinfo=dt.timezone.utc)}
    group = lambda name: {"ModelPackageGroupName": name, "ModelPackageGroupArn": arn("model-package-group", name),
                          "CreationTime": t("2026-01-05T00:00:00Z"), "ModelPackageGroupStatus": "Completed"}
    calls = [
        ("list_model_package_groups", {"ModelPackageGroupSummaryList": [group("fraud-gbm")], "NextToken": "g-2"}, {"MaxResults": 100}),
        ("list_model_package_groups", {"ModelPackageGroupSummaryList": [group("credit-xgb")]}, {"MaxResults": 100, "NextToken": "g-2"}),
        # Groups by name: credit-xgb first. fraud-gbm has no package since 1 September.
        ("list_model_packages", {"ModelPackageSummaryList": [summary(PKG74)]},
         {"ModelPackageGroupName": "credit-xgb", "ModelPackageType": "Versioned", "MaxResults": 100, **since}),
        ("list_model_packages", {"ModelPackageSummaryList": []},
         {"ModelPackageGroupName": "fraud-gbm", "ModelPackageType": "Versioned", "MaxResults": 100, **since}),
    ] + pipeline_world()
    out = tmp_path / "weekly.json"
    with Stubber(sm) as st:
        queue(st, calls)
        code = cli.main(["--all-model-package-groups", "--since", "2027-09-01", "-o", str(out)],
                        new_exporter=lambda a: exporter(sm), is_terminal=lambda: False)
        st.assert_no_pending_responses()
    assert code == 0
    bundle = json.loads(out.read_text())
    assert bundle["Exporter"]["Arguments"] == {"AllModelPackageGroups": True, "Since": "2027-09-01"}
    assert bundle["StartArns"] == [ART74] and len(elements(bundle)) == 2
    assert "1 model package(s), 2 pipeline execution(s)" in capsys.readouterr().err


def test_a_package_without_lineage_artifact_in_a_fleet_is_a_note_and_still_described():
    sm = client("sagemaker")
    calls = [("list_model_packages", {"ModelPackageSummaryList": [summary(PKG9), summary(PKG10)]},
              {"ModelPackageGroupName": "credit-xgb", "ModelPackageType": "Versioned", "MaxResults": 100})]
    calls += package_calls(PKG9, None) + package_calls(PKG10, ART10)
    with Stubber(sm) as st:
        queue(st, calls)
        e = exporter(sm)
        bundle = e.export(model_package_group="credit-xgb")
        st.assert_no_pending_responses()
    assert e.notes == [f"model package {PKG9} has no lineage artifact"]
    assert [d.get("ModelPackageArn") for d in bundle["Descriptions"] if "ModelPackageArn" in d] == [PKG9, PKG10]
    assert bundle["StartArns"] == [ART10]
    # A single --model-package without an artifact stays an error.
    with Stubber(sm) as st:
        queue(st, package_calls(PKG9, None)[:1])
        with pytest.raises(ExportError, match="no lineage artifact"):
            exporter(sm).export(model_package=PKG9)


# ---- resume --------------------------------------------------------------------------------------------------------


def run(sm, calls: list[tuple], argv: list[str], fail_at: int | None = None, terminal: bool = False) -> int:
    """The command with `calls` queued (up to `fail_at`, where AWS then fails with an internal error)."""
    with Stubber(sm) as st:
        queue(st, calls[:fail_at])
        if fail_at is not None:
            st.add_client_error(calls[fail_at][0], service_error_code="InternalFailure", http_status_code=500)
        code = cli.main(argv, new_exporter=lambda a: exporter(sm), is_terminal=lambda: terminal)
        st.assert_no_pending_responses()
    return code


def test_an_interrupted_fleet_export_resumes_without_refetching_and_writes_the_same_bundle(tmp_path, capsys):
    world = group_world() + [("describe_pipeline_execution", "ResourceNotFound", {"PipelineExecutionArn": EX_OLD})]
    world[-2] = ("describe_model_package", package(PKG10, EX_OLD), {"ModelPackageName": PKG10})
    whole, part = tmp_path / "whole.json", tmp_path / "part.json"
    argv = ["--model-package-group", "credit-xgb", "--quiet", "-o"]
    assert run(client("sagemaker"), world, argv + [str(whole)]) == 0
    capsys.readouterr()

    fail_at = 9  # package 9 done; package 10's artifact listed, its lineage not queried yet
    assert run(client("sagemaker"), world, argv + [str(part)], fail_at=fail_at) == 1
    journal = tmp_path / "part.json.journal.jsonl"
    lines = journal.read_text().splitlines()
    assert len(lines) == fail_at and not part.exists()
    assert '"$datetime"' in lines[0] and json.loads(lines[0])["Operation"] == "list_model_packages"
    err = capsys.readouterr().err
    assert "InternalFailure" in err and "--resume" in err
    with open(journal, "a") as f:
        f.write('{"Operation": "query_lin')  # a crash mid-write

    # Without --resume the journal is refused; with it, only the remaining calls are sent (the Stubber has only
    # those, and fails on any other).
    assert run(client("sagemaker"), [], argv + [str(part)]) == 2
    assert "pass --resume" in capsys.readouterr().err
    assert run(client("sagemaker"), world[fail_at:], argv + [str(part), "--resume"]) == 0
    assert "last line is incomplete" in capsys.readouterr().err
    assert part.read_bytes() == whole.read_bytes()
    assert not journal.exists()


def test_resume_needs_an_output_file(capsys):
    assert cli.main(["--model-package-group", "credit-xgb", "--resume", "-o", "-"]) == 2
    assert "--resume needs an output file" in capsys.readouterr().err


# ---- progress and usage -------------------------------------------------------------------------------------------


def test_progress_is_shown_on_a_terminal_and_silenced_by_quiet(tmp_path, capsys):
    argv = ["--model-package-group", "credit-xgb", "-o", str(tmp_path / "b.json")]
    assert run(client("sagemaker"), group_world(), argv, terminal=True) == 0
    err = capsys.readouterr().err
    assert "packages" in err and "2/2" in err and "calls" in err and "throttled" in err
    assert "wrote " in err and "2 model package(s), 0 pipeline execution(s)" in err

    assert run(client("sagemaker"), group_world(), argv + ["--quiet"], terminal=True) == 0
    assert capsys.readouterr().err == ""

    assert run(client("sagemaker"), group_world(), argv, terminal=False) == 0
    err = capsys.readouterr().err
    assert "2/2" not in err and err.startswith("wrote ")


def test_throttling_waits_are_counted_for_the_bar():
    sm = client("sagemaker")
    rec = Recorder()
    with Stubber(sm) as st:
        st.add_client_error("describe_pipeline_execution", service_error_code="ThrottlingException", http_status_code=400)
        queue(st, [("describe_pipeline_execution", "ResourceNotFound", {"PipelineExecutionArn": EX_OLD})])
        e = exporter(sm, rec=rec)
        with pytest.raises(ExportError):
            e.export(pipeline_execution=EX_OLD)
    assert e.calls == 2 and e.waited == pytest.approx(sum(rec.sleeps)) and e.waited > 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--endpoint", "credit-prod", "--pipeline-execution", EX_OLD], "goes alone or with --model-package"),
        (["--model-package", PKG74, "--since", "2027-09-01"], "--since goes with"),
        ([], "exactly one of"),
        (["--pipeline-execution", PIPELINE], "not a pipeline-execution ARN"),
    ],
)
def test_bad_starts_are_usage_errors(argv, message, capsys):
    assert cli.main(argv + ["-o", "-"]) == 2
    assert message in capsys.readouterr().err


def test_two_starts_are_refused_by_the_parser():
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--model-package-group", "a", "--all-model-package-groups", "-o", "-"])
    assert exit_.value.code == 2
