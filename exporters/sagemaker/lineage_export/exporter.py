"""Builds one Lineage Audit bundle from live SageMaker: every QueryLineage page (all NextTokens, depth beyond 10),
the Describe* responses of every vertex and of the jobs, model packages, endpoints, endpoint configs and models
they name, the SageMaker Pipelines executions that built the packages, and optionally the CloudTrail
approval/deployment events and the data-capture records. One model package, an endpoint, or a fleet (every version
of a model-package group, or of every group)."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from botocore.exceptions import ClientError

from lineage_export import __version__
from lineage_export.journal import Journal
from lineage_export.progress import Progress
from lineage_export.throttling import THROTTLING

#: QueryLineage's caps (botocore service model: QueryLineageMaxDepth max 10, QueryLineageMaxResults max 50).
MAX_DEPTH = 10
PAGE_SIZE = 50
#: Error codes AWS uses for "slow down"; these are retried with exponential backoff.
NOT_FOUND = {"ResourceNotFound", "ValidationException", "NoSuchKey"}
#: ListPipelineExecutionSteps, ListPipelineParametersForExecution, ListModelPackages(Groups): MaxResults max 100.
LIST_SIZE = 100
#: A SageMaker Pipelines execution ARN, as MetadataProperties.GeneratedBy names it.
EXECUTION_ARN = re.compile(r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:pipeline/[^/]+/execution/[^/]+")
#: The CloudTrail events that record approvals and deployments.
TRAIL_EVENTS = [
    "CreateModelPackage",
    "UpdateModelPackage",
    "CreateModel",
    "CreateEndpointConfig",
    "CreateEndpoint",
    "UpdateEndpoint",
]


class ExportError(Exception):
    """A failure the user must act on (bad argument, missing resource, unreadable capture file)."""


#: What `--capture-s3-uri` must look like.
S3_URI_FORM = (
    "s3://BUCKET/PREFIX (the endpoint's DataCaptureConfig.DestinationS3Uri, e.g. s3://credit-audit/data-capture)"
)


def split_s3_uri(uri: str) -> tuple[str, str]:
    """`(bucket, prefix)` from `s3://BUCKET/PREFIX` (the prefix may be empty); anything else is an ExportError."""
    bucket, _, prefix = uri[len("s3://"):].partition("/") if uri.startswith("s3://") else ("", "", "")
    if not bucket:
        raise ExportError(f"--capture-s3-uri {uri!r}: expected {S3_URI_FORM}")
    return bucket, prefix.strip("/")


def _strip(response: dict) -> dict:
    """A response as the API defines it: without boto3's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _tail(arn: str, kind: str) -> str | None:
    """`name` from `arn:…:kind/name`."""
    marker = f":{kind}/"
    return arn.split(marker, 1)[1] if marker in arn else None


def _name(arn: str) -> str:
    """An entity's name from its ARN (the text after the last `/`), as the SageMaker SDK passes it to
    DescribeAction/DescribeContext/DescribeTrialComponent; a name (no `/`) is returned unchanged."""
    return arn.rsplit("/", 1)[-1]


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(bundle: dict) -> str:
    """The bundle as JSON text (datetimes as ISO 8601), with a final newline."""
    return json.dumps(bundle, indent=1, default=_json_default, ensure_ascii=False) + "\n"


@dataclass
class Stats:
    """What the export read, for the bundle's stamp and the summary on stderr."""

    queries: int = 0
    pages: int = 0
    vertices: int = 0
    duplicate_vertices: int = 0
    edges: int = 0
    duplicate_edges: int = 0
    requeries_beyond_depth: int = 0
    descriptions: int = 0
    throttled_retries: int = 0
    cloudtrail_events: int = 0
    capture_files: int = 0
    capture_records: int = 0


@dataclass
class Options:
    """What to export besides the lineage itself."""

    cloudtrail: bool = False
    cloudtrail_start: dt.datetime | None = None
    cloudtrail_end: dt.datetime | None = None
    capture_s3_uri: str | None = None
    capture_start: dt.datetime | None = None
    capture_end: dt.datetime | None = None


