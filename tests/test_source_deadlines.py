"""Bounded waiting: a live source never waits past its deadlines, whatever the server does.

Each request has a deadline for its whole answer (a server trickling bytes, each within the socket timeout, is
cut off at it), each source one for all its work; a source past its deadline reports its unfinished kinds as
failed (`unknown`) and the check goes on. Deadlines here are fractions of a second; the faults would hold a
check for minutes (a trickled reply) or for ever (a connection that never answers).
"""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sources.deadline import TimedOut, call_within
from tests.emulators.ksyun import Fault, World, running
from tests.test_source_ksyun import EXPECTED, load_world, observe, settings, totals
from tests.test_source_pulumi import check as pulumi_check


@pytest.fixture
def world() -> World:
    return load_world()


@pytest.fixture
def endpoint(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with running(world) as address:
        yield address


def test_a_call_is_waited_for_until_its_deadline_only() -> None:
    assert call_within(1.0, lambda x: x * 2, 21) == 42
    with pytest.raises(ZeroDivisionError):
        call_within(1.0, lambda: 1 / 0)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        call_within(0.1, time.sleep, 5)
    assert time.monotonic() - started < 2


def test_a_trickled_reply_is_cut_off_at_the_request_deadline(endpoint: str, world: World) -> None:
    """One byte every 0.2 s keeps each socket read under the 0.3 s timeout: the snapshot page (about 1.5 kB)
    would take five minutes. The request's deadline ends each attempt at 0.3 s."""
    world.faults.append(Fault("DescribeSnapshots", "trickle", times=99, delay=0.2))
    started = time.monotonic()
    resources, report = observe(settings(endpoint, timeout="0.3", attempts="2"))
    assert time.monotonic() - started < 10
    assert list(report.failed) == ["backup"]
    assert str(report.failed["backup"]) == (
        "ebs DescribeSnapshots in cn-beijing-6: no complete answer within 0.3 s (setting ksyun.timeout) "
        "(after 2 attempts)"
    )
    assert totals(resources)["vcpu_counted"] == EXPECTED["vcpu_counted"]  # the other listings are trusted


def test_a_connection_that_never_answers_fails_its_kinds_only(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeVolumes", "hang", times=99))
    resources, report = observe(settings(endpoint, timeout="0.3", attempts="2"))
    assert list(report.failed) == ["volume"]
    assert "no complete answer within 0.3 s" in str(report.failed["volume"])
    found = totals(resources)
    assert (found["backup"], found["lbs"]) == (EXPECTED["backup"], EXPECTED["lbs"])  # the same host, other APIs


def test_a_source_past_its_deadline_reports_its_unfinished_kinds_failed(endpoint: str, world: World) -> None:
    world.faults.append(Fault("DescribeInstances", "hang", times=99))
    started = time.monotonic()
    resources, report = observe(settings(endpoint, timeout="30", deadline="1", retry_wait="0"))
    elapsed = time.monotonic() - started
    assert 1 <= elapsed < 10
    assert list(report.failed) == ["vm"]
    assert str(report.failed["vm"]) == (
        "kec DescribeInstances in cn-beijing-6: the source's deadline of 1 s (setting ksyun.deadline) passed before "
        "DescribeInstances in cn-beijing-6 finished"
    )
    assert totals(resources)["lbs"] == EXPECTED["lbs"]  # listings that finished in time still count


def test_listings_that_had_not_started_by_the_deadline_are_failed_too(endpoint: str, world: World) -> None:
    """One listing at a time: the first hangs past the source's deadline, the others are never asked."""
    world.faults.append(Fault("DescribeInstances", "hang", times=99))
    _, report = observe(settings(endpoint, timeout="30", deadline="0.5", concurrency="1", ks3_endpoint=""))
    assert set(report.failed) == {"vm", "volume", "backup", "public_ip", "bandwidth", "load_balancer"}
    assert all("the source's deadline of 0.5 s" in str(reason) for reason in report.failed.values())
    asked = {r["params"].get("Action") for r in world.requests}
    assert asked == {"GetAccountAllProjectList", "DescribeInstances"}


# -- the pulumi CLI ---------------------------------------------------------------------------------------


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie is not running


def test_a_pulumi_cli_that_hangs_is_killed_with_what_it_started(tmp_path: Path) -> None:
    """A CLI that starts a plugin holding its output open and never finishes: at `pulumi.timeout` both are
    killed, and the source's kinds are unknown."""
    pidfile = tmp_path / "plugin.pid"
    cli = tmp_path / "pulumi"
    cli.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nsleep 60\n", encoding="utf-8")
    cli.chmod(cli.stat().st_mode | stat.S_IEXEC)
    started = time.monotonic()
    result = pulumi_check(
        "--source-option", "pulumi.stack=org/p/s", "--source-option", f"pulumi.cli={cli}",
        "--source-option", "pulumi.timeout=0.5",
    )  # fmt: skip
    assert time.monotonic() - started < 10
    assert result.exit_code == 3
    report = result.json()
    assert report["sources"][0]["failed"]["vm"]["text"] == (
        "the source's deadline of 0.5 s (setting pulumi.timeout) passed before pulumi stack export finished"
    )
    plugin = int(pidfile.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while _running(plugin) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(plugin)
