"""The nightly CI gate's outputs: `check --junit/--markdown/--json FILE`, written atomically; the JUnit XML
against `schemas/junit.xsd`; the progress bar's on/off rule; the example CI files in `examples/ci/`.

Runs the CLI in-process (the `cli` fixture) and the renderers on results of the pure core.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml

from reconciler.app.progress import observing_status, progress_wanted, snapshot_progress
from reconciler.base import jsonio
from reconciler.base.errors import InputError
from reconciler.base.messages import plain_text
from reconciler.contract.model import Contract
from reconciler.core.models import Reconciliation, Status
from reconciler.core.observation import KINDS, Observation, SourceReport
from reconciler.core.reconcile import reconcile
from reconciler.core.runs import PastRun
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.report.junit import render_junit
from reconciler.report.outputs import write_output
from reconciler.sources.snapshot import SnapshotFile
from tests.conftest import ROOT, CliResult, met_resources, structs, vm

SMALL = Path(__file__).parent / "data" / "observation-small.json"
NOW = "2026-11-25T09:00:00+08:00"
XSD = ROOT / "schemas" / "junit.xsd"
Cli = Callable[..., CliResult]


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD)


def counts_match(document: bytes) -> list[str]:
    """What is wrong with the JUnit counts (tests, failures, errors, skipped) of suites and the root; [] if none."""
    root = ET.fromstring(document)
    problems = []
    cases_of_all = []
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        cases_of_all += cases
        problems += _compare(suite, cases, "testsuite")
    problems += _compare(root, cases_of_all, "testsuites")
    return problems


def _compare(element: ET.Element, cases: list[ET.Element], where: str) -> list[str]:
    actual = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    return [
        f"{where} {name}={element.get(name)}, counted {count}"
        for name, count in actual.items()
        if element.get(name) != str(count)
    ]


def check_small(cli: Cli, *extra: str | Path) -> CliResult:
    return cli("check", "--observed", SMALL, "--now", NOW, "--no-history", *extra)


# -- the three files -----------------------------------------------------------------------------------------


def test_junit_of_the_small_observation_matches_its_golden_file_and_the_schema(
    cli: Cli, golden: Any, tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    target = tmp_path / "out" / "nested" / "check.junit.xml"  # parent directories are created
    result = check_small(cli, "--junit", target)
    assert result.exit_code == 1
    document = target.read_bytes()
    golden("check-small.junit.xml", document.decode("utf-8"))
    junit_schema.validate(document.decode("utf-8"))
    assert counts_match(document) == []
    suite = ET.fromstring(document).find("testsuite")
    assert suite is not None
    counts = (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped"))
    assert counts == ("11", "4", "0", "0")
    assert suite.get("timestamp") == NOW
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {
        "observed_at": "2026-11-25T02:00:00+08:00",
        "verdict": "drift",
        "exit_code": "1",
        "run_id": "",
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_and_json_files_are_the_stdout_formats(cli: Cli, tmp_path: Path, lang: str) -> None:
    md, js = tmp_path / "summary.md", tmp_path / "reports" / "result.json"
    console = check_small(cli, "--lang", lang, "--markdown", md, "--json", js)
    assert console.exit_code == 1
    assert "compute.vcpu" in console.stdout  # stdout keeps its own (console) format
    assert console.stderr == ""  # no progress bar when stderr is not a terminal
    assert md.read_text(encoding="utf-8") == check_small(cli, "--lang", lang, "--format", "markdown").stdout
    assert js.read_text(encoding="utf-8") == check_small(cli, "--format", "json").stdout


def test_all_three_files_with_history_carry_the_run_id(cli: Cli, tmp_path: Path) -> None:
    paths = [tmp_path / "r.xml", tmp_path / "r.md", tmp_path / "r.json"]
    args = ["check", "--observed", SMALL, "--now", NOW, "--junit", paths[0], "--markdown", paths[1]]
    cli(*args, "--json", paths[2])
    second = cli(*args, "--json", paths[2])
    assert second.exit_code == 1
    assert all(p.exists() for p in paths)
    assert 'name="run_id" value="2"' in paths[0].read_text(encoding="utf-8")
    assert "Recorded as run #2" in paths[1].read_text(encoding="utf-8")
    assert '"run_id": 2' in paths[2].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary files left


def test_an_existing_file_is_replaced_and_keeps_its_permissions(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert check_small(cli, "--json", target).exit_code == 1
    assert target.read_text(encoding="utf-8").startswith("{")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_new_file_gets_the_usual_permissions_not_those_of_a_temporary_file(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_output(tmp_path / "new.txt", lambda out: out.write(b"x"))
    finally:
        os.umask(mask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_a_symlink_is_written_through_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(link, lambda out: out.write(b"new"))
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_pipe_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, lambda out: out.write(b"through the pipe"))
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert not fifo.is_file()


# -- atomic writes ------------------------------------------------------------------------------------------


class Injected(Exception):
    pass


def _fail_rename(monkeypatch: pytest.MonkeyPatch, error: BaseException, expected: bytes | None = None) -> list[Path]:
    """Make the rename after the temporary file is complete fail; return the temporary files it was given."""
    seen: list[Path] = []

    def failing_replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        seen.append(Path(source))
        if expected is not None:
            assert Path(source).read_bytes() == expected  # the temporary file was written in full
        raise error

    monkeypatch.setattr("reconciler.report.outputs.os.replace", failing_replace)
    return seen


@pytest.mark.parametrize("error", [Injected("killed"), KeyboardInterrupt()])
def test_interrupted_before_the_rename_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    target = tmp_path / "report.xml"
    seen = _fail_rename(monkeypatch, error, b"complete contents")
    with pytest.raises(type(error)):
        write_output(target, lambda out: out.write(b"complete contents"))
    assert len(seen) == 1
    assert seen[0].parent == tmp_path  # the temporary file sits next to the target (same file system)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # and was removed


def test_interrupted_before_the_rename_keeps_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"previous complete contents")
    _fail_rename(monkeypatch, Injected("killed"), b"complete contents")
    with pytest.raises(Injected):
        write_output(target, lambda out: out.write(b"complete contents"))
    assert target.read_bytes() == b"previous complete contents"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_interrupted_while_writing_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_bytes(b"previous")

    def half_then_fail(out: Any) -> None:
        out.write(b"half of a rep")
        raise Injected("killed mid-write")

    with pytest.raises(Injected):
        write_output(target, half_then_fail)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_failed_rename_is_exit_2_naming_the_file(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.json"
    seen = _fail_rename(monkeypatch, OSError(28, "No space left on device"))
    result = check_small(cli, "--json", target)
    assert result.exit_code == 2
    assert result.stderr == f"error: {target}: cannot be written: No space left on device\n"
    assert len(seen) == 1
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


# -- unwritable paths ------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--junit", "--markdown", "--json"])
def test_a_file_in_place_of_a_directory_is_exit_2_without_traceback(
    cli: Cli, tmp_path: Path, history_store: str, option: str
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "out" / "report"
    result = cli("check", "--observed", SMALL, "--now", NOW, option, target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: cannot be written: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not Path(history_store.removeprefix("sqlite:///")).exists()  # failed before the run was recorded


def test_a_directory_as_target_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = check_small(cli, "--junit", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path}: is a directory, expected an output file\n"


def test_a_file_in_the_way_of_the_target_directory_is_named(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = check_small(cli, "--junit", tmp_path / "file" / "x.xml")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {tmp_path / 'file' / 'x.xml'}: cannot be written: {tmp_path / 'file'} is not a directory\n"
    )


def test_a_refused_run_leaves_no_empty_report_directory(cli: Cli, tmp_path: Path, write_json: Any) -> None:
    broken = write_json({"not": "a contract"}, "broken.json")
    result = cli("check", "--observed", SMALL, "--contract", broken, "--json", tmp_path / "reports" / "r.json")
    assert result.exit_code == 2
    assert not (tmp_path / "reports").exists()


def test_write_output_turns_os_errors_into_input_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be written"):
        write_output(tmp_path / "file" / "x.xml", lambda out: out.write(b""))


# -- JUnit content for every state ---------------------------------------------------------------------------

AT = datetime(2026, 11, 25, 9, 0, tzinfo=CONTRACT_TZ)


def _every_state(contract_data: dict[str, Any]) -> Reconciliation:
    """One result with every line item status and expansion state, at 2026-11-25 09:00 Beijing."""
    contract_data["expansions"] = [
        # at risk (due 11-26 00:00): vCPU stays at its baseline -> pending
        {"id": "exp-vcpu", "line_item": "compute.vcpu", "quantity": 64, "requested_at": "2026-11-18T10:00:00+08:00"},
        # overdue: memory stays at its baseline -> short
        {"id": "exp-mem", "line_item": "compute.memory", "quantity": 100, "requested_at": "2026-11-10T10:00:00+08:00"},
        # delivered late (first seen on 11-20) -> met now
        {
            "id": "exp-vpn",
            "line_item": "network.remote_access",
            "quantity": 2,
            "requested_at": "2026-11-02T10:00:00+08:00",
            "reference": "ticket 7",
        },
        # delivered on time (11-22) -> met now
        {"id": "exp-bw", "line_item": "network.bandwidth", "quantity": 50, "requested_at": "2026-11-20T10:00:00+08:00"},
        # open (due in December): backup stays at its baseline -> pending
        {"id": "exp-bk", "line_item": "backup.host", "quantity": 100, "requested_at": "2026-11-24T10:00:00+08:00"},
    ]
    contract = Contract.model_validate(contract_data)
    resources = [r for r in met_resources() if r["id"] != "bw-1"]
    resources += [
        {"id": "bw-1", "kind": "bandwidth", "mbps": 250},
        {"id": "eip-extra", "kind": "public_ip"},  # over
        {"id": "vpn-8", "kind": "remote_access_account"},
        {"id": "vpn-9", "kind": "remote_access_account"},
    ]
    source = SourceReport(
        "test",
        frozenset(k for k in KINDS if k != "load_balancer"),  # not observed
        failed={"waf": plain_text("WAF inventory API denied (403)\x01")},  # unknown, with a character XML cannot carry
    )
    observation = Observation(AT, (source,), structs(resources))
    nov20, nov22 = (datetime(2026, 11, day, 9, 0, tzinfo=CONTRACT_TZ) for day in (20, 22))
    history = [
        # before exp-bw was requested (10:00): does not fulfil it
        PastRun(1, nov20, nov20, {"network.remote_access": Decimal(10), "network.bandwidth": Decimal(250)}, {}),
        PastRun(2, nov22, nov22, {"network.bandwidth": Decimal(250)}, {}),
    ]
    return reconcile(contract, observation, AT, history=history)


def _cases(document: bytes) -> dict[tuple[str, str], ET.Element]:
    suite = ET.fromstring(document).find("testsuite")
    assert suite is not None
    return {(c.get("classname", ""), c.get("name", "").split(" ")[0]): c for c in suite.findall("testcase")}


def test_junit_of_every_state_is_valid_and_counted(
    contract_data: dict[str, Any], junit_schema: xmlschema.XMLSchema
) -> None:
    result = _every_state(contract_data)
    statuses = {f.line_item.value: f.status for f in result.findings}
    assert statuses["compute.vcpu"] is Status.PENDING
    assert statuses["compute.memory"] is Status.SHORT
    assert statuses["network.public_ip"] is Status.OVER
    assert statuses["security.waf"] is Status.UNKNOWN
    assert statuses["network.load_balancer"] is Status.NOT_OBSERVED
    assert statuses["storage.standard"] is Status.MET
    assert [(e.id, e.state.value) for e in result.expansions] == [
        ("exp-vpn", "fulfilled_late"),
        ("exp-mem", "overdue"),
        ("exp-vcpu", "at_risk"),
        ("exp-bw", "fulfilled_on_time"),
        ("exp-bk", "open"),
    ]

    document = render_junit(result)
    junit_schema.validate(document.decode("utf-8"))
    assert counts_match(document) == []
    cases = _cases(document)
    assert len(cases) == 11 + 5
    root = ET.fromstring(document)
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("16", "4", "1", "1")


def test_junit_line_items_in_every_status(contract_data: dict[str, Any]) -> None:
    cases = _cases(render_junit(_every_state(contract_data)))
    met = cases["line_items", "storage.standard"]
    assert list(met) == []
    assert met.get("name") == "storage.standard Storage - ordinary storage"

    short = cases["line_items", "compute.memory"].find("failure")
    assert short is not None
    assert short.get("type") == "short"
    assert short.get("message") == (
        "short: entitled 2,996, due 2,996, supplied 2,896, gap -100 GB; value -4,114.50 CNY per month"
    )
    assert "measured by: sum of memory_gb of VMs" in (short.text or "")

    over = cases["line_items", "network.public_ip"].find("failure")
    assert over is not None
    assert over.get("type") == "over"
    assert over.get("message") == "over: entitled 3, due 3, supplied 4, gap +1 IP; value +76.05 CNY per month"

    error = cases["line_items", "security.waf"].find("error")
    assert error is not None
    assert error.get("type") == "unknown"
    assert error.get("message") == (
        "a source failed while observing WAF instances: test: WAF inventory API denied (403)\\x01; not short; "
        "possibly over"
    )
    assert "unknown (met/over): entitled 2, due 2, supplied ≥ 2, gap ≥ 0 instance" in (error.text or "")

    skipped = cases["line_items", "network.load_balancer"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "no chosen source observes load balancers"

    pending = cases["line_items", "compute.vcpu"]
    assert [child.tag for child in pending] == ["system-out"]
    assert "short only of expansions still inside their deadline" in (pending[0].text or "")
    assert "pending: entitled 1,296, due 1,232, supplied 1,232, gap -64 vCPU" in (pending[0].text or "")


def test_junit_expansions_in_every_state(contract_data: dict[str, Any]) -> None:
    cases = _cases(render_junit(_every_state(contract_data)))
    for eid, state in (("exp-mem", "overdue"), ("exp-vpn", "fulfilled_late")):
        failure = cases["expansions", eid].find("failure")
        assert failure is not None, eid
        assert failure.get("type") == state
    overdue = cases["expansions", "exp-mem"].find("failure")
    assert overdue is not None
    assert (overdue.get("message") or "").startswith("overdue: +100 compute.memory, due 2026-11-")
    late = cases["expansions", "exp-vpn"].find("failure")
    assert late is not None
    assert "fulfilled 2026-11-20 09:00" in (late.text or "")
    assert "requested 2026-11-02 10:00 (ticket 7)" in (late.text or "")
    for eid in ("exp-vcpu", "exp-bw", "exp-bk"):
        assert [child.tag for child in cases["expansions", eid]] == ["system-out"], eid
    assert "at risk" in (cases["expansions", "exp-vcpu"][0].text or "")
    assert cases["expansions", "exp-vcpu"].get("name") == "exp-vcpu compute.vcpu +64"


def test_junit_is_deterministic_and_only_uses_now(contract_data: dict[str, Any]) -> None:
    first = render_junit(_every_state(dict(contract_data)))
    assert first == render_junit(_every_state(dict(contract_data)))
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    assert b'timestamp="2026-11-25T09:00:00+08:00"' in first


def test_text_xml_cannot_carry_is_escaped(contract: Contract) -> None:
    source = SourceReport(
        "test", frozenset(KINDS), failed={"vm": plain_text("bad \udc80 byte and \x1b[31m colour\ufffe")}
    )
    result = reconcile(contract, Observation(AT, (source,), structs(met_resources())), AT)
    document = render_junit(result)
    error = _cases(document)["line_items", "compute.vcpu"].find("error")
    assert error is not None
    assert error.get("message") == (
        "a source failed while observing VMs: test: bad \\udc80 byte and \\x1b[31m colour\\ufffe; not short; "
        "possibly over"
    )


def test_warnings_go_to_the_suite_output(contract: Contract) -> None:
    before = datetime(2026, 7, 1, 9, 0, tzinfo=CONTRACT_TZ)  # before the service period: a warning
    source = SourceReport("test", frozenset(KINDS))
    result = reconcile(contract, Observation(before, (source,), structs(met_resources())), before)
    suite = ET.fromstring(render_junit(result)).find("testsuite")
    assert suite is not None
    out = suite.find("system-out")
    assert out is not None
    assert "the service period starts on 2026-07-17" in (out.text or "")


# -- a wrong JUnit is caught ------------------------------------------------------------------------------


def _small_junit(cli: Cli, tmp_path: Path) -> str:
    target = tmp_path / "small.xml"
    check_small(cli, "--junit", target)
    return target.read_text(encoding="utf-8")


def test_a_failure_count_that_does_not_match_is_caught(
    cli: Cli, tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    wrong = _small_junit(cli, tmp_path).replace('failures="4"', 'failures="3"', 2)
    junit_schema.validate(wrong)  # well-formed for the schema: XSD 1.0 cannot count
    assert counts_match(wrong.encode()) == [
        "testsuite failures=3, counted 4",
        "testsuites failures=3, counted 4",
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (' type="short"', ""),  # a failure without its type
        (' type="short"', ' type="broken"'),  # a type the tool never writes
        ('classname="line_items"', 'classname="other"'),
        ('tests="11"', 'tests="-1"'),
        ('timestamp="2026-11-25T09:00:00+08:00"', 'timestamp="yesterday"'),
        ("<properties>", '<properties><property name="extra" value="x" />'),
        ("</testsuite>", '</testsuite><testsuite name="contract-reconciler" />'),
        ('time="0" />', 'time="0"><skipped message="x" /><failure message="x" type="over" /></testcase>'),
        ('<testcase classname="line_items"', '<testcase classname="line_items" assertions="1"'),
    ],
)
def test_a_wrong_structure_fails_the_schema(
    cli: Cli, tmp_path: Path, junit_schema: xmlschema.XMLSchema, old: str, new: str
) -> None:
    document = _small_junit(cli, tmp_path)
    assert old in document
    wrong = document.replace(old, new, 1)
    assert not junit_schema.is_valid(wrong)


# -- progress -------------------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "environ", "shown"),
    [
        (True, {}, True),
        (True, {"CI": "true"}, False),
        (True, {"CI": ""}, False),  # set, even empty
        (False, {}, False),
        (False, {"CI": "true"}, False),
    ],
)
def test_progress_only_on_a_terminal_outside_ci(tty: bool, environ: dict[str, str], shown: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert progress_wanted(stream, environ) is shown


def test_progress_is_off_for_a_closed_or_odd_stream() -> None:
    closed = io.StringIO()
    closed.close()
    assert progress_wanted(closed, {}) is False
    assert progress_wanted(object(), {}) is False  # type: ignore[arg-type]


def test_no_bar_means_no_callback_and_no_output() -> None:
    stream = io.StringIO()
    with snapshot_progress(SMALL, stream, {}) as report:
        assert report is None
    assert stream.getvalue() == ""


def test_a_forced_terminal_shows_the_bar(tmp_path: Path) -> None:
    stream = Terminal()
    with snapshot_progress(SMALL, stream, {}) as report:
        assert report is not None
        report(SMALL.stat().st_size, 30)
    shown = stream.getvalue()
    assert "observation-small.json" in shown
    assert "30 resources" in shown


def test_live_sources_show_a_spinner_naming_them_on_a_terminal_only() -> None:
    stream = Terminal()
    with observing_status(["ksyun", "kubernetes"], stream, {}):
        pass  # rich draws the status once more as it stops: no waiting for its refresh thread
    assert "Observing through ksyun, kubernetes" in stream.getvalue()
    quiet = Terminal()
    with observing_status(["ksyun"], quiet, {"CI": "true"}):
        pass
    assert quiet.getvalue() == ""


def test_the_snapshot_reports_bytes_and_resources_per_chunk(
    write_snapshot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonio, "CHUNK_CHARS", 4096)
    path = write_snapshot([*met_resources(), *(vm(f"vm-{i}", 2, 4) for i in range(500))])
    calls: list[tuple[int, int]] = []
    snapshot = SnapshotFile(path, lambda done, count: calls.append((done, count)))
    assert sum(1 for _ in snapshot.resources()) == len(met_resources()) + 500
    assert len(calls) > 5  # once per chunk, not per resource
    assert len(calls) < 100
    assert calls == sorted(calls)
    assert calls[-1] == (path.stat().st_size, len(met_resources()) + 500)


def test_check_without_a_terminal_prints_nothing_on_stderr(cli: Cli) -> None:
    result = check_small(cli)
    assert result.exit_code == 1
    assert result.stderr == ""


# -- the example CI files -----------------------------------------------------------------------------------

CI = ROOT / "examples" / "ci"
HISTORY = ".reconciler/history.sqlite"


def _load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((CI / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _check_command(script: str) -> str:
    assert "reconciler check" in script
    for option in ("--observed", "--junit", "--markdown", "--json", "--history"):
        assert option in script, option
    return script


def test_github_workflow_runs_nightly_and_keeps_the_history() -> None:
    workflow = _load("github-nightly.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert workflow["env"]["RECONCILER_HISTORY"] == HISTORY
    steps = workflow["jobs"]["check"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    [python] = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"]["python-version"] == "3.11"
    assert any(s.get("run") == "make venv" for s in steps)
    [restore] = [s for s in steps if s.get("uses", "").startswith("actions/cache/restore@")]
    [save] = [s for s in steps if s.get("uses", "").startswith("actions/cache/save@")]
    assert restore["with"]["path"] == save["with"]["path"] == HISTORY
    assert restore["with"]["key"] == save["with"]["key"]
    assert "steps.today.outputs.date" in save["with"]["key"]
    assert "reconciler-history-" in restore["with"]["restore-keys"]
    assert save["if"].startswith("always()")
    [check] = [s for s in steps if "reconciler check" in s.get("run", "")]
    script = _check_command(check["run"])
    assert '--markdown "$GITHUB_STEP_SUMMARY"' in script
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    gate = steps[-1]
    assert gate["if"] == "always()"
    for fails in ("1) ", "3) ", "exit 1", "exit 3"):
        assert fails in gate["run"]
    assert "0) echo" in gate["run"]
    assert steps.index(check) < steps.index(save) < steps.index(gate)


def test_gitlab_job_is_scheduled_caches_the_history_and_reports_junit() -> None:
    pipeline = _load("gitlab-ci.yml")
    job = pipeline["contract-capacity"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert job["variables"]["RECONCILER_HISTORY"] == HISTORY
    [cache] = job["cache"]
    assert cache["paths"] == [HISTORY]
    assert cache["when"] == "always"
    script = "\n".join(job["script"])
    _check_command(script)
    assert "make venv" in script
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/reconciliation.junit.xml"
    assert "reports/" in job["artifacts"]["paths"]
    assert script.rstrip().endswith("exit $rc")


def _run_shell(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A CI step's shell script, as the runner would run it, from the repository root (where .venv is)."""
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
        text=True, check=False, timeout=300,
    )  # fmt: skip


