"""Run the `reconciler` console script in-process and capture what it prints and how it exits.

Shared by the CLI tests. `run_cli` calls `reconciler.app.cli.main` exactly as the console script does, with
`sys.argv` set to the given arguments, and restores `sys.argv` (and the exception hook Typer installs)
afterwards. Only `SystemExit` is caught: any other exception escapes to the test, which then fails,
because bad input must never end in a traceback.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any

from reconciler.app.cli import main


@dataclass(frozen=True)
class CliResult:
    """What one run of the CLI did."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str | os.PathLike[str]) -> CliResult:
    """Run `reconciler ARGS...` in this process; return its exit code and its standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_hook = sys.argv, sys.excepthook
    sys.argv = ["reconciler", *(os.fspath(arg) for arg in args)]
    exit_code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                exit_code = _exit_status(exc.code, err)
    finally:
        sys.argv = saved_argv
        sys.excepthook = saved_hook
    return CliResult(exit_code, out.getvalue(), err.getvalue())


def _exit_status(code: object, err: io.StringIO) -> int:
    """The process exit status `sys.exit(code)` would give (a non-integer code is printed, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    err.write(f"{code}\n")
    return 1
