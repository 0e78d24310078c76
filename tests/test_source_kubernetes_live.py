"""The kubernetes source live: the official client over real HTTP against kmock, with pagination and faults.

Each test seeds kmock with the objects of tests/data/kubernetes/cluster.json (served as paginated lists) and
runs `reconciler check --source kubernetes` in a thread (the sync client must not block kmock's loop).
Hand-computed answers for that cluster are in test_source_kubernetes_export.py (EXPECTED).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import kmock as kmock_lib
import pytest

from reconciler.sources.kubernetes import source as kubernetes_source
from tests.cli_runner import CliResult, run_cli
from tests.test_source_kubernetes_export import CLUSTER, EXPECTED, NOW, TABLES, supplied

TOKEN = "kube-bearer-7f3a9c-do-not-print"
PLURALS = {"Node": "nodes", "PersistentVolume": "persistentvolumes", "Service": "services"}


class FakeCluster:
    """Serves the fixture's objects as paginated lists (opaque base64-offset continue tokens, like the API
    server's), and injects faults per resource: a queue of statuses or delays consumed one per request."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.items: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for obj in objects:
            if obj["kind"] in PLURALS:
                item = {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}  # API list items
                self.items[PLURALS[obj["kind"]]].append(item)
        self.faults: dict[str, list[Any]] = defaultdict(list)
        self.expire_continue: dict[str, int] = defaultdict(int)
        self.looping: dict[str, int] = defaultdict(int)
        """Pages a list answers with a continue token back to its first page (a server that loops)."""
        self.endless: set[str] = set()
        """Lists whose every page holds objects never seen before and points to another (a runaway server)."""
        self.alter: dict[str, list[str | None]] = defaultdict(list)
        """Per request, how the reply is altered (None: not at all): "overlap" (the page starts two objects
        early), "more" / "fewer" (remainingItemCount one off), "trickle" (the body a byte every 0.1 s)."""
        self.requests: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.authorization: list[str | None] = []
        self.in_flight = self.most_in_flight = 0
        """Requests being answered now; the most at once."""
        self.stopped = asyncio.Event()
        """Set when the test ends: slow and trickled replies stop, so the server can close at once."""

    async def pause(self, seconds: float) -> None:
        """Wait `seconds`, or less if the test ends first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopped.wait(), seconds)

    def install(self, kmock: Any) -> None:
        for plural in PLURALS.values():
            kmock[f"list v1/{plural}"] << (lambda request, plural=plural: self.react(plural, request))

    async def react(self, plural: str, request: Any) -> Any:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self.reply(plural, request)
        finally:
            self.in_flight -= 1

    async def reply(self, plural: str, request: Any) -> Any:
        self.requests[plural].append(dict(request.params))
        self.authorization.append(request.headers.get("Authorization"))
        if self.faults[plural]:
            fault = self.faults[plural].pop(0)
            if isinstance(fault, float):
                await self.pause(fault)
            elif fault == "garbage":
                return kmock_lib.Response(status=200, payload=b"<html>proxy error</html>")
            else:
                status, headers = fault if isinstance(fault, tuple) else (fault, {})
                body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": status}
                body["message"] = f"{plural} is forbidden: cannot list" if status == 403 else "try again later"
                return kmock_lib.Response(status=status, payload=body, headers=headers)
        token = request.params.get("continue")
        if token and self.expire_continue[plural] > 0:
            self.expire_continue[plural] -= 1
            body = {"kind": "Status", "code": 410, "reason": "Expired", "message": "continue token too old"}
            return kmock_lib.Response(status=410, payload=body)
        alter = self.alter[plural].pop(0) if self.alter[plural] else None
        offset = int(base64.b64decode(token)) if token else 0
        limit = int(request.params.get("limit", "0")) or len(self.items[plural])
        start = max(0, offset - 2) if alter == "overlap" else offset
        page = self.items[plural][start : start + limit]
        following = offset + limit
        more = following < len(self.items[plural])
        metadata: dict[str, Any] = {"resourceVersion": "4711"}
        if more:  # as the API server: a continue token and how many objects remain after this page
            metadata["continue"] = base64.b64encode(str(following).encode()).decode()
            remaining = len(self.items[plural]) - following
            metadata["remainingItemCount"] = remaining + {"more": 1, "fewer": -1}.get(alter or "", 0)
        if self.looping[plural] > 0:
            self.looping[plural] -= 1
            metadata = {"resourceVersion": "4711", "continue": base64.b64encode(b"0").decode()}
        if plural in self.endless:
            page = [{**item, "metadata": {**item["metadata"], "name": f"x{offset}-{n}"}} for n, item in enumerate(page)]
            metadata = {"resourceVersion": "4711", "continue": base64.b64encode(str(offset + limit).encode()).decode()}
        kind = {"nodes": "NodeList", "persistentvolumes": "PersistentVolumeList", "services": "ServiceList"}[plural]
        body = {"kind": kind, "apiVersion": "v1", "metadata": metadata, "items": page}
        if alter == "trickle":
            return self.trickled(json.dumps(body).encode())
        # Always an explicit status: kmock 0.8 keeps the status of a Response returned by a callback for the
        # reaction's later replies, so a 410 or 503 would otherwise stick.
        return kmock_lib.Response(status=200, payload=body)

    async def trickled(self, data: bytes) -> Any:
        """A reply streamed a byte every 0.1 s: each socket read gets something well within any timeout."""
        for index in range(len(data)):
            await self.pause(0.1)
            if self.stopped.is_set():
                return
            yield data[index : index + 1]


@pytest.fixture
async def cluster(kmock: Any) -> AsyncIterator[FakeCluster]:
    fake = FakeCluster(json.loads(CLUSTER.read_text(encoding="utf-8"))["items"])
    fake.install(kmock)
    yield fake
    fake.stopped.set()


@pytest.fixture
async def kubeconfig(kmock: Any, tmp_path: Path) -> Path:
    """A kubeconfig with a bearer token and a non-current context that points at kmock."""
    server = str(kmock.url).rstrip("/")
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "elsewhere",
        "clusters": [
            {"name": "emulated", "cluster": {"server": server}},
            {"name": "nowhere", "cluster": {"server": "http://127.0.0.1:9"}},
        ],
        "users": [{"name": "auditor", "user": {"token": TOKEN}}],
        "contexts": [
            {"name": "emulated", "context": {"cluster": "emulated", "user": "auditor"}},
            {"name": "elsewhere", "context": {"cluster": "nowhere", "user": "auditor"}},
        ],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    return path


def check_live(kubeconfig: Path, *options: str) -> CliResult:
    args = ["check", "--source", "kubernetes", "--now", NOW, "--format", "json"]
    settings = {
        "kubeconfig": str(kubeconfig),
        "context": "emulated",
        "tables": str(TABLES),
        "page_size": "2",
        "backoff": "0.01",
        "max_wait": "0.05",
        "timeout": "5",
    }
    for option in options:
        key, _, value = option.partition("=")
        settings[key] = value
    for key, value in settings.items():
        args += ["--source-option", f"kubernetes.{key}={value}"]
    return run_cli(*args)


async def run_live(kubeconfig: Path, *options: str) -> CliResult:
    return await asyncio.to_thread(check_live, kubeconfig, *options)


def assert_no_token(result: CliResult) -> None:
    assert TOKEN not in result.stdout
    assert TOKEN not in result.stderr


async def test_paginated_lists_give_the_hand_computed_supply(cluster: FakeCluster, kubeconfig: Path) -> None:
    result = await run_live(kubeconfig)
    assert result.exit_code == 1, result.stderr  # the small cluster is short of the contract: exit 1, not 3
    assert supplied(result.json()) == EXPECTED
    # 5 nodes at limit=2: pages of 2, 2, 1, the later ones asking with the continue token
    assert [r.get("continue") is not None for r in cluster.requests["nodes"]] == [False, True, True]
    assert all(r["limit"] == "2" for r in cluster.requests["nodes"])
    assert len(cluster.requests["services"]) == 3  # 5 services
    assert set(cluster.authorization) == {f"Bearer {TOKEN}"}  # the chosen context's credentials were sent
    source = result.json()["sources"][0]
    assert source["name"] == "kubernetes"
    assert source["covers"] == ["load_balancer", "vm", "volume"]
    assert source["failed"] == {}
    assert "cluster http://127.0.0.1" in source["detail"]["text"]
    assert "context emulated" in source["detail"]["text"]
    assert_no_token(result)


async def test_an_expired_continue_token_restarts_the_list(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.expire_continue["nodes"] = 1
    result = await run_live(kubeconfig)
    assert result.exit_code == 1, result.stderr
    assert supplied(result.json()) == EXPECTED  # restarted from page one: nothing counted twice or lost
    tokens = [r.get("continue") is not None for r in cluster.requests["nodes"]]
    assert tokens == [False, True, False, True, True]


async def test_a_list_that_keeps_expiring_is_unknown(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.expire_continue["persistentvolumes"] = 100
    result = await run_live(kubeconfig)
    assert result.exit_code == 1  # the definite vCPU shortfall is not masked by the unknown storage
    findings = {f["line_item"]: f for f in result.json()["findings"]}
    assert findings["storage.standard"]["status"] == "unknown"
    assert "410 Gone" in findings["storage.standard"]["reason"]["text"]
    assert findings["compute.vcpu"]["supplied"] == "28"


async def test_a_list_that_loops_is_read_again_then_incomplete(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.looping["nodes"] = 25  # the server keeps sending the client back to the first page
    result = await run_live(kubeconfig)
    assert len(cluster.requests["nodes"]) == 4  # two pages per read, two reads: stopped at the repeated page
    source = result.json()["sources"][0]
    assert source["failed"] == {}
    repeat = "listing nodes: 2 of the 2 item(s) on page 2 were on earlier pages already (e.g. node-a, node-b)"
    assert source["incomplete"]["vm"]["text"].startswith(repeat)
    assert "listing nodes: read again from the first page" in source["incomplete"]["vm"]["text"]
    findings = {f["line_item"]: f for f in result.json()["findings"]}
    # never the repeated nodes counted as all there is: the two seen are a lower bound
    assert (findings["compute.vcpu"]["status"], findings["compute.vcpu"]["supplied_upper"]) == ("unknown", None)
    assert findings["storage.performance"]["supplied"] == "250"  # the other lists are still trusted


async def test_a_list_that_never_ends_is_stopped_and_unknown(
    cluster: FakeCluster, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kubernetes_source, "MAX_PAGES", 10)  # the real cap is 10,000 pages
    cluster.endless.add("nodes")  # new nodes on every page, and always a next page
    result = await run_live(kubeconfig)
    assert len(cluster.requests["nodes"]) == 10  # stopped at the cap
    failed = {kind: why["text"] for kind, why in result.json()["sources"][0]["failed"].items()}
    assert list(failed) == ["vm"]
    assert "listing nodes: still a continue token after 10 pages" in failed["vm"]
    assert {f["line_item"]: f for f in result.json()["findings"]}["compute.vcpu"]["status"] == "unknown"


async def test_throttling_and_server_errors_are_retried(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["nodes"] = [(429, {"Retry-After": "1"}), 503, 500]
    cluster.faults["services"] = [502]
    started = time.monotonic()
    result = await run_live(kubeconfig)
    assert result.exit_code == 1, result.stderr
    assert supplied(result.json()) == EXPECTED
    assert len(cluster.requests["nodes"]) == 3 + 3  # each fault seen by tenacity, then the three pages
    assert time.monotonic() - started < 5  # Retry-After is capped by max_wait (0.05 s here)


async def test_persistent_failure_makes_the_kind_unknown(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["nodes"] = [(503, {"Retry-After": "0"})] * 20
    result = await run_live(kubeconfig, "attempts=3")
    # bounded, and only tenacity retries: urllib3's default Retry would repeat each 503 with Retry-After itself
    assert len(cluster.requests["nodes"]) == 3
    findings = {f["line_item"]: f for f in result.json()["findings"]}
    for item in ("compute.vcpu", "compute.memory"):
        assert findings[item]["status"] == "unknown"
        assert "listing nodes failed after 3 attempts (HTTP 503" in findings[item]["reason"]["text"]
    assert findings["storage.performance"]["supplied"] == "250"  # the other lists are still trusted
    assert findings["network.load_balancer"]["status"] == "met"
    assert result.exit_code == 1  # storage is definitely short: drift (1) is never masked by unknown (3)
    assert_no_token(result)


async def test_nothing_observed_but_failures_exits_3(cluster: FakeCluster, kubeconfig: Path) -> None:
    for plural in PLURALS.values():
        cluster.faults[plural] = [500] * 10
    result = await run_live(kubeconfig, "attempts=2")
    assert result.exit_code == 3
    statuses = {f["line_item"]: f["status"] for f in result.json()["findings"]}
    assert {item for item, status in statuses.items() if status == "unknown"} == set(EXPECTED)
    assert "met" not in statuses.values()
    assert_no_token(result)


async def test_forbidden_list_is_unknown_with_the_reason(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["persistentvolumes"] = [403]
    result = await run_live(kubeconfig)
    assert result.exit_code == 1  # vCPU is definitely short
    assert len(cluster.requests["persistentvolumes"]) == 1  # 403 is not retried
    failed = {kind: why["text"] for kind, why in result.json()["sources"][0]["failed"].items()}
    assert list(failed) == ["volume"]
    assert "may not list persistentvolumes (HTTP 403" in failed["volume"]
    assert "persistentvolumes is forbidden" in failed["volume"]


async def test_a_slow_reply_times_out_and_is_retried(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["services"] = [3.0]
    started = time.monotonic()
    result = await run_live(kubeconfig, "timeout=0.5")
    assert result.exit_code == 1, result.stderr
    assert supplied(result.json()) == EXPECTED
    assert time.monotonic() - started < 2.8  # gave up on the slow reply after 0.5 s, not 3 s


async def test_replies_that_never_come_are_unknown(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["services"] = [1.0, 1.0]
    result = await run_live(kubeconfig, "timeout=0.2", "attempts=2")
    assert {f["line_item"]: f["status"] for f in result.json()["findings"]}["network.load_balancer"] == "unknown"
    failed = {kind: why["text"] for kind, why in result.json()["sources"][0]["failed"].items()}
    assert failed == {
        "load_balancer": "listing services failed after 2 attempts: no complete answer within 0.2 s "
        "(setting kubernetes.timeout)"
    }


async def test_a_body_that_is_not_json_is_unknown(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["nodes"] = ["garbage"]
    result = await run_live(kubeconfig)
    assert {k: v["text"] for k, v in result.json()["sources"][0]["failed"].items()} == {
        "vm": "listing nodes: the reply cannot be read (not valid JSON at line 1 column 1: Expecting value)"
    }


async def test_console_output_and_errors_never_show_the_token(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.faults["nodes"] = [401]
    result = await asyncio.to_thread(
        run_cli,
        "check",
        "--source",
        "kubernetes",
        "--now",
        NOW,
        "--source-option",
        f"kubernetes.kubeconfig={kubeconfig}",
        "--source-option",
        "kubernetes.context=emulated",
        "--source-option",
        f"kubernetes.tables={TABLES}",
    )
    assert "may not list nodes (HTTP 401" in result.stdout
    assert_no_token(result)


def test_an_unknown_context_is_a_clear_input_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:9"}}],
                "users": [{"name": "u", "user": {"token": TOKEN}}],
                "contexts": [{"name": "only", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "only",
            }
        ),
        encoding="utf-8",
    )
    result = check_live(config, "context=missing")
    assert result.exit_code == 2
    assert str(config) in result.stderr
    assert "cannot configure the Kubernetes client" in result.stderr
    assert_no_token(result)


def test_in_cluster_configuration_is_used_inside_a_pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a service-account token file the in-cluster configuration fails clearly (exit 2)."""
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "9")
    monkeypatch.delenv("KUBECONFIG", raising=False)
    result = run_cli("check", "--source", "kubernetes", "--now", NOW, "--source-option", "kubernetes.in_cluster=true")
    assert result.exit_code == 2
    assert "<in-cluster configuration>" in result.stderr