@dataclass
class Start:
    """Where an export starts: one of a model package, an endpoint, a model-package group or every group; or a
    pipeline execution, alone or with a model package."""

    model_package: str | None = None
    endpoint: str | None = None
    pipeline_execution: str | None = None
    model_package_group: str | None = None
    all_model_package_groups: bool = False
    since: dt.date | None = None

    def check(self) -> None:
        given = [
            flag
            for flag, value in (
                ("--model-package", self.model_package),
                ("--endpoint", self.endpoint),
                ("--model-package-group", self.model_package_group),
                ("--all-model-package-groups", self.all_model_package_groups),
            )
            if value
        ]
        if len(given) > 1 or not (given or self.pipeline_execution):
            raise ExportError(
                "give exactly one of --model-package, --endpoint, --model-package-group and "
                "--all-model-package-groups, or --pipeline-execution (alone or with --model-package)"
                + (f"; got {' and '.join(given)}" if given else "")
            )
        if self.pipeline_execution and given and given != ["--model-package"]:
            raise ExportError(f"--pipeline-execution goes alone or with --model-package, not with {given[0]}")
        if self.since and not (self.model_package_group or self.all_model_package_groups):
            raise ExportError("--since goes with --model-package-group or --all-model-package-groups")
        if self.model_package and ":model-package/" not in self.model_package:
            raise ExportError(
                f"{self.model_package!r} is not a model-package ARN (arn:aws:sagemaker:…:model-package/GROUP/N)"
            )
        if self.pipeline_execution and not EXECUTION_ARN.fullmatch(self.pipeline_execution):
            raise ExportError(
                f"{self.pipeline_execution!r} is not a pipeline-execution ARN "
                "(arn:aws:sagemaker:REGION:ACCOUNT:pipeline/NAME/execution/ID)"
            )

    def counted(self) -> str:
        """What the progress bar counts."""
        if self.model_package or self.model_package_group or self.all_model_package_groups:
            return "packages"
        return "endpoint" if self.endpoint else "pipeline execution"

    def arguments(self) -> dict:
        """The bundle's Exporter.Arguments."""
        return {
            k: v
            for k, v in (
                ("ModelPackage", self.model_package),
                ("Endpoint", self.endpoint),
                ("ModelPackageGroup", self.model_package_group),
                ("AllModelPackageGroups", self.all_model_package_groups),
                ("Since", self.since.isoformat() if self.since else None),
                ("PipelineExecution", self.pipeline_execution),
            )
            if v
        }


