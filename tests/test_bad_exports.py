"""Bad native exports never end in a traceback: every source's `--from-file` reader, fuzzed.

Property tests (hypothesis) run `reconciler check --source NAME --from-file FILE` in-process on mutated
copies of the sources' own fixtures (a Kingsoft export, a kubectl List, a `pulumi stack export`, a
`terraform show -json` plan): a leaf
replaced by any JSON value (containers, other types, huge, negative and fractional numbers, odd text), or
any object member deleted. Whatever the mutation, the check ends with one of its exit codes; an input it
refuses (exit 2) is named in one `error:` line. `run_cli` lets any other exception fail the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.cli_runner import run_cli
from tests.test_bad_input import FUZZ, JSON_VALUES, Loc, deleted, leaves, members, replaced

DATA = Path(__file__).parent / "data"
NOW = "2026-11-25T09:00:00+08:00"
EXPORTS: dict[str, tuple[Path, Path]] = {
    "ksyun": (DATA / "ksyun" / "export.json", DATA / "ksyun" / "tables.json"),
    "kubernetes": (DATA / "kubernetes" / "cluster.json", DATA / "kubernetes" / "tables.json"),
    "pulumi": (DATA / "pulumi" / "stack-prod.json", DATA / "pulumi" / "tables.json"),
    "terraform": (
        DATA / "terraform" / "tenancy-plan-scaled-down.json",
        DATA.parent / "engines" / "tenancy-tables.json",
    ),
}
DOCS = {name: json.loads(export.read_text(encoding="utf-8")) for name, (export, _) in EXPORTS.items()}
SITES = [(name, loc) for name, doc in DOCS.items() for loc in leaves(doc)]
MEMBERS = [(name, loc) for name, doc in DOCS.items() for loc in members(doc) if loc]
ODD_NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e400", "-0", "0.0000000001", "9" * 60, "12Gi", "1.5Ti", "abc", "", " 4 "]),
)
VALUES = st.one_of(JSON_VALUES, ODD_NUMBERS)


def check(tmp_path: Path, name: str, doc: Any) -> None:
    export = tmp_path / f"{name}.json"
    export.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tables = EXPORTS[name][1]
    result = run_cli(
        "check", "--source", name, "--from-file", export, "--source-option", f"{name}.tables={tables}",
        "--now", NOW, "--format", "json", "--no-history",
    )  # fmt: skip
    assert result.exit_code in (0, 1, 2, 3), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith("error: "), result.stderr
    else:
        report = result.json()
        assert {f["status"] for f in report["findings"]} <= {"met", "pending", "short", "over", "unknown",
                                                             "not_observed"}  # fmt: skip


@FUZZ
@given(site=st.sampled_from(SITES), value=VALUES)
def test_a_leaf_replaced_by_any_value(tmp_path: Path, site: tuple[str, Loc], value: Any) -> None:
    name, loc = site
    check(tmp_path, name, replaced(DOCS[name], loc, value))


@FUZZ
@given(site=st.sampled_from(MEMBERS))
def test_a_member_deleted(tmp_path: Path, site: tuple[str, Loc]) -> None:
    name, loc = site
    check(tmp_path, name, deleted(DOCS[name], loc))
