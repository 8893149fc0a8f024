"""The two links SageMaker never records by itself: which sources went into a dataset (feature-store versions, the
exclusion list, raw data), and which code commit a training job or model package was built from."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ._aws import CaptureError, Pace
from ._lineage import ARN, Recorded, artifact_name, ensure_artifact, ensure_association, lineage_entity, properties

COMMIT = re.compile(r"[0-9a-fA-F]{7,64}")
#: How each source's artifact name begins.
NAME_PREFIX = {"FeatureStoreVersion": "features", "ExclusionList": "exclusion-list", "RawData": "raw"}


def _text(value: Any, what: str) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        raise CaptureError(f"{what}: expected a non-empty string, got {value!r}")
    return str(value).strip()


def _source(item: Any, what: str, uri_key: str, version_required: bool) -> tuple[str, str | None, dict]:
    """(URI, version, other properties) of one source as the caller gave it."""
    if not isinstance(item, Mapping):
        raise CaptureError(f"{what}: expected an object with {uri_key!r} and 'version', got {item!r}")
    uri = _text(item.get(uri_key), f"{what}.{uri_key}")
    version = item.get("version")
    version = _text(version, f"{what}.version") if version is not None or version_required else None
    extra = {k: v for k, v in item.items() if k not in (uri_key, "version")}
    return uri, version, extra


def _feature_group(arn: str, what: str) -> str:
    m = ARN.fullmatch(arn)
    if not m or m.group(4) != "feature-group":
        raise CaptureError(f"{what}: {arn!r} is not a feature group ARN (arn:aws:sagemaker:REGION:ACCOUNT:feature-group/NAME)")
    return m.group(5)


def record_dataset_sources(
    sagemaker: Any,
    dataset_arn: str,
    feature_store_versions: Iterable[Mapping] = (),
    exclusion_list: Mapping | None = None,
    raw_data: Iterable[Mapping] = (),
    *,
    pace: Pace | None = None,
) -> Recorded:
    """Records what went into a dataset: one artifact per source (`FeatureStoreVersion` with the feature group ARN as
    source URI, `ExclusionList`, `RawData` with their S3 URIs; `version` and any other given key as properties), each
    `ContributedTo` the dataset. `dataset_arn` is the dataset's lineage artifact ARN, its S3 URI (the artifact
    SageMaker keeps for it), a processing job's ARN or its trial component's ARN. Running it twice creates nothing."""
    pace = pace or Pace()
    wanted: list[tuple[str, str, str | None, dict, str]] = []  # (type, uri, version, properties, name part)
    for i, fs in enumerate(feature_store_versions):
        what = f"feature_store_versions[{i}]"
        uri, version, extra = _source(fs, what, "feature_group_arn", True)
        group = _feature_group(uri, what)
        wanted.append(("FeatureStoreVersion", uri, version, {"feature_group_name": group, **extra}, group))
    if exclusion_list is not None:
        uri, version, extra = _source(exclusion_list, "exclusion_list", "uri", True)
        wanted.append(("ExclusionList", uri, version, extra, uri.rsplit("/", 1)[-1]))
    for i, raw in enumerate(raw_data):
        uri, version, extra = _source(raw, f"raw_data[{i}]", "uri", False)
        wanted.append(("RawData", uri, version, extra, uri.rstrip("/").rsplit("/", 1)[-1]))
    if not wanted:
        raise CaptureError("record_dataset_sources: no source given (feature_store_versions, exclusion_list, raw_data)")
    target = lineage_entity(sagemaker, _text(dataset_arn, "dataset_arn"), pace)
    out = Recorded()
    for type_, uri, version, extra, part in wanted:
        props = properties({"version": version, **extra}, f"{type_} {uri}")
        name = artifact_name(NAME_PREFIX[type_], part, version or "")
        arn, created = ensure_artifact(
            sagemaker, pace, name=name, type_=type_, source_uri=uri, props=props, key=("version",)
        )
        out.artifacts.append((arn, created))
        out.associations.append((arn, target, "ContributedTo", ensure_association(sagemaker, pace, arn, target, "ContributedTo")))
    return out


def commit_uri(repository: str, commit: str) -> str:
    """Where a commit can be looked at: `https://host/owner/repo/commit/SHA` for an https repository (without
    `.git`), else `REPOSITORY#SHA`."""
    if repository.startswith("https://"):
        base = repository.rstrip("/")
        base = base[: -len(".git")] if base.endswith(".git") else base
        return f"{base}/commit/{commit}"
    return f"{repository}#{commit}"


def record_code_commit(
    sagemaker: Any,
    target_arn: str,
    repository: str,
    commit: str,
    *,
    branch: str | None = None,
    pace: Pace | None = None,
) -> Recorded:
    """Records the code a training job or model package was built from: a `CodeCommit` artifact (source URI the
    commit's URL, `MetadataProperties.CommitId`/`Repository` as SageMaker defines them, `repository`/`commit`
    properties) that `ContributedTo` the target: a training job's ARN or trial component, or a model package's ARN
    (its lineage artifact). Running it twice creates nothing."""
    pace = pace or Pace()
    repository = _text(repository, "repository")
    commit = _text(commit, "commit")
    if not COMMIT.fullmatch(commit):
        raise CaptureError(f"commit: expected a git commit hash (7 to 64 hex digits), got {commit!r}")
    target = lineage_entity(sagemaker, _text(target_arn, "target_arn"), pace)
    props = properties({"repository": repository, "commit": commit, "branch": branch}, f"commit {commit}")
    arn, created = ensure_artifact(
        sagemaker,
        pace,
        name=artifact_name("code", repository.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git"), commit[:12]),
        type_="CodeCommit",
        source_uri=commit_uri(repository, commit),
        props=props,
        key=("commit",),
        metadata={"CommitId": commit, "Repository": repository},
    )
    out = Recorded(artifacts=[(arn, created)])
    out.associations.append((arn, target, "ContributedTo", ensure_association(sagemaker, pace, arn, target, "ContributedTo")))
    return out