@dataclass
class Exporter:
    """Talks to SageMaker (and CloudTrail, S3) through boto3 clients; everything it reads goes into one bundle."""

    sagemaker: Any
    cloudtrail: Any = None
    s3: Any = None
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)
    attempts: int = 8
    base_delay: float = 0.5
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    stats: Stats = field(default_factory=Stats)
    notes: list = field(default_factory=list)
    seen_vertices: set = field(default_factory=set)
    seen_edges: set = field(default_factory=set)
    #: Shows progress (off by default); the CLI turns it on when stderr is a terminal.
    progress: Progress = field(default_factory=Progress)
    #: Where each call's response is journaled, and answered from on `--resume` (none by default).
    journal: Journal | None = None
    #: Requests sent (throttled attempts included), calls answered from the journal, seconds of backoff.
    calls: int = 0
    replayed: int = 0
    waited: float = 0.0
    #: Model packages of the export (their lineage queried), packages a pipeline step registered (described
    #: only), endpoints, and the pipeline executions exported (None: not found), by ARN.
    packages: set = field(default_factory=set)
    registered: set = field(default_factory=set)
    endpoints: set = field(default_factory=set)
    executions: dict = field(default_factory=dict)
    pages: list = field(default_factory=list)
    _described: dict = field(default_factory=dict)
    _queried: set = field(default_factory=set)
    _covered: set = field(default_factory=set)
    _events: dict = field(default_factory=dict)
    _wanted: set = field(default_factory=set)
    _finished: set = field(default_factory=set)

    # ---- calls -------------------------------------------------------------------------------------------------

    def call(self, client: Any, operation: str, **params: Any) -> dict:
        """One API call, retried with exponential backoff (and jitter) while AWS throttles it; answered from the
        journal when an interrupted export made it already, and journaled otherwise."""
        service = client.meta.service_model.service_name
        answer = self.journal.get(service, operation, params) if self.journal else None
        if answer is not None:
            self.replayed += 1
            self.stats.throttled_retries += answer.retries
            self.progress.status(self.calls, self.replayed, self.waited)
            return answer.response
        response, retries = self._send(client, operation, params)
        if self.journal is not None:
            self.journal.append(service, operation, params, response, retries)
        return response

    def _send(self, client: Any, operation: str, params: dict) -> tuple[dict, int]:
        for attempt in range(self.attempts):
            self.calls += 1
            try:
                response = _strip(getattr(client, operation)(**params))
                self.progress.status(self.calls, self.replayed, self.waited)
                return response, attempt
            except ClientError as e:
                code = e.response.get("Error", {}).get("Code", "")
                if code not in THROTTLING or attempt == self.attempts - 1:
                    raise
                delay = min(30.0, self.base_delay * 2**attempt) * (0.5 + self.rng.random() / 2)
                self.stats.throttled_retries += 1
                if not self.progress.active:  # the bar shows the time spent waiting instead
                    self.log(f"{operation}: {code}, retrying in {delay:.2f} s")
                self.sleep(delay)
                self.waited += delay
                self.progress.status(self.calls, self.replayed, self.waited)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def tolerant(self, operation: str, key: str, **params: Any) -> dict | None:
        """A SageMaker call whose resource may no longer exist: then a note and None, not a failure."""
        try:
            return self.call(self.sagemaker, operation, **params)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code not in NOT_FOUND:
                raise
            message = e.response.get("Error", {}).get("Message", "")
            self.note(f"{operation} {key}: {code} {message}".strip())
            return None

    def describe(self, key: str, operation: str, **params: Any) -> dict | None:
        """A Describe* response, once per key; a resource that no longer exists becomes a note, not a failure."""
        if key in self._described:
            return self._described[key]
        response = self.tolerant(operation, key, **params)
        self._described[key] = response
        if response is not None:
            self.stats.descriptions += 1
        return response

    def note(self, message: str) -> None:
        self.notes.append(message)
        self.log(f"note: {message}")

    # ---- QueryLineage --------------------------------------------------------------------------------------------

    def query(self, start_arn: str, direction: str) -> list[dict]:
        """Every vertex and edge reachable from `start_arn`: pages through every NextToken, and re-queries from
        each vertex at QueryLineage's depth cap until nothing new appears. Returns the pages, deduplicated."""
        pages: list[dict] = []
        frontier = deque([start_arn])
        queried: set[str] = set()
        while frontier:
            arn = frontier.popleft()
            if arn in queried:
                continue
            if arn != start_arn:
                self.stats.requeries_beyond_depth += 1
            queried.add(arn)
            self.stats.queries += 1
            edges_of_query: list[dict] = []
            token = None
            while True:
                params: dict[str, Any] = {
                    "StartArns": [arn],
                    "Direction": direction,
                    "IncludeEdges": True,
                    "MaxDepth": MAX_DEPTH,
                    "MaxResults": PAGE_SIZE,
                }
                if token:
                    params["NextToken"] = token
                response = self.call(self.sagemaker, "query_lineage", **params)
                self.stats.pages += 1
                edges_of_query.extend(response.get("Edges", []))
                page = self._new_of(response)
                if page["Vertices"] or page["Edges"]:
                    pages.append(page)
                token = response.get("NextToken")
                if not token:
                    break
            for deep in _at_depth(arn, edges_of_query, direction, MAX_DEPTH):
                if deep not in queried:
                    frontier.append(deep)
        return pages

    def _new_of(self, response: dict) -> dict:
        """The vertices and edges of a page not seen before (SageMaker repeats them across pages)."""
        vertices, edges = [], []
        for v in response.get("Vertices", []):
            self.stats.vertices += 1
            if v.get("Arn") in self.seen_vertices:
                self.stats.duplicate_vertices += 1
                continue
            self.seen_vertices.add(v.get("Arn"))
            vertices.append(v)
        for e in response.get("Edges", []):
            self.stats.edges += 1
            key = (e.get("SourceArn"), e.get("DestinationArn"), e.get("AssociationType"))
            if key in self.seen_edges:
                self.stats.duplicate_edges += 1
                continue
            self.seen_edges.add(key)
            edges.append(e)
        return {"Vertices": vertices, "Edges": edges}

    # ---- descriptions --------------------------------------------------------------------------------------------

    def describe_vertices(self, pages: Iterable[dict], starts: Iterable[str] = ()) -> tuple[set[str], set[str]]:
        """Describes every vertex of the pages and the start vertices (a query never returns its start), and the
        job behind each trial component; returns the model-package ARNs and endpoint names their sources name."""
        packages: set[str] = set()
        endpoints: set[str] = set()
        by_arn = {a: {"Arn": a, "LineageType": _lineage_type(a)} for a in starts}
        by_arn.update({v["Arn"]: v for p in pages for v in p["Vertices"]})
        vertices = sorted(by_arn.values(), key=lambda v: v["Arn"])
        for v in vertices:
            # Descriptions are keyed by ARN; DescribeArtifact takes the ARN, the others the entity's name.
            arn, kind = v["Arn"], v.get("LineageType")
            if kind == "Artifact":
                d = self.describe(arn, "describe_artifact", ArtifactArn=arn)
            elif kind == "Action":
                d = self.describe(arn, "describe_action", ActionName=_name(arn))
            elif kind == "Context":
                d = self.describe(arn, "describe_context", ContextName=_name(arn))
            elif kind == "TrialComponent":
                d = self.describe(arn, "describe_trial_component", TrialComponentName=_name(arn))
            else:
                self.note(f"vertex {arn} has LineageType {kind!r}: not described")
                d = None
            if d is None:
                continue
            source = d.get("Source") or {}
            uri = source.get("SourceUri") or source.get("SourceArn") or ""
            if ":model-package/" in uri:
                packages.add(uri)
            if ":endpoint/" in uri:
                endpoints.add(_tail(uri, "endpoint") or "")
            if kind == "TrialComponent":
                self.describe_job(d)
        endpoints.discard("")
        return packages, endpoints

    def describe_job(self, trial_component: dict) -> None:
        """The training or processing job behind a trial component (its name keeps the job name's case; the ARN
        does not)."""
        source = (trial_component.get("Source") or {}).get("SourceArn", "")
        name = trial_component.get("TrialComponentName", "")
        for kind, suffix, op, param in (
            ("training-job", "-aws-training-job", "describe_training_job", "TrainingJobName"),
            ("processing-job", "-aws-processing-job", "describe_processing_job", "ProcessingJobName"),
        ):
            if f":{kind}/" in source:
                job = name[: -len(suffix)] if name.endswith(suffix) else _tail(source, kind)
                self.describe(source, op, **{param: job})
                return

    def describe_endpoint(self, name: str, configs: Iterable[str] = ()) -> set[str]:
        """The endpoint, its current and past configs and their models; returns the model packages they run."""
        packages: set[str] = set()
        endpoint = self.describe(f"endpoint/{name}", "describe_endpoint", EndpointName=name)
        names = set(configs)
        if endpoint and endpoint.get("EndpointConfigName"):
            names.add(endpoint["EndpointConfigName"])
        for config_name in sorted(names):
            config = self.describe(
                f"endpoint-config/{config_name}", "describe_endpoint_config", EndpointConfigName=config_name
            )
            for variant in (config or {}).get("ProductionVariants", []):
                model_name = variant.get("ModelName")
                model = model_name and self.describe(f"model/{model_name}", "describe_model", ModelName=model_name)
                if not model:
                    continue
                containers = [model.get("PrimaryContainer") or {}] + list(model.get("Containers") or [])
                packages.update(c["ModelPackageName"] for c in containers if c.get("ModelPackageName"))
        return packages

    # ---- CloudTrail -----------------------------------------------------------------------------------------------

    def fetch_trail(self, start: dt.datetime, end: dt.datetime) -> dict[str, list[dict]]:
        """Every SageMaker CloudTrail event of the approval/deployment kinds in [start, end], by event name
        (`lookup-events` looks up one attribute at a time; the 90-day event history is its limit)."""
        events: dict[str, list[dict]] = {}
        for name in TRAIL_EVENTS:
            events[name] = []
            token = None
            while True:
                params: dict[str, Any] = {
                    "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                    "StartTime": start,
                    "EndTime": end,
                    "MaxResults": 50,
                }
                if token:
                    params["NextToken"] = token
                response = self.call(self.cloudtrail, "lookup_events", **params)
                for e in response.get("Events", []):
                    if str(e.get("EventSource", "sagemaker.amazonaws.com")).startswith("sagemaker."):
                        events[name].append(e)
                token = response.get("NextToken")
                if not token:
                    break
        return events

    @staticmethod
    def select_trail(events: dict[str, list[dict]], packages: set[str], endpoints: set[str]) -> tuple[list[dict], set[str]]:
        """The events of these packages and endpoints, and the configs the endpoint events deployed. A config or
        model event counts when a kept endpoint event deploys it."""

        def record(e: dict) -> dict:
            try:
                return json.loads(e.get("CloudTrailEvent") or "{}")
            except json.JSONDecodeError as err:
                raise ExportError(f"CloudTrail event {e.get('EventId')}: CloudTrailEvent is not JSON: {err}")

        def param(r: dict, key: str) -> Any:
            return (r.get("requestParameters") or {}).get(key)

        keep: list[dict] = []
        lowered = {e.lower() for e in endpoints}
        configs: set[str] = set()
        for e in events.get("CreateEndpoint", []) + events.get("UpdateEndpoint", []):
            r = record(e)
            if str(param(r, "endpointName") or "").lower() in lowered:
                keep.append(e)
                if param(r, "endpointConfigName"):
                    configs.add(param(r, "endpointConfigName"))
        models: set[str] = set()
        for e in events.get("CreateEndpointConfig", []):
            r = record(e)
            if param(r, "endpointConfigName") in configs:
                keep.append(e)
                models.update(v.get("modelName") for v in param(r, "productionVariants") or [])
        for e in events.get("CreateModel", []):
            if param(record(e), "modelName") in models:
                keep.append(e)
        for e in events.get("UpdateModelPackage", []):
            r = record(e)
            if (param(r, "modelPackageArn") or param(r, "modelPackageName")) in packages:
                keep.append(e)
        for e in events.get("CreateModelPackage", []):
            if (record(e).get("responseElements") or {}).get("modelPackageArn") in packages:
                keep.append(e)
        keep.sort(key=lambda e: (str(e.get("EventTime")), e.get("EventId", "")))
        return keep, configs

    # ---- data capture -------------------------------------------------------------------------------------------

    def capture(self, s3_uri: str, endpoints: Iterable[str], start: dt.datetime, end: dt.datetime) -> list[dict]:
        """Capture files of these endpoints whose hour folder lies in [start, end], with their records."""
        bucket, prefix = split_s3_uri(s3_uri)
        out = []
        for endpoint in sorted(endpoints):
            base = f"{prefix}/{endpoint}/" if prefix else f"{endpoint}/"
            token = None
            keys = []
            while True:
                params: dict[str, Any] = {"Bucket": bucket, "Prefix": base}
                if token:
                    params["ContinuationToken"] = token
                response = self.call(self.s3, "list_objects_v2", **params)
                keys.extend(o["Key"] for o in response.get("Contents", []))
                token = response.get("NextContinuationToken") if response.get("IsTruncated") else None
                if not token:
                    break
            for key in sorted(keys):
                hour = _capture_hour(key[len(base) :])
                if hour is None or not (start <= hour <= end):
                    continue
                body = self.call(self.s3, "get_object", Bucket=bucket, Key=key)["Body"].read()
                records = []
                for i, line in enumerate(body.decode("utf-8").splitlines(), 1):
                    if not line.strip():
                        continue
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as err:
                        raise ExportError(f"s3://{bucket}/{key}:{i}: not a JSON capture record: {err}")
                self.stats.capture_files += 1
                self.stats.capture_records += len(records)
                out.append({"S3Uri": f"s3://{bucket}/{key}", "Records": records})
        return out

    # ---- SageMaker Pipelines --------------------------------------------------------------------------------------

    def finish_packages(self) -> None:
        """Describes every model package of the export, then exports the pipeline executions they name
        (MetadataProperties.GeneratedBy) and those whose results the executions' cached steps reused, until none is
        left; each execution once."""
        while True:
            for arn in sorted((self.packages | self.registered) - self._finished):
                self._finished.add(arn)
                described = self.describe(arn, "describe_model_package", ModelPackageName=arn)
                generated_by = ((described or {}).get("MetadataProperties") or {}).get("GeneratedBy") or ""
                if EXECUTION_ARN.fullmatch(generated_by):
                    self._wanted.add(generated_by)
            todo = sorted(self._wanted - self.executions.keys())
            if not todo:
                return
            for arn in todo:
                self.export_execution(arn)

    def export_execution(self, arn: str) -> dict | None:
        """A pipeline execution as one bundle element: its DescribePipelineExecution, every page of its steps and
        parameters, and its definition, as AWS returns them (a call whose resource is gone leaves its key out, with
        a note; without DescribePipelineExecution there is no element). Describes the jobs and model packages its
        steps name."""
        described = self.tolerant("describe_pipeline_execution", arn, PipelineExecutionArn=arn)
        if described is None:
            self.executions[arn] = None
            return None
        element: dict[str, Any] = {"DescribePipelineExecution": described}
        for key, operation in (
            ("ListPipelineExecutionSteps", "list_pipeline_execution_steps"),
            ("ListPipelineParametersForExecution", "list_pipeline_parameters_for_execution"),
        ):
            pages = self._tolerant_pages(operation, arn, PipelineExecutionArn=arn, MaxResults=LIST_SIZE)
            if pages is not None:
                element[key] = pages
        definition = self.tolerant("describe_pipeline_definition_for_execution", arn, PipelineExecutionArn=arn)
        if definition is not None:
            element["DescribePipelineDefinitionForExecution"] = definition
        self.executions[arn] = {"PipelineExecution": element}
        for page in element.get("ListPipelineExecutionSteps", []):
            for step in page.get("PipelineExecutionSteps", []):
                self._follow_step(step)
        return self.executions[arn]

    def _follow_step(self, step: dict) -> None:
        """A cached step's source execution (where its job really ran) is exported too; the training and
        processing jobs and the model package a step names are described."""
        cached = (step.get("CacheHitResult") or {}).get("SourcePipelineExecutionArn")
        if cached:
            self._wanted.add(cached)
        metadata = step.get("Metadata") or {}
        for kind, operation, param in (
            ("TrainingJob", "describe_training_job", "TrainingJobName"),
            ("ProcessingJob", "describe_processing_job", "ProcessingJobName"),
        ):
            job = (metadata.get(kind) or {}).get("Arn")
            if job:
                self.describe(job, operation, **{param: _name(job)})
        package = (metadata.get("RegisterModel") or {}).get("Arn")
        if package and ":model-package/" in package:
            self.registered.add(package)
            self.describe(package, "describe_model_package", ModelPackageName=package)

    def _tolerant_pages(self, operation: str, key: str, **params: Any) -> list[dict] | None:
        """Every page of a listing, each whole (NextToken as returned); None (and a note) when it is gone."""
        pages: list[dict] = []
        token = None
        while True:
            page = self.tolerant(operation, key, **params, **({"NextToken": token} if token else {}))
            if page is None:
                return None
            pages.append(page)
            token = page.get("NextToken")
            if not token:
                return pages

    # ---- fleets ---------------------------------------------------------------------------------------------------

    def fleet(self, group: str | None, since: dt.date | None) -> list[str]:
        """The versioned model packages of `group` (or of every group, by name), created on or after `since`
        (UTC), in order of group and version."""
        if group:
            groups = [group]
        else:
            summaries = self._paged("list_model_package_groups", "ModelPackageGroupSummaryList", MaxResults=LIST_SIZE)
            groups = sorted({g["ModelPackageGroupName"] for g in summaries})
        params: dict[str, Any] = {"ModelPackageType": "Versioned", "MaxResults": LIST_SIZE}
        if since:
            params["CreationTimeAfter"] = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
        out: dict[str, None] = {}
        for name in groups:
            summaries = self._paged(
                "list_model_packages", "ModelPackageSummaryList", ModelPackageGroupName=name, **params
            )
            summaries.sort(key=lambda p: (p.get("ModelPackageVersion") or 0, p["ModelPackageArn"]))
            out.update((p["ModelPackageArn"], None) for p in summaries)
        if not out:
            where = f"group {group}" if group else f"the {len(groups)} model-package group(s)"
            self.note(f"no versioned model package in {where}" + (f" created on or after {since}" if since else ""))
        return list(out)

    def export_fleet(self, packages: list[str]) -> list[str]:
        """Each package as `--model-package` exports it, into the one bundle (nothing is queried or described
        twice); a package without a lineage artifact is a note, and still described. Returns the start ARNs."""
        starts: set[str] = set()
        self.progress.total(len(packages))
        for arn in packages:
            artifacts = self._artifacts_for(arn)
            if not artifacts:
                self.note(f"model package {arn} has no lineage artifact")
            self.packages.add(arn)
            self._covered.add(arn)
            starts.update(artifacts)
            self.expand([a for a in artifacts if a not in self._queried])
            self.finish_packages()
            self.progress.advance()
        return sorted(starts)

    # ---- the whole export ------------------------------------------------------------------------------------------

    def export(
        self,
        *,
        model_package: str | None = None,
        endpoint: str | None = None,
        pipeline_execution: str | None = None,
        model_package_group: str | None = None,
        all_model_package_groups: bool = False,
        since: dt.date | None = None,
        options: Options = Options(),
    ) -> dict:
        """One bundle for a model package (its ancestry, deployments and pipeline execution), an endpoint (its
        deployments and the ancestry of every package it served, found through the lineage, its configs and
        CloudTrail), a pipeline execution, or a fleet: every version of a model-package group, or of every group."""
        start = Start(model_package, endpoint, pipeline_execution, model_package_group, all_model_package_groups, since)
        start.check()
        fleet = bool(model_package_group or all_model_package_groups)
        self.progress.start(start.counted(), None if fleet else 1)
        packages = self.fleet(model_package_group, since) if fleet else []
        start_arns = [] if fleet else self._single_start(start)
        self._events = self._trail(options)
        if fleet:
            start_arns = self.export_fleet(packages)
        else:
            self.expand(start_arns)
            self.finish_packages()
            self.progress.advance()
        if pipeline_execution and not self.executions.get(pipeline_execution):
            raise ExportError(f"pipeline execution {pipeline_execution} not found")
        return self._bundle(start, start_arns, options)

    def _single_start(self, start: Start) -> list[str]:
        """The lineage artifacts of the model package or the contexts of the endpoint (none for a pipeline
        execution alone)."""
        if start.pipeline_execution:
            self._wanted.add(start.pipeline_execution)
        if start.model_package:
            self.packages.add(start.model_package)
            self._covered.add(start.model_package)
            arns = self._artifacts_for(start.model_package)
            if not arns:
                raise ExportError(
                    f"no lineage artifact has source URI {start.model_package}: SageMaker has no lineage for it"
                )
            return arns
        if start.endpoint:
            described = self.describe(f"endpoint/{start.endpoint}", "describe_endpoint", EndpointName=start.endpoint)
            if not described:
                raise ExportError(f"endpoint {start.endpoint!r} not found")
            self.endpoints.add(start.endpoint)
            arns = self._contexts_for(described["EndpointArn"])
            if not arns:
                raise ExportError(f"no lineage context has source URI {described['EndpointArn']}")
            return arns
        return []

    def _trail(self, options: Options) -> dict[str, list[dict]]:
        if not options.cloudtrail:
            return {}
        if self.cloudtrail is None:
            raise ExportError("--cloudtrail needs a CloudTrail client")
        end = options.cloudtrail_end or self.now()
        return self.fetch_trail(options.cloudtrail_start or end - dt.timedelta(days=90), end)

    def expand(self, pending: list[str]) -> None:
        """Queries the lineage of `pending` both ways, describes what it finds, and goes on with the lineage
        artifacts of the packages found that the pages do not hold yet (through endpoints, their configs and
        CloudTrail: past deployments), until none is left."""
        while pending:
            new_pages: list[dict] = []
            for arn in pending:
                self._queried.add(arn)
                for direction in ("Ascendants", "Descendants"):
                    new_pages += self.query(arn, direction)
            self.pages += new_pages
            found_packages, found_endpoints = self.describe_vertices(new_pages, pending)
            # A package whose artifact is in the pages has its ancestry in them already.
            self._covered |= found_packages
            self.packages |= found_packages
            self.endpoints |= found_endpoints
            # Past deployments: configs that CloudTrail says were deployed, and the packages their models ran.
            _, configs = self.select_trail(self._events, self.packages, self.endpoints)
            for name in sorted(self.endpoints):
                self.packages |= {p for p in self.describe_endpoint(name, configs) if p.startswith("arn:")}
            pending = []
            for arn in sorted(self.packages - self._covered):
                self._covered.add(arn)
                pending += [a for a in self._artifacts_for(arn) if a not in self._queried]

    def _bundle(self, start: Start, start_arns: list[str], options: Options) -> dict:
        descriptions = [d for d in self._described.values() if d is not None]
        descriptions += [self.executions[a] for a in sorted(self.executions) if self.executions[a]]
        if options.cloudtrail:
            kept, _ = self.select_trail(self._events, self.packages | self.registered, self.endpoints)
            self.stats.cloudtrail_events = len(kept)
            descriptions.append({"Events": kept})
        bundle: dict[str, Any] = {
            "Exporter": {
                "Name": "lineage-export-sagemaker",
                "Version": __version__,
                "ExportedAt": self.now().isoformat(),
                "Arguments": start.arguments(),
            },
            "StartArns": start_arns,
            "Pages": self.pages,
            "Descriptions": descriptions,
        }
        if options.capture_s3_uri:
            if self.s3 is None:
                raise ExportError("--capture-s3-uri needs an S3 client")
            if options.capture_start is None or options.capture_end is None:
                raise ExportError("--capture-s3-uri needs --from and --to")
            bundle["DataCapture"] = self.capture(
                options.capture_s3_uri, self.endpoints, options.capture_start, options.capture_end
            )
        bundle["Exporter"]["Stats"] = vars(self.stats)
        bundle["Exporter"]["Notes"] = self.notes
        return bundle

    def _artifacts_for(self, source_uri: str) -> list[str]:
        return self._list("list_artifacts", "ArtifactSummaries", "ArtifactArn", SourceUri=source_uri)

    def _contexts_for(self, source_uri: str) -> list[str]:
        return self._list("list_contexts", "ContextSummaries", "ContextArn", SourceUri=source_uri)

    def _list(self, operation: str, key: str, arn_key: str, **params: Any) -> list[str]:
        return sorted({s[arn_key] for s in self._paged(operation, key, **params)})

    def _paged(self, operation: str, key: str, **params: Any) -> list[dict]:
        """The `key` items of every page of a SageMaker listing."""
        out, token = [], None
        while True:
            page = self.call(self.sagemaker, operation, **params, **({"NextToken": token} if token else {}))
            out += page.get(key, [])
            token = page.get("NextToken")
            if not token:
                return out


