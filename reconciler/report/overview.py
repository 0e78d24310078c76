"""The first screen of every report: what is wrong, how much it is worth, by when, and what is not known and why,
in plain words for the contract owner.

Built once, as messages (`base.messages`), from a reconciliation (the status report) or an acceptance report
(the monthly and summary reports); every face renders the same `Overview` in its reader's language (HTML and
PDF in `report.html`, Markdown in `report.status_markdown` and `report.acceptance_markdown`). No exit code, no
field name, no id: line items by their names, expansions by what they add and when they were asked for. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from reconciler.base.messages import Message, joined, message
from reconciler.contract.model import Contract
from reconciler.core.models import ExpansionState, Finding, Reconciliation, Status, Verdict
from reconciler.report.acceptance import AcceptanceReport, Availability, Incident

Tone = Literal["ok", "attention", "drift", "unknown"]
"""How the banner reads: all as agreed, something due soon (pending, an expansion at risk), something short or
over, or something not decided."""
Topic = Literal["short", "over", "expansion", "unknown", "changes", "exposure", "coverage"]
Severity = Literal["bad", "warn", "info"]

MAX_RANGES = 6
"""Ranges of days without a check named in the first screen; the rest are counted."""


@dataclass(frozen=True)
class Point:
    """One line of the first screen: its topic, how serious it is (for colour), and the sentence."""

    topic: Topic
    severity: Severity
    text: Message


@dataclass(frozen=True)
class Overview:
    """The banner (one sentence, or several joined) and the points under it, most serious first."""

    tone: Tone
    banner: Message
    points: tuple[Point, ...]


def _money(value: Decimal | None) -> Decimal:
    return abs(value) if value is not None else Decimal("0.00")


# -- the status report ------------------------------------------------------------------------------------------


def status_overview(result: Reconciliation) -> Overview:
    """The first screen of the status report."""
    findings = result.findings
    short = [f for f in findings if f.status is Status.SHORT]
    over = [f for f in findings if f.status is Status.OVER]
    pending = [f for f in findings if f.status is Status.PENDING]
    unknown = [f for f in findings if f.status is Status.UNKNOWN]
    unobserved = [f for f in findings if f.status is Status.NOT_OBSERVED]
    at_risk = [e for e in result.expansions if e.state is ExpansionState.AT_RISK]
    overdue = [e for e in result.expansions if e.state is ExpansionState.OVERDUE]
    s = result.summary

    banner: list[Message] = []
    if short:
        value, most = _money(s.shortfall_value_monthly), _money(s.shortfall_value_possible)
        banner.append(
            message("ov_banner_short", count=len(short), value=value)
            if value == most
            else message("ov_banner_short_range", count=len(short), value=value, most=most)
        )
    if overdue:
        banner.append(message("ov_banner_overdue", count=len(overdue)))
    if at_risk:
        banner.append(message("ov_banner_at_risk", count=len(at_risk), due=min(e.due_at for e in at_risk)))
    if pending and not at_risk:
        banner.append(message("ov_banner_pending", count=len(pending)))
    if over:
        banner.append(message("ov_banner_over", count=len(over), value=_money(s.surplus_value_monthly)))
    if unknown:
        banner.append(message("ov_banner_unknown", count=len(unknown)))
    if unobserved:
        banner.append(message("ov_banner_not_observed", count=len(unobserved)))
    if not banner:
        banner.append(_quiet(result))

    points: list[Point] = [Point("short", "bad", _short(f)) for f in short]
    points += [Point("expansion", severity, text) for severity, text in _expansions(result)]
    points += [Point("over", "warn", _over(f)) for f in over]
    points += [Point("unknown", "warn", _unknown(f)) for f in unknown]
    points += [
        Point("unknown", "warn", message("ov_not_observed", item=f.line_item.value, kind=_kind(f))) for f in unobserved
    ]
    points += [
        Point("exposure", "bad", message("ov_termination", item=i.line_item.value, days=i.days or 0))
        for i in result.exposure.items
        if i.termination_right and i.counted
    ]
    if result.exposure.total:
        points.append(Point("exposure", "warn", message("ov_exposure", amount=result.exposure.total)))
    points.append(Point("changes", "info", _changes(result)))
    tone: Tone = (
        "drift"
        if short or over or overdue
        else "unknown"
        if unknown or unobserved or result.verdict is Verdict.UNKNOWN
        else "attention"
        if pending or at_risk
        else "ok"
    )
    return Overview(tone, _banner(banner), tuple(points))


def _banner(parts: list[Message]) -> Message:
    whole = joined(parts)
    return whole if whole is not None else message("ov_ok")


def _quiet(result: Reconciliation) -> Message:
    """The banner when nothing is short, over, pending, unknown or unobserved."""
    if any(f.status is Status.ENDED for f in result.findings):
        return message("ov_ended", end=date.fromisoformat(result.contract.service_end))
    return message("ov_ok")


def _short(f: Finding) -> Message:
    """How far a short line item is below what is due, and what that is worth a month."""
    unit = f.unit.value
    lower, upper = f.supplied_lower, f.supplied_upper
    if f.supplied is not None or lower is None or upper is None:
        supplied = f.supplied if f.supplied is not None else (upper or Decimal(0))
        return message(
            "ov_short",
            item=f.line_item.value,
            quantity=f.due - supplied,
            unit=unit,
            supplied=supplied,
            due=f.due,
            value=_money(f.shortfall_value_monthly),
        )
    return message(
        "ov_short_range",
        item=f.line_item.value,
        least=f.due - upper,
        most=f.due - lower,
        unit=unit,
        value=_money(f.shortfall_value_monthly),
        value_most=_money(f.shortfall_value_possible),
    )


def _over(f: Finding) -> Message:
    """How far an over line item is above its entitlement, and what that is worth a month."""
    unit = f.unit.value
    lower, upper = f.supplied_lower, f.supplied_upper
    if f.supplied is not None:
        return message(
            "ov_over",
            item=f.line_item.value,
            quantity=f.supplied - f.entitled,
            unit=unit,
            supplied=f.supplied,
            entitled=f.entitled,
            value=_money(f.surplus_value_monthly),
        )
    least = (lower or Decimal(0)) - f.entitled
    if upper is None or f.surplus_value_possible is None:
        return message(
            "ov_over_at_least", item=f.line_item.value, least=least, unit=unit, value=_money(f.surplus_value_monthly)
        )
    return message(
        "ov_over_range",
        item=f.line_item.value,
        least=least,
        most=upper - f.entitled,
        unit=unit,
        value=_money(f.surplus_value_monthly),
        value_most=_money(f.surplus_value_possible),
    )


def _expansions(result: Reconciliation) -> list[tuple[Severity, Message]]:
    """Every expansion not delivered, and those delivered late (they bear on the exposure)."""
    lines: list[tuple[Severity, Message]] = []
    for e in result.expansions:
        common = {
            "item": e.line_item.value,
            "quantity": e.quantity,
            "unit": _unit(result, e.line_item.value),
            "requested": e.requested_at,
        }
        if e.state is ExpansionState.OVERDUE:
            lines.append(("bad", message("ov_expansion_overdue", **common, due=e.due_at)))
        elif e.state is ExpansionState.AT_RISK:
            lines.append(("bad", message("ov_expansion_at_risk", **common, due=e.due_at, left=e.remaining_seconds)))
        elif e.state is ExpansionState.OPEN:
            lines.append(("info", message("ov_expansion_open", **common, due=e.due_at, left=e.remaining_seconds)))
        elif e.state is ExpansionState.FULFILLED_LATE and e.fulfilled_at is not None:
            lines.append(("warn", message("ov_expansion_late", **common, due=e.due_at, at=e.fulfilled_at)))
    return lines


def _unit(result: Reconciliation, item: str) -> str:
    return next((f.unit.value for f in result.findings if f.line_item.value == item), "")


def _kind(f: Finding) -> str:
    """The resource kind a line item is measured from, as its reason names it (`not_observed`)."""
    reason = f.reason
    if reason is not None and "kind" in reason.values:
        return str(reason.values["kind"])
    return str(f.measured_by).split(" ", 1)[0]


def _parts(reason: Message | None) -> list[Message]:
    if reason is None:
        return []
    if reason.key == "sentences":
        return list(reason.values["parts"])
    return [reason]


def _unknown(f: Finding) -> Message:
    """Why a line item cannot be decided, what it may still be, and what would decide it."""
    parts = _parts(f.reason)
    outcome = next((p for p in parts if p.key.startswith("outcome_")), None)
    failed = next((p for p in parts if p.key == "source_failed"), None)
    incomplete = next((p for p in parts if p.key == "listing_incomplete"), None)
    expired = any(p.key == "attestation_unknown" for p in parts)
    uncertain = f.evidence.uncertain if f.evidence is not None else []
    if failed is not None:
        cause, resolve = message("ov_cause_failed", kind=failed.values["kind"]), message("ov_resolve_failed")
    elif incomplete is not None:
        cause = message("ov_cause_incomplete", kind=incomplete.values["kind"])
        resolve = message("ov_resolve_incomplete")
    elif expired:
        cause, resolve = message("ov_cause_attestation"), message("ov_resolve_attestation")
    elif uncertain:
        attributes = list(dict.fromkeys(a for group in uncertain for a in group.unknown))
        cause = message("ov_cause_attributes", count=sum(g.count for g in uncertain), attributes=attributes)
        resolve = message("ov_resolve_attributes")
    else:
        cause, resolve = message("ov_cause_other"), message("ov_resolve_incomplete")
    if outcome is None and f.possible:
        outcome = message(f"outcome_{f.possible[0].value}_{f.possible[-1].value}")
    return message(
        "ov_unknown", item=f.line_item.value, cause=cause, outcome=outcome or message("ov_cause_other"), resolve=resolve
    )


def _changes(result: Reconciliation) -> Message:
    """What changed since the previous recorded check."""
    if result.run_id is None:
        return message("ov_no_history")
    changes = result.changes
    if changes is None:
        return message("ov_first_run")
    if changes.empty:
        return message("ov_changes_none", previous=changes.previous_now)
    lines = []
    for item in [*changes.new, *changes.resolved, *changes.changed]:
        if item.previous_status is not None and item.previous_status != item.status:
            lines.append(
                message("ov_change_status", item=item.line_item, before=item.previous_status, after=item.status)
            )
        else:
            lines.append(message("ov_change_figures", item=item.line_item, status=item.status))
    return message("ov_changes", previous=changes.previous_now, changes=lines)


# -- the monthly and summary reports ------------------------------------------------------------------------------


def period_overview(report: AcceptanceReport, contract: Contract) -> Overview:
    """The first screen of the monthly operations report and of the service summary report."""
    units = {item.id.value: item.unit.value for item in contract.line_items}
    short = [v for v in report.availability if v.days.short]
    over = [v for v in report.availability if v.days.over]
    undecided = [v for v in report.availability if v.days.unknown]
    late = [x for x in report.expansions if x.outcome in ("late", "overdue")]
    c = report.coverage
    days_short, days_over, days_unknown = c.days_short, c.days_over, c.days_unknown

    banner: list[Message] = []
    if short:
        banner.append(message("ov_period_banner_short", count=len(short), days=days_short))
    if late:
        banner.append(message("ov_period_banner_late", count=len(late)))
    if over:
        banner.append(message("ov_period_banner_over", count=len(over), days=days_over))
    if days_unknown:
        banner.append(message("ov_period_banner_unknown", days=days_unknown))
    if report.coverage.days_without_runs:
        banner.append(message("ov_period_banner_no_run", days=report.coverage.days_without_runs))

    points: list[Point] = [Point("short", "bad", _period_short(report, v, units)) for v in short]
    points += [Point("expansion", severity, text) for severity, text in _outcomes(report, units)]
    points += [Point("over", "warn", _period_over(v, units)) for v in over]
    points += [Point("unknown", "warn", _period_unknown(report, v)) for v in undecided]
    if report.coverage.days_without_runs:
        points.append(Point("coverage", "warn", _no_run(report)))
    if report.exposure_accrued:
        points.append(Point("exposure", "warn", message("ov_exposure_accrued", amount=report.exposure_accrued)))
    change = _period_changes(report)
    if change is not None:
        points.append(Point("changes", "info", change))
    tone: Tone = "drift" if short or over or late else "unknown" if days_unknown else "attention" if banner else "ok"
    whole = joined(banner)
    return Overview(tone, whole if whole is not None else message("ov_period_ok"), tuple(points))


def _period_short(report: AcceptanceReport, v: Availability, units: dict[str, str]) -> Message:
    episodes = [e for e in report.episodes if e.line_item == v.line_item]
    worst = min(episodes, key=lambda e: e.largest_gap, default=None)
    return message(
        "ov_period_short",
        item=v.line_item,
        days=v.days.short,
        runs=v.runs_short,
        total=v.runs,
        gap=abs(worst.largest_gap) if worst is not None else Decimal(0),
        unit=units[v.line_item],
        value=_money(worst.largest_gap_value if worst is not None else None),
    )


def _period_over(v: Availability, units: dict[str, str]) -> Message:
    return message(
        "ov_period_over",
        item=v.line_item,
        days=v.days.over,
        quantity=v.largest_surplus or Decimal(0),
        unit=units[v.line_item],
        value=_money(v.largest_surplus_value),
    )


def _period_unknown(report: AcceptanceReport, v: Availability) -> Message:
    incidents: list[Incident] = [i for i in report.incidents if v.line_item in i.unknown_line_items]
    if incidents:
        kinds = sorted({kind for i in incidents for kind in i.failed})
        cause = message(
            "ov_cause_failed_runs",
            kinds=[message("ov_kind", kind=kind) for kind in kinds],
            runs=len({i.run_id for i in incidents}),
        )
        resolve = message("ov_resolve_failed_past")
    else:
        cause, resolve = message("ov_cause_other"), message("ov_resolve_incomplete")
    return message("ov_period_unknown", item=v.line_item, days=v.days.unknown, cause=cause, resolve=resolve)


def _no_run(report: AcceptanceReport) -> Message:
    ranges = [_range(r) for r in report.coverage.missing[:MAX_RANGES]]
    rest = len(report.coverage.missing) - MAX_RANGES
    if rest > 0:
        ranges.append(message("ov_more", count=rest))
    return message("ov_period_no_run", days=report.coverage.days_without_runs, ranges=ranges)


def _range(text: str) -> Message:
    first, _, last = text.partition("/")
    if not last:
        return message("ov_day", day=date.fromisoformat(first))
    return message("ov_day_range", first=date.fromisoformat(first), last=date.fromisoformat(last))


def _outcomes(report: AcceptanceReport, units: dict[str, str]) -> Iterable[tuple[Severity, Message]]:
    for x in report.expansions:
        common = {"item": x.line_item, "quantity": x.quantity, "unit": units[x.line_item], "requested": x.requested_at}
        if x.outcome == "overdue":
            yield "bad", message("ov_expansion_overdue", **common, due=x.due_at)
        elif x.outcome == "late" and x.fulfilled_at is not None:
            yield "warn", message("ov_expansion_late", **common, due=x.due_at, at=x.fulfilled_at)
        elif x.outcome == "on_time" and x.fulfilled_at is not None:
            yield "info", message("ov_expansion_on_time", **common, at=x.fulfilled_at)
        else:
            yield "info", message("ov_expansion_due", **common, due=x.due_at)


def _period_changes(report: AcceptanceReport) -> Message | None:
    """Each line item's status at the window's last check against the last check before the window (the end of
    the last report); None when either is missing."""
    since = report.since_previous
    if since is None:
        return None
    lines = [
        message("ov_change_status", item=item, before=since.before[item], after=status)
        for item, status in since.after.items()
        if item in since.before and since.before[item] != status
    ]
    if not lines:
        return message("ov_period_no_change", previous=since.previous_check)
    return message("ov_period_changes", previous=since.previous_check, changes=lines)
