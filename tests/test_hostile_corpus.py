"""Hostile input through the real command line: every case of the corpus ends in exit 2 naming the file, field and
reason, or in a normal result, never a traceback; and nothing any command prints holds an unprintable character.

The corpus is `tests/data/hostile/`: one file per case and `cases.json`, the table of what each case must give
(exit code, a fragment of the message or of the output). A row names a file and the readers that read it (`json`:
every command reading a JSON file), or a command line (`argv`, with `env`). Rows whose file starts with `@` are
made here: a character device, a directory, FIFOs, a read error, a file past the size limit. Add a case for every
crash found: a file and a row. The property tests at the end feed random bytes, random JSON and hostile values in
place of any leaf of a valid document to every reader.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.base.text import UNSAFE
from tests.cli_runner import CliResult, run_cli

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests/data/hostile"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
CONTRACT = ROOT / "contract_inventory.json"
SMALL = ROOT / "tests/data/observation-small.json"
KSYUN = ROOT / "tests/data/ksyun/export.json"
KUBECTL = ROOT / "tests/data/kubernetes/cluster.json"
PULUMI = ROOT / "tests/data/pulumi/stack-prod.json"
NOW = "2026-11-25T09:00:00+08:00"
CHECK = ("--now", NOW, "--no-history")

READERS: dict[str, list[list[str]]] = {
    "observation": [
        ["check", "--observed", "{file}", *CHECK],
        ["check", "--source", "snapshot", "--from-file", "{file}", "--format", "json", *CHECK],
        ["report", "--observed", "{file}", "--output", "{out}/report.html", *CHECK],
    ],
    "contract": [
        ["validate", "{file}"],
        ["check", "--contract", "{file}", "--observed", str(SMALL), *CHECK],
        ["calendar", "--contract", "{file}", "--now", NOW],
    ],
    "ksyun": [["check", "--source", "ksyun", "--from-file", "{file}", "--format", "json", *CHECK]],
    "kubectl": [["check", "--source", "kubernetes", "--from-file", "{file}", "--format", "json", *CHECK]],
    "pulumi": [["check", "--source", "pulumi", "--from-file", "{file}", "--format", "json", *CHECK]],
    "ksyun-tables": [
        ["check", "--source", "ksyun", "--from-file", str(KSYUN), "--source-option", "ksyun.tables={file}", *CHECK]
    ],
    "kubernetes-tables": [
        ["check", "--source", "kubernetes", "--from-file", str(KUBECTL), "--source-option", "kubernetes.tables={file}"]
        + list(CHECK)
    ],
    "pulumi-tables": [
        ["check", "--source", "pulumi", "--from-file", str(PULUMI), "--source-option", "pulumi.tables={file}", *CHECK]
    ],
    "calendar": [
        ["deadline", "--from", "2026-09-27T10:00:00+08:00", "--days", "7", "--calendar", "{file}"],
        ["calendar", "--calendar", "{file}", "--now", NOW],
    ],
}
READERS["json"] = [command for commands in READERS.values() for command in commands]


@pytest.fixture(autouse=True)
def contract_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_CONTRACT", str(CONTRACT))


UNPRINTABLE = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f"))
"""What no output may hold: `base.text.UNSAFE` but the line breaks and tabs of the outputs' own layout."""


def printable_only(result: CliResult) -> None:
    """Nothing printed holds a control character, a lone surrogate or a bidirectional override."""
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        found = UNPRINTABLE.search(text)
        assert found is None, f"{name} holds {found.group()!r}: {text[max(0, found.start() - 60) : found.end() + 60]!r}"


def expect(result: CliResult, case: dict[str, Any], command: list[str]) -> None:
    wanted = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
    assert result.exit_code in wanted, f"{command}: exit {result.exit_code}\n{result.stderr}{result.stdout[-2000:]}"
    if "message" in case:
        assert case["message"] in result.stderr, f"{command}:\n{result.stderr}"
    if "shows" in case and command[0] == "check":  # what a check prints (a report goes to its file), as text or JSON
        shown = (case["shows"], json.dumps(case["shows"])[1:-1])
        assert any(text in result.stdout for text in shown), f"{command}:\n{result.stdout[-3000:]}"
    if result.exit_code == 2:
        assert result.stderr.startswith("error: "), result.stderr
    printable_only(result)


