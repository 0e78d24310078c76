"""Numeric source settings (timeouts, attempts, page sizes): one rule for every source, refused before
anything is read, with an error naming the settings, the setting and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.base.errors import InputError
from reconciler.sources.base import number_setting
from tests.cli_runner import run_cli
from tests.test_source_ksyun import EXPORT
from tests.test_source_kubernetes_export import CLUSTER
from tests.test_source_pulumi import STACK

FILES: dict[str, Path] = {"ksyun": EXPORT, "kubernetes": CLUSTER, "pulumi": STACK}


@pytest.mark.parametrize(
    ("source", "setting", "value", "reason"),
    [
        ("ksyun", "timeout", "nan", "expected a number, found 'nan'"),
        ("ksyun", "retry_wait", "inf", "expected a number, found 'inf'"),
        ("ksyun", "attempts", "2.5", "expected a whole number, found '2.5'"),
        ("ksyun", "attempts", "\uff13", "expected a whole number, found '\uff13'"),
        ("ksyun", "timeout", "1_0", "expected a number, found '1_0'"),
        ("ksyun", "page_size", "3", "must be at least 5, found '3'"),
        ("kubernetes", "timeout", "NaN", "expected a number, found 'NaN'"),
        ("kubernetes", "timeout", "1e3", "expected a number, found '1e3'"),
        ("kubernetes", "page_size", "0", "must be at least 1, found '0'"),
        ("kubernetes", "attempts", "many", "expected a whole number, found 'many'"),
        ("pulumi", "timeout", "-Infinity", "expected a number, found '-Infinity'"),
    ],
)
def test_a_bad_number_is_refused_naming_source_setting_and_reason(
    source: str, setting: str, value: str, reason: str
) -> None:
    result = run_cli(
        "check", "--source", source, "--from-file", FILES[source], "--source-option", f"{source}.{setting}={value}",
        "--no-history",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == f"error: <{source} settings>: {source}.{setting}: {reason}\n"


def test_numbers_are_read_as_given() -> None:
    settings = {"wait": " 0.25 ", "count": "7", "zero": "0"}
    assert number_setting("demo", settings, "wait", 0) == 0.25
    assert number_setting("demo", settings, "count", 1, integer=True) == 7
    assert isinstance(number_setting("demo", settings, "count", 1, integer=True), int)
    assert number_setting("demo", settings, "zero", 0) == 0.0  # the bound itself is allowed


def test_a_missing_number_names_the_setting() -> None:
    with pytest.raises(InputError) as caught:
        number_setting("demo", {}, "wait", 0)
    assert caught.value.file == "<demo settings>"
    assert caught.value.problems[0].field == "demo.wait"
    assert caught.value.problems[0].reason == "expected a number, found ''"


def test_a_bad_scheme_from_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.cli_runner import run_cli

    monkeypatch.setenv("KSYUN_SCHEME", "ftp")
    result = run_cli("check", "--source", "ksyun", "--no-history")
    assert result.exit_code == 2
    assert "ksyun.scheme: expected https or http, found 'ftp'" in result.stderr
    assert "KSYUN_SCHEME" in result.stderr
