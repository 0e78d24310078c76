"""The fleet as Prometheus metrics: per contract and line item the supply's bounds, due, entitled, status, gap and
shortfall values, each expansion's time left, each source's health, each check's duration and time.

Called by `reconciler fleet check --metrics-textfile/--pushgateway` (the shard's outcomes) and `reconciler serve
--metrics` (the latest outcome of every contract, read from the history at each scrape). The only module that
imports prometheus_client. Names follow the Prometheus conventions: `reconciler_` prefix, base units in the
name (`_seconds`, `_timestamp_seconds`; money as `_cny`, per month), one unit per metric (a line item's unit is a
label: the quantities of one metric differ in unit across line items but never within a series), enums as one
series per state with value 1 for the current one.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, push_to_gateway, start_http_server, write_to_textfile
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from reconciler.base.errors import InputError
from reconciler.core.models import ExpansionState, Status
from reconciler.fleet.outcomes import Outcome

JOB = "reconciler_fleet"
"""The Pushgateway job; each shard pushes under its own grouping key (shard="I/N" as I_of_N)."""


def families(outcomes: Iterable[Outcome]) -> list[Metric]:
    """Every metric family of `outcomes` (one outcome per contract)."""
    g = _Families()
    verdicts: dict[str, int] = {"ok": 0, "drift": 0, "unknown": 0, "invalid": 0}
    for outcome in sorted(outcomes, key=lambda o: o.contract):
        c = outcome.contract
        verdicts[outcome.verdict] = verdicts.get(outcome.verdict, 0) + 1
        g.add("contract_exit_code", "Exit code of the contract's last check (0 ok, 1 drift, 2 invalid input, "
              "3 a source failed)", ["contract"], [c], outcome.exit_code)  # fmt: skip
        g.add("contract_checked", "1 when the contract's last check ran, 0 when its input kept it from running",
              ["contract"], [c], 0 if outcome.digest is None else 1)  # fmt: skip
        g.add("contract_last_check_timestamp_seconds", "When the contract's last check finished (Unix time)",
              ["contract"], [c], outcome.finished_at.timestamp())  # fmt: skip
        g.add("contract_check_duration_seconds", "How long the contract's last check took", ["contract"], [c],
              outcome.duration_seconds)  # fmt: skip
        digest = outcome.digest
        if digest is None:
            continue
        g.add("contract_shortfall_value_cny", "Value of what is overdue and certainly not supplied, CNY per month",
              ["contract"], [c], -digest.shortfall_value)  # fmt: skip
        g.add("contract_observed_timestamp_seconds", "When the contract's supply was observed (Unix time)",
              ["contract"], [c], digest.observed_at.timestamp())  # fmt: skip
        for item in digest.items:
            labels = [c, item.id, item.unit]
            names = ["contract", "line_item", "unit"]
            if item.lower is not None:
                g.add("line_item_supply_lower", "What is supplied for certain, in the line item's unit", names,
                      labels, item.lower)  # fmt: skip
                upper = math.inf if item.upper is None else float(item.upper)
                g.add("line_item_supply_upper", "The most that may be supplied (+Inf: no upper bound)", names,
                      labels, upper)  # fmt: skip
            g.add("line_item_due", "Quantity that must already be delivered", names, labels, item.due)
            g.add("line_item_entitled", "Quantity the tenant is entitled to now", names, labels, item.entitled)
            for status in Status:
                g.add("line_item_status", "The line item's status (1 for the current one)",
                      ["contract", "line_item", "status"], [c, item.id, status.value],
                      1 if item.status is status else 0)  # fmt: skip
            if item.gap_value is not None:
                g.add("line_item_gap_value_cny", "(supplied - entitled) x unit price, CNY per month; negative: short",
                      ["contract", "line_item"], [c, item.id], item.gap_value)  # fmt: skip
            if item.shortfall_value is not None:
                g.add("line_item_shortfall_value_cny", "Value of the overdue shortfall certain from the bounds, CNY "
                      "per month", ["contract", "line_item"], [c, item.id], -item.shortfall_value)  # fmt: skip
        for expansion in digest.expansions:
            labels = [c, expansion.id, expansion.line_item]
            names = ["contract", "expansion", "line_item"]
            g.add("expansion_time_left_seconds", "Time left before the expansion's deadline (negative: overdue)",
                  names, labels, expansion.remaining_seconds)  # fmt: skip
            for state in ExpansionState:
                g.add("expansion_state", "The expansion's state (1 for the current one)", [*names, "state"],
                      [*labels, state.value], 1 if expansion.state is state else 0)  # fmt: skip
        for source, label in zip(digest.sources, _source_labels([s.name for s in digest.sources]), strict=True):
            g.add("source_up", "1 when the source observed every kind it covers, 0 when one failed",
                  ["contract", "source"], [c, label], 1 if source.up else 0)  # fmt: skip
            g.add("source_failed_kinds", "Resource kinds the source failed to observe", ["contract", "source"],
                  [c, label], len(source.failed))  # fmt: skip
    for verdict, count in verdicts.items():
        g.add("fleet_contracts", "Contracts by the verdict of their last check", ["verdict"], [verdict], count)
    return g.done()


def _source_labels(names: Sequence[str]) -> list[str]:
    """A source as a label: its kind (`snapshot`, not the file it read), the whole name when the kind repeats."""
    kinds = [name.partition(":")[0] for name in names]
    return [kind if kinds.count(kind) == 1 else name for kind, name in zip(kinds, names, strict=True)]


class _Families:
    def __init__(self) -> None:
        self._by_name: dict[str, GaugeMetricFamily] = {}

    def add(self, name: str, help_text: str, labels: Sequence[str], values: Sequence[str], value: object) -> None:
        family = self._by_name.get(name)
        if family is None:
            family = GaugeMetricFamily(f"reconciler_{name}", help_text, labels=list(labels))
            self._by_name[name] = family
        family.add_metric(list(values), float(value))  # type: ignore[arg-type]

    def done(self) -> list[Metric]:
        return [self._by_name[name] for name in sorted(self._by_name)]


class _Fixed(Collector):
    def __init__(self, make: Callable[[], list[Metric]]) -> None:
        self._make = make

    def collect(self) -> Iterator[Metric]:
        yield from self._make()


def registry_of(outcomes: Sequence[Outcome]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    found = families(outcomes)
    registry.register(_Fixed(lambda: found))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The text exposition format (what a scrape and the textfile hold)."""
    return generate_latest(registry)


