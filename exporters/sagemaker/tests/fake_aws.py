"""An in-memory SageMaker Lineage and CloudTrail for the capture helpers' round trip: the seven calls the helpers
make, and the read calls the exporter makes, each request validated against botocore's service model (types,
required members, and the lengths, ranges and patterns botocore's own validator skips). SageMaker's own records of a
pipeline run (jobs, their trial components, the dataset, model and package artifacts) are seeded directly, as
SageMaker would create them; `update_model_package` is a reviewer's call: it lands in CloudTrail (delivered late)
and returns the EventBridge event."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from types import SimpleNamespace
from typing import Any

import botocore.session
from botocore.exceptions import ClientError, ParamValidationError
from botocore.validate import validate_parameters

_SESSION = botocore.session.get_session()


class Clock:
    """The time every fake and every helper sees; sleeping moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return self.now.timestamp()

    def tick(self, seconds: float = 1.0) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


def _strict(shape: Any, value: Any, path: str) -> None:
    """Length, range and pattern constraints of the model (botocore's validator checks types and `min` only)."""
    meta = shape.metadata
    if shape.type_name == "string":
        if "max" in meta and len(value) > meta["max"]:
            raise ParamValidationError(report=f"{path}: longer than {meta['max']}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            raise ParamValidationError(report=f"{path}: {value!r} does not match {meta['pattern']}")
        if shape.enum and value not in shape.enum:
            raise ParamValidationError(report=f"{path}: {value!r} is not one of {shape.enum}")
    elif shape.type_name in ("integer", "long") and "max" in meta and value > meta["max"]:
        raise ParamValidationError(report=f"{path}: more than {meta['max']}")
    elif shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                _strict(member, value[name], f"{path}.{name}")
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            _strict(shape.member, item, f"{path}[{i}]")
    elif shape.type_name == "map":
        if "max" in meta and len(value) > meta["max"]:
            raise ParamValidationError(report=f"{path}: more than {meta['max']} entries")
        for k, v in value.items():
            _strict(shape.key, k, f"{path} key")
            _strict(shape.value, v, f"{path}[{k}]")


class _Fake:
    service = ""

    def __init__(self, clock: Clock) -> None:
        model = _SESSION.get_service_model(self.service)
        self.meta = SimpleNamespace(service_model=model, region_name="eu-west-1")
        self.clock = clock
        self.calls: list[tuple[str, dict]] = []
        #: Error codes to raise, in order, before the next calls of an operation succeed (throttling paths).
        self.faults: dict[str, list[str]] = {}

    def _op(self, name: str, params: dict) -> Any:
        operation = self.meta.service_model.operation_model("".join(p.capitalize() for p in name.split("_")))
        validate_parameters(params, operation.input_shape)
        _strict(operation.input_shape, params, operation.name)
        self.calls.append((name, copy.deepcopy(params)))
        pending = self.faults.get(name)
        if pending:
            code = pending.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, operation.name)
        return operation

    @staticmethod
    def _reply(operation: Any, response: dict) -> dict:
        """The response, checked against the operation's output shape as botocore's Stubber checks its own."""
        validate_parameters(response, operation.output_shape)
        return response

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the fake {self.service} does not implement {name}")