# -- listings checked for what they claim ------------------------------------------------------------------


def _reason(result: CliResult, item: str) -> str:
    finding = next(f for f in result.json()["findings"] if f["line_item"] == item)
    assert finding["status"] == "unknown"
    reason: str = finding["reason"]["text"]
    return reason


async def test_an_overlapping_page_once_is_read_past(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.alter["nodes"] = [None, "overlap"]  # the second page starts two nodes early
    result = await run_live(kubeconfig)
    assert supplied(result.json()) == EXPECTED  # read again from the first page: nothing counted twice or lost
    assert [r.get("continue") is not None for r in cluster.requests["nodes"]] == [False, True, False, True, True]


async def test_pages_that_keep_overlapping_make_the_kind_incomplete(cluster: FakeCluster, kubeconfig: Path) -> None:
    cluster.alter["nodes"] = [None, "overlap"] * 2
    result = await run_live(kubeconfig)
    reason = _reason(result, "compute.vcpu")
    assert "listing nodes: 2 of the 2 item(s) on page 2 were on earlier pages already" in reason
    assert "listing nodes: read again from the first page" in reason
    assert supplied(result.json())["storage.performance"] == EXPECTED["storage.performance"]


@pytest.mark.parametrize(
    ("alter", "told"),
    [
        ("more", "listing nodes: page 2 tells a total of 6 where the pages before it told 5"),
        ("fewer", "listing nodes: page 2 tells a total of 4 where the pages before it told 5"),
    ],
)
async def test_a_remaining_item_count_that_changes_makes_the_kind_incomplete(
    cluster: FakeCluster, kubeconfig: Path, alter: str, told: str
) -> None:
    cluster.alter["nodes"] = [None, alter] * 2
    result = await run_live(kubeconfig)
    assert told in _reason(result, "compute.vcpu")


async def test_a_remaining_item_count_below_the_truth_is_not_taken_as_complete(
    cluster: FakeCluster, kubeconfig: Path
) -> None:
    cluster.alter["nodes"] = ["fewer"] * 10  # every page tells one node fewer than there are
    result = await run_live(kubeconfig)
    assert "listing nodes: 5 distinct items, more than the total of 4 its pages tell" in _reason(result, "compute.vcpu")


# -- bounded waiting -----------------------------------------------------------------------------------------


async def test_a_trickled_reply_is_cut_off_at_the_request_deadline(cluster: FakeCluster, kubeconfig: Path) -> None:
    """A byte every 0.1 s keeps each socket read under the 0.5 s timeout: the page (about 2 kB) would take
    minutes. The request's deadline ends each attempt at 0.5 s."""
    cluster.alter["services"] = ["trickle"] * 2
    started = time.monotonic()
    result = await run_live(kubeconfig, "timeout=0.5", "attempts=2")
    assert time.monotonic() - started < 10
    assert {k: v["text"] for k, v in result.json()["sources"][0]["failed"].items()} == {
        "load_balancer": "listing services failed after 2 attempts: no complete answer within 0.5 s "
        "(setting kubernetes.timeout)"
    }
    assert supplied(result.json())["compute.vcpu"] == EXPECTED["compute.vcpu"]


async def test_a_source_past_its_deadline_reports_its_unfinished_lists_failed(
    cluster: FakeCluster, kubeconfig: Path
) -> None:
    cluster.faults["services"] = [30.0]  # a reply that never comes in time
    started = time.monotonic()
    result = await run_live(kubeconfig, "timeout=20", "deadline=0.5")
    assert time.monotonic() - started < 10
    assert {k: v["text"] for k, v in result.json()["sources"][0]["failed"].items()} == {
        "load_balancer": "the source's deadline of 0.5 s (setting kubernetes.deadline) passed before listing "
        "services finished"
    }
    assert supplied(result.json())["compute.vcpu"] == EXPECTED["compute.vcpu"]  # the lists that finished count


# -- lists side by side --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("concurrency", "at_once"), [("3", 3), ("1", 1)])
async def test_the_lists_are_read_side_by_side(
    cluster: FakeCluster, kubeconfig: Path, concurrency: str, at_once: int
) -> None:
    for plural in PLURALS.values():
        cluster.faults[plural] = [0.2]  # each list's first page comes slowly
    result = await run_live(kubeconfig, f"concurrency={concurrency}")
    assert supplied(result.json()) == EXPECTED
    assert cluster.most_in_flight == at_once
