"""The export's journal: every successful call's response, one JSON line each, next to the output, so that an
interrupted export can be resumed (`--resume`) without sending those calls again."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any, Callable

#: How a datetime is written in the journal, so that it comes back as a datetime (the bundle then comes out
#: byte-identical to an uninterrupted export's, and CloudTrail events sort the same).
_DATETIME = "$datetime"


class JournalError(Exception):
    """A journal that cannot be read (not one left by an interrupted export)."""


@dataclass
class Answer:
    """A journaled response, and how many throttled attempts it took (for the bundle's Stats)."""

    response: dict
    retries: int


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return {_DATETIME: value.isoformat()}
    # A streaming body (S3 GetObject) cannot be journaled: that call is sent again on resume.
    raise TypeError(f"cannot journal {type(value).__name__}")


def _decode(obj: dict) -> Any:
    if len(obj) == 1 and _DATETIME in obj:
        return dt.datetime.fromisoformat(obj[_DATETIME])
    return obj


def _key(service: str, operation: str, params: dict) -> str:
    return json.dumps([service, operation, params], default=_encode, sort_keys=True, ensure_ascii=False)


class Journal:
    """Appends each call's response to `path` (flushed and fsync'd per line); with `resume`, first reads the lines
    an earlier, interrupted export left there and answers those calls from them."""

    def __init__(self, path: str, resume: bool = False, log: Callable[[str], None] = lambda m: None) -> None:
        self.path = path
        self.appended = 0
        self._answers: dict[str, Answer] = {}
        self._file: Any = None
        if resume and os.path.exists(path):
            self._load(log)

    def _load(self, log: Callable[[str], None]) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        offset = keep = 0  # keep: the bytes of complete, readable lines
        for i, line in enumerate(lines):
            end = offset + len(line)
            if line.strip():
                try:
                    entry = json.loads(line.decode("utf-8"), object_hook=_decode)
                    key = _key(entry["Service"], entry["Operation"], entry["Parameters"])
                    self._answers[key] = Answer(entry["Response"], int(entry.get("Retries", 0)))
                except (ValueError, KeyError, TypeError) as e:
                    if i < len(lines) - 1:
                        raise JournalError(f"{self.path}:{i + 1}: not a journal line ({e}): delete it to start afresh")
                    # The last line was cut short by a crash mid-write: its call is sent again.
                    log(f"note: {self.path}: its last line is incomplete (an interrupted write): ignored")
                    break
            keep = min(end + 1, len(data))
            offset = end + 1
        with open(self.path, "r+b") as f:
            f.truncate(keep)
            if keep and data[keep - 1 : keep] != b"\n":
                f.seek(keep)
                f.write(b"\n")

    def get(self, service: str, operation: str, params: dict) -> Answer | None:
        return self._answers.get(_key(service, operation, params))

    def append(self, service: str, operation: str, params: dict, response: dict, retries: int) -> None:
        entry = {"Service": service, "Operation": operation, "Parameters": params, "Response": response}
        if retries:
            entry["Retries"] = retries
        try:
            # Key order kept: the bundle holds the responses as AWS returned them.
            line = json.dumps(entry, default=_encode, ensure_ascii=False)
        except TypeError:
            return
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")
        self._file.write(line + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.appended += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def delete(self) -> None:
        self.close()
        if os.path.exists(self.path):
            os.remove(self.path)
