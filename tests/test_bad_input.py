"""Bad input never ends in a traceback: `reconciler check` exits 2 and names the file and the field.

Property tests (hypothesis) run the CLI in-process on mutated copies of a valid contract (the real
contract_inventory.json) and of a small valid observation snapshot built here. They cover:

- a leaf replaced by a value of another JSON type (containers always fail; other scalars either fail
  naming the leaf or an enclosing object, or are accepted and give a normal report);
- negative, zero and missing numbers (line item quantities and prices, resource sizes, vCPUs, Mbps);
- missing required fields, and deleting any member at all;
- unknown fields: fatal in the contract and in the snapshot header, reported (not fatal) on resources;
- unknown resource kinds: reported under `sources[].unrecognized`, never counted, never fatal;
- truncated files, arbitrary bytes, invalid UTF-8, empty and blank files, directories, missing files,
  and top-level values that are not objects.

Field paths read like `line_items[3](storage.performance).quantity` or `resources[0](vm-1).vcpu`:
list indexes in brackets, followed by the element's `id` in parentheses when it has a string id.

Inputs that once crashed the reader are pinned by the edge-case tests at the end of the file.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.base.text import printable
from reconciler.core.observation import FIELDS, KINDS
from tests.cli_runner import CliResult, run_cli

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contract_inventory.json"
CONTRACT_TEXT = CONTRACT.read_text(encoding="utf-8")
CONTRACT_DOC: dict[str, Any] = json.loads(CONTRACT_TEXT)
NOW = "2026-08-01T12:00:00+08:00"
ARITHMETIC = "the contract's arithmetic is inconsistent"
REPORT_SCHEMA = "contract-reconciler/reconciliation"

OBSERVATION: dict[str, Any] = {
    "format": "contract-reconciler/observation",
    "version": 1,
    "observed_at": "2026-08-01T10:00:00+08:00",
    "source": "test fixture",
    "coverage": list(KINDS),
    "resources": [
        {
            "id": "vm-1",
            "kind": "vm",
            "name": "app-1",
            "vcpu": 8,
            "memory_gb": 16,
            "cpu_ghz": 2.6,
            "arch": "x86_64",
            "state": "running",
        },
        {
            "id": "vm-2",
            "kind": "vm",
            "vcpu": 4,
            "memory_gb": "8",
            "cpu_ghz": "2.5",
            "arch": "x86_64",
            "state": "stopped",
            "instance_type": "s6.large.2",
        },
        {
            "id": "vm-3",
            "kind": "vm",
            "vcpu": 2,
            "memory_gb": "4",
            "cpu_ghz": "3.0",
            "arch": "aarch64",
            "state": "running",
        },
        {"id": "vol-1", "kind": "volume", "tier": "standard", "size_gb": 500},
        {"id": "vol-2", "kind": "volume", "tier": "performance", "size_gb": "250.5", "region": "cn-beijing-6"},
        {"id": "bucket-1", "kind": "bucket", "size_gb": 1000},
        {"id": "backup-1", "kind": "backup", "size_gb": "120.25"},
        {"id": "bw-1", "kind": "bandwidth", "mbps": 100},
        {"id": "bw-2", "kind": "bandwidth", "mbps": "50"},
        {"id": "ip-1", "kind": "public_ip", "address": "203.0.113.7"},
        {"id": "ip-2", "kind": "public_ip"},
        {"id": "lb-1", "kind": "load_balancer", "project": "ops"},
        {"id": "vpn-1", "kind": "remote_access_account"},
        {"id": "waf-1", "kind": "waf"},
    ],
}
"""A valid snapshot: every kind at least once, numbers both as JSON numbers and as decimal strings."""

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Step = str | int
Loc = tuple[Step, ...]


# -- documents and paths -------------------------------------------------------------------------------


def leaves(node: Any, loc: Loc = ()) -> Iterator[Loc]:
    """Locations of every scalar in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*loc, index))
    else:
        yield loc


