"""The real Terraform and Pulumi CLIs on the test tenancy (tests/engines/), each in a private workspace.

Used by the `engine` tests and by scripts/generate-engine-fixtures.sh (`python -m tests.engine_workspaces`),
which writes the real-format fixtures of tests/data/terraform/ and tests/data/pulumi/. The CLIs and the test
providers come from the project's scripts (install-terraform.sh, install-pulumi.sh, build-test-providers.sh),
cached under ~/.cache/contract-reconciler; nothing here reads the user's ~/.terraformrc, ~/.pulumi or
credentials. Imports nothing from the reconciler.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ROOT / "tests" / "engines"
DATA = ROOT / "tests" / "data"
BASE = "tenancy.json"
SCALED_DOWN = "tenancy-scaled-down.json"
GROWN = "tenancy-grown-from-model.json"
TENANCIES = (BASE, SCALED_DOWN, GROWN)
PROVIDER_VERSION = "0.1.0"
"""The test providers' version (scripts/build-test-providers.sh)."""
PULUMI_VERSION = "v3.274.1"
TIMEOUT = 600


class EngineUnavailable(RuntimeError):
    """A CLI or test provider could not be installed or built: the script's own message."""


def _script(name: str, env: Mapping[str, str] | None = None) -> Path:
    """Run scripts/NAME (which installs or builds and caches); the last line of its output is a directory."""
    done = subprocess.run(
        [str(ROOT / "scripts" / name)],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
        env=dict(env) if env is not None else None,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise EngineUnavailable(f"scripts/{name} failed (exit {done.returncode}):\n{done.stderr}")
    return Path(done.stdout.strip().splitlines()[-1])


@cache
def terraform_bin() -> Path:
    return _script("install-terraform.sh")


@cache
def pulumi_bin() -> Path:
    return _script("install-pulumi.sh")


@cache
def test_providers() -> Path:
    """The build directory of the test providers: bin/ and terraform-mirror/."""
    return _script("build-test-providers.sh")


@dataclass(frozen=True)
class Run:
    command: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


class CommandFailed(AssertionError):
    def __init__(self, run: Run) -> None:
        super().__init__(f"{' '.join(run.command)} exited {run.code}:\n{run.output}")
        self.run = run


@dataclass
class Workspace:
    """A copy of one of tests/engines/'s projects beside the tenancy descriptions, and the environment to run a
    CLI in it."""

    directory: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> Run:
        done = subprocess.run(
            args, cwd=self.directory, env=self.env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
        run = Run(tuple(args), done.returncode, done.stdout, done.stderr)
        if check and run.code != 0:
            raise CommandFailed(run)
        return run


def _copy_project(name: str, base: Path) -> Path:
    """tests/engines/NAME and the tenancy descriptions, in the same relative layout under `base`."""
    base.mkdir(parents=True, exist_ok=True)
    for tenancy in TENANCIES:
        shutil.copy2(ENGINES / tenancy, base / tenancy)
    target = base / name
    shutil.copytree(ENGINES / name, target, ignore=shutil.ignore_patterns("__pycache__", ".terraform*", "*.tfstate*"))
    return target


def _clean_environment(prefixes: tuple[str, ...]) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}


class Terraform(Workspace):
    """`terraform` on tests/engines/terraform with the test provider from a filesystem mirror (the workspace's
    own CLI configuration: TF_CLI_CONFIG_FILE; the machine's is never read)."""

    @classmethod
    def create(cls, base: Path) -> Terraform:
        directory = _copy_project("terraform", base)
        mirror = test_providers() / "terraform-mirror"
        config = base / "terraform.tfrc"
        config.write_text(
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(str(mirror))}\n"
            '    include = ["registry.terraform.io/kingsoftcloud/ksyun"]\n  }\n}\n'
            "disable_checkpoint = true\n",
            encoding="utf-8",
        )
        env = _clean_environment(("TF_", "CHECKPOINT_"))
        env |= {
            "PATH": os.pathsep.join((str(terraform_bin()), env.get("PATH", ""))),
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
        }
        workspace = cls(directory, env)
        workspace.run("terraform", "init", "-input=false", "-no-color")
        return workspace

    def apply(self, tenancy: str) -> Run:
        return self.run(
            "terraform", "apply", "-auto-approve", "-input=false", "-no-color", f"-var=tenancy=../{tenancy}"
        )

    def plan(self, tenancy: str) -> tuple[Run, Any]:
        """`terraform plan -out` of the tenancy and `terraform show -json` of the saved plan."""
        plan_file = f"{Path(tenancy).stem}.tfplan"
        run = self.run(
            "terraform", "plan", "-input=false", "-no-color", f"-out={plan_file}", f"-var=tenancy=../{tenancy}"
        )
        return run, self.run("terraform", "show", "-json", "-no-color", plan_file).json()

    def state(self) -> Any:
        """`terraform show -json` of the state."""
        return self.run("terraform", "show", "-json", "-no-color").json()


STACK = "tenancy"


