"""Builds one Lineage Audit bundle from live SageMaker: every QueryLineage page (all NextTokens, depth beyond 10),
the Describe* responses of every vertex and of the jobs, model packages, endpoints, endpoint configs and models
they name, and optionally the CloudTrail approval/deployment events and the data-capture records."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from botocore.exceptions import ClientError

from lineage_export import __version__

#: QueryLineage's caps (botocore service model: QueryLineageMaxDepth max 10, QueryLineageMaxResults max 50).
MAX_DEPTH = 10
PAGE_SIZE = 50
#: Error codes AWS uses for "slow down"; these are retried with exponential backoff.
THROTTLING = {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
NOT_FOUND = {"ResourceNotFound", "ValidationException", "NoSuchKey"}
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
    _described: dict = field(default_factory=dict)

    # ---- calls -------------------------------------------------------------------------------------------------

    def call(self, client: Any, operation: str, **params: Any) -> dict:
        """One API call, retried with exponential backoff (and jitter) while AWS throttles it."""
        for attempt in range(self.attempts):
            try:
                return _strip(getattr(client, operation)(**params))
            except ClientError as e:
                code = e.response.get("Error", {}).get("Code", "")
                if code not in THROTTLING or attempt == self.attempts - 1:
                    raise
                delay = min(30.0, self.base_delay * 2**attempt) * (0.5 + self.rng.random() / 2)
                self.stats.throttled_retries += 1
                self.log(f"{operation}: {code}, retrying in {delay:.2f} s")
                self.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def describe(self, key: str, operation: str, **params: Any) -> dict | None:
        """A Describe* response, once per key; a resource that no longer exists becomes a note, not a failure."""
        if key in self._described:
            return self._described[key]
        try:
            response = self.call(self.sagemaker, operation, **params)
        except ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code not in NOT_FOUND:
                raise
            message = e.response.get("Error", {}).get("Message", "")
            self.note(f"{operation} {key}: {code} {message}".strip())
            response = None
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
        if not s3_uri.startswith("s3://"):
            raise ExportError(f"--capture-s3-uri {s3_uri!r}: expected s3://BUCKET/PREFIX")
        bucket, _, prefix = s3_uri[5:].partition("/")
        prefix = prefix.strip("/")
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

    # ---- the whole export ------------------------------------------------------------------------------------------

    def export(self, *, model_package: str | None = None, endpoint: str | None = None, options: Options = Options()) -> dict:
        """One bundle for a model package (its ancestry and deployments) or an endpoint (its deployments and the
        ancestry of every package it served, found through the lineage, its configs and CloudTrail)."""
        if bool(model_package) == bool(endpoint):
            raise ExportError("give exactly one of a model-package ARN or an endpoint name")
        packages: set[str] = set()
        endpoints: set[str] = set()
        if model_package:
            if ":model-package/" not in model_package:
                raise ExportError(f"{model_package!r} is not a model-package ARN (arn:aws:sagemaker:…:model-package/GROUP/N)")
            packages.add(model_package)
            start_arns = self._artifacts_for(model_package)
            if not start_arns:
                raise ExportError(f"no lineage artifact has source URI {model_package}: SageMaker has no lineage for it")
        else:
            described = self.describe(f"endpoint/{endpoint}", "describe_endpoint", EndpointName=endpoint)
            if not described:
                raise ExportError(f"endpoint {endpoint!r} not found")
            endpoints.add(endpoint)
            start_arns = self._contexts_for(described["EndpointArn"])
            if not start_arns:
                raise ExportError(f"no lineage context has source URI {described['EndpointArn']}")

        events: dict[str, list[dict]] = {}
        if options.cloudtrail:
            if self.cloudtrail is None:
                raise ExportError("--cloudtrail needs a CloudTrail client")
            end = options.cloudtrail_end or self.now()
            events = self.fetch_trail(options.cloudtrail_start or end - dt.timedelta(days=90), end)

        pages: list[dict] = []
        queried: set[str] = set()
        covered: set[str] = set(packages)
        pending = list(start_arns)
        while pending:
            new_pages: list[dict] = []
            for arn in pending:
                queried.add(arn)
                for direction in ("Ascendants", "Descendants"):
                    new_pages += self.query(arn, direction)
            pages += new_pages
            found_packages, found_endpoints = self.describe_vertices(new_pages, pending)
            # A package whose artifact is in the pages has its ancestry in them already.
            covered |= found_packages
            packages |= found_packages
            endpoints |= found_endpoints
            # Past deployments: configs that CloudTrail says were deployed, and the packages their models ran.
            _, configs = self.select_trail(events, packages, endpoints)
            for name in sorted(endpoints):
                packages |= {p for p in self.describe_endpoint(name, configs) if p.startswith("arn:")}
            pending = []
            for arn in sorted(packages - covered):
                covered.add(arn)
                pending += [a for a in self._artifacts_for(arn) if a not in queried]
        for arn in sorted(packages):
            self.describe(arn, "describe_model_package", ModelPackageName=arn)

        descriptions = [d for d in self._described.values() if d is not None]
        if options.cloudtrail:
            kept, _ = self.select_trail(events, packages, endpoints)
            self.stats.cloudtrail_events = len(kept)
            descriptions.append({"Events": kept})
        bundle: dict[str, Any] = {
            "Exporter": {
                "Name": "lineage-export-sagemaker",
                "Version": __version__,
                "ExportedAt": self.now().isoformat(),
                "Arguments": {k: v for k, v in (("ModelPackage", model_package), ("Endpoint", endpoint)) if v},
            },
            "StartArns": start_arns,
            "Pages": pages,
            "Descriptions": descriptions,
        }
        if options.capture_s3_uri:
            if self.s3 is None:
                raise ExportError("--capture-s3-uri needs an S3 client")
            if options.capture_start is None or options.capture_end is None:
                raise ExportError("--capture-s3-uri needs --from and --to")
            bundle["DataCapture"] = self.capture(
                options.capture_s3_uri, endpoints, options.capture_start, options.capture_end
            )
        bundle["Exporter"]["Stats"] = vars(self.stats)
        bundle["Exporter"]["Notes"] = self.notes
        return bundle

    def _artifacts_for(self, source_uri: str) -> list[str]:
        return self._list("list_artifacts", "ArtifactSummaries", "ArtifactArn", SourceUri=source_uri)

    def _contexts_for(self, source_uri: str) -> list[str]:
        return self._list("list_contexts", "ContextSummaries", "ContextArn", SourceUri=source_uri)

    def _list(self, operation: str, key: str, arn_key: str, **params: Any) -> list[str]:
        out, token = [], None
        while True:
            page = self.call(self.sagemaker, operation, **params, **({"NextToken": token} if token else {}))
            out += [s[arn_key] for s in page.get(key, [])]
            token = page.get("NextToken")
            if not token:
                return sorted(set(out))


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
