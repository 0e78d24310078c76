"""The layers of docs/architecture.md hold: the import contracts in pyproject.toml pass on the package, and fail
when someone adds a cycle (even one under TYPE_CHECKING), a source reaching into the core's results, or a second
module importing a client library."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts over the `reconciler` package found in `package_parent`."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("pkg")
    shutil.copytree(ROOT / "reconciler", parent / "reconciler", ignore=shutil.ignore_patterns("__pycache__"))
    return parent


def test_the_package_keeps_every_import_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "added", "broken"),
    [
        # a cycle inside the core, hidden under TYPE_CHECKING
        (
            "core/models.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reconciler.core import reconcile\n",
            "No import cycle",
        ),
        # the core reaching up into a source
        ("core/meters.py", "import reconciler.sources.snapshot\n", "Layers"),
        # a source reading the core's results
        ("sources/snapshot.py", "import reconciler.core.models\n", "Sources see only"),
        # a second module importing the Kingsoft SDK
        ("sources/select.py", "import ksyun\n", "Kingsoft SDKs only"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy: Path, module: str, added: str, broken: str) -> None:
    path = copy / "reconciler" / module
    original = path.read_text()
    path.write_text(original + "\n" + added)
    try:
        result = lint(copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    contracts = " ".join(result.stdout.split()).partition("dependencies.")[2].lstrip(" -")
    verdicts = re.findall(r"(.*?) (KEPT|BROKEN) ", contracts)
    assert [name for name, verdict in verdicts if verdict == "BROKEN" and name.startswith(broken)], result.stdout
