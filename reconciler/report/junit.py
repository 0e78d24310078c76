"""Render a reconciliation as JUnit XML for CI test reports: one test case per line item and per expansion.

Called by `reconciler check --junit FILE`. Deterministic (no wall clock; `now` is the timestamp), so it has a
golden file; the structure is the one `schemas/junit.xsd` describes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reconciler.base.messages import say
from reconciler.base.money import plain
from reconciler.core.bounds import drift_possible
from reconciler.core.models import ExpansionState, ExpansionStatus, Finding, Reconciliation, Status
from reconciler.report import text
from reconciler.report.labels import label

SUITE = "contract-reconciler"
LINE_ITEMS = "line_items"
EXPANSIONS = "expansions"
FAILING_EXPANSIONS = frozenset({ExpansionState.OVERDUE, ExpansionState.FULFILLED_LATE})

# Characters XML 1.0 cannot carry, even as references (controls, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(result: Reconciliation) -> bytes:
    """The JUnit XML document (UTF-8, with declaration, indented, ending in a newline)."""
    cases = [_line_item_case(f) for f in result.findings] + [_expansion_case(e) for e in result.expansions]
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    root = ET.Element("testsuites", _attrs(name=SUITE, **counts, time="0"))
    suite = ET.SubElement(root, "testsuite", _attrs(name=SUITE, **counts, time="0", timestamp=result.now.isoformat()))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("observed_at", result.observed_at.isoformat()),
        ("verdict", result.verdict.value),
        ("exit_code", str(int(result.exit_code))),
        ("run_id", "" if result.run_id is None else str(result.run_id)),
    ):
        ET.SubElement(properties, "property", _attrs(name=name, value=value))
    suite.extend(cases)
    if result.warnings:
        _text(suite, "system-out", "\n".join(say(w, "en") for w in result.warnings))
    ET.indent(root, space="  ")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{ET.tostring(root, encoding="unicode")}\n'.encode()


def _line_item_case(finding: Finding) -> ET.Element:
    case = ET.Element("testcase", _attrs(classname=LINE_ITEMS, name=line_item_case_name(finding), time="0"))
    status = finding.status
    if status in (Status.SHORT, Status.OVER):
        failure = ET.SubElement(case, "failure", _attrs(message=_figures(finding), type=status.value))
        failure.text = _clean(_details(finding))
    elif status is Status.UNKNOWN and drift_possible(finding):  # may be short or over: the check exits 3
        error = ET.SubElement(case, "error", _attrs(message=_reason(finding), type=status.value))
        error.text = _clean(f"{_figures(finding)}\n{_details(finding)}")
    elif status is Status.NOT_OBSERVED:
        ET.SubElement(case, "skipped", _attrs(message=_reason(finding)))
    elif status in (Status.PENDING, Status.UNKNOWN, Status.ENDED):  # unknown between pending and met passes
        _text(case, "system-out", f"{_figures(finding)}\n{_details(finding)}")
    elif status is Status.MET and finding.provenance is not None:  # what the pass rests on
        basis = _basis(finding)
        if basis:
            _text(case, "system-out", "\n".join([_figures(finding), *(f"rests on: {line}" for line in basis)]))
    return case


def _expansion_case(expansion: ExpansionStatus) -> ET.Element:
    case = ET.Element("testcase", _attrs(classname=EXPANSIONS, name=expansion_case_name(expansion), time="0"))
    summary = _expansion_summary(expansion)
    if expansion.state in FAILING_EXPANSIONS:
        failure = ET.SubElement(case, "failure", _attrs(message=summary, type=expansion.state.value))
        failure.text = _clean(_expansion_details(expansion))
    else:
        _text(case, "system-out", f"{summary}\n{_expansion_details(expansion)}")
    return case


def line_item_case_name(finding: Finding) -> str:
    """Stable across runs and languages, so CI test history can follow a line item: `compute.vcpu Compute - ...`."""
    return f"{finding.line_item.value} {finding.name_en}"


def expansion_case_name(expansion: ExpansionStatus) -> str:
    return f"{expansion.id} {expansion.line_item.value} +{plain(expansion.quantity)}"


def _reason(finding: Finding) -> str:
    return say(finding.reason, "en") if finding.reason is not None else finding.status.value


def _figures(finding: Finding) -> str:
    """e.g. `short: entitled 1232, due 1232, supplied 1216, gap -16 vCPU; value -224.32 CNY per month`; bounds
    where they differ (`supplied 1200–1264`, `supplied ≥ 1200`), what an unknown status may be, and whether the
    supply is attested."""
    status = finding.status.value
    if finding.status is Status.UNKNOWN:
        status += f" ({'/'.join(s.value for s in finding.possible)})"
    if text.attested(finding):
        status += " (attested)"
    return (
        f"{status}: entitled {text.quantity(finding.entitled)}, due {text.quantity(finding.due)}, "
        f"supplied {text.supply(finding)}, gap {text.gap(finding)} {finding.unit.value}; "
        f"value {text.value(finding)} CNY per month"
    )


def _details(finding: Finding) -> str:
    lines = [
        f"line item {finding.seq}: {finding.line_item.value} {finding.name_en} / {finding.name_zh}",
        f"unit {finding.unit.value}, unit price {plain(finding.unit_price)} CNY per {finding.unit.value} per month, "
        f"baseline {plain(finding.baseline)}",
        f"measured by: {finding.measured_by}",
    ]
    if finding.reason:
        lines.append(f"reason: {say(finding.reason, 'en')}")
    evidence = finding.evidence
    if evidence is not None:
        lines.append(f"counted: {evidence.contributing_count} resource(s)")
        for kind, groups in (("not counted", evidence.nonconforming), ("excluded", evidence.excluded)):
            for group in groups:
                sample = ", ".join(group.ids[:5]) + (", ..." if group.count > 5 else "")
                reason = say(group.detail, "en")
                lines.append(
                    f"{kind}: {group.count} ({reason}), {plain(group.quantity)} {finding.unit.value}: {sample}"
                )
        lines += [f"bounds: {text.uncertain_note(group, finding.unit.value, 'en')}" for group in evidence.uncertain]
    lines += [f"rests on: {line}" for line in _basis(finding)]
    return "\n".join(lines)


def _basis(finding: Finding) -> list[str]:
    """The table entries and attestations the line item's figure rests on, one line each."""
    provenance = finding.provenance
    if provenance is None:
        return []
    lines = [say(m, "en") for m in text.basis_messages([finding])]
    lines += [
        "attestation " + say(text.attestation_message(a, finding.unit.value), "en") for a in provenance.attestations
    ]
    return lines


