"""Idempotent writes to SageMaker Lineage: an artifact is looked up by source URI, type and its identifying
properties before it is created; an association is looked up before it is added, and "already exists" is success."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from ._aws import CaptureError, Pace, call, paged

ARN = re.compile(r"arn:(aws[a-z-]*):sagemaker:([a-z0-9-]*):([0-9]{12}):([a-z-]+)/(.+)")
#: Lineage entities AddAssociation takes.
ENTITIES = ("artifact", "experiment-trial-component", "context", "action")
#: SageMaker jobs, and the suffix SageMaker gives the trial component it creates for each.
JOBS = {"training-job": "-aws-training-job", "processing-job": "-aws-processing-job", "transform-job": "-aws-transform-job"}
#: Artifact types these helpers create (never mistaken for the artifact SageMaker keeps for a package or a dataset).
OWN_TYPES = frozenset({"FeatureStoreVersion", "ExclusionList", "RawData", "CodeCommit", "ApprovalRecord"})
#: CreateArtifact's limits (botocore's SageMaker model).
MAX_PROPERTIES, MAX_KEY, MAX_VALUE = 30, 2500, 4096


@dataclass
class Recorded:
    """What a helper found or made: each artifact and association with whether this call created it."""

    artifacts: list[tuple[str, bool]] = field(default_factory=list)
    associations: list[tuple[str, str, str, bool]] = field(default_factory=list)

    @property
    def created(self) -> int:
        """How many artifacts and associations this call created (0 when everything existed)."""
        return sum(c for _, c in self.artifacts) + sum(a[3] for a in self.associations)


def artifact_name(*parts: str) -> str:
    """An ArtifactName (letters, digits and single hyphens, at most 120 characters) made of `parts`; a long one is
    cut and ends in a hash of the whole so that two long names stay apart."""
    text = re.sub(r"[^a-zA-Z0-9]+", "-", "-".join(parts)).strip("-") or "artifact"
    if len(text) <= 120:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{text[:107].rstrip('-')}-{digest}"


def properties(values: dict[str, Any], what: str) -> dict[str, str]:
    """Artifact properties as SageMaker takes them: strings, at most 30, keys and values within their limits;
    `None` values left out."""
    out = {str(k): str(v) for k, v in values.items() if v is not None}
    if len(out) > MAX_PROPERTIES:
        raise CaptureError(f"{what}: {len(out)} properties, SageMaker allows {MAX_PROPERTIES}")
    for k, v in out.items():
        if not k or len(k) > MAX_KEY or len(v) > MAX_VALUE:
            raise CaptureError(f"{what}: property {k[:40]!r} is empty or too long (key ≤ {MAX_KEY}, value ≤ {MAX_VALUE})")
    return out


def lineage_entity(sagemaker: Any, target: str, pace: Pace) -> str:
    """The lineage entity ARN that `target` names: a lineage ARN as given; a training, processing or transform
    job's trial component; the lineage artifact SageMaker keeps for a model package or an S3 URI (exactly one)."""
    if target.startswith("s3://"):
        return _only_artifact(sagemaker, target, pace)
    m = ARN.fullmatch(target)
    if not m:
        raise CaptureError(f"{target!r} is neither a SageMaker ARN nor an s3:// URI")
    partition, region, account, kind, rest = m.groups()
    if kind in ENTITIES:
        return target
    if kind in JOBS:
        return f"arn:{partition}:sagemaker:{region}:{account}:experiment-trial-component/{rest}{JOBS[kind]}"
    if kind == "model-package":
        return _only_artifact(sagemaker, target, pace)
    raise CaptureError(f"{target}: a {kind} is not a lineage entity (give an artifact, trial component, job or model package)")


def _only_artifact(sagemaker: Any, source_uri: str, pace: Pace) -> str:
    found = paged(sagemaker, "list_artifacts", "ArtifactSummaries", source_uri, pace, SourceUri=source_uri)
    arns = sorted({a["ArtifactArn"] for a in found if a.get("ArtifactType") not in OWN_TYPES})
    if len(arns) == 1:
        return arns[0]
    if not arns:
        raise CaptureError(f"no lineage artifact has source URI {source_uri}: SageMaker has not recorded it (yet)")
    raise CaptureError(f"{len(arns)} lineage artifacts have source URI {source_uri} ({', '.join(arns)}): give the ARN")


def ensure_artifact(
    sagemaker: Any,
    pace: Pace,
    *,
    name: str,
    type_: str,
    source_uri: str,
    props: dict[str, str],
    key: tuple[str, ...],
    metadata: dict[str, str] | None = None,
) -> tuple[str, bool]:
    """The artifact of `type_` with `source_uri` whose `key` properties equal `props`' (the oldest when several
    do), else a new one; returns its ARN and whether it was created."""
    listed = paged(
        sagemaker, "list_artifacts", "ArtifactSummaries", source_uri, pace, SourceUri=source_uri, ArtifactType=type_
    )
    for summary in sorted(listed, key=lambda a: (a.get("CreationTime") or 0, a["ArtifactArn"])):
        arn = summary["ArtifactArn"]
        described = call(sagemaker, "describe_artifact", arn, pace, ArtifactArn=arn)
        have = described.get("Properties") or {}
        if all(have.get(k) == props.get(k) for k in key):
            return arn, False
    params: dict[str, Any] = {
        "ArtifactName": name,
        "Source": {"SourceUri": source_uri},
        "ArtifactType": type_,
        "Properties": props,
    }
    if metadata:
        params["MetadataProperties"] = metadata
    return call(sagemaker, "create_artifact", f"{type_} {source_uri}", pace, **params)["ArtifactArn"], True


def ensure_association(sagemaker: Any, pace: Pace, source: str, destination: str, kind: str) -> bool:
    """Adds `source` -`kind`-> `destination` unless it exists; returns whether it was added."""
    about = f"{source} -{kind}-> {destination}"
    existing = paged(
        sagemaker, "list_associations", "AssociationSummaries", about, pace, SourceArn=source, DestinationArn=destination
    )
    if any(a.get("AssociationType") == kind for a in existing):
        return False
    try:
        call(sagemaker, "add_association", about, pace, SourceArn=source, DestinationArn=destination, AssociationType=kind)
    except CaptureError as e:
        # A concurrent delivery of the same event added it between the listing and this call.
        if e.code == "ValidationException" and "already exist" in e.aws_message.lower():
            return False
        raise
    return True