def objects(node: Any, loc: Loc = ()) -> Iterator[Loc]:
    """Locations of every object in a JSON document, the document itself included."""
    if isinstance(node, dict):
        yield loc
        for key, value in node.items():
            yield from objects(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from objects(value, (*loc, index))


def members(node: Any) -> Iterator[Loc]:
    """Locations of every object member in a JSON document."""
    for loc in objects(node):
        parent = get(node, loc)
        for key in parent:
            yield (*loc, key)


def get(doc: Any, loc: Loc) -> Any:
    for step in loc:
        doc = doc[step]
    return doc


def replaced(doc: Any, loc: Loc, value: Any) -> Any:
    copied = copy.deepcopy(doc)
    get(copied, loc[:-1])[loc[-1]] = value
    return copied


def deleted(doc: Any, loc: Loc) -> Any:
    copied = copy.deepcopy(doc)
    del get(copied, loc[:-1])[loc[-1]]
    return copied


def field_path(doc: Any, loc: Loc) -> str:
    """How the CLI names a location: `a.b[2](its-id).c` (the id shown when the element has a string id)."""
    text = ""
    node: Any = doc
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f"({node['id']})"
        else:
            text += f".{step}" if text else step
            node = node.get(step) if isinstance(node, dict) else None
    return text


def enclosing_paths(doc: Any, loc: Loc) -> list[str]:
    """The field path of `loc` and of every object or list around it, innermost first."""
    return [field_path(doc, loc[:end]) for end in range(len(loc), 0, -1)]


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


# -- running the CLI -----------------------------------------------------------------------------------


def write(path: Path, content: Any) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def check(observed: Path, contract: Path = CONTRACT) -> CliResult:
    return run_cli("check", "--observed", observed, "--contract", contract, "--format", "json", "--now", NOW)


def check_observation(tmp_path: Path, content: Any) -> tuple[Path, CliResult]:
    observed = write(tmp_path / "observed.json", content)
    return observed, check(observed)


def check_contract(tmp_path: Path, content: Any) -> tuple[Path, CliResult]:
    observed = write(tmp_path / "observed.json", OBSERVATION)
    contract = write(tmp_path / "contract.json", content)
    return contract, check(observed, contract)


def describe(result: CliResult) -> str:
    return f"exit {result.exit_code}\n--- stderr ---\n{result.stderr}--- stdout ---\n{result.stdout[:2000]}"


def assert_rejected(result: CliResult, file: Path, fields: Sequence[str] = (), reason: str = "") -> None:
    """Exit 2, nothing on stdout, and an `error: FILE: FIELD: REASON` message naming one of `fields`."""
    assert result.exit_code == 2, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    assert result.stdout == "", describe(result)
    assert result.stderr.startswith(f"error: {file}: "), describe(result)
    if fields:
        named = [f for f in fields if f"{file}: {f}: " in result.stderr]
        assert named, f"none of {list(fields)} named\n{describe(result)}"
        if reason:
            line = next(line for line in result.stderr.splitlines() if f"{file}: {named[0]}: " in line)
            assert reason in line, describe(result)
    elif reason:
        assert reason in result.stderr, describe(result)


def counted(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings without their provenance (it names the snapshot file, which differs between the runs)."""
    return [{k: v for k, v in finding.items() if k != "provenance"} for finding in report["findings"]]


def assert_reconciled(result: CliResult) -> dict[str, Any]:
    """Exit 0 or 1 with a complete JSON report on stdout."""
    assert result.exit_code in (0, 1), describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["schema"] == REPORT_SCHEMA
    return report


def assert_rejected_or_reconciled(result: CliResult, file: Path, fields: Sequence[str]) -> None:
    """For changes that may leave the input valid: a normal report, or a rejection naming a field.

    A contract that still validates may contradict its own arithmetic; that rejection names line items
    and checks rather than the changed field.
    """
    if result.exit_code == 2 and ARITHMETIC in result.stderr:
        assert_rejected(result, file)
    elif result.exit_code == 2:
        assert_rejected(result, file, fields)
    else:
        assert_reconciled(result)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    """Exit code and report of the valid observation against the valid contract."""
    observed = write(tmp_path_factory.mktemp("baseline") / "observed.json", OBSERVATION)
    result = check(observed)
    return result.exit_code, assert_reconciled(result)


def test_valid_inputs_give_a_report(baseline: tuple[int, dict[str, Any]]) -> None:
    _, report = baseline
    assert report["sources"][0]["unrecognized"] == []
    assert report["summary"]["resources_observed"] == len(OBSERVATION["resources"])


# -- strategies ----------------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
"""Text without surrogates or control characters (lone surrogates have their own tests)."""
LETTERS = st.text(st.characters(categories=("L", "Zs")), max_size=12)
"""Text that never reads as a number: a number in a string can be valid where a number is expected."""
SMALL_NUMBERS = st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False)
"""Numbers of ordinary size (extreme magnitudes have their own tests)."""
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "number": SMALL_NUMBERS,
    "string": LETTERS,
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | SMALL_NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
CONTAINERS = st.one_of(
    st.just([]),
    st.just({}),
    st.lists(JSON_VALUES, min_size=1, max_size=3),
    st.dictionaries(TEXT, JSON_VALUES, min_size=1, max_size=3),
)

# In a resource, no objects inside arrays or objects and no "}" in strings: a "}," inside a resource can put
# the reader's cut inside it, a known crash pinned by test_resource_cut_inside_is_reported_not_fatal.
FLAT_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="}"), max_size=12)
FLAT_SCALARS = st.none() | st.booleans() | SMALL_NUMBERS | FLAT_TEXT
FLAT_VALUES = FLAT_SCALARS | st.lists(FLAT_SCALARS, max_size=3)
FLAT_CONTAINERS: st.SearchStrategy[Any] = st.one_of(
    st.just([]),
    st.just({}),
    st.lists(FLAT_SCALARS, min_size=1, max_size=3),
    st.dictionaries(FLAT_TEXT, FLAT_SCALARS, min_size=1, max_size=3),
)
UNKNOWN_KINDS = FLAT_TEXT.filter(lambda kind: kind != "" and kind not in KINDS)
IDS = FLAT_TEXT.filter(bool)

CONTRACT_LEAVES = list(leaves(CONTRACT_DOC))
OBSERVATION_LEAVES = list(leaves(OBSERVATION))


def other_scalar(original: Any) -> st.SearchStrategy[Any]:
    """A scalar of any JSON type but the original's."""
    return st.one_of([strategy for name, strategy in SCALARS.items() if name != json_type(original)])


# -- wrong types ---------------------------------------------------------------------------------------


@FUZZ
@given(loc=st.sampled_from(CONTRACT_LEAVES), value=CONTAINERS)
def test_contract_leaf_replaced_by_container(tmp_path: Path, loc: Loc, value: Any) -> None:
    doc = replaced(CONTRACT_DOC, loc, value)
    contract, result = check_contract(tmp_path, doc)
    assert_rejected(result, contract, [field_path(doc, loc)])


@FUZZ
@given(loc=st.sampled_from(OBSERVATION_LEAVES), value=FLAT_CONTAINERS)
def test_observation_leaf_replaced_by_container(tmp_path: Path, loc: Loc, value: Any) -> None:
    doc = replaced(OBSERVATION, loc, value)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [field_path(doc, loc)])


@FUZZ
@given(loc=st.sampled_from(CONTRACT_LEAVES), data=st.data())
def test_contract_leaf_replaced_by_other_scalar(tmp_path: Path, loc: Loc, data: st.DataObject) -> None:
    value = data.draw(other_scalar(get(CONTRACT_DOC, loc)), label="value")
    doc = replaced(CONTRACT_DOC, loc, value)
    contract, result = check_contract(tmp_path, doc)
    assert_rejected_or_reconciled(result, contract, enclosing_paths(doc, loc))


@FUZZ
@given(loc=st.sampled_from(OBSERVATION_LEAVES), data=st.data())
def test_observation_leaf_replaced_by_other_scalar(tmp_path: Path, loc: Loc, data: st.DataObject) -> None:
    value = data.draw(other_scalar(get(OBSERVATION, loc)), label="value")
    doc = replaced(OBSERVATION, loc, value)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected_or_reconciled(result, observed, enclosing_paths(doc, loc))


@pytest.mark.parametrize(
    ("loc", "value", "expected"),
    [
        (("line_items", 3, "quantity"), "plenty", "line_items[3](storage.performance).quantity"),
        (("line_items", 0, "unit_price"), True, "line_items[0](compute.vcpu).unit_price"),
        (("line_items", 2, "name_en"), 7, "line_items[2](storage.standard).name_en"),
        (("line_items", 1, "id"), 2, "line_items[1].id"),
        (("service_period", "months"), "twelve", "service_period.months"),
        (("payment_schedule", "instalments", 1, "percent"), None, "payment_schedule.instalments[1](second).percent"),
        (("parties", 0, "role"), ["client"], "parties[0].role"),
    ],
)
def test_contract_wrong_type_names_the_field(tmp_path: Path, loc: Loc, value: Any, expected: str) -> None:
    contract, result = check_contract(tmp_path, replaced(CONTRACT_DOC, loc, value))
    assert_rejected(result, contract, [expected])


@pytest.mark.parametrize(
    ("loc", "value", "expected"),
    [
        (("resources", 0, "vcpu"), "8", "resources[0](vm-1).vcpu"),
        (("resources", 0, "vcpu"), 8.5, "resources[0](vm-1).vcpu"),
        (("resources", 5, "size_gb"), "a lot", "resources[5](bucket-1).size_gb"),
        (("resources", 7, "mbps"), None, "resources[7](bw-1).mbps"),
        (("resources", 3, "tier"), "gold", "resources[3](vol-1).tier"),
        (("resources", 4, "id"), 4, "resources[4].id"),
        (("resources", 1, "kind"), 3, "resources[1](vm-2).kind"),
        (("observed_at",), "yesterday", "observed_at"),
        (("observed_at",), "2026-08-01T10:00:00", "observed_at"),
        (("source",), 1, "source"),
        (("coverage", 2), "disk", "coverage[2]"),
    ],
)
def test_observation_wrong_type_names_the_field(tmp_path: Path, loc: Loc, value: Any, expected: str) -> None:
    observed, result = check_observation(tmp_path, replaced(OBSERVATION, loc, value))
    assert_rejected(result, observed, [expected])


# -- negative, zero and missing numbers ----------------------------------------------------------------

LINE_ITEM_NUMBERS = ("quantity", "unit_price", "line_total", "billing_months", "seq")
RESOURCE_NUMBERS = ("vcpu", "memory_gb", "cpu_ghz", "size_gb", "mbps")
RESOURCE_NUMBER_LOCS = [
    ("resources", index, name)
    for index, resource in enumerate(OBSERVATION["resources"])
    for name in RESOURCE_NUMBERS
    if name in resource
]
NEGATIVE = st.one_of(
    st.integers(-(10**9), -1),
    st.floats(-1e9, -1e-3),
    st.decimals(-(10**9), "-0.001", places=3).map(str),
)
"""Negative numbers, as JSON numbers or as decimal strings."""


@FUZZ
@given(
    index=st.integers(0, len(CONTRACT_DOC["line_items"]) - 1), name=st.sampled_from(LINE_ITEM_NUMBERS), value=NEGATIVE
)
def test_contract_negative_number(tmp_path: Path, index: int, name: str, value: Any) -> None:
    loc = ("line_items", index, name)
    doc = replaced(CONTRACT_DOC, loc, value)
    contract, result = check_contract(tmp_path, doc)
    assert_rejected(result, contract, [field_path(doc, loc)])


@FUZZ
@given(loc=st.sampled_from(RESOURCE_NUMBER_LOCS), value=NEGATIVE)
def test_observation_negative_number(tmp_path: Path, loc: Loc, value: Any) -> None:
    doc = replaced(OBSERVATION, loc, value)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [field_path(doc, loc)])


