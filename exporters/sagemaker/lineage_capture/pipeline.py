"""The body of a SageMaker Pipelines step that runs after the dataset-assembly step: it records which feature-store
versions, exclusion list and raw data went into the assembled dataset. Wrap it in the SDK's `@step` (see
`examples/pipeline_record_sources.py`); the values may come as pipeline parameters, so JSON text is accepted."""

from __future__ import annotations

import json
from typing import Any, Callable

from ._aws import CaptureError, Pace
from ._sources import record_dataset_sources


def _decoded(value: Any, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as e:
            raise CaptureError(f"{what}: not JSON ({e.msg} at character {e.pos})") from None
    return value


def record_sources_step(
    dataset: str,
    feature_store_versions: Any = (),
    exclusion_list: Any = None,
    raw_data: Any = (),
    *,
    client: Callable[[str], Any] | None = None,
    pace: Pace | None = None,
) -> dict:
    """Records the sources of `dataset` (the assembly step's output S3 URI, or its processing job's ARN) and returns
    what was found or created, as JSON-ready data (a step's return value)."""
    if client is None:
        import boto3

        client = boto3.client
    recorded = record_dataset_sources(
        client("sagemaker"),
        dataset,
        _decoded(feature_store_versions, "feature_store_versions") or (),
        _decoded(exclusion_list, "exclusion_list"),
        _decoded(raw_data, "raw_data") or (),
        pace=pace,
    )
    return {
        "artifacts": [{"arn": a, "created": c} for a, c in recorded.artifacts],
        "associations": [{"source": s, "destination": d, "type": t, "created": c} for s, d, t, c in recorded.associations],
    }