def write_textfile(path: Path, registry: CollectorRegistry) -> None:
    """For node-exporter's textfile collector: written to a temporary file and renamed (never half-written)."""
    try:
        write_to_textfile(str(path), registry)
    except OSError as exc:
        raise InputError.single(str(path), "", f"cannot write the metrics: {exc.strerror or exc}") from exc


def push(gateway: str, registry: CollectorRegistry, shard: str, timeout: float = 30) -> None:
    """Replace this shard's group on the Pushgateway (job reconciler_fleet, shard I_of_N)."""
    try:
        push_to_gateway(gateway, job=JOB, registry=registry, grouping_key={"shard": shard.replace("/", "_of_")},
                        timeout=timeout)  # fmt: skip
    except (OSError, ValueError) as exc:
        raise InputError.single(f"<pushgateway {gateway.split('?', 1)[0]}>", "", f"push failed: {exc}") from exc


def serve(
    address: str,
    port: int,
    latest: Callable[[], Sequence[Outcome]],
    stop: threading.Event | None = None,
    ready: Callable[[int], None] | None = None,
) -> None:
    """Serve /metrics until `stop` is set (or for ever): each scrape reads `latest()` anew. `ready` is told the
    port listened on (port 0: a free one)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Fixed(lambda: families(latest())))
    server, thread = start_http_server(port, addr=address, registry=registry)
    if ready is not None:
        ready(int(server.server_port))
    try:
        while stop is None or not stop.is_set():
            time.sleep(0.2)
    finally:
        server.shutdown()
        thread.join(timeout=5)
