"""Hostile input through the real command line: every case of the corpus ends in exit 2 naming the file, field and
reason, or in a normal result, never a traceback; and nothing any command prints holds an unprintable character.

The corpus is `tests/data/hostile/`: one file per case and `cases.json`, the table of what each case must give
(exit code, a fragment of the message or of the output). A row names a file and the readers that read it (`json`:
every command reading a JSON file), or a command line (`argv`, with `env`). Rows whose file starts with `@` are
made here: a character device, a directory, FIFOs, a read error, a file past the size limit. Add a case for every
crash found: a file and a row (`tests/data/hostile/regenerate.py` rewrites the files derived from the samples).
The property tests at the end feed random bytes, random JSON and hostile values in
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
from xml.etree import ElementTree

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
KUBE_TABLES = ("kubernetes.tables={file}",)

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
    "terraform": [["check", "--source", "terraform", "--from-file", "{file}", "--format", "json", *CHECK]],
    "ksyun-tables": [
        ["check", "--source", "ksyun", "--from-file", str(KSYUN), "--source-option", "ksyun.tables={file}", *CHECK]
    ],
    "kubernetes-tables": [
        ["check", "--source", "kubernetes", "--from-file", str(KUBECTL), "--source-option", *KUBE_TABLES, *CHECK]
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


# -- unprintable text in every output ----------------------------------------------------------------------

UNPRINTABLE_OBSERVATION = CORPUS / "obs-unprintable-text.json"


def assert_printable_file(path: Path) -> str:
    text = path.read_bytes().decode("utf-8")  # strict: every output is valid UTF-8
    found = UNPRINTABLE.search(text)
    assert found is None, f"{path.name} holds {found.group()!r}"
    return text


def test_unprintable_text_is_escaped_in_every_output(tmp_path: Path, history_store: str) -> None:
    """Ids, kinds and a header holding a lone surrogate, terminal escapes and a bidi override: the check, its
    console, Markdown, JSON and JUnit outputs, the run recorded in history and every report read back from it."""
    files = {name: tmp_path / name for name in ("junit.xml", "summary.md", "check.json")}
    for output_format in ("console", "markdown", "json"):
        result = run_cli(
            "check", "--observed", UNPRINTABLE_OBSERVATION, "--now", NOW, "--format", output_format,
            "--junit", files["junit.xml"], "--markdown", files["summary.md"], "--json", files["check.json"],
        )  # fmt: skip
        assert result.exit_code == 1, result.stderr
        printable_only(result)
        assert "exporter \\x1b]0;title\\x07" in result.stdout or '"exporter \\\\x1b]0;title\\\\x07"' in result.stdout
    for path in files.values():
        assert_printable_file(path)
    ElementTree.parse(files["junit.xml"])  # well-formed XML: no character XML 1.0 forbids
    written = json.loads(files["check.json"].read_text(encoding="utf-8"))
    ids = [i for f in written["findings"] if f["evidence"] for i in f["evidence"]["contributing"]]
    assert "vm-\\ud800" in ids
    unrecognized = {(u["kind"], tuple(u["sample_ids"])) for u in written["sources"][0]["unrecognized"]}
    assert ("gpu\\x07", ("odd-\\udc80\\x1b[2J\\u202e",)) in unrecognized
    reports = [
        ("status", "html", []), ("status", "markdown", []), ("status", "json", []),
        ("monthly", "markdown", ["--period", "2026-11"]), ("summary", "json", []),
    ]  # fmt: skip
    for kind, output_format, extra in reports:
        out = tmp_path / f"{kind}.{output_format}"
        result = run_cli("report", "--output", out, "--kind", kind, "--format", output_format, "--now", NOW, *extra)
        assert result.exit_code == 0, result.stderr
        text = assert_printable_file(out).replace("\\\\", "\\")
        if kind == "status":  # the acceptance materials do not name the sources' details
            assert "exporter \\x1b]0;title\\x07" in text


def test_a_run_recorded_before_text_was_made_printable_is_read_back_printable(
    tmp_path: Path, history_store: str
) -> None:
    """A store written by an earlier version may hold a lone surrogate or an escape sequence in its JSON: the
    reports read it back printable."""
    assert run_cli("check", "--observed", SMALL, "--now", NOW).exit_code in (0, 1)
    database = history_store.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        (sources,) = connection.execute("SELECT sources FROM runs").fetchone()
        sources = json.loads(sources)
        sources[0]["detail"] = "old \udcff\x1b[31m"
        warnings = ["recorded \ud800 \u001b[2J"]
        connection.execute(  # as the JSON text an earlier version wrote: the characters as \\u escapes
            "UPDATE runs SET warnings = ?, sources = ?", (json.dumps(warnings), json.dumps(sources))
        )
    for output_format in ("html", "markdown", "json"):
        out = tmp_path / f"status.{output_format}"
        result = run_cli("report", "--output", out, "--format", output_format, "--now", NOW)
        assert result.exit_code == 0, result.stderr
        text = assert_printable_file(out).replace("\\\\", "\\")
        assert "recorded \\ud800 \\x1b[2J" in text
        assert "old \\udcff\\x1b[31m" in text


# -- random and hostile input to every reader ---------------------------------------------------------------

SAMPLES: dict[str, Path] = {
    "observation": SMALL,
    "contract": CONTRACT,
    "ksyun": KSYUN,
    "kubectl": KUBECTL,
    "pulumi": PULUMI,
    "terraform": ROOT / "tests/data/terraform/tenancy-state.json",
    "ksyun-tables": ROOT / "tests/data/ksyun/tables.json",
    "kubernetes-tables": ROOT / "tests/data/kubernetes/tables.json",
    "pulumi-tables": ROOT / "tests/data/pulumi/tables.json",
    "calendar": CORPUS / "calendar-date-fullwidth.json",
}
HOSTILE_VALUES = st.sampled_from(
    [
        "５００", "5_00", " 7 ", "1e400", "NaN", "\ud800", "vm-\udc80\u001b[2J\u202e", "\x00", "",
        "9999-12-31T23:59:59-12:00", "0001-01-01", "2026-11-25", 10**40, -1, 0, 1.5, True, None, [], {},
        json.loads("[" * 150 + "]" * 150), {"a": {"b": [{"c": None}]}},
    ]
)  # fmt: skip
FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a decoded document: each member and element, nested ones included."""
    yield at
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in children:
        yield from paths(item, (*at, key))


