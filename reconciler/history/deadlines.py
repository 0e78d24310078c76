"""How long the history store may keep a check waiting: the three deadlines and the watchdog that enforces them.

Called by `history.store`: `deadlines_from` reads the settings from the store URL's query (and removes them
before the URL reaches the driver); `Watchdog` ends a wait on a store that stopped answering. No SQL here.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

MAX_SECONDS: Final = 86_400
GRACE_S: Final = 2.0
"""How much longer than `statement_timeout` the client waits for a server that does not answer at all: the
server's own cancellation, with its clearer message, comes first when the server still works."""


@dataclass(frozen=True)
class Deadlines:
    """Seconds the history store may take, each settable as a query parameter of the store URL."""

    connect: float = 10.0
    """connect_timeout: establishing a connection to a PostgreSQL server (libpq's rule: whole seconds, >= 2)."""
    statement: float = 60.0
    """statement_timeout: one transaction of the reconciler (read the history, record a run, migrate the
    schema). PostgreSQL cancels a statement running longer; a server that has not answered a transaction
    within it (plus GRACE_S) is given up."""
    lock: float = 30.0
    """lock_timeout: waiting for a lock another session or process holds (PostgreSQL's lock_timeout; SQLite's
    busy timeout, over all the tries of one transaction)."""

    @property
    def connect_whole_seconds(self) -> int:
        return max(2, math.ceil(self.connect))

    @property
    def client(self) -> float:
        """The watchdog's limit for one transaction."""
        return self.statement + GRACE_S


PARAMETERS: Final = {"connect_timeout": "connect", "statement_timeout": "statement", "lock_timeout": "lock"}
"""URL query parameter -> `Deadlines` field."""


def deadlines_from(query: Mapping[str, str | Sequence[str]]) -> tuple[Deadlines, dict[str, str | Sequence[str]]]:
    """The deadlines a store URL's query sets (the defaults for the rest) and the query without them.
    ValueError naming the parameter when a value is not a number of seconds in (0, 86400]."""
    values: dict[str, float] = {}
    rest: dict[str, str | Sequence[str]] = {}
    for key, value in query.items():
        field = PARAMETERS.get(key)
        if field is None:
            rest[key] = value
            continue
        if not isinstance(value, str):
            raise ValueError(f"{key} is given more than once")
        values[field] = _seconds(key, value)
    return Deadlines(**values), rest


def _seconds(key: str, text: str) -> float:
    try:
        value = float(text) if text.strip().isascii() else math.nan
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_SECONDS):  # NaN fails too
        raise ValueError(f"{key}={text!r}: expected seconds, a number above 0 and at most {MAX_SECONDS}")
    return value


class Watchdog:
    """Calls `stop()` once, from a timer thread, unless the `with` block ends within `seconds`.

    `stop` must make the blocked call in the main thread return (close the connection's socket, interrupt
    SQLite); `fired` then tells the caller why it failed."""

    def __init__(self, seconds: float, stop: Callable[[], None]) -> None:
        self.seconds = seconds
        self.fired = False
        self._stop = stop
        self._done = False
        self._lock = threading.Lock()  # once the block has ended, `stop` never runs
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            self._stop()

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