def _at_depth(start: str, edges: list[dict], direction: str, depth: int) -> list[str]:
    """Vertices exactly `depth` associations from `start` along `direction`: where QueryLineage stopped."""
    forward: dict[str, set[str]] = {}
    for e in edges:
        src, dst = e.get("SourceArn"), e.get("DestinationArn")
        if direction in ("Ascendants", "Both"):
            forward.setdefault(dst, set()).add(src)
        if direction in ("Descendants", "Both"):
            forward.setdefault(src, set()).add(dst)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(forward.get(v, ())):
            if w not in distance:
                distance[w] = distance[v] + 1
                queue.append(w)
    return sorted(v for v, d in distance.items() if d == depth)


def _lineage_type(arn: str) -> str | None:
    """The LineageType an ARN's resource type implies (QueryLineage ARNs are one of these four kinds)."""
    kinds = {"artifact": "Artifact", "action": "Action", "context": "Context", "experiment-trial-component": "TrialComponent"}
    resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
    return kinds.get(resource.split("/", 1)[0])


def _capture_hour(rest: str) -> dt.datetime | None:
    """The hour of `VARIANT/yyyy/mm/dd/hh/FILE.jsonl`, or None when the key has another layout."""
    parts = rest.split("/")
    if len(parts) != 6 or not parts[5].endswith(".jsonl"):
        return None
    try:
        y, m, d, h = (int(p) for p in parts[1:5])
        return dt.datetime(y, m, d, h, tzinfo=dt.timezone.utc)
    except ValueError:
        return None
