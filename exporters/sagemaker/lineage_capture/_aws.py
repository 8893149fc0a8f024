"""The one door to AWS: every call retried with backoff while AWS throttles it, every listing followed through its
`NextToken`s, and anything else raised as a `CaptureError` that names the call and what it was about."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from lineage_export.throttling import THROTTLING

class CaptureError(Exception):
    """A call failed, or an input or AWS's answer does not allow recording the link; says which call and which ARN.
    `code` is AWS's error code when AWS gave one."""

    def __init__(self, message: str, code: str = "", aws_message: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.aws_message = aws_message


@dataclass
class Pace:
    """How calls are retried, and the clock they wait on (tests pass a fake one)."""

    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    #: Throttled attempts retried so far.
    retried: int = 0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter: half to all of `base_delay * 2**attempt`, capped."""
        return min(self.max_delay, self.base_delay * 2**attempt) * (0.5 + self.rng.random() / 2)


def call(client: Any, operation: str, about: str, pace: Pace, **params: Any) -> dict:
    """`client.operation(**params)`, retried while throttled; raises `CaptureError` naming `operation` and `about`
    (the ARN or URI the call concerns) on any other error, or when throttling outlasts `pace.attempts`."""
    service = client.meta.service_model.service_name
    for attempt in range(pace.attempts):
        try:
            response = dict(getattr(client, operation)(**params))
            response.pop("ResponseMetadata", None)
            return response
        except ClientError as e:
            error = e.response.get("Error", {})
            code, message = error.get("Code", ""), error.get("Message", "")
            if code in THROTTLING and attempt < pace.attempts - 1:
                pace.retried += 1
                pace.sleep(pace.delay(attempt))
                continue
            tried = f" after {attempt + 1} attempts" if code in THROTTLING else ""
            raise CaptureError(f"{service} {operation} ({about}){tried}: {code}: {message}", code, message) from e
        except BotoCoreError as e:
            raise CaptureError(f"{service} {operation} ({about}): {e}") from e
    raise AssertionError("unreachable: the last attempt returns or raises")


def paged(client: Any, operation: str, key: str, about: str, pace: Pace, **params: Any) -> list[dict]:
    """The `key` items of every page of a listing, following `NextToken` to the end."""
    items: list[dict] = []
    token = None
    while True:
        page = call(client, operation, about, pace, **params, **({"NextToken": token} if token else {}))
        items += page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return items
