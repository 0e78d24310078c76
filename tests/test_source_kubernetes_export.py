"""The kubernetes source from `kubectl get nodes,pv,svc -A -o json` exports: hand-computed supply, coverage,
bad files, and what the mapping tables cannot decide.

tests/data/kubernetes/cluster.json (a `List` of mixed kinds) with tables.json:
- nodes: node-a S6.4B 4 CPU, 16374584Ki (15.6 GiB) -> 16 GB from the table (exact entry, 16 GiB);
  node-b S6.8B 8 CPU, 32778488Ki (31.3 GiB) -> 32 (family S6 gives only the clock: rounded up to a standard
  size); node-c S6.16B 16 CPU, 65125824Ki (62.1 GiB) -> 64, NotReady = stopped (counts by default);
  node-d N3.2B 2 CPU at 2.2 GHz, 3774872Ki (3.6 GiB) -> 4; node-e S6.4B arm64 -> aarch64, 4 CPU, 16 GB.
  vCPU (x86, >= 2.4 GHz) = 4 + 8 + 16 = 28; memory (x86) = 16 + 32 + 64 + 4 = 116.
- PVs: pv-1 standard 100Gi; pv-2 ksc-ssd-performance 200Gi; pv-3 ebs-ssd (table: performance) 50Gi;
  pv-4 standard-rwo 500G = 500e9 / 2^30 = 465.6612873077392578125; pv-5 local-path (table: ignore) 20Gi.
  standard = 100 + 465.6612873077392578125 = 565.6612873077392578125; performance = 200 + 50 = 250.
- Services: shop/web and shop/api share SLB lb-0001 (annotation), ops/admin has its own, ops/pending has no
  ingress yet (not counted), shop/db is ClusterIP: 2 load balancers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reconciler.sources.kubernetes.mapping import instance_id, round_up_memory
from reconciler.sources.kubernetes.quantity import QuantityError, bytes_to_gib, parse_quantity
from reconciler.sources.kubernetes.tables import STANDARD_MEMORY_SIZES_GIB, default_tier_of_class
from tests.cli_runner import CliResult, run_cli

DATA = Path(__file__).parent / "data" / "kubernetes"
CLUSTER = DATA / "cluster.json"
TABLES = DATA / "tables.json"
NOW = "2026-11-25T09:00:00+08:00"
EXPECTED = {
    "compute.vcpu": "28",
    "compute.memory": "116",
    "storage.standard": "565.6612873077392578125",
    "storage.performance": "250",
    "network.load_balancer": "2",
}


def supplied(report: dict[str, Any]) -> dict[str, str]:
    """The supplied quantity of each line item the source observes (the others are not observed)."""
    return {f["line_item"]: f["supplied"] for f in report["findings"] if f["status"] not in ("not_observed",)}


def check_files(*files: Path | str, options: tuple[str, ...] = (), tables: Path | None = TABLES) -> CliResult:
    args: list[str | Path] = ["check", "--source", "kubernetes", "--now", NOW, "--format", "json"]
    for file in files:
        args += ["--from-file", file]
    if tables is not None:
        args += ["--source-option", f"kubernetes.tables={tables}"]
    for option in options:
        args += ["--source-option", f"kubernetes.{option}"]
    return run_cli(*args)


def test_the_export_gives_the_hand_computed_supply() -> None:
    result = check_files(CLUSTER)
    assert result.exit_code == 1, result.stderr
    report = result.json()
    assert supplied(report) == EXPECTED
    findings = {f["line_item"]: f for f in report["findings"]}
    vcpu = findings["compute.vcpu"]["evidence"]
    # nodes backed by a cloud instance carry its id (from spec.providerID): counted once beside the ksyun source
    assert vcpu["contributing"] == [
        "6d3a1c9e-0a01-4b7e-9c1e-00000000000a",
        "6d3a1c9e-0a01-4b7e-9c1e-00000000000b",
        "node/node-c",
    ]
    assert {(g["rule"], tuple(g["ids"])) for g in vcpu["nonconforming"]} == {
        ("arch", ("node/node-e",)),
        ("min_cpu_ghz", ("node/node-d",)),
    }
    assert findings["network.load_balancer"]["evidence"]["contributing"] == ["lb-0001", "svc/ops/admin"]
    assert findings["storage.object"]["status"] == "not_observed"
    source = report["sources"][0]
    assert source["covers"] == ["load_balancer", "vm", "volume"]
    assert source["failed"] == {}
    assert source["unrecognized"] == [
        {"what": "kind", "name": "Namespace", "kind": "Namespace", "count": 1, "sample_ids": ["shop"]}
    ]
    assert "2 from the instance-type table; 3 rounded up to a standard size" in source["detail"]["text"]
    assert "ops/pending" in source["detail"]["text"]
    assert "local-path" in source["detail"]["text"]
    assert report["observed_at"] == NOW


def split(tmp_path: Path) -> list[Path]:
    """The fixture as three files, as `kubectl get nodes -o json` etc. write them (each a `List`)."""
    items = json.loads(CLUSTER.read_text(encoding="utf-8"))["items"]
    paths = []
    for kind in ("Node", "PersistentVolume", "Service"):
        path = tmp_path / f"{kind}.json"
        path.write_text(
            json.dumps({"kind": "List", "apiVersion": "v1", "items": [i for i in items if i["kind"] == kind]})
        )
        paths.append(path)
    return paths


def test_several_files_combine_and_repeat_objects_count_once(tmp_path: Path) -> None:
    nodes, volumes, services = split(tmp_path)
    result = check_files(nodes, volumes, services, CLUSTER)
    assert result.exit_code == 1, result.stderr
    assert supplied(result.json()) == EXPECTED


def test_a_list_that_says_more_items_follow_is_incomplete(tmp_path: Path) -> None:
    """`kubectl get --raw '/api/v1/nodes?limit=2'` writes the first page of a longer list."""
    items = json.loads(CLUSTER.read_text(encoding="utf-8"))["items"]
    nodes = [{k: v for k, v in i.items() if k != "kind"} for i in items if i["kind"] == "Node"][:2]
    path = tmp_path / "nodes.json"
    metadata = {"continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "remainingItemCount": 3}
    path.write_text(json.dumps({"kind": "NodeList", "apiVersion": "v1", "metadata": metadata, "items": nodes}))
    findings = {f["line_item"]: f for f in check_files(path).json()["findings"]}
    assert (findings["compute.vcpu"]["status"], findings["compute.vcpu"]["supplied_upper"]) == ("unknown", None)
    assert (
        f"the export {path}: its metadata says more items follow (continue 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', "
        "remainingItemCount 3): it is one page of a longer list"
    ) in findings["compute.vcpu"]["reason"]["text"]


def test_an_object_twice_in_one_list_is_incomplete_but_twice_in_two_files_counts_once(tmp_path: Path) -> None:
    data = json.loads(CLUSTER.read_text(encoding="utf-8"))
    pv = next(i for i in data["items"] if i["kind"] == "PersistentVolume")
    data["items"].append(pv)
    path = tmp_path / "cluster.json"
    path.write_text(json.dumps(data))
    findings = {f["line_item"]: f for f in check_files(path).json()["findings"]}
    assert findings["storage.standard"]["status"] == "unknown"
    assert (
        f"the export {path}: PersistentVolume/pv-1 listed more than once"
        in findings["storage.standard"]["reason"]["text"]
    )
    assert findings["compute.vcpu"]["supplied"] == EXPECTED["compute.vcpu"]
    assert supplied(check_files(CLUSTER, CLUSTER).json()) == EXPECTED  # the same export given twice


def test_typed_lists_from_the_api_are_read_too(tmp_path: Path) -> None:
    """`kubectl get --raw /api/v1/nodes` writes a NodeList whose items carry no kind."""
    items = json.loads(CLUSTER.read_text(encoding="utf-8"))["items"]
    path = tmp_path / "nodes.json"
    nodes = [{k: v for k, v in i.items() if k != "kind"} for i in items if i["kind"] == "Node"]
    path.write_text(json.dumps({"kind": "NodeList", "apiVersion": "v1", "items": nodes}))
    empty = tmp_path / "pvs.json"
    empty.write_text(json.dumps({"kind": "PersistentVolumeList", "apiVersion": "v1", "items": []}))
    result = check_files(path, empty)
    report = result.json()
    assert supplied(report) == {
        "compute.vcpu": "28",
        "compute.memory": "116",
        "storage.standard": "0",  # an empty PersistentVolumeList is a complete, empty list
        "storage.performance": "0",
    }
    assert report["sources"][0]["covers"] == ["vm", "volume"]


def test_kinds_absent_from_the_files_are_not_observed(tmp_path: Path) -> None:
    nodes, _, _ = split(tmp_path)
    report = check_files(nodes).json()
    statuses = {f["line_item"]: f["status"] for f in report["findings"]}
    assert statuses["storage.standard"] == "not_observed"
    assert statuses["network.load_balancer"] == "not_observed"
    assert "holds no list or object of the kinds load_balancer, volume" in report["sources"][0]["detail"]["text"]


def test_the_covers_setting_declares_complete_exports(tmp_path: Path) -> None:
    nodes, _, _ = split(tmp_path)
    report = check_files(nodes, options=("covers=vm,load_balancer",)).json()
    findings = {f["line_item"]: f for f in report["findings"]}
    assert findings["network.load_balancer"]["supplied"] == "0"
    assert findings["network.load_balancer"]["status"] == "short"
    assert findings["storage.standard"]["status"] == "not_observed"


def test_a_single_object_is_read(tmp_path: Path) -> None:
    node = next(
        i for i in json.loads(CLUSTER.read_text(encoding="utf-8"))["items"] if i["metadata"]["name"] == "node-b"
    )
    path = tmp_path / "node-b.json"
    path.write_text(json.dumps(node))
    assert supplied(check_files(path).json()) == {"compute.vcpu": "8", "compute.memory": "32"}


def test_nodes_of_unknown_clock_bound_vcpu_and_leave_memory_exact(tmp_path: Path) -> None:
    """No table entry for G1: the clock is not guessed. Memory needs only the architecture (amd64): exact;
    vCPU needs the clock too: the node's 4 CPUs may count, [0, 4], short of 1232 either way."""
    node = json.loads(CLUSTER.read_text(encoding="utf-8"))["items"][0]
    node["metadata"]["name"] = "node-g"
    node["metadata"]["labels"]["node.kubernetes.io/instance-type"] = "G1.2A"
    path = tmp_path / "node-g.json"
    path.write_text(json.dumps(node))
    result = check_files(path)
    assert result.exit_code == 1
    report = result.json()
    findings = {f["line_item"]: f for f in report["findings"]}
    vcpu, memory = findings["compute.vcpu"], findings["compute.memory"]
    assert (vcpu["status"], vcpu["supplied"], vcpu["supplied_lower"], vcpu["supplied_upper"]) == (
        "short",
        None,
        "0",
        "4",
    )
    assert vcpu["evidence"]["uncertain"] == [
        {
            "counts": "possibly",
            "unknown": ["cpu_ghz"],
            "count": 1,
            "quantity": "4",
            "ids": ["6d3a1c9e-0a01-4b7e-9c1e-00000000000a"],
        }
    ]
    assert (memory["status"], memory["supplied"]) == ("short", "16")
    assert findings["storage.performance"]["status"] == "not_observed"
    assert report["sources"][0]["failed"] == {}
    detail = report["sources"][0]["detail"]["text"]
    assert "CPU clock unknown" in detail
    assert "G1.2A: 1 (node-g)" in detail


