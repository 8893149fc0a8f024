"""The approval record: on an EventBridge "SageMaker Model Package State Change", the CloudTrail call that set the
package's approval status names who did it; an `ApprovalRecord` artifact keeps status, approver, time, description
and the CloudTrail event ID, associated with the package's lineage artifact. Rejections are recorded too."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ._aws import CaptureError, Pace, call, paged
from ._lineage import ARN, artifact_name, ensure_artifact, ensure_association, lineage_entity, properties

DETAIL_TYPE = "SageMaker Model Package State Change"
#: How far from the change's time a CloudTrail call may be and still be the call that made it.
SKEW = dt.timedelta(minutes=2)
#: Waits between CloudTrail lookups while the call has not been delivered (CloudTrail takes minutes); the last
#: one repeats until `wait_seconds` have passed.
WAITS = (15.0, 30.0, 60.0)


@dataclass(frozen=True)
class ApprovalResult:
    """What the handler did: `recorded` (a new record), `already recorded` (this CloudTrail event has a record:
    a duplicated or replayed event) or `skipped` (no approval decision: a package created pending approval, or an
    update of something else than its approval status)."""

    outcome: str
    package_arn: str
    status: str
    record_arn: str | None = None
    cloudtrail_event_id: str | None = None
    approver: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if v is not None}


def _time(text: Any, what: str) -> dt.datetime:
    if isinstance(text, dt.datetime):
        return text if text.tzinfo else text.replace(tzinfo=dt.timezone.utc)
    try:
        t = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise CaptureError(f"{what}: expected an ISO 8601 time, got {text!r}") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class _Change:
    """The change an event announces."""

    event_id: str | None
    package_arn: str
    status: str
    at: dt.datetime
    description: str | None


def _change(event: Mapping) -> _Change:
    if not isinstance(event, Mapping) or event.get("detail-type") != DETAIL_TYPE:
        got = event.get("detail-type") if isinstance(event, Mapping) else type(event).__name__
        raise CaptureError(f"event: expected detail-type {DETAIL_TYPE!r}, got {got!r}")
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise CaptureError("event.detail: expected an object")
    package = detail.get("ModelPackageArn")
    if not isinstance(package, str) or not ARN.fullmatch(package) or ARN.fullmatch(package).group(4) != "model-package":
        raise CaptureError(f"event.detail.ModelPackageArn: expected a model package ARN, got {package!r}")
    status = detail.get("ModelApprovalStatus")
    if not isinstance(status, str) or not status:
        raise CaptureError("event.detail.ModelApprovalStatus: missing")
    when = detail.get("LastModifiedTime") or event.get("time")
    if when is None:
        raise CaptureError("event: neither detail.LastModifiedTime nor time says when the change happened")
    at = _time(when, "event.detail.LastModifiedTime")
    return _Change(event.get("id"), package, status, at, detail.get("ApprovalDescription"))


def _calls_for(cloudtrail: Any, pace: Pace, change: _Change, names: tuple[str, ...]) -> list[dict]:
    """CloudTrail calls on this package near the change (their `CloudTrailEvent` records)."""
    found = []
    for name in names:
        events = paged(
            cloudtrail,
            "lookup_events",
            "Events",
            f"{name} calls for {change.package_arn}",
            pace,
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}],
            StartTime=change.at - SKEW,
            EndTime=change.at + SKEW,
        )
        for e in events:
            try:
                record = json.loads(e.get("CloudTrailEvent") or "{}")
            except json.JSONDecodeError:
                raise CaptureError(f"CloudTrail event {e.get('EventId')}: CloudTrailEvent is not JSON") from None
            request = record.get("requestParameters") or {}
            response = record.get("responseElements") or {}
            if (request.get("modelPackageArn") or response.get("modelPackageArn")) == change.package_arn:
                found.append(record)
    return found


def _nearest(records: list[dict], change: _Change) -> dict:
    return min(records, key=lambda r: (abs(_time(r.get("eventTime"), "eventTime") - change.at), r.get("eventID", "")))


def _find_call(cloudtrail: Any, pace: Pace, change: _Change, names: tuple[str, ...], wait_seconds: float) -> dict | None:
    """The CloudTrail call that set the event's approval status (the nearest in time), waiting while CloudTrail has
    not delivered it; None when the call that made the change set no approval status (another kind of update)."""
    started = pace.clock()
    for attempt in range(10_000):
        found = _calls_for(cloudtrail, pace, change, names)
        setting = [r for r in found if (r.get("requestParameters") or {}).get("modelApprovalStatus") == change.status]
        if setting:
            return _nearest(setting, change)
        if any("modelApprovalStatus" not in (r.get("requestParameters") or {}) for r in found):
            return None
        waited = pace.clock() - started
        if waited >= wait_seconds:
            break
        pace.sleep(min(WAITS[min(attempt, len(WAITS) - 1)], wait_seconds - waited))
    raise CaptureError(
        f"CloudTrail lookup_events: no {' or '.join(names)} call setting {change.status} on {change.package_arn} "
        f"within {SKEW} of {_iso(change.at)} after waiting {wait_seconds:.0f} s (CloudTrail not delivered yet, or the "
        "trail does not record SageMaker management events)"
    )


def _approver(identity: Mapping) -> tuple[str | None, str | None]:
    """(who, IAM ARN): an assumed role's session name or an IAM user's name, and the caller's ARN."""
    arn = identity.get("arn")
    if identity.get("type") == "AssumedRole" and arn:
        return arn.rsplit("/", 1)[-1], arn
    return identity.get("userName") or arn or identity.get("principalId"), arn