@pytest.mark.parametrize("value", [0, "0", "0.000", 0.0, "-0"])
def test_contract_zero_quantity(tmp_path: Path, value: Any) -> None:
    contract, result = check_contract(tmp_path, replaced(CONTRACT_DOC, ("line_items", 4, "quantity"), value))
    assert_rejected(result, contract, ["line_items[4](storage.object).quantity"])


@pytest.mark.parametrize("value", [0, "0", -0.0])
def test_observation_zero_cpu_clock(tmp_path: Path, value: Any) -> None:
    observed, result = check_observation(tmp_path, replaced(OBSERVATION, ("resources", 0, "cpu_ghz"), value))
    assert_rejected(result, observed, ["resources[0](vm-1).cpu_ghz"])


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_number_literals(tmp_path: Path, literal: str) -> None:
    """NaN and Infinity are not JSON: rejected either as such (by position) or as a non-finite field."""
    text = json.dumps(OBSERVATION).replace('"mbps": 100', f'"mbps": {literal}')
    observed, result = check_observation(tmp_path, text)
    assert_rejected(result, observed)
    assert "resources[7](bw-1).mbps" in result.stderr or f"{literal} is not" in result.stderr, describe(result)
    text = CONTRACT_TEXT.replace('"quantity": "1232"', f'"quantity": {literal}')
    contract, result = check_contract(tmp_path, text)
    assert_rejected(result, contract)
    assert "line_items[0](compute.vcpu).quantity" in result.stderr or f"{literal} is not" in result.stderr