# -- files made here ----------------------------------------------------------------------------------------


class EndlessWriter:
    """Writes spaces into a FIFO until the reader closes it (a file without end)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.thread = threading.Thread(target=self._write, daemon=True)

    def _write(self) -> None:
        try:
            with self.path.open("wb") as fifo:
                while True:
                    fifo.write(b" " * 65536)
        except (BrokenPipeError, OSError):
            return


def made(special: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The path a special case reads, with the environment it needs."""
    if special == "@dev-zero":
        yield "/dev/zero"
    elif special == "@directory":
        yield str(tmp_path)
    elif special == "@read-error":
        if not Path("/proc/self/mem").exists():
            pytest.skip("needs Linux /proc/self/mem (reading it at offset 0 fails with EIO)")
        yield "/proc/self/mem"
    elif special == "@too-large":
        monkeypatch.setenv("RECONCILER_MAX_FILE_MB", "1")
        monkeypatch.setenv("RECONCILER_MAX_SNAPSHOT_MB", "1")
        path = tmp_path / "large.json"
        path.write_bytes(b"{" + b" " * (1 << 21) + b"}")
        yield str(path)
    elif special == "@fifo-without-writer":
        path = tmp_path / "fifo"
        os.mkfifo(path)
        yield str(path)
    elif special == "@fifo-endless":
        monkeypatch.setenv("RECONCILER_MAX_FILE_MB", "1")
        monkeypatch.setenv("RECONCILER_MAX_SNAPSHOT_MB", "1")
        path = tmp_path / "endless"
        os.mkfifo(path)
        yield str(path)
    else:
        raise AssertionError(f"unknown special case {special}")


def file_cases() -> Iterator[Any]:
    for case in CASES:
        if "file" not in case:
            continue
        for index, command in enumerate(READERS[case["readers"]]):
            yield pytest.param(case, command, id=f"{case['file']}-{command[0]}-{index}")


@pytest.mark.parametrize(("case", "command"), list(file_cases()))
def test_a_hostile_file(
    case: dict[str, Any], command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = case["file"]
    if name.startswith("@"):
        paths = made(name, tmp_path, monkeypatch)
        path = next(paths)
    else:
        path = str(CORPUS / name)
    writer = EndlessWriter(Path(path)) if name == "@fifo-endless" else None
    argv = [part.format(file=path, out=tmp_path) for part in command]
    if writer is not None:
        writer.thread.start()
    result = run_cli(*argv)
    if writer is not None:  # the reader stopped at the limit: release the writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.close(fd)
        writer.thread.join(timeout=5)
    expect(result, case, argv)


@pytest.mark.parametrize("case", [c for c in CASES if "argv" in c], ids=lambda c: " ".join(c["argv"])[:60])
def test_a_hostile_option_or_setting(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in case.get("env", {}).items():
        monkeypatch.setenv(key, value)
    argv = [part.format(small=SMALL, ksyun=KSYUN, out=tmp_path) for part in case["argv"]]
    expect(run_cli(*argv), case, argv)


def test_every_corpus_file_has_a_row() -> None:
    files = {path.name for path in CORPUS.glob("*.json")} - {"cases.json"}
    named = {case["file"] for case in CASES if "file" in case}
    assert files - named == set()
    assert {name for name in named if not name.startswith("@")} - files == set()


def test_dev_zero_ends_at_once_through_the_console_script(tmp_path: Path) -> None:
    """The installed command, in its own process: /dev/zero is refused before a byte is read."""
    import subprocess

    script = Path(sys.executable).with_name("reconciler")
    for source in ("ksyun", "kubernetes", "pulumi"):
        done = subprocess.run(
            [str(script), "check", "--source", source, "--from-file", "/dev/zero", "--no-history"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "RECONCILER_CONTRACT": str(CONTRACT)},
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert (
            done.stderr
            == "error: /dev/zero: is a character device (such as /dev/zero), not a file; expected a JSON file\n"
        )
    done = subprocess.run(
        [str(script), "validate", "/dev/zero"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr.splitlines()[0]) == (
        2,
        "error: /dev/zero: is a character device (such as /dev/zero), not a file; expected a JSON file",
    )