def handle_approval_event(
    sagemaker: Any,
    cloudtrail: Any,
    event: Mapping,
    *,
    wait_seconds: float = 600.0,
    pace: Pace | None = None,
) -> ApprovalResult:
    """Records the approval-status change an EventBridge "SageMaker Model Package State Change" event announces:
    finds the `UpdateModelPackage` (or `CreateModelPackage`) call in CloudTrail, retrying for up to `wait_seconds`
    while CloudTrail has not delivered it, and creates an `ApprovalRecord` artifact associated with the package's
    lineage artifact. Idempotent per CloudTrail event (duplicated deliveries create nothing)."""
    pace = pace or Pace()
    change = _change(event)
    package = call(sagemaker, "describe_model_package", change.package_arn, pace, ModelPackageName=change.package_arn)
    created_at = package.get("CreationTime")
    at_creation = created_at is not None and abs(_time(created_at, "CreationTime") - change.at) <= SKEW
    if change.status == "PendingManualApproval" and at_creation:
        return ApprovalResult("skipped", change.package_arn, change.status, reason="created pending approval: no decision yet")
    names = ("UpdateModelPackage", "CreateModelPackage") if at_creation else ("UpdateModelPackage",)
    record = _find_call(cloudtrail, pace, change, names, wait_seconds)
    if record is None:
        return ApprovalResult("skipped", change.package_arn, change.status, reason="the update set no approval status")
    who, iam_arn = _approver(record.get("userIdentity") or {})
    event_id = record.get("eventID")
    if not event_id:
        raise CaptureError(f"CloudTrail {record.get('eventName')} call for {change.package_arn} has no eventID")
    description = (record.get("requestParameters") or {}).get("approvalDescription") or change.description
    props = properties(
        {
            "status": change.status,
            "approver": who,
            "approver_arn": iam_arn,
            "approval_time": _iso(_time(record.get("eventTime"), "CloudTrail eventTime")),
            "description": description,
            "cloudtrail_event_id": event_id,
            "cloudtrail_event_name": record.get("eventName"),
            "eventbridge_event_id": change.event_id,
        },
        f"approval record of {change.package_arn}",
    )
    target = lineage_entity(sagemaker, change.package_arn, pace)
    group_version = ARN.fullmatch(change.package_arn).group(5)
    arn, created = ensure_artifact(
        sagemaker,
        pace,
        name=artifact_name("approval", group_version, change.status, event_id[:8]),
        type_="ApprovalRecord",
        source_uri=change.package_arn,
        props=props,
        key=("cloudtrail_event_id",),
    )
    ensure_association(sagemaker, pace, arn, target, "AssociatedWith")
    outcome = "recorded" if created else "already recorded"
    return ApprovalResult(outcome, change.package_arn, change.status, arn, event_id, who)


def approval_handler(event: Mapping, context: Any, *, clients: Callable[[str], Any] | None = None) -> dict:
    """The Lambda entry point: makes the SageMaker and CloudTrail clients (`clients` replaces boto3.client in
    tests), waits for CloudTrail up to `CLOUDTRAIL_WAIT_SECONDS` (default 600), logs and returns what it did.
    Raises on failure so that Lambda retries the event and, at last, sends it to the failure destination."""
    if clients is None:
        import boto3

        clients = boto3.client
    wait = os.environ.get("CLOUDTRAIL_WAIT_SECONDS", "600")
    try:
        wait_seconds = float(wait)
    except ValueError:
        raise CaptureError(f"CLOUDTRAIL_WAIT_SECONDS: expected a number of seconds, got {wait!r}") from None
    result = handle_approval_event(clients("sagemaker"), clients("cloudtrail"), event, wait_seconds=wait_seconds)
    print(json.dumps(result.as_dict(), sort_keys=True))
    return result.as_dict()