def _error(code: str, message: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def _page(items: list, params: dict, default: int) -> tuple[list, dict]:
    start = int(params.get("NextToken") or 0)
    size = params.get("MaxResults") or default
    rest = {"NextToken": str(start + size)} if start + size < len(items) else {}
    return items[start : start + size], rest


class FakeSageMaker(_Fake):
    service = "sagemaker"

    def __init__(self, clock: Clock, region: str = "eu-west-1", account: str = "111122223333") -> None:
        super().__init__(clock)
        self.prefix = f"arn:aws:sagemaker:{region}:{account}"
        #: Lineage entities by ARN: (lineage type, Describe* response).
        self.entities: dict[str, tuple[str, dict]] = {}
        self.associations: list[dict] = []
        self.jobs: dict[tuple[str, str], dict] = {}
        self.packages: dict[str, dict] = {}
        self.duplicate_association_message = "Association already exists"
        self._serial = 0

    # ---- what SageMaker records by itself ----------------------------------------------------------------------

    def _id(self, text: str) -> str:
        self._serial += 1
        return hashlib.md5(f"{self._serial}:{text}".encode()).hexdigest()

    def seed_artifact(self, name: str, type_: str, source_uri: str, props: dict | None = None) -> str:
        arn = f"{self.prefix}:artifact/{self._id(name)}"
        self.entities[arn] = ("Artifact", self._artifact(arn, name, type_, {"SourceUri": source_uri}, props or {}, None))
        return arn

    def seed_job(self, kind: str, name: str, description: dict, tc: dict) -> str:
        """A training or processing job, its Describe* response, and the trial component SageMaker makes for it."""
        job_arn = f"{self.prefix}:{kind}-job/{name.lower()}"
        self.jobs[(kind, name)] = {f"{kind.capitalize()}JobName": name, f"{kind.capitalize()}JobArn": job_arn, **description}
        tc_name = f"{name}-aws-{kind}-job"
        arn = f"{self.prefix}:experiment-trial-component/{tc_name.lower()}"
        d = {"TrialComponentName": tc_name, "TrialComponentArn": arn, "Source": {"SourceArn": job_arn, "SourceType": f"SageMaker{kind.capitalize()}Job"}}
        self.entities[arn] = ("TrialComponent", {**d, "CreationTime": self.clock.tick(), **tc})
        return arn

    def seed_package(self, description: dict) -> str:
        self.packages[description["ModelPackageArn"]] = {"CreationTime": self.clock.tick(), **description}
        return description["ModelPackageArn"]

    def seed_association(self, source: str, destination: str, kind: str) -> None:
        self.associations.append(self._association(source, destination, kind))

    def _artifact(self, arn: str, name: str, type_: str, source: dict, props: dict, metadata: dict | None) -> dict:
        d = {"ArtifactName": name, "ArtifactArn": arn, "Source": source, "ArtifactType": type_, "Properties": props}
        if metadata:
            d["MetadataProperties"] = metadata
        identity = {"IamIdentity": {"Arn": "arn:aws:sts::111122223333:assumed-role/LineageCapture/capture"}}
        return {**d, "CreationTime": self.clock.tick(), "CreatedBy": identity}

    def _association(self, source: str, destination: str, kind: str) -> dict:
        return {
            "SourceArn": source,
            "DestinationArn": destination,
            "SourceType": self._type(source),
            "DestinationType": self._type(destination),
            "AssociationType": kind,
            "CreationTime": self.clock.tick(),
        }

    def _type(self, arn: str) -> str:
        lineage_type, d = self.entities[arn]
        if lineage_type == "TrialComponent":
            return "TrainingJob" if ":training-job/" in d["Source"]["SourceArn"] else "ProcessingJob"
        return d.get("ArtifactType") or d.get("ContextType") or d.get("ActionType") or ""

    # ---- the seven calls of the capture helpers (six of them here) ----------------------------------------------

    def create_artifact(self, **params: Any) -> dict:
        op = self._op("create_artifact", params)
        arn = f"{self.prefix}:artifact/{self._id(params['ArtifactName'])}"
        d = self._artifact(
            arn, params["ArtifactName"], params["ArtifactType"], params["Source"], params.get("Properties", {}),
            params.get("MetadataProperties"),
        )
        self.entities[arn] = ("Artifact", d)
        return self._reply(op, {"ArtifactArn": arn})

    def list_artifacts(self, **params: Any) -> dict:
        op = self._op("list_artifacts", params)
        found = [
            {k: d[k] for k in ("ArtifactArn", "ArtifactName", "Source", "ArtifactType", "CreationTime")}
            for kind, d in self.entities.values()
            if kind == "Artifact"
            and params.get("SourceUri", d["Source"]["SourceUri"]) == d["Source"]["SourceUri"]
            and params.get("ArtifactType", d["ArtifactType"]) == d["ArtifactType"]
        ]
        found.sort(key=lambda a: a["CreationTime"], reverse=params.get("SortOrder") != "Ascending")
        page, rest = _page(found, params, 10)
        return self._reply(op, {"ArtifactSummaries": page, **rest})

    def describe_artifact(self, **params: Any) -> dict:
        op = self._op("describe_artifact", params)
        return self._reply(op, copy.deepcopy(self._entity(params["ArtifactArn"], "Artifact", "DescribeArtifact")))

    def add_association(self, **params: Any) -> dict:
        op = self._op("add_association", params)
        for key in ("SourceArn", "DestinationArn"):
            if params[key] not in self.entities:
                raise _error("ResourceNotFound", f"{params[key]} does not exist", "AddAssociation")
        if any(a["SourceArn"] == params["SourceArn"] and a["DestinationArn"] == params["DestinationArn"] for a in self.associations):
            raise _error("ValidationException", self.duplicate_association_message, "AddAssociation")
        self.associations.append(self._association(params["SourceArn"], params["DestinationArn"], params["AssociationType"]))
        return self._reply(op, {"SourceArn": params["SourceArn"], "DestinationArn": params["DestinationArn"]})

    def list_associations(self, **params: Any) -> dict:
        op = self._op("list_associations", params)
        keys = ("SourceArn", "DestinationArn", "AssociationType")
        found = [a for a in self.associations if all(params.get(k, a[k]) == a[k] for k in keys)]
        page, rest = _page(copy.deepcopy(found), params, 10)
        return self._reply(op, {"AssociationSummaries": page, **rest})

    def describe_model_package(self, **params: Any) -> dict:
        op = self._op("describe_model_package", params)
        if params["ModelPackageName"] not in self.packages:
            raise _error("ValidationException", f"Model package {params['ModelPackageName']} does not exist", "DescribeModelPackage")
        return self._reply(op, copy.deepcopy(self.packages[params["ModelPackageName"]]))

    # ---- what the exporter reads --------------------------------------------------------------------------------

    def _entity(self, arn: str, lineage_type: str, operation: str) -> dict:
        found = self.entities.get(arn)
        if not found or found[0] != lineage_type:
            raise _error("ResourceNotFound", f"{arn} does not exist", operation)
        return found[1]

    def describe_trial_component(self, **params: Any) -> dict:
        op = self._op("describe_trial_component", params)
        arn = f"{self.prefix}:experiment-trial-component/{params['TrialComponentName'].lower()}"
        return self._reply(op, copy.deepcopy(self._entity(arn, "TrialComponent", "DescribeTrialComponent")))

    def _describe_job(self, kind: str, name: str) -> dict:
        if (kind, name) not in self.jobs:
            raise _error("ValidationException", f"Could not find {kind} job {name}", f"Describe{kind.capitalize()}Job")
        return copy.deepcopy(self.jobs[(kind, name)])

    def describe_training_job(self, **params: Any) -> dict:
        op = self._op("describe_training_job", params)
        return self._reply(op, self._describe_job("training", params["TrainingJobName"]))

    def describe_processing_job(self, **params: Any) -> dict:
        op = self._op("describe_processing_job", params)
        return self._reply(op, self._describe_job("processing", params["ProcessingJobName"]))

    def query_lineage(self, **params: Any) -> dict:
        op = self._op("query_lineage", params)
        directions = {"Ascendants": ("DestinationArn", "SourceArn"), "Descendants": ("SourceArn", "DestinationArn")}
        ways = list(directions.values()) if params.get("Direction") == "Both" else [directions[params.get("Direction", "Both")]]
        start = params["StartArns"][0]
        seen, edges, frontier = {start}, [], [start]
        for _ in range(params.get("MaxDepth", 10)):
            nxt = []
            for arn in frontier:
                for near, far in ways:
                    for a in self.associations:
                        if a[near] == arn:
                            edges.append(a)
                            if a[far] not in seen:
                                seen.add(a[far])
                                nxt.append(a[far])
            frontier = nxt
        vertices = [{"Arn": a, "Type": self._type(a), "LineageType": self.entities[a][0]} for a in sorted(seen - {start})]
        unique = {(e["SourceArn"], e["DestinationArn"], e["AssociationType"]): e for e in edges}
        page, rest = _page(vertices, params, 10)
        out_edges = [{k: e[k] for k in ("SourceArn", "DestinationArn", "AssociationType")} for e in unique.values()]
        return self._reply(op, {"Vertices": page, "Edges": out_edges if not params.get("NextToken") else [], **rest})

    # ---- a reviewer -------------------------------------------------------------------------------------------

    def update_model_package(self, trail: "FakeCloudTrail", arn: str, status: str, who: str, description: str) -> dict:
        """A reviewer's `UpdateModelPackage` call: changes the package, lands in CloudTrail (delivered minutes
        later), and returns the EventBridge event SageMaker emits."""
        at = self.clock.tick(30).replace(microsecond=0)
        p = self.packages[arn]
        p.update(ModelApprovalStatus=status, ApprovalDescription=description, LastModifiedTime=at)
        trail.record("UpdateModelPackage", at, who, {"modelPackageArn": arn, "modelApprovalStatus": status, "approvalDescription": description}, {"modelPackageArn": arn})
        detail = {
            "ModelPackageGroupName": p["ModelPackageGroupName"],
            "ModelPackageVersion": p["ModelPackageVersion"],
            "ModelPackageArn": arn,
            "CreationTime": p["CreationTime"].isoformat().replace("+00:00", "Z"),
            "ModelPackageStatus": "Completed",
            "ModelApprovalStatus": status,
            "ApprovalDescription": description,
            "LastModifiedTime": at.isoformat().replace("+00:00", "Z"),
        }
        event_id = hashlib.md5(f"{arn}{at}".encode()).hexdigest()
        return {
            "version": "0",
            "id": f"{event_id[:8]}-{event_id[8:12]}-{event_id[12:16]}-{event_id[16:20]}-{event_id[20:]}",
            "detail-type": "SageMaker Model Package State Change",
            "source": "aws.sagemaker",
            "account": "111122223333",
            "time": at.isoformat().replace("+00:00", "Z"),
            "region": "eu-west-1",
            "resources": [arn],
            "detail": detail,
        }


class FakeCloudTrail(_Fake):
    service = "cloudtrail"

    def __init__(self, clock: Clock, delay: dt.timedelta = dt.timedelta(minutes=4)) -> None:
        super().__init__(clock)
        #: (delivered at, LookupEvents event) newest last.
        self.events: list[tuple[dt.datetime, dict]] = []
        self.delay = delay

    def record(self, name: str, at: dt.datetime, who: str, request: dict, response: dict) -> None:
        event_id = hashlib.md5(f"{name}{at}{json.dumps(request, sort_keys=True)}".encode()).hexdigest()
        event_id = f"{event_id[:8]}-{event_id[8:12]}-{event_id[12:16]}-{event_id[16:20]}-{event_id[20:]}"
        role = f"arn:aws:sts::111122223333:assumed-role/RiskOpsApprover/{who}"
        body = {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "principalId": f"AROAEXAMPLEID:{who}", "arn": role, "accountId": "111122223333"},
            "eventTime": at.isoformat().replace("+00:00", "Z"),
            "eventSource": "sagemaker.amazonaws.com",
            "eventName": name,
            "awsRegion": "eu-west-1",
            "requestParameters": request,
            "responseElements": response,
            "eventID": event_id,
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": "111122223333",
        }
        event = {
            "EventId": event_id,
            "EventName": name,
            "ReadOnly": "false",
            "EventTime": at,
            "EventSource": "sagemaker.amazonaws.com",
            "Username": who,
            "Resources": [],
            "CloudTrailEvent": json.dumps(body),
        }
        self.events.append((at + self.delay, event))

    def lookup_events(self, **params: Any) -> dict:
        op = self._op("lookup_events", params)
        attributes = params.get("LookupAttributes", [])
        assert len(attributes) <= 1, "CloudTrail looks up one attribute at a time"
        wanted = {a["AttributeKey"]: a["AttributeValue"] for a in attributes}
        found = [
            copy.deepcopy(e)
            for delivered, e in self.events
            if delivered <= self.clock.now
            and wanted.get("EventName", e["EventName"]) == e["EventName"]
            and params.get("StartTime", e["EventTime"]) <= e["EventTime"] <= params.get("EndTime", e["EventTime"])
        ]
        found.sort(key=lambda e: e["EventTime"], reverse=True)
        page, rest = _page(found, params, 50)
        return self._reply(op, {"Events": page, **rest})
