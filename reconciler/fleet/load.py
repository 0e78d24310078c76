"""Load a fleet file: validate it (every problem named by field), check its names and references, and resolve its
paths (relative to the fleet file) and its secrets (from the environment, at check time).

Called by the `reconciler fleet` commands. Raises InputError (exit 2) for a fleet file that cannot be used at
all; a contract whose own files or variables are wrong fails alone, when it is checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from reconciler.base.errors import InputError, Problem, problems_from_validation
from reconciler.base.jsonio import load_json
from reconciler.fleet.model import FleetContract, FleetFile, FromEnv, FromPath, Target
from reconciler.sources import SOURCES


@dataclass(frozen=True)
class Fleet:
    """A loaded fleet file: its data and the directory its relative paths start from."""

    file: FleetFile
    path: Path

    @property
    def base(self) -> Path:
        return self.path.parent

    @property
    def contracts(self) -> list[FleetContract]:
        return list(self.file.contracts)

    def named(self, names: list[str]) -> list[FleetContract]:
        """The contracts called `names` (all when none), in the file's order; InputError for an unknown name."""
        if not names:
            return self.contracts
        known = {c.name for c in self.file.contracts}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError.single(
                "<option --only>", "", f"no contract {', '.join(map(repr, unknown))} in {self.path}"
            )
        return [c for c in self.file.contracts if c.name in names]

    def resolve(self, path: str) -> Path:
        given = Path(path)
        return given if given.is_absolute() else self.base / given

    def targets_of(self, contract: FleetContract) -> list[tuple[str, Target]]:
        names = contract.notify if contract.notify is not None else self.file.defaults.notify
        return [(name, self.file.targets[name]) for name in names]

    def lang_of(self, contract: FleetContract) -> str:
        return contract.lang or self.file.defaults.lang


def load_fleet(path: Path) -> Fleet:
    """Read and check a fleet file; InputError naming the file, the field and the reason."""
    raw = load_json(path, "a fleet file (a JSON object, schema contract-reconciler/fleet)")
    if not isinstance(raw, dict):
        raise InputError.single(str(path), "", f"expected a JSON object, found {type(raw).__name__}")
    try:
        data = FleetFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(str(path), problems_from_validation(exc.errors(), raw)) from exc
    problems = _references(data)
    if problems:
        raise InputError(str(path), problems)
    return Fleet(data, path)


def _references(data: FleetFile) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, contract in enumerate(data.contracts):
        where = f"contracts[{index}]({contract.name})"
        if contract.name in seen:
            problems.append(Problem(f"{where}.name", f"also the name of contracts[{seen[contract.name]}]"))
        seen.setdefault(contract.name, index)
        if contract.observed is None and not contract.sources:
            problems.append(Problem(where, "say what to observe: observed (a snapshot) or sources"))
        for number, source in enumerate(contract.sources):
            problems += _source_problems(f"{where}.sources[{number}]", source.name, source.settings)
        for wanted in contract.notify or []:
            if wanted not in data.targets:
                problems.append(Problem(f"{where}.notify", f"no target {wanted!r} in targets"))
    for named in data.defaults.notify:
        if named not in data.targets:
            problems.append(Problem("defaults.notify", f"no target {named!r} in targets"))
    for name, target in data.targets.items():
        problems += _target_problems(f"targets.{name}", target, data)
    return problems


def _source_problems(where: str, name: str, settings: Mapping[str, str | FromEnv | FromPath]) -> list[Problem]:
    spec = SOURCES.get(name)
    if spec is None:
        return [Problem(f"{where}.name", f"no such source (sources: {', '.join(SOURCES)})")]
    known = {setting.key: setting for setting in spec.settings}
    problems = []
    for key, value in settings.items():
        setting = known.get(key)
        if setting is None:
            problems.append(
                Problem(f"{where}.settings.{key}", f"the {name} source has no such setting ({', '.join(known)})")
            )
        elif setting.secret and not isinstance(value, FromEnv):
            problems.append(
                Problem(
                    f"{where}.settings.{key}",
                    'a secret: never in the fleet file; give {"env": "VARIABLE"} (a Kubernetes Secret) instead',
                )
            )
    return problems


def _target_problems(where: str, target: Target, data: FleetFile) -> list[Problem]:
    if target.kind == "email":
        problems = [] if target.to else [Problem(f"{where}.to", "an e-mail target needs at least one recipient")]
        if data.smtp is None:
            problems.append(Problem(where, "e-mail targets need the fleet's smtp server (smtp: {host, sender})"))
        return problems
    if (target.url is None) == (target.url_env is None):
        return [Problem(where, "give exactly one of url and url_env")]
    if target.kind in ("dingtalk", "wecom", "feishu") and target.url is not None:
        return [Problem(f"{where}.url", "a robot's URL holds its access token: give it as url_env")]
    return []


def source_settings(contract: FleetContract, index: int, environ: Mapping[str, str], base: Path) -> dict[str, str]:
    """The settings of a contract's `index`th source with the variables read and the paths resolved against `base`
    (the fleet file's directory); InputError naming a variable that is not set."""
    source = contract.sources[index]
    settings: dict[str, str] = {}
    for key, value in source.settings.items():
        if isinstance(value, FromEnv):
            if not environ.get(value.env):
                raise InputError.single(
                    f"<fleet contract {contract.name}>",
                    f"sources[{index}].settings.{key}",
                    f"the variable {value.env} is not set (or empty)",
                )
            settings[key] = environ[value.env]
        elif isinstance(value, FromPath):
            given = Path(value.path)
            settings[key] = str(given if given.is_absolute() else base / given)
        else:
            settings[key] = value
    return settings
