"""The derived-data cache (`base.cache`) changes how fast a contract is read, never what is read: a damaged,
partial, foreign or concurrently written cache gives the same contract and the same check as no cache at all."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.base import cache
from reconciler.contract.load import load_contract
from reconciler.contract.model import Contract
from tests.conftest import CONTRACT_PATH

NOW = "2026-11-25T09:00:00+08:00"


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("RECONCILER_CACHE", str(root))
    monkeypatch.delenv(cache.SWITCH, raising=False)
    return root


def _entries(root: Path) -> list[Path]:
    return sorted((root / "derived").rglob("*.pickle"))


def test_a_contract_is_read_back_from_the_cache_as_it_was_validated(cache_root: Path) -> None:
    first = load_contract(CONTRACT_PATH)
    assert len(_entries(cache_root)) == 1
    again = load_contract(CONTRACT_PATH)
    assert again == first
    assert again.model_dump() == Contract.model_validate_json(CONTRACT_PATH.read_bytes()).model_dump()


@pytest.mark.parametrize("damage", [b"", b"\x80\x05garbage", b"not a pickle at all"])
def test_a_damaged_or_partial_entry_is_rebuilt(cache_root: Path, damage: bytes) -> None:
    expected = load_contract(CONTRACT_PATH)
    (entry,) = _entries(cache_root)
    whole = entry.read_bytes()
    entry.write_bytes(damage or whole[: len(whole) // 2])  # empty: a write cut in half
    assert load_contract(CONTRACT_PATH) == expected
    assert pickle.loads(entry.read_bytes()) == expected  # stored again, whole


def test_an_entry_of_another_type_is_not_taken(cache_root: Path) -> None:
    expected = load_contract(CONTRACT_PATH)
    (entry,) = _entries(cache_root)
    entry.write_bytes(pickle.dumps({"a": "dict, not a contract"}))
    assert load_contract(CONTRACT_PATH) == expected


def test_a_cache_others_may_write_is_never_read(cache_root: Path) -> None:
    expected = load_contract(CONTRACT_PATH)
    (entry,) = _entries(cache_root)
    forged = expected.model_copy(update={"title_en": "forged"})
    entry.write_bytes(pickle.dumps(forged))
    entry.parent.chmod(0o777)
    try:
        assert load_contract(CONTRACT_PATH).title_en == expected.title_en
    finally:
        entry.parent.chmod(0o700)


def test_an_edited_contract_is_validated_again(cache_root: Path, tmp_path: Path) -> None:
    path = tmp_path / "contract.json"
    text = CONTRACT_PATH.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = load_contract(path)
    path.write_text(text.replace(before.title_en, "Edited title"), encoding="utf-8")
    assert load_contract(path).title_en == "Edited title"
    assert len(_entries(cache_root)) == 2


def test_an_unwritable_cache_is_passed_by(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("RECONCILER_CACHE", str(blocker))
    assert load_contract(CONTRACT_PATH).title_en


def test_concurrent_checks_fill_the_cache_and_agree(cache_root: Path) -> None:
    """Several checks started at once with an empty cache: every one answers the same, the entry is whole."""
    command = [sys.executable, "-m", "reconciler", "check", "--contract", str(CONTRACT_PATH), "--now", NOW]
    command += ["--observed", str(CONTRACT_PATH.parent / "tests/data/observation-small.json"), "--no-history"]
    command += ["--format", "json"]
    env = {**os.environ, "RECONCILER_CACHE": str(cache_root)}
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [child.communicate()[0] for child in children]
    assert {child.returncode for child in children} <= {0, 1}
    assert len(set(outputs)) == 1
    entries = _entries(cache_root)
    assert len(entries) >= 1
    for entry in entries:
        pickle.loads(entry.read_bytes())
    assert not list((cache_root / "derived").rglob("*.part"))
    env_off = {**env, cache.SWITCH: "off"}
    uncached = subprocess.run(command, stdout=subprocess.PIPE, env=env_off, check=False).stdout
    assert uncached == outputs[0]
