"""Deadlines of the live sources: one for the whole source, one for each request, and a way to stop waiting
for a call that does not return in time.

Used by the ksyun and kubernetes sources around every request. A timeout on each socket read does not bound a
request: a server trickling its answer a byte at a time keeps every read short and the request open for ever.
So each request runs in a daemon thread that the caller stops waiting for at its deadline; the thread is left
to end when its socket does (it cannot hold the process: daemon threads do not delay the exit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from reconciler.base.messages import Message, message

T = TypeVar("T")


@dataclass
class Deadline:
    """The moment a whole source must be done by: `seconds` after it started, set by `setting`."""

    seconds: float
    setting: str
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.started + self.seconds - time.monotonic())

    def passed(self) -> bool:
        return self.remaining() <= 0

    def reason(self, what: Message) -> Message:
        """Why `what` (a listing, a call) did not finish: this deadline passed."""
        return message("source_deadline", seconds=Decimal(f"{self.seconds:g}"), setting=self.setting, what=what)


class TimedOut(Exception):
    """A call that had not returned when its time was up."""


def call_within(seconds: float, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call(*args, **kwargs)`, waited for at most `seconds`: its result or its exception, else TimedOut."""
    outcome: list[Any] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call(*args, **kwargs)))
        except BaseException as exc:  # handed to the caller's thread as it is
            outcome.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=run, name="reconciler-request", daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        raise TimedOut(seconds)
    returned, value = outcome[0]
    if not returned:
        raise value
    result: T = value
    return result
