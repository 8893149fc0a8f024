"""Recording the links SageMaker Lineage does not record by itself, so that the graph is complete before anyone
asks: a dataset's sources (feature-store versions, exclusion list, raw data), the code commit of a training job or
model package, and every approval-status change of a model package with its approver from CloudTrail.

Every function takes its boto3 clients, is idempotent, follows `NextToken`, retries throttling, and raises
`CaptureError` (which call, which ARN) on anything else."""

from ._approval import ApprovalResult, approval_handler, handle_approval_event
from ._aws import CaptureError, Pace
from ._lineage import Recorded
from ._sources import commit_uri, record_code_commit, record_dataset_sources
from .pipeline import record_sources_step

__all__ = [
    "ApprovalResult",
    "CaptureError",
    "Pace",
    "Recorded",
    "approval_handler",
    "commit_uri",
    "handle_approval_event",
    "record_code_commit",
    "record_dataset_sources",
    "record_sources_step",
]
