"""The real Pulumi engine (`pulumi preview` / `up`, CLI built by scripts/install-pulumi.sh) on a local file
backend, through the four behaviours of the CI gate: all met passes with no changes; a short line item fails
`--refresh --expect-no-changes` with the gap in the diff; a mandatory policy violation blocks; a repeated
preview shows no churn. Each scenario has its own stack in one copy of the project; nothing touches ~/.pulumi.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.sources import SOURCES
from reconciler.sources.base import SourceRequest
from tests.conftest import ROOT, dumps, met_resources, snapshot_document
from tests.emulators.ksyun import World, running
from tests.pulumi_support import (
    EXPANSION_CONTRACT,
    NOW,
    SHORT_VCPU,
    engine_bin,
    misstated_line_total,
    short_resources,
    write_contract,
    write_observation,
)

pytestmark = pytest.mark.engine

PULUMI_VERSION = "v3.274.1"
KSYUN_DATA = ROOT / "tests" / "data" / "ksyun"
EXPECT_NO_CHANGES_FAILED = 7
"""`pulumi preview --expect-no-changes` exits 7 when changes are proposed (other failures exit 1)."""
PROJECT_FILES = ("Pulumi.yaml", "stacks", "policies", "contract_inventory.json", "examples")
LINE_ITEMS = 11
STACK = 1
"""The stack resource itself, counted among the unchanged."""
GATE = ("preview", "--refresh", "--expect-no-changes", "--diff")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class Engine:
    """The pulumi CLI with a private PULUMI_HOME, file backend and passphrase, run in a copy of the project."""

    project: Path
    env: dict[str, str]

    def __call__(self, *args: str, stack: str, check: bool = False) -> Run:
        done = subprocess.run(
            ["pulumi", *args, "--stack", stack, "--non-interactive", "--color", "never"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        run = Run(done.returncode, done.stdout, done.stderr)
        if check and run.code != 0:
            pytest.fail(f"pulumi {' '.join(args)} exited {run.code}:\n{run.output}")
        return run

    def with_env(self, **extra: str) -> Engine:
        """The same engine with more environment variables (credentials, say)."""
        proxies = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
        return Engine(self.project, {k: v for k, v in self.env.items() if k not in proxies} | extra)

    def new_stack(self, name: str, **config: str) -> str:
        self("stack", "init", stack=name, check=True)
        for key, value in {"now": NOW, **config}.items():
            self("config", "set", f"reconciler:{key}", value, stack=name, check=True)
        return name


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    base = tmp_path_factory.mktemp("pulumi")
    project = base / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    (base / "home").mkdir()
    (base / "state").mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PULUMI_", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"))
    }
    env |= {
        # the engine first, then this test's Python (the venv with reconciler and the Pulumi SDK installed)
        "PATH": os.pathsep.join((str(engine_bin()), str(Path(sys.executable).parent), env.get("PATH", ""))),
        "PULUMI_HOME": str(base / "home"),
        "PULUMI_BACKEND_URL": (base / "state").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "engine-tests-only",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
    }
    engine = Engine(project, env)
    version = subprocess.run(["pulumi", "version"], env=env, capture_output=True, text=True, check=True)
    assert version.stdout.strip() == PULUMI_VERSION
    return engine


@pytest.fixture(scope="session")
def observations(engine: Engine) -> dict[str, Path]:
    data = engine.project / "test-data"
    data.mkdir()
    return {
        "met": write_observation(data / "met.json", met_resources()),
        "short": write_observation(data / "short.json", short_resources()),
        "misstated": write_contract(data / "misstated-contract.json", misstated_line_total),
    }


def steps(run: Run) -> dict[str, str]:
    """{resource name: op} of the plan in `--json` output (which lists no unchanged resource but the stack):
    the refresh steps and the stack itself left out."""
    return {
        step["urn"].rsplit("::", 1)[1]: step["op"]
        for step in run.json()["steps"]
        if step["op"] != "refresh" and step["urn"].split("::")[2].startswith("pulumi-python:dynamic/reconciler:")
    }


def test_all_met_passes_the_gate_with_no_changes(engine: Engine, observations: dict[str, Path]) -> None:
    stack = engine.new_stack("met", observed=str(observations["met"]))
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)

    gate = engine(*GATE, stack=stack)

    assert gate.code == 0, gate.output
    assert f"{LINE_ITEMS + STACK} unchanged" in gate.stdout
    assert "to update" not in gate.stdout


def night(engine: Engine, stack: str, export: Path | None, **settings: str) -> None:
    """The nightly job's first step: point the stack at tonight's export (and any other changed setting)."""
    if export is not None:
        engine("config", "set", "reconciler:observed", str(export), stack=stack, check=True)
    for key, value in settings.items():
        engine("config", "set", f"reconciler:{key}", value, stack=stack, check=True)


def test_the_gate_over_several_nights_on_one_stack(engine: Engine, tmp_path: Path) -> None:
    """One stack, one export per night, last night's export rotated away each morning."""
    exports = tmp_path / "exports"
    exports.mkdir()
    stack = engine.new_stack("nightly")

    # night 1: all met; the stack is created and recorded once
    first = write_observation(exports / "2026-11-22.json", met_resources())
    night(engine, stack, first)
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)
    gate = engine(*GATE, stack=stack)
    assert gate.code == 0, gate.output
    assert f"{LINE_ITEMS + STACK} unchanged" in gate.stdout

    # night 2: 16 vCPU short; the diff names the line item with entitled and tonight's supply
    first.unlink()
    second = write_observation(exports / "2026-11-23.json", short_resources())
    night(engine, stack, second)
    gate = engine(*GATE, stack=stack)
    assert gate.code == EXPECT_NO_CHANGES_FAILED, gate.output
    assert "~ 1 to update" in gate.stdout
    update = gate.stdout[gate.stdout.index("(update)") :]
    assert "[id=compute.vcpu]" in update
    assert re.search(r'\n\s+entitled\s+: "1232"\n', update)
    assert re.search(rf'~ supplied\s+: "1232" => "{SHORT_VCPU}"', update)
    assert re.search(r'~ status\s+: "met" => "short"', update)
    as_json = engine("preview", "--expect-no-changes", "--json", stack=stack)
    assert as_json.code == EXPECT_NO_CHANGES_FAILED
    assert {name: op for name, op in steps(as_json).items() if op != "same"} == {"compute.vcpu": "update"}
    # `up` records tonight's shortfall but cannot make it pass: the gap is still tonight's
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)
    assert engine(*GATE, stack=stack).code == EXPECT_NO_CHANGES_FAILED

    # night 3: met again; passes without an `up`, though the state recorded the shortfall
    second.unlink()
    third = write_observation(exports / "2026-11-24.json", met_resources())
    night(engine, stack, third)
    gate = engine(*GATE, stack=stack)
    assert gate.code == 0, gate.output
    assert f"{LINE_ITEMS + STACK} unchanged" in gate.stdout
    assert engine("stack", "output", "verdict", stack=stack, check=True).stdout.strip() == "drift"  # as recorded

    # night 4: the export job failed; the gate and `up` say which setting names what, without a traceback
    third.unlink()
    night(engine, stack, exports / "2026-11-25.json")
    for failed in (engine(*GATE, stack=stack), engine("up", "--yes", "--skip-preview", stack=stack)):
        assert failed.code == 1, failed.output
        assert "stack setting reconciler:observed: " in failed.output
        assert "2026-11-25.json: cannot read: No such file or directory" in failed.output
        assert "pulumi config set reconciler:observed FILE" in failed.output
        assert "Traceback" not in failed.output

    # night 5: a new export named with its source, another `now`: settings alone are never a change
    fifth = write_observation(exports / "2026-11-26.json", met_resources())
    night(engine, stack, None, observed=f"snapshot={fifth}", source="snapshot", now="2026-11-26T21:00:00+08:00")
    gate = engine(*GATE, stack=stack)
    assert gate.code == 0, gate.output
    recorded = engine("up", "--yes", "--skip-preview", stack=stack)
    assert recorded.code == 0, recorded.output
    assert engine("stack", "output", "verdict", stack=stack, check=True).stdout.strip() == "ok"
    assert engine(*GATE, stack=stack).code == 0


