"""Shared fixtures: the shipped contract, observation builders, and golden-file comparison.

Run `pytest --update-goldens` to rewrite the golden files after an intended output change.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.contract.load import load_contract
from reconciler.contract.model import Contract
from reconciler.core.observation import Resource, to_resource
from tests.cli_runner import CliResult, run_cli

if TYPE_CHECKING:
    from tests.postgres_support import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATH = ROOT / "contract_inventory.json"
GOLDEN = Path(__file__).parent / "golden"
_DATABASE_NUMBERS = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from current output")


@pytest.fixture(autouse=True)
def history_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test's `reconciler check` records into its own SQLite file, never into the repository's."""
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    monkeypatch.setenv("RECONCILER_HISTORY", url)
    return url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session (tests/postgres_support.py); no server is a failure."""
    from tests.postgres_support import start_server

    server = start_server()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> str:
    """A SQLAlchemy URL of a new empty database on the session's PostgreSQL server (it holds the password)."""
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + f"_{next(_DATABASE_NUMBERS)}"
    return postgres_server.create_database(name)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract(CONTRACT_PATH)


@pytest.fixture
def contract_data() -> dict[str, Any]:
    """The shipped contract as plain JSON data, to mutate."""
    return json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))


def snapshot_document(
    resources: Iterable[dict[str, Any]], observed_at: str = "2026-11-25T02:00:00+08:00", **header: Any
) -> dict[str, Any]:
    return {
        "format": "contract-reconciler/observation",
        "version": 1,
        "observed_at": observed_at,
        "source": "test",
        **header,
        "resources": list(resources),
    }


@pytest.fixture
def write_snapshot(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def write(resources: Iterable[dict[str, Any]], **header: Any) -> Path:
        path = tmp_path / f"observation-{next(counter)}.json"
        path.write_text(dumps(snapshot_document(resources, **header)), encoding="utf-8")
        return path

    return write


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[Any, str], Path]:
    def write(data: Any, name: str = "data.json") -> Path:
        path = tmp_path / name
        path.write_text(dumps(data), encoding="utf-8")
        return path

    return write


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it with --update-goldens."""

    def compare(name: str, actual: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-goldens"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"golden file {path} is missing: run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return compare


# -- resource builders: the whole contract met, to be varied by each test ---------------------------------


def vm(
    rid: str, vcpu: int, memory_gb: int, ghz: str = "2.6", arch: str = "x86_64", state: str = "running"
) -> dict[str, Any]:
    """A VM as the snapshot reader yields it (clock as Decimal)."""
    return {
        "id": rid,
        "kind": "vm",
        "vcpu": vcpu,
        "memory_gb": memory_gb,
        "cpu_ghz": Decimal(ghz),
        "arch": arch,
        "state": state,
    }


def dumps(data: Any) -> str:
    """JSON text of test data; Decimals are written as JSON numbers."""
    return json.dumps(data, ensure_ascii=False, default=lambda d: float(d) if isinstance(d, Decimal) else d)


def structs(raws: Iterable[dict[str, Any]]) -> list[Resource]:
    """Raw resource dicts as the snapshot reader yields them: validated structs."""
    return [to_resource(raw) for raw in raws]


def met_resources() -> list[dict[str, Any]]:
    """A tenancy that supplies exactly the contract's baseline, line item by line item."""
    return [
        vm("vm-a", 616, 1448),
        vm("vm-b", 616, 1448),
        {"id": "vol-s1", "kind": "volume", "tier": "standard", "size_gb": 52000},
        {"id": "vol-s2", "kind": "volume", "tier": "standard", "size_gb": 116},
        {"id": "vol-p1", "kind": "volume", "tier": "performance", "size_gb": 36582},
        {"id": "bkt-1", "kind": "bucket", "size_gb": 4000},
        {"id": "bkt-2", "kind": "bucket", "size_gb": 648},
        {"id": "bk-1", "kind": "backup", "size_gb": 4648},
        {"id": "bw-1", "kind": "bandwidth", "mbps": 200},
        *({"id": f"eip-{i}", "kind": "public_ip"} for i in range(3)),
        *({"id": f"slb-{i}", "kind": "load_balancer"} for i in range(2)),
        *({"id": f"vpn-{i}", "kind": "remote_access_account"} for i in range(8)),
        *({"id": f"waf-{i}", "kind": "waf"} for i in range(2)),
    ]


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run the `reconciler` console entry point in-process, as a user would from a shell."""
    return run_cli
