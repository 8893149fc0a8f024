"""Writes examples/credit-xgb/fleet/: a fleet of model packages beside the credit-xgb example, for `lineage check`.

Two model-package groups in the exporter's bundle format (credit-limit, collections-risk), one package per way a
package can fail the built-in policy, and a SageMaker Pipelines package whose commit lives only in a pipeline
parameter and whose training step was a cache hit: its execution as the AWS CLI prints it (four files in a
directory of their own), the earlier execution whose job really ran as the exporter's PipelineExecution element.
Deterministic: run `python3 examples/gen/fleet.py` and commit what changes."""

from __future__ import annotations

import hashlib
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parents[1] / "credit-xgb" / "fleet"
REGION, ACCOUNT = "eu-west-1", "111122223333"
PIPELINE = "credit-limit-weekly"
E1, E2 = "2027w10b1", "2027w11c2"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{kind}/{name}"


def hexid(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:32]


def art(name: str) -> str:
    return arn("artifact", hexid(name))


def user(role: str, who: str) -> dict:
    return {"IamIdentity": {"Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{who}", "PrincipalId": f"AROAEXAMPLEID:{who}"}}


def execution_arn(eid: str) -> str:
    return arn("pipeline", f"{PIPELINE}/execution/{eid}")


class Bundle:
    def __init__(self, group: str) -> None:
        self.group = group
        self.vertices: dict[str, dict] = {}
        self.edges: list[dict] = []
        self.descriptions: list[dict] = []
        self.starts: list[str] = []

    def vertex(self, a: str, type_: str, lineage_type: str = "Artifact") -> str:
        self.vertices[a] = {"Arn": a, "Type": type_, "LineageType": lineage_type}
        return a

    def edge(self, src: str, dst: str, kind: str) -> None:
        self.edges.append({"SourceArn": src, "DestinationArn": dst, "AssociationType": kind})

    def artifact(self, name: str, type_: str, uri: str, properties: dict | None = None) -> str:
        a = self.vertex(art(name), type_)
        self.descriptions.append(
            {"ArtifactName": name, "ArtifactArn": a, "Source": {"SourceUri": uri}, "ArtifactType": type_,
             "Properties": properties or {}, "CreationTime": "2027-03-10T21:00:00+00:00"})
        return a

    def write(self, path: pathlib.Path, extra: list[dict]) -> None:
        bundle = {
            "Exporter": {"Name": "lineage-export-sagemaker", "Version": "0.1.0", "ExportedAt": "2027-03-20T08:00:00+00:00",
                         "Arguments": {"ModelPackageGroup": self.group}},
            "StartArns": sorted(self.starts),
            "Pages": [{"Vertices": [self.vertices[k] for k in sorted(self.vertices)], "Edges": self.edges}],
            "Descriptions": self.descriptions + extra,
        }
        path.write_text(json.dumps(bundle, indent=1) + "\n")