def _expansion_summary(expansion: ExpansionStatus) -> str:
    """e.g. `overdue: +64 compute.vcpu, due 2026-11-26 24:00, left -1d 9h 0m, required 1296`."""
    return (
        f"{label('expansion.' + expansion.state.value, 'en')}: +{plain(expansion.quantity)} "
        f"{expansion.line_item.value}, due {text.deadline(expansion.due_at)}, "
        f"left {text.duration(expansion.remaining_seconds, 'en')}, required {plain(expansion.required)}"
    )


def _expansion_details(expansion: ExpansionStatus) -> str:
    reference = f" ({expansion.reference})" if expansion.reference else ""
    lines = [f"requested {text.when(expansion.requested_at)}{reference}"]
    if expansion.notice_at is not None:
        lines.append(f"written notice {text.when(expansion.notice_at)}")
    lines.append(
        "fulfilled " + (text.when(expansion.fulfilled_at) if expansion.fulfilled_at is not None else "not yet")
    )
    lines += [f"warning: {say(w, 'en')}" for w in expansion.warnings]
    return "\n".join(lines)


def _text(parent: ET.Element, tag: str, content: str) -> None:
    ET.SubElement(parent, tag).text = _clean(content)


def _attrs(**values: str | int) -> dict[str, str]:
    """Attributes in the given order (ElementTree keeps insertion order), every value made XML-safe."""
    return {key: _clean(str(value)) for key, value in values.items()}


def _clean(content: str) -> str:
    """Text safe for XML 1.0: characters it cannot carry are written as Python escapes (`\\x01`, `\\udc80`)."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), content)