def test_an_expansion_inside_its_deadline_does_not_fail_the_gate(engine: Engine, observations: dict[str, Path]) -> None:
    stack = engine.new_stack("pending", observed=str(observations["met"]), contract=str(EXPANSION_CONTRACT))
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)

    gate = engine(*GATE, "--policy-pack", "policies", stack=stack)

    assert gate.code == 0, gate.output
    assert f"{LINE_ITEMS + 1 + STACK} unchanged" in gate.stdout
    # the advisory policy warns of it all the same
    assert "[advisory]  expansions-at-risk" in gate.stdout
    assert "expansion EXP-2026-001 (compute.vcpu to 1296) is at_risk" in gate.stdout


def test_a_mandatory_policy_violation_blocks_and_its_level_is_configurable(
    engine: Engine, observations: dict[str, Path], tmp_path: Path
) -> None:
    stack = engine.new_stack("policy", observed=str(observations["met"]), contract=str(observations["misstated"]))

    blocked = engine("preview", "--diff", "--policy-pack", "policies", stack=stack)

    assert blocked.code == 1, blocked.output
    assert "[mandatory]  contract-arithmetic-consistent" in blocked.stdout
    assert "compute.vcpu: 14.02 x 1232 x 12 = 207271.68" in blocked.stdout
    assert "line-items-match-inventory" not in blocked.stdout

    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"contract-arithmetic-consistent": "advisory"}), encoding="utf-8")
    allowed = engine("preview", "--policy-pack", "policies", "--policy-pack-config", str(config), stack=stack)
    assert allowed.code == 0, allowed.output
    assert "[advisory]  contract-arithmetic-consistent" in allowed.stdout