NON_FINITE_STRINGS = ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "inf"]


@pytest.mark.parametrize("value", NON_FINITE_STRINGS)
def test_contract_non_finite_number_in_a_string(tmp_path: Path, value: str) -> None:
    contract, result = check_contract(tmp_path, replaced(CONTRACT_DOC, ("line_items", 0, "quantity"), value))
    assert_rejected(result, contract, ["line_items[0](compute.vcpu).quantity"])


@pytest.mark.parametrize("value", NON_FINITE_STRINGS)
@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("resources", 7, "mbps"), "resources[7](bw-1).mbps"),
        (("resources", 0, "memory_gb"), "resources[0](vm-1).memory_gb"),
        (("resources", 1, "cpu_ghz"), "resources[1](vm-2).cpu_ghz"),
    ],
)
def test_observation_non_finite_number_in_a_string(tmp_path: Path, loc: Loc, expected: str, value: str) -> None:
    observed, result = check_observation(tmp_path, replaced(OBSERVATION, loc, value))
    assert_rejected(result, observed, [expected])


@FUZZ
@given(index=st.integers(0, len(CONTRACT_DOC["line_items"]) - 1), name=st.sampled_from(LINE_ITEM_NUMBERS))
def test_contract_missing_number(tmp_path: Path, index: int, name: str) -> None:
    loc = ("line_items", index, name)
    doc = deleted(CONTRACT_DOC, loc)
    contract, result = check_contract(tmp_path, doc)
    assert_rejected(result, contract, [field_path(doc, loc)], "missing")