def replaced(document: Any, at: tuple[Any, ...], value: Any) -> Any:
    if not at:
        return value
    changed = copy.deepcopy(document)
    node = changed
    for step in at[:-1]:
        node = node[step]
    node[at[-1]] = value
    return changed


def run_reader(reader: str, text: bytes, tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(text)
    command = [part.format(file=path, out=tmp_path) for part in READERS[reader][0]]
    result = run_cli(*command)  # any exception but the exit escapes run_cli: a traceback fails the test
    assert result.exit_code in (0, 1, 2, 3), result.stderr
    if result.exit_code == 2 and not (command[0] == "validate" and "INVALID" in result.stdout):
        assert result.stderr.startswith("error: "), result.stderr
    printable_only(result)


@pytest.mark.parametrize("reader", list(SAMPLES))
@FUZZ
@given(data=st.data())
def test_a_hostile_value_anywhere_in_a_valid_document(
    reader: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    document = json.loads(SAMPLES[reader].read_text(encoding="utf-8"))
    at = data.draw(st.sampled_from(list(paths(document))), label="at")
    value = data.draw(HOSTILE_VALUES, label="value")
    text = json.dumps(replaced(document, at, value), ensure_ascii=data.draw(st.booleans(), label="ascii"))
    run_reader(reader, text.encode("utf-8", "surrogatepass"), tmp_path_factory.mktemp(reader))


@pytest.mark.parametrize("reader", list(SAMPLES))
@FUZZ
@given(content=st.binary(max_size=300))
def test_random_bytes(reader: str, content: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    run_reader(reader, content, tmp_path_factory.mktemp(reader))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize("reader", list(SAMPLES))
@FUZZ
@given(value=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6))
def test_random_json(reader: str, value: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    text = json.dumps(value).encode("utf-8")
    run_reader(reader, text, tmp_path_factory.mktemp(reader))