class Pulumi(Workspace):
    """`pulumi` on tests/engines/pulumi, on a file backend with its own PULUMI_HOME, the test plugin installed
    there as the ksyun resource plugin, and ambient plugins ignored."""

    @classmethod
    def create(cls, base: Path) -> Pulumi:
        directory = _copy_project("pulumi", base)
        (base / "home").mkdir()
        (base / "state").mkdir()
        env = _clean_environment(("PULUMI_", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"))
        env |= {
            # the engine first, then this Python (its environment has the Pulumi SDK)
            "PATH": os.pathsep.join((str(pulumi_bin()), str(Path(sys.executable).parent), env.get("PATH", ""))),
            "PULUMI_HOME": str(base / "home"),
            "PULUMI_BACKEND_URL": (base / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": "engine-tests-only",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
        }
        workspace = cls(directory, env)
        version = workspace.run("pulumi", "version").stdout.strip()
        if version != PULUMI_VERSION:
            raise EngineUnavailable(f"pulumi {version} found, {PULUMI_VERSION} expected")
        plugin = test_providers() / "bin" / "pulumi-resource-ksyun"
        workspace.run("pulumi", "plugin", "install", "resource", "ksyun", PROVIDER_VERSION, "--file", str(plugin))
        workspace.run("pulumi", "stack", "init", STACK, "--non-interactive")
        return workspace

    def cli(self, *args: str, check: bool = True) -> Run:
        return self.run("pulumi", *args, "--stack", STACK, "--non-interactive", "--color", "never", check=check)

    def use(self, tenancy: str) -> None:
        self.cli("config", "set", "tenancy", f"../{tenancy}")

    def up(self, tenancy: str) -> Run:
        self.use(tenancy)
        return self.cli("up", "--yes", "--skip-preview")

    def preview(self, tenancy: str) -> tuple[Run, Any]:
        """`pulumi preview --json` of the tenancy."""
        self.use(tenancy)
        run = self.cli("preview", "--json")
        return run, run.json()

    def export(self) -> Any:
        """`pulumi stack export` (secrets stay encrypted)."""
        return self.cli("stack", "export").json()


# -- the fixtures ---------------------------------------------------------------------------------------------------

UNPORTABLE_KEYS = frozenset({"sourcePosition", "stackTrace"})
"""Left out of the Pulumi fixtures: where the engine's machine keeps the Pulumi SDK (absolute paths)."""


def portable(document: Any) -> Any:
    """A Pulumi document without the keys that name paths of the machine that wrote it."""
    if isinstance(document, dict):
        return {key: portable(value) for key, value in document.items() if key not in UNPORTABLE_KEYS}
    if isinstance(document, list):
        return [portable(item) for item in document]
    return document


FIXTURES: dict[str, str] = {
    "terraform/tenancy-plan-create.json": f"terraform show -json of `terraform plan` of {BASE} on empty state",
    "terraform/tenancy-state.json": f"terraform show -json of the state after `terraform apply` of {BASE}",
    "terraform/tenancy-plan-scaled-down.json": f"terraform show -json of the plan of {SCALED_DOWN} on that state",
    "terraform/tenancy-plan-grown-from-model.json": f"terraform show -json of the plan of {GROWN} on that state",
    "pulumi/tenancy-preview-create.json": f"pulumi preview --json of {BASE} on an empty stack",
    "pulumi/tenancy-export.json": f"pulumi stack export after `pulumi up` of {BASE}",
    "pulumi/tenancy-preview-scaled-down.json": f"pulumi preview --json of {SCALED_DOWN} on that stack",
    "pulumi/tenancy-preview-grown-from-model.json": f"pulumi preview --json of {GROWN} on that stack",
}


@dataclass
class EngineRun:
    """Both engines after producing every document of FIXTURES: the Terraform state and the Pulumi stack hold
    the applied tenancy.json."""

    terraform: Terraform
    pulumi: Pulumi
    documents: dict[str, Any]


def run_engines(base: Path) -> EngineRun:
    """Every document of FIXTURES, produced now by the real engines in workspaces under `base`."""
    documents: dict[str, Any] = {}
    terraform = Terraform.create(base / "terraform-workspace")
    documents["terraform/tenancy-plan-create.json"] = terraform.plan(BASE)[1]
    terraform.apply(BASE)
    documents["terraform/tenancy-state.json"] = terraform.state()
    documents["terraform/tenancy-plan-scaled-down.json"] = terraform.plan(SCALED_DOWN)[1]
    documents["terraform/tenancy-plan-grown-from-model.json"] = terraform.plan(GROWN)[1]

    pulumi = Pulumi.create(base / "pulumi-workspace")
    documents["pulumi/tenancy-preview-create.json"] = portable(pulumi.preview(BASE)[1])
    pulumi.up(BASE)
    documents["pulumi/tenancy-export.json"] = portable(pulumi.export())
    documents["pulumi/tenancy-preview-scaled-down.json"] = portable(pulumi.preview(SCALED_DOWN)[1])
    documents["pulumi/tenancy-preview-grown-from-model.json"] = portable(pulumi.preview(GROWN)[1])
    return EngineRun(terraform, pulumi, documents)


def dump(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_fixtures(documents: Mapping[str, Any], out: Path = DATA) -> list[Path]:
    """Write each document (re-indented, otherwise as the engine wrote it) atomically."""
    written = []
    for name, document in sorted(documents.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(dump(document), encoding="utf-8")
        temporary.replace(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/generate-engine-fixtures.sh",
        description="Regenerate tests/data/terraform/tenancy-*.json and tests/data/pulumi/tenancy-*.json with the "
        "real Terraform and Pulumi CLIs and the test providers (tests/engines/README.md).",
    )
    parser.add_argument("--out", type=Path, default=DATA, help="directory to write them under (default tests/data)")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="engine-fixtures-") as base:
            documents = run_engines(Path(base)).documents
    except (EngineUnavailable, CommandFailed) as exc:
        print(f"generate-engine-fixtures: {exc}", file=sys.stderr)
        return 1
    for path in write_fixtures(documents, args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
