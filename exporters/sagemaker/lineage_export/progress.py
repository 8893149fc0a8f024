"""Progress on stderr for a long export: a tqdm bar of the model packages done, the calls made and the seconds
spent waiting on throttling backoff. Off unless stderr is a terminal (and not `--quiet`)."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, TextIO


class Progress:
    """The bar while `enabled`; `write` prints a line above it (or plainly on stderr when there is no bar)."""

    def __init__(self, enabled: bool = False, file: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.enabled = enabled
        self.file = file
        self.clock = clock
        self.bar: Any = None
        self._status = ""
        self._shown = 0.0

    @property
    def active(self) -> bool:
        return self.bar is not None

    def _out(self) -> TextIO:
        return self.file or sys.stderr

    def start(self, desc: str, total: int | None = None) -> None:
        """Shows the bar (once), counting `desc` (model packages, or the one start of a non-fleet export)."""
        if not self.enabled or self.bar is not None:
            return
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, unit="", file=self._out(), leave=True, dynamic_ncols=True)

    def total(self, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(self._status, refresh=False)
            self.bar.update(n)

    def status(self, calls: int, replayed: int, waited: float) -> None:
        """The calls made (and answered from the journal) and the backoff time so far; redrawn at most twice a
        second."""
        if self.bar is None:
            return
        self._status = f"{calls} calls" + (f" (+{replayed} from journal)" if replayed else "")
        self._status += f", {waited:.0f} s throttled"
        if self.clock() - self._shown >= 0.5:
            self._shown = self.clock()
            self.bar.set_postfix_str(self._status, refresh=True)

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self._out())
        else:
            print(message, file=self._out())

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(self._status, refresh=False)
            self.bar.close()
            self.bar = None