def test_without_tables_no_clock_is_assumed() -> None:
    result = check_files(CLUSTER, tables=None)
    assert result.exit_code == 1  # vCPU at most 34 of 1232 and memory 116 of 2896: short whatever the clocks
    report = result.json()
    findings = {f["line_item"]: f for f in report["findings"]}
    assert (findings["compute.vcpu"]["supplied_lower"], findings["compute.vcpu"]["supplied_upper"]) == ("0", "30")
    assert findings["compute.memory"]["supplied"] == "116"
    detail = report["sources"][0]["detail"]["text"]
    assert "N3.2B: 1 (node-d)" in detail
    assert "S6.4B: 2 (node-a, node-e)" in detail
    # also unmapped: ebs-ssd and local-path (either tier or none); the classes named like a tier still map by name
    assert "ebs-ssd: 1 (pv-3)" in detail
    standard = findings["storage.standard"]
    assert (standard["supplied_lower"], standard["supplied_upper"]) == (
        "565.6612873077392578125",
        "635.6612873077392578125",
    )


def test_a_catch_all_entry_and_inline_storage_classes(tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"instance_types": {"*": {"cpu_ghz": "2.5"}}}))
    result = check_files(CLUSTER, tables=tables, options=("storage_classes=ebs-ssd=standard,local-path=ignore",))
    assert result.exit_code == 1, result.stderr
    got = supplied(result.json())
    assert got["compute.vcpu"] == "30"  # every x86 node at the declared 2.5 GHz: 4 + 8 + 16 + 2
    assert got["compute.memory"] == "116"  # no exact entry: 16 + 32 + 64 + 4 by rounding
    assert got["storage.standard"] == "615.6612873077392578125"  # + ebs-ssd 50


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        ("{not json", "", "not valid JSON at line 1 column 2"),
        ("[1, 2]", "", "expected a Kubernetes object or List from `kubectl get ... -o json`, found an array"),
        ('{"items": []}', "kind", "required field is missing"),
        ('{"kind": "List", "items": {}}', "items", "expected a list of objects"),
        ('{"kind": "List", "items": [3]}', "items[0]", "expected an object, found a number"),
        (
            '{"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n1"}, '
            '"status": {"capacity": {"cpu": "4"}}}]}',
            "items[0](Node/n1).status.capacity.memory",
            "required field is missing",
        ),
        (
            '{"kind": "List", "items": [{"kind": "PersistentVolume", "metadata": {"name": "p"}, '
            '"spec": {"capacity": {"storage": "10 gigs"}}}]}',
            "items[0](PersistentVolume/p).spec.capacity.storage",
            "is not a Kubernetes quantity",
        ),
        (
            '{"kind": "Node", "metadata": {"name": "n1"}, "status": {"capacity": {"cpu": "1500m", "memory": "1Gi"}}}',
            "(Node/n1).status.capacity.cpu",
            "expected a whole number of CPUs",
        ),
    ],
)
def test_bad_files_name_file_field_and_reason(
    write_json: Callable[[Any, str], Path], tmp_path: Path, content: str, field: str, reason: str
) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    result = check_files(path)
    assert result.exit_code == 2
    prefix = f"{path}: {field}: " if field else f"{path}: "
    assert prefix in result.stderr, result.stderr
    assert reason in result.stderr, result.stderr