def test_a_repeated_preview_shows_no_churn(engine: Engine, observations: dict[str, Path]) -> None:
    stack = engine.new_stack("repeat", observed=str(observations["met"]))
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)
    before = engine("stack", "export", "--show-secrets", stack=stack, check=True).json()

    runs = [engine("preview", "--refresh", "--expect-no-changes", "--json", stack=stack) for _ in range(2)]
    update = engine("up", "--yes", "--refresh", "--expect-no-changes", "--skip-preview", stack=stack)
    after = engine("stack", "export", "--show-secrets", stack=stack, check=True).json()

    for run in runs:
        assert run.code == 0, run.output
        assert run.json()["changeSummary"] == {"same": LINE_ITEMS + STACK}
        assert steps(run) == {}
    assert update.code == 0, update.output

    def pickled(deployment: Any) -> dict[str, Any]:
        return {
            r["urn"]: r["inputs"].get("__provider")
            for r in deployment["deployment"]["resources"]
            if "LineItem" in r["urn"]
        }

    assert pickled(after) == pickled(before)


def test_a_failed_source_fails_the_gate_never_passes_as_met(engine: Engine, tmp_path: Path) -> None:
    failed = {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}
    observation = tmp_path / "waf-failed.json"
    seen = [r for r in met_resources() if r["kind"] != "waf"]  # nothing listed: [0, unbounded), may be short
    observation.write_text(dumps(snapshot_document(seen, **failed)), encoding="utf-8")
    stack = engine.new_stack("failed", observed=str(observation))
    engine("up", "--yes", "--skip-preview", stack=stack, check=True)

    gate = engine("preview", "--refresh", "--expect-no-changes", "--json", stack=stack)

    assert gate.code == EXPECT_NO_CHANGES_FAILED, gate.output  # a supply that may be short is a change
    assert [name for name, op in steps(gate).items() if op != "same"] == ["security.waf"]


def test_bad_configuration_is_named_without_a_traceback(engine: Engine, tmp_path: Path) -> None:
    stack = engine.new_stack("misconfigured", observed=str(tmp_path / "missing.json"))

    preview = engine("preview", stack=stack)

    assert preview.code != 0
    assert "stack setting reconciler:observed: " in preview.output
    assert "missing.json: cannot read: No such file or directory" in preview.output
    assert "Traceback" not in preview.output


def test_one_preview_observes_supply_once_for_program_provider_and_policy_pack(engine: Engine) -> None:
    """A live source (the ksyun source on the Kingsoft API emulator): one refreshing, policy-checked preview
    sweeps the inventory exactly once, as many API calls as one observation by the source itself."""
    raw = json.loads((KSYUN_DATA / "world.json").read_text(encoding="utf-8"))
    world = World(items=raw["items"], projects=raw["projects"], buckets=raw["buckets"], usage=raw["usage"])
    with running(world) as address:
        options = {
            "regions": "cn-beijing-6",
            "endpoint": address,
            "ks3_endpoint": address,
            "scheme": "http",
            "tables": str(KSYUN_DATA / "tables.json"),
            "timeout": "5",
            "attempts": "1",
            "page_size": "5",
        }
        live = engine.with_env(KSYUN_ACCESS_KEY="AKLTengine0123", KSYUN_SECRET_KEY="SKengine-never-shown")  # env only
        stack = live.new_stack("live", source="ksyun")
        for key, value in options.items():
            path = f'reconciler:sourceOptions["ksyun.{key}"]'
            live("config", "set", "--path", path, value, stack=stack, check=True)
        live("up", "--yes", "--skip-preview", stack=stack, check=True)

        def calls_of(action: Callable[[], object]) -> int:
            before = len(world.requests)
            action()
            return len(world.requests) - before

        keys = {"access_key": "AKLTengine0123", "secret_key": "SKengine-never-shown"}
        source = SOURCES["ksyun"].open(SourceRequest("ksyun", (), options | keys))
        one_sweep = calls_of(lambda: list(source.resources()))
        preview = calls_of(lambda: live("preview", "--refresh", "--diff", "--policy-pack", "policies", stack=stack))

    assert one_sweep > 5  # every list action, several pages each
    assert preview == one_sweep