@pytest.mark.slow
def test_the_github_steps_run_as_written_and_leave_every_report(
    tmp_path: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    """The check and report steps of the workflow, executed: exit code 1 recorded for the gate (the example
    is short), JUnit, JSON, Markdown summary and the HTML page written, history carried in the store."""
    steps = _load("github-nightly.yml")["jobs"]["check"]["steps"]
    [check] = [s for s in steps if "reconciler check" in s.get("run", "")]
    [report] = [s for s in steps if "reconciler report" in s.get("run", "")]
    reports, output, summary = tmp_path / "reports", tmp_path / "github-output", tmp_path / "summary.md"
    env = {
        "OBSERVED": "examples/observation.json",
        "REPORTS": str(reports),
        "RECONCILER_HISTORY": f"sqlite:///{tmp_path / 'history.sqlite'}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "CI": "true",
    }
    reports.mkdir()
    done = _run_shell(check["run"], env)
    assert done.returncode == 0, done.stderr  # the step records the exit code; the last step fails the job
    assert output.read_text(encoding="utf-8").strip() == "exit_code=1"
    assert "reconciler check exited with 1" in done.stdout
    assert junit_schema.is_valid(str(reports / "reconciliation.junit.xml"))
    assert json.loads((reports / "reconciliation.json").read_text(encoding="utf-8"))["exit_code"] == 1
    assert (reports / "reconciliation.md").read_text(encoding="utf-8") == summary.read_text(encoding="utf-8")
    assert report["if"] == "always() && steps.check.outputs.exit_code != '2'"
    done = _run_shell(report["run"], env)
    assert done.returncode == 0, done.stderr
    page = (reports / "capacity-report.html").read_text(encoding="utf-8")
    assert "compute.vcpu" in page
    assert "1,216" in page or "1216" in page  # the example's vCPU supply, from the run just recorded


@pytest.mark.slow
def test_the_gitlab_script_runs_as_written_and_exits_with_the_checks_code(tmp_path: Path) -> None:
    job = _load("gitlab-ci.yml")["contract-capacity"]
    script = "\n".join(line for line in job["script"] if not line.startswith("make "))
    reports = tmp_path / "reports"
    reports.mkdir()
    env = {
        **{key: str(value) for key, value in job["variables"].items()},
        "REPORTS": str(reports),
        "RECONCILER_HISTORY": f"sqlite:///{tmp_path / 'history.sqlite'}",
        "CI": "true",
    }
    done = _run_shell(script, env)
    assert done.returncode == 1, done.stderr  # the example has shortfalls: the job fails, its reports kept
    produced = sorted(p.name for p in reports.iterdir())
    assert produced == [
        "capacity-report.html", "reconciliation.json", "reconciliation.junit.xml", "reconciliation.md",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(lambda tmp: tmp / ("x" * 250 + ".xml"), id="a name too long for its temporary file"),
        pytest.param(lambda tmp: Path("/proc/reconciler-junit.xml"), id="a pseudo file system"),
        pytest.param(lambda tmp: Path("/proc/reconciler/out/junit.xml"), id="a directory that cannot be made"),
    ],
)
@pytest.mark.parametrize("option", ["--junit", "--markdown", "--json"])
def test_an_unwritable_output_is_refused_before_the_run_is_recorded(
    cli: Cli, tmp_path: Path, history_store: str, option: str, target: Callable[[Path], Path]
) -> None:
    """docs/ci.md: a path that cannot be written is exit 2, checked before the check runs and records anything
    (the check tries a temporary file beside the target; as root, permissions alone say nothing)."""
    path = target(tmp_path)
    result = cli("check", "--observed", SMALL, "--now", NOW, option, path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: cannot be written: ")
    assert "Traceback" not in result.stderr
    assert not Path(history_store.removeprefix("sqlite:///")).exists()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_output_directory_is_made_and_a_refused_run_leaves_none(cli: Cli, tmp_path: Path) -> None:
    made = check_small(cli, "--junit", tmp_path / "reports" / "nightly" / "junit.xml")
    refused = cli("check", "--observed", tmp_path / "absent.json", "--now", NOW, "--no-history",
                  "--json", tmp_path / "other" / "deep" / "r.json")  # fmt: skip
    assert made.exit_code == 1
    assert (tmp_path / "reports" / "nightly" / "junit.xml").is_file()
    assert refused.exit_code == 2
    assert not (tmp_path / "other").exists()


def test_every_stated_go_version_is_the_one_the_go_modules_need() -> None:
    """The CI recipes, the Makefile and the docs state the Go that builds the Pulumi CLI and tools/: the `go` line
    of tools/*/go.mod (a `1.26` image or setup-go version resolves to its newest patch, which is newer)."""
    root = Path(__file__).resolve().parents[1]
    needed = {(module / "go.mod").read_text(encoding="utf-8").split("\ngo ", 1)[1].split()[0] for module in
              (root / "tools").iterdir() if (module / "go.mod").is_file()}  # fmt: skip
    assert len(needed) == 1, needed
    [minimum] = needed
    major_minor = ".".join(minimum.split(".")[:2])
    texts = {path: path.read_text(encoding="utf-8") for path in [
        root / "Makefile", root / "README.md", *(root / "docs").glob("*.md"), *(root / "examples" / "ci").iterdir(),
        *(root / "scripts").glob("*.sh"),
    ]}  # fmt: skip
    stated = [
        (path.name, found)
        for path, text in texts.items()
        for pattern in (
            r"golang:(\d+\.\d+(?:\.\d+)?)",
            r"go-version: \"?(\d+\.\d+(?:\.\d+)?)",
            r"Go\s+>=\s+(\d+\.\d+(?:\.\d+)?)",
        )
        for found in re.findall(pattern, text)
    ]
    assert stated, "no Go version stated anywhere"
    wrong = [(name, found) for name, found in stated if found not in (minimum, major_minor)]
    assert not wrong, f"Go {minimum} is needed (tools/*/go.mod); stated otherwise: {wrong}"
    assert "go-version-file: tools/pulumi-language-python/go.mod" in texts[root / "docs" / "pulumi.md"]