def test_a_bad_tables_file_is_an_input_error(tmp_path: Path) -> None:
    tables = tmp_path / "tables.json"
    tables.write_text(json.dumps({"instance_types": {"S6": {"cpu_ghz": "fast"}}, "storage_classes": {"x": "gold"}}))
    result = check_files(CLUSTER, tables=tables)
    assert result.exit_code == 2
    assert f"{tables}: instance_types.S6.cpu_ghz: expected a positive number" in result.stderr
    assert f"{tables}: storage_classes.x: expected one of standard, performance, ignore" in result.stderr


def test_the_source_is_listed_with_its_settings() -> None:
    result = run_cli("sources", "--format", "json")
    spec = next(s for s in result.json()["sources"] if s["name"] == "kubernetes")
    assert spec["kinds"] == ["vm", "volume", "load_balancer"]
    assert {"kubeconfig", "context", "in_cluster", "tables", "storage_classes", "covers"} <= {
        s["key"] for s in spec["settings"]
    }


# -- the rules themselves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100Gi", Decimal(100 * 2**30)),
        ("16374584Ki", Decimal(16374584 * 1024)),
        ("500G", Decimal(500 * 10**9)),
        ("4", Decimal(4)),
        ("3500m", Decimal("3.5")),
        ("1.5Gi", Decimal(3 * 2**29)),
        ("12e3", Decimal(12000)),
        ("0.5", Decimal("0.5")),
        ("1E-3", Decimal("0.001")),
    ],
)
def test_quantities_parse_exactly(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "Gi", "10 Gi", "10GB", "1.2.3", "ten", "10Ki5"])
def test_malformed_quantities_are_refused(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_one_gibibyte_is_one_contract_gb() -> None:
    assert bytes_to_gib(parse_quantity("1Gi")) == 1
    assert bytes_to_gib(parse_quantity("1G")) == Decimal("0.931322574615478515625")


@pytest.mark.parametrize("nominal", [s for s in STANDARD_MEMORY_SIZES_GIB if s >= 1])
@pytest.mark.parametrize("kept", [Decimal("0.001"), Decimal("0.03"), Decimal("0.1")])
def test_rounding_up_memory_never_invents_a_shortfall(nominal: Decimal, kept: Decimal) -> None:
    """A VM of a standard size whose kernel keeps up to 10% reports below it; rounding gives it back exactly."""
    reported = nominal * (1 - kept)
    assert round_up_memory(reported, STANDARD_MEMORY_SIZES_GIB) == nominal


def test_memory_beyond_the_largest_size_rounds_up_to_whole_gib() -> None:
    assert round_up_memory(Decimal("5000.2"), STANDARD_MEMORY_SIZES_GIB) == 5001


@pytest.mark.parametrize(
    ("provider_id", "expected"),
    [
        ("ksyun://cn-beijing-6/6d3a1c9e-0a01", "6d3a1c9e-0a01"),
        ("aws:///us-east-1a/i-0abc", "i-0abc"),
        ("kind://docker/kind/kind-worker", "kind-worker"),
        ("not-a-provider-id", None),
        ("ksyun://", None),
    ],
)
def test_the_instance_id_is_the_last_segment_of_the_provider_id(provider_id: str, expected: str | None) -> None:
    assert instance_id(provider_id) == expected


@pytest.mark.parametrize(
    ("name", "tier"),
    [
        ("standard", "standard"),
        ("standard-rwo", "standard"),
        ("ksc_Performance.ssd", "performance"),
        ("performance", "performance"),
        ("standard-or-performance", None),
        ("substandard", None),
        ("gp2", None),
    ],
)
def test_storage_classes_named_like_a_tier_map_to_it(name: str, tier: str | None) -> None:
    assert default_tier_of_class(name) == tier


def test_the_client_library_is_imported_only_to_observe_live() -> None:
    code = (
        "import sys; from reconciler.sources import SOURCES; from reconciler.app.cli import main; "
        "from reconciler.sources.kubernetes.source import SPEC; print('kubernetes' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("storage", "reason"),
    [
        ("9" * 90 + "Ki", "too many digits for a quantity"),
        ("9" * 30 + "Ki", "larger than any real capacity (over 10^24)"),
    ],
)
def test_absurd_quantities_are_named_never_a_traceback(tmp_path: Path, storage: str, reason: str) -> None:
    document = json.loads((DATA / "cluster.json").read_text(encoding="utf-8"))
    pv = next(item for item in document["items"] if item["kind"] == "PersistentVolume")
    pv["spec"]["capacity"]["storage"] = storage
    path = tmp_path / "absurd.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = check_files(path)
    assert result.exit_code == 2
    assert "spec.capacity.storage: " in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