def package(b: Bundle, version: int, *, status: str, week: str, lacks: str = "", generated_by: str | None = None,
            job: str | None = None, code_metadata: bool = False) -> dict:
    """One trained, registered package; `lacks` names the one thing its lineage leaves out."""
    g = b.group
    job = job or f"{g}-{week.lower()}-{version:02d}"
    pkg_arn = arn("model-package", f"{g}/{version}")
    model_uri = f"s3://credit-models/{job}/output/model.tar.gz"
    tc = b.vertex(arn("experiment-trial-component", f"{job}-aws-training-job"), "TrainingJob", "TrialComponent")
    model = b.artifact(f"{job}-model", "Model", model_uri)
    pkg = b.artifact(f"{g}-{version}-ModelPackage", "Model", pkg_arn)
    b.starts.append(pkg)
    b.edge(model, pkg, "ContributedTo")
    b.edge(tc, model, "Produced")
    train_uri = f"s3://credit/{g}-train/{week}/v{version}/"
    channels = []
    if lacks != "training_data":
        ds = b.artifact(f"{g}-train-{week}-v{version}", "DataSet", train_uri, {"rows": str(1000000 + version)})
        b.edge(ds, tc, "ContributedTo")
        channels = [{"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": train_uri}}}]
        if lacks != "feature_store_version":
            fs = b.artifact(f"fs-{g}-balances-{week}", "FeatureStoreVersion", arn("feature-group", f"{g}-balances"),
                            {"version": week})
            b.edge(fs, ds, "ContributedTo")
        if lacks != "exclusion_list":
            excl = b.artifact("excl-v15", "DataSet", "s3://policy/excl-v15.csv", {"version": "v15"})
            b.edge(excl, ds, "ContributedTo")
    if lacks != "code" and not generated_by and not code_metadata:
        commit = hexid(f"commit-{g}-{version}")[:7]
        code = b.artifact(f"code-{commit}", "CodeCommit", f"https://github.com/acme/credit-ml/commit/{commit}",
                          {"repository": "github.com/acme/credit-ml", "commit": commit})
        b.edge(code, tc, "AssociatedWith")
    b.descriptions.append(training_job(b, job, version, lacks, channels, code_metadata))
    described = {
        "ModelPackageGroupName": g, "ModelPackageVersion": version, "ModelPackageArn": pkg_arn,
        "CreationTime": "2027-03-11T04:00:00+00:00", "ModelPackageStatus": "Completed", "ModelApprovalStatus": status,
        "InferenceSpecification": {"Containers": [{"Image": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": model_uri}]},
        "CreatedBy": user("SageMakerPipelineExecution", "pipeline"),
    }
    if generated_by:
        described["MetadataProperties"] = {"GeneratedBy": generated_by}
    if status != "PendingManualApproval" and lacks != "approval":
        described["LastModifiedTime"] = "2027-03-12T09:30:00+00:00"
        described["LastModifiedBy"] = user("ModelRiskReviewer", "a.okafor@company.com")
    elif status != "PendingManualApproval":
        described["LastModifiedTime"] = "2027-03-12T09:30:00+00:00"
    if lacks != "metrics":
        described["ModelMetrics"] = {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": f"s3://credit-models/{job}/evaluation.json"}}}
    b.descriptions.append(described)
    return described


def training_job(b: Bundle, job: str, version: int, lacks: str, channels: list, code_metadata: bool) -> dict:
    d = {
        "TrainingJobName": job, "TrainingJobArn": arn("training-job", job), "TrainingJobStatus": "Completed",
        "TrainingStartTime": "2027-03-11T01:00:00+00:00", "TrainingEndTime": "2027-03-11T02:40:00+00:00",
        "CreationTime": "2027-03-11T00:58:00+00:00", "LastModifiedTime": "2027-03-11T02:41:00+00:00",
        "AlgorithmSpecification": {"TrainingImage": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
        "ModelArtifacts": {"S3ModelArtifacts": f"s3://credit-models/{job}/output/model.tar.gz"},
        "InputDataConfig": channels,
    }
    if lacks != "hyperparameters":
        d["HyperParameters"] = {"max_depth": "5", "eta": "0.1", "num_round": str(300 + version)}
    if lacks != "metrics":
        d["FinalMetricDataList"] = [{"MetricName": "validation:auc", "Value": 0.85 + version / 1000, "Timestamp": "2027-03-11T02:39:00+00:00"}]
    if code_metadata:
        d["MetadataProperties"] = {"CommitId": hexid(f"meta-commit-{version}"), "Repository": "https://github.com/acme/credit-ml"}
    return d


def steps_page(eid: str, cached_from: str | None, package_arn: str, job: str) -> dict:
    t = lambda h, m: f"2027-03-{10 if eid == E1 else 11}T{h:02d}:{m:02d}:00+00:00"
    train = {"StepName": "Train", "StepDisplayName": "Train XGBoost", "StartTime": t(1, 0), "EndTime": t(2, 40),
             "StepStatus": "Succeeded", "AttemptCount": 1, "Metadata": {"TrainingJob": {"Arn": arn("training-job", job)}}}
    if cached_from:
        train["CacheHitResult"] = {"SourcePipelineExecutionArn": execution_arn(cached_from)}
        train["StartTime"], train["EndTime"] = t(0, 31), t(0, 31)
    steps = [
        {"StepName": "Prepare", "StartTime": t(0, 10), "EndTime": t(0, 30), "StepStatus": "Succeeded", "AttemptCount": 1,
         "Metadata": {"ProcessingJob": {"Arn": arn("processing-job", f"credit-limit-prepare-{eid}")}}},
        train,
        {"StepName": "CheckAUC", "StartTime": t(2, 50), "EndTime": t(2, 51), "StepStatus": "Succeeded", "AttemptCount": 1,
         "Metadata": {"Condition": {"Outcome": "True"}}},
        {"StepName": "Register", "StartTime": t(2, 52), "EndTime": t(2, 53), "StepStatus": "Succeeded", "AttemptCount": 1,
         "Metadata": {"RegisterModel": {"Arn": package_arn}}},
    ]
    return {"PipelineExecutionSteps": list(reversed(steps))}


DEFINITION = {
    "Version": "2020-12-01",
    "Parameters": [{"Name": "GitCommit", "Type": "String"}, {"Name": "TrainDataUri", "Type": "String"}],
    "Steps": [
        {"Name": "Prepare", "Type": "Processing", "Arguments": {}},
        {"Name": "Train", "Type": "Training", "CacheConfig": {"Enabled": True, "ExpireAfter": "P30D"},
         "Arguments": {"InputDataConfig": [{"DataSource": {"S3DataSource": {"S3Uri": {"Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}}}}]}},
        {"Name": "CheckAUC", "Type": "Condition", "Arguments": {
            "Conditions": [{"Type": "GreaterThanOrEqualTo", "LeftValue": {"Get": "Steps.Train.FinalMetricDataList['validation:auc'].Value"}, "RightValue": 0.8}],
            "IfSteps": [{"Name": "Register", "Type": "RegisterModel", "Arguments": {"ModelDataUrl": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}}],
            "ElseSteps": []}},
    ],
}


def execution(eid: str, commit: str, package_arn: str, job: str, cached_from: str | None) -> dict[str, dict]:
    day = 10 if eid == E1 else 11
    return {
        "describe-pipeline-execution": {
            "PipelineArn": arn("pipeline", PIPELINE), "PipelineExecutionArn": execution_arn(eid),
            "PipelineExecutionDisplayName": f"weekly-{eid}", "PipelineExecutionStatus": "Succeeded",
            "CreationTime": f"2027-03-{day}T00:05:00+00:00", "LastModifiedTime": f"2027-03-{day}T02:55:00+00:00",
            "CreatedBy": user("CreditPipelineScheduler", "eventbridge"),
            "PipelineExperimentConfig": {"ExperimentName": PIPELINE, "TrialName": eid},
        },
        "list-pipeline-execution-steps": steps_page(eid, cached_from, package_arn, job),
        "list-pipeline-parameters-for-execution": {"PipelineParameters": [
            {"Name": "GitCommit", "Value": commit},
            {"Name": "TrainDataUri", "Value": f"s3://credit/credit-limit-train/2027-W{day}/"},
            {"Name": "TrainInstanceType", "Value": "ml.m5.4xlarge"}]},
        "describe-pipeline-definition-for-execution": {
            "PipelineDefinition": json.dumps(DEFINITION), "CreationTime": f"2027-03-{day}T00:05:00+00:00"},
    }


def credit_limit() -> None:
    b = Bundle("credit-limit")
    package(b, 1, status="Approved", week="2027-W02")
    for version, lacks in enumerate(["training_data", "feature_store_version", "exclusion_list", "hyperparameters",
                                     "metrics", "code", "approval"], start=2):
        package(b, version, status="Approved", week=f"2027-W{version + 1:02d}", lacks=lacks)
    # Registered by execution E1 (pending); E2's Train step was a cache hit of E1's, so package 10's model is E1's
    # job's output, and its commit is only E2's GitCommit parameter.
    e1_job = "credit-limit-2027w10-b1-train"
    package(b, 9, status="PendingManualApproval", week="2027-W10", generated_by=execution_arn(E1), job=e1_job)
    p10 = arn("model-package", "credit-limit/10")
    b.vertex(art(f"credit-limit-10-ModelPackage"), "Model")
    b.descriptions.append({"ArtifactName": "credit-limit-10-ModelPackage", "ArtifactArn": art("credit-limit-10-ModelPackage"),
                           "Source": {"SourceUri": p10}, "ArtifactType": "Model", "Properties": {},
                           "CreationTime": "2027-03-11T02:53:00+00:00"})
    b.starts.append(art("credit-limit-10-ModelPackage"))
    b.edge(art(f"{e1_job}-model"), art("credit-limit-10-ModelPackage"), "ContributedTo")
    b.descriptions.append({
        "ModelPackageGroupName": "credit-limit", "ModelPackageVersion": 10, "ModelPackageArn": p10,
        "CreationTime": "2027-03-11T02:53:00+00:00", "ModelPackageStatus": "Completed", "ModelApprovalStatus": "Approved",
        "InferenceSpecification": {"Containers": [{"Image": "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                                                   "ModelDataUrl": f"s3://credit-models/{e1_job}/output/model.tar.gz"}]},
        "CreatedBy": user("SageMakerPipelineExecution", "pipeline"),
        "MetadataProperties": {"GeneratedBy": execution_arn(E2)},
        "LastModifiedTime": "2027-03-12T10:15:00+00:00", "LastModifiedBy": user("ModelRiskReviewer", "a.okafor@company.com"),
        "ModelApprovalStatus": "Approved",
        "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": f"s3://credit-models/{e1_job}/evaluation.json"}}},
    })
    first = execution(E1, "5e2a9d3c8b7f6a5e4d3c2b1a0f9e8d7c6b5a4f3e", arn("model-package", "credit-limit/9"), e1_job, None)
    element = {"PipelineExecution": {
        "DescribePipelineExecution": first["describe-pipeline-execution"],
        "ListPipelineExecutionSteps": [first["list-pipeline-execution-steps"]],
        "ListPipelineParametersForExecution": [first["list-pipeline-parameters-for-execution"]],
        "DescribePipelineDefinitionForExecution": first["describe-pipeline-definition-for-execution"],
    }}
    b.write(OUT / "credit-limit-bundle.json", [element])
    second = execution(E2, "9b1e4c27d5a8f3e6c1b4a7d2e5f8c3b6a9d2e5f8", p10, e1_job, E1)
    folder = OUT / f"pipeline-{PIPELINE}-{E2}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, response in second.items():
        (folder / f"{name}.json").write_text(json.dumps(response, indent=4) + "\n")


def collections_risk() -> None:
    """A rejected package (nothing required), and one deployed while still pending approval."""
    b = Bundle("collections-risk")
    package(b, 1, status="Rejected", week="2027-W08", code_metadata=True)
    package(b, 2, status="PendingManualApproval", week="2027-W09", code_metadata=True)
    p2 = arn("model-package", "collections-risk/2")
    endpoint = [
        {"EndpointName": "collections-prod", "EndpointArn": arn("endpoint", "collections-prod"),
         "EndpointConfigName": "collections-prod-config-2", "EndpointStatus": "InService",
         "CreationTime": "2027-03-01T08:00:00+00:00", "LastModifiedTime": "2027-03-13T08:00:00+00:00",
         "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentWeight": 1.0}]},
        {"EndpointConfigName": "collections-prod-config-2", "EndpointConfigArn": arn("endpoint-config", "collections-prod-config-2"),
         "CreationTime": "2027-03-13T07:55:00+00:00",
         "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "collections-risk-2", "InitialInstanceCount": 1,
                                 "InstanceType": "ml.m5.large", "InitialVariantWeight": 1.0}]},
        {"ModelName": "collections-risk-2", "ModelArn": arn("model", "collections-risk-2"), "CreationTime": "2027-03-13T07:50:00+00:00",
         "PrimaryContainer": {"ModelPackageName": p2}, "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"},
    ]
    b.write(OUT / "collections-risk-bundle.json", endpoint)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    credit_limit()
    collections_risk()
    print(f"wrote {OUT}")
