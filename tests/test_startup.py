"""A plain check loads only what it uses: no history (SQLAlchemy), report pages (Jinja2), Pulumi, live source
clients or the holiday library, and no rich when the output is JSON (read from `python -X importtime`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import CONTRACT_PATH, ROOT

NOW = "2026-11-25T09:00:00+08:00"
NEVER = (
    "sqlalchemy",
    "alembic",
    "jinja2",
    "weasyprint",
    "pulumi",
    "kubernetes",
    "ksyun",
    "httpx",
    "requests",
    "deepdiff",
    "chinese_calendar",
    "babel",
    "yaml",
    "reconciler.history",
    "reconciler.integrations",
    "reconciler.sources.ksyun",
    "reconciler.sources.kubernetes",
    "reconciler.sources.pulumi",
    "reconciler.sources.terraform",
    "reconciler.app.report_command",
    "reconciler.contract.checks",
)


def _imported(*options: str) -> set[str]:
    command = [sys.executable, "-X", "importtime", "-m", "reconciler", "check", "--contract", str(CONTRACT_PATH)]
    command += ["--observed", str(ROOT / "tests/data/observation-small.json"), "--now", NOW, "--no-history", *options]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("output", ["console", "json"])
def test_a_plain_check_imports_only_what_it_uses(output: str) -> None:
    _imported("--format", output)  # the first run may fill the contract cache (and validate)
    modules = _imported("--format", output)
    loaded = sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in NEVER))
    assert loaded == []
    assert ("rich" in modules) is (output == "console")