@settings(FUZZ, derandomize=True)
@given(loc=st.sampled_from(RESOURCE_NUMBER_LOCS))
def test_observation_missing_number(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(OBSERVATION, loc)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [field_path(doc, loc)], "missing")


# -- missing fields ------------------------------------------------------------------------------------

CONTRACT_OPTIONAL = {"schema", "version", "contract_number", "currency", "expansions"}
LINE_ITEM_OPTIONAL = {"constraints"}
RESOURCE_OPTIONAL = {"name", "region", "project", "instance_type", "address"}
REQUIRED_CONTRACT_MEMBERS = [(key,) for key in CONTRACT_DOC if key not in CONTRACT_OPTIONAL] + [
    ("line_items", index, key)
    for index, item in enumerate(CONTRACT_DOC["line_items"])
    for key in item
    if key not in LINE_ITEM_OPTIONAL
]
REQUIRED_RESOURCE_MEMBERS = [
    ("resources", index, key)
    for index, resource in enumerate(OBSERVATION["resources"])
    for key in resource
    if key not in RESOURCE_OPTIONAL and key != "kind"
]


@FUZZ
@given(loc=st.sampled_from(REQUIRED_CONTRACT_MEMBERS))
def test_contract_missing_required_field(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(CONTRACT_DOC, loc)
    contract, result = check_contract(tmp_path, doc)
    assert_rejected(result, contract, [field_path(doc, loc)], "missing")


@pytest.mark.parametrize(
    "loc", [("observed_at",), ("source",), ("resources",), *(("resources", i, "kind") for i in (0, 3, 9, 13))]
)
def test_observation_missing_required_field(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(OBSERVATION, loc)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [field_path(doc, loc)], "missing")


@settings(FUZZ, derandomize=True)
@given(loc=st.sampled_from(REQUIRED_RESOURCE_MEMBERS))
def test_observation_missing_resource_field(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(OBSERVATION, loc)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [field_path(doc, loc)], "missing")


def assert_deletion_handled(result: CliResult, file: Path, doc: Any, loc: Loc) -> None:
    assert_rejected_or_reconciled(result, file, [field_path(doc, loc), *enclosing_paths(doc, loc[:-1])])
    exact = f"{file}: {field_path(doc, loc)}: "
    for line in result.stderr.splitlines():
        if exact in line:
            assert "missing" in line, describe(result)


@FUZZ
@given(loc=st.sampled_from(list(members(CONTRACT_DOC))))
def test_contract_any_member_deleted(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(CONTRACT_DOC, loc)
    contract, result = check_contract(tmp_path, doc)
    assert_deletion_handled(result, contract, doc, loc)


@FUZZ
@given(loc=st.sampled_from(list(members(OBSERVATION))))
def test_observation_any_member_deleted(tmp_path: Path, loc: Loc) -> None:
    doc = deleted(OBSERVATION, loc)
    observed, result = check_observation(tmp_path, doc)
    assert_deletion_handled(result, observed, doc, loc)


# -- unknown fields and kinds --------------------------------------------------------------------------


@FUZZ
@given(parent=st.sampled_from(list(objects(CONTRACT_DOC))), name=TEXT, value=JSON_VALUES)
def test_contract_unknown_field_is_fatal(tmp_path: Path, parent: Loc, name: str, value: Any) -> None:
    key = f"x-{name}"  # no field of the contract starts with "x-"
    doc = copy.deepcopy(CONTRACT_DOC)
    get(doc, parent)[key] = value
    contract, result = check_contract(tmp_path, doc)
    assert_rejected(result, contract, [field_path(doc, (*parent, key))], "unknown")


def test_observation_header_unknown_field_is_fatal(tmp_path: Path) -> None:
    observed, result = check_observation(tmp_path, {**OBSERVATION, "exported_by": "tool"})
    assert_rejected(result, observed, ["exported_by"], "unknown")


def unrecognized(report: dict[str, Any], what: str) -> dict[tuple[str, str], dict[str, Any]]:
    entries = report["sources"][0]["unrecognized"]
    return {(entry["kind"], entry["name"]): entry for entry in entries if entry["what"] == what}


def with_member(resource: dict[str, Any], at: int, name: str, value: Any) -> dict[str, Any]:
    """The resource with one more member, at position `at` among its members."""
    items = list(resource.items())
    items.insert(at, (name, value))
    return dict(items)


@FUZZ
@given(
    extra=st.lists(
        st.tuples(
            st.integers(0, len(OBSERVATION["resources"])),
            UNKNOWN_KINDS,
            IDS,
            st.dictionaries(FLAT_TEXT, FLAT_VALUES, max_size=3),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_unknown_kind_is_reported_not_fatal(
    tmp_path: Path, baseline: tuple[int, dict[str, Any]], extra: list[tuple[int, str, str, dict[str, Any]]]
) -> None:
    doc = copy.deepcopy(OBSERVATION)
    for position, kind, rid, fields in extra:
        doc["resources"].insert(position, {**fields, "id": rid, "kind": kind})
    _, result = check_observation(tmp_path, doc)
    report = assert_reconciled(result)
    baseline_exit, baseline_report = baseline
    assert result.exit_code == baseline_exit
    assert counted(report) == counted(baseline_report), "a resource of an unknown kind was counted"
    reported = unrecognized(report, "kind")  # names and ids as printed: control characters escaped
    kinds = {printable(kind) for _, kind, _, _ in extra}
    assert set(reported) == {(kind, kind) for kind in kinds}
    for kind in kinds:
        ids = [printable(rid) for _, other, rid, _ in extra if printable(other) == kind]
        assert reported[kind, kind]["count"] == len(ids)
        assert set(reported[kind, kind]["sample_ids"]) <= set(ids)


@FUZZ
@given(
    index=st.integers(0, len(OBSERVATION["resources"]) - 1),
    at=st.integers(0, 8),
    name=FLAT_TEXT.filter(bool),
    value=FLAT_VALUES,
)
def test_unknown_resource_field_is_reported_not_fatal(
    tmp_path: Path, baseline: tuple[int, dict[str, Any]], index: int, at: int, name: str, value: Any
) -> None:
    resource = OBSERVATION["resources"][index]
    kind = resource["kind"]
    if name in FIELDS[kind]:
        name = f"x-{name}"
    doc = replaced(OBSERVATION, ("resources", index), with_member(resource, at, name, value))
    _, result = check_observation(tmp_path, doc)
    report = assert_reconciled(result)
    baseline_exit, baseline_report = baseline
    assert result.exit_code == baseline_exit
    assert counted(report) == counted(baseline_report)
    shown = printable(name)
    assert unrecognized(report, "field") == {
        (kind, shown): {"what": "field", "name": shown, "kind": kind, "count": 1, "sample_ids": [resource["id"]]}
    }


# -- broken files --------------------------------------------------------------------------------------

NOT_JSON = re.compile(r"not valid JSON at line \d+ column \d+")
OBSERVATION_TEXT = json.dumps(OBSERVATION, ensure_ascii=False, indent=2)


@FUZZ
@given(cut=st.integers(1, len(CONTRACT_TEXT.rstrip()) - 1))
def test_truncated_contract(tmp_path: Path, cut: int) -> None:
    contract, result = check_contract(tmp_path, CONTRACT_TEXT[:cut])
    assert_rejected(result, contract)
    assert NOT_JSON.search(result.stderr), describe(result)


@FUZZ
@given(cut=st.integers(1, len(OBSERVATION_TEXT) - 1))
def test_truncated_observation(tmp_path: Path, cut: int) -> None:
    observed, result = check_observation(tmp_path, OBSERVATION_TEXT[:cut])
    assert_rejected(result, observed)
    assert NOT_JSON.search(result.stderr), describe(result)


GARBAGE = st.binary(max_size=200) | st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(content=GARBAGE)
def test_garbage_contract(tmp_path: Path, content: bytes) -> None:
    contract, result = check_contract(tmp_path, content)
    assert_rejected(result, contract)


@FUZZ
@given(content=GARBAGE)
def test_garbage_observation(tmp_path: Path, content: bytes) -> None:
    observed, result = check_observation(tmp_path, content)
    assert_rejected(result, observed)


INVALID_UTF8 = st.sampled_from(
    [b"\xff", b"\xfe\xff", b"\x80", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe6\x97"]
)


def with_bad_bytes(text: str, at: int, bad: bytes) -> bytes:
    return text[:at].encode("utf-8") + bad + text[at:].encode("utf-8")


@FUZZ
@given(data=st.data(), bad=INVALID_UTF8)
def test_invalid_utf8_contract(tmp_path: Path, data: st.DataObject, bad: bytes) -> None:
    at = data.draw(st.integers(0, len(CONTRACT_TEXT)), label="at")
    contract, result = check_contract(tmp_path, with_bad_bytes(CONTRACT_TEXT, at, bad))
    assert_rejected(result, contract, reason="not UTF-8")


@FUZZ
@given(data=st.data(), bad=INVALID_UTF8)
def test_invalid_utf8_observation(tmp_path: Path, data: st.DataObject, bad: bytes) -> None:
    at = data.draw(st.integers(0, len(OBSERVATION_TEXT)), label="at")
    observed, result = check_observation(tmp_path, with_bad_bytes(OBSERVATION_TEXT, at, bad))
    assert_rejected(result, observed, reason="not UTF-8")


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n "])
def test_empty_contract(tmp_path: Path, content: bytes) -> None:
    contract, result = check_contract(tmp_path, content)
    assert_rejected(result, contract, reason="empty")


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n "])
def test_empty_observation(tmp_path: Path, content: bytes) -> None:
    observed, result = check_observation(tmp_path, content)
    assert_rejected(result, observed, reason="end of file")


def test_contract_is_a_directory(tmp_path: Path) -> None:
    directory = tmp_path / "contract.d"
    directory.mkdir()
    result = check(write(tmp_path / "observed.json", OBSERVATION), directory)
    assert_rejected(result, directory, reason="is a directory")


def test_observation_is_a_directory(tmp_path: Path) -> None:
    directory = tmp_path / "observed.d"
    directory.mkdir()
    assert_rejected(check(directory), directory, reason="is a directory")


def test_missing_contract(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-contract.json"
    result = check(write(tmp_path / "observed.json", OBSERVATION), missing)
    assert_rejected(result, missing, reason="no such file")


def test_missing_observation(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-observation.json"
    assert_rejected(check(missing), missing, reason="no such file")


def test_validate_missing_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    for path, reason in [(missing, "no such file"), (tmp_path, "is a directory")]:
        result = run_cli("validate", path)
        assert_rejected(result, path, reason=reason)


TOP_LEVEL_NOT_OBJECT = [[], [CONTRACT_DOC], [OBSERVATION], 1, "text", None, True]


@pytest.mark.parametrize("value", TOP_LEVEL_NOT_OBJECT)
def test_contract_top_level_not_an_object(tmp_path: Path, value: Any) -> None:
    contract, result = check_contract(tmp_path, json.dumps(value))
    assert_rejected(result, contract, reason="expected a JSON object")


@pytest.mark.parametrize("value", TOP_LEVEL_NOT_OBJECT)
def test_observation_top_level_not_an_object(tmp_path: Path, value: Any) -> None:
    observed, result = check_observation(tmp_path, json.dumps(value))
    assert_rejected(result, observed, reason="expected '{'")


# -- odd values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [[], ["vm"], {}, {"vm": 1}])
def test_resource_kind_of_container_type(tmp_path: Path, kind: Any) -> None:
    observed, result = check_observation(tmp_path, replaced(OBSERVATION, ("resources", 0, "kind"), kind))
    assert_rejected(result, observed, ["resources[0](vm-1).kind"])


@pytest.mark.parametrize(
    ("which", "loc", "value"),
    [
        ("contract", ("line_items", 3, "quantity"), "1e30"),
        ("contract", ("line_items", 3, "quantity"), "1e-999999999"),
        ("contract", ("line_items", 0, "billing_months"), 10**20),
        ("observation", ("resources", 3, "size_gb"), "1e30"),
        ("observation", ("resources", 0, "vcpu"), 10**40),
    ],
)
def test_numbers_of_extreme_magnitude(tmp_path: Path, which: str, loc: Loc, value: Any) -> None:
    """Absurd magnitudes are rejected (or, if accepted, reconciled) but never crash the Decimal arithmetic."""
    if which == "contract":
        file, result = check_contract(tmp_path, replaced(CONTRACT_DOC, loc, value))
    else:
        file, result = check_observation(tmp_path, replaced(OBSERVATION, loc, value))
    assert_rejected_or_reconciled(
        result, file, enclosing_paths(CONTRACT_DOC if which == "contract" else OBSERVATION, loc)
    )


# -- edge cases that once crashed ----------------------------------------------------------------------------

HUGE_INTEGER = "9" * 5000


@pytest.mark.parametrize(
    "which",
    [
        "contract",
        "observation",
    ],
)
def test_integer_with_too_many_digits(tmp_path: Path, which: str) -> None:
    if which == "contract":
        file, result = check_contract(tmp_path, CONTRACT_TEXT.replace('"months": 12', f'"months": {HUGE_INTEGER}'))
    else:
        file, result = check_observation(
            tmp_path, json.dumps(OBSERVATION).replace('"vcpu": 8', f'"vcpu": {HUGE_INTEGER}')
        )
    assert_rejected(result, file)


@pytest.mark.parametrize("months", [100_000, 10**30])
def test_service_period_of_absurd_length(tmp_path: Path, months: int) -> None:
    contract, result = check_contract(tmp_path, replaced(CONTRACT_DOC, ("service_period", "months"), months))
    assert_rejected_or_reconciled(result, contract, ["service_period.months", "service_period"])


@pytest.mark.parametrize("resource", [{"id": "odd-1", "kind": "gpu\udc80"}, {"id": "odd-\udc80", "kind": "gpu"}])
def test_unknown_kind_with_lone_surrogate(tmp_path: Path, resource: dict[str, str]) -> None:
    doc = copy.deepcopy(OBSERVATION)
    doc["resources"].append(resource)
    _, result = check_observation(tmp_path, json.dumps(doc))  # ASCII JSON: the surrogate as an escape
    report = assert_reconciled(result)
    assert unrecognized(report, "kind")


TAGGED_VM = {
    "id": "vm-9",
    "kind": "vm",
    "tags": {"env": "prod"},
    "vcpu": 2,
    "memory_gb": 4,
    "cpu_ghz": "2.6",
    "arch": "x86_64",
    "state": "running",
}
"""A VM with an unknown field holding an object, followed by more members."""


@pytest.mark.parametrize(
    "resources",
    [
        pytest.param([TAGGED_VM], id="unknown-field-object"),
        pytest.param([{"id": "gpu-1", "kind": "gpu"}, TAGGED_VM], id="unknown-kind-then-object"),
        pytest.param([{"id": "gpu-1", "kind": "gpu", "spec": {"model": "A10"}, "count": 1}], id="unknown-kind-object"),
        pytest.param([{**TAGGED_VM, "tags": [{"k": "env"}, {"k": "team"}]}], id="unknown-field-array-of-objects"),
        pytest.param([{"id": "gpu-1", "kind": "gpu", "note": "a}, b", "count": 1}], id="unknown-kind-string"),
        pytest.param([{**TAGGED_VM, "tags": "a}, b"}], id="unknown-field-string"),
    ],
)
def test_resource_cut_inside_is_reported_not_fatal(
    tmp_path: Path, baseline: tuple[int, dict[str, Any]], resources: list[dict[str, Any]]
) -> None:
    doc = copy.deepcopy(OBSERVATION)
    doc["resources"].extend(resources)
    _, result = check_observation(tmp_path, doc)
    assert_reconciled(result)


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ([{**OBSERVATION["resources"][0], "vcpu": -1}, TAGGED_VM], "resources[14](vm-1).vcpu"),
        ([{"id": "waf-9", "kind": [{}, None]}], "resources[14](waf-9).kind"),
        ([{**TAGGED_VM, "tags": None, "vcpu": [{}, 1]}], "resources[14](vm-9).vcpu"),
    ],
)
def test_resource_cut_inside_an_invalid_resource_is_rejected(
    tmp_path: Path, resources: list[dict[str, Any]], expected: str
) -> None:
    doc = copy.deepcopy(OBSERVATION)
    doc["resources"].extend(resources)
    observed, result = check_observation(tmp_path, doc)
    assert_rejected(result, observed, [expected])
