"""The fleet's done-when, on a real PostgreSQL server: 64 generated contracts (varied tenancies, expansions at risk
and overdue, 6 dead sources, one broken file) checked by `fleet check --shard i/N` for N = 1, 4 and 16 into one
store: identical results, each contract exactly once per night, the overview showing them all, and the night's
notifications sent once however many shards and re-runs follow.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reconciler.history.store import open_history
from tests.cli_runner import run_cli
from tests.fleet_support import NOW, generate_fleet, receiving

pytestmark = pytest.mark.postgres
COUNT = 64
"""Every store transaction is a new PostgreSQL connection (history.store): 200 contracts x 3 shardings take minutes
here; `make bench` (bench/fleet.py) runs the 200 of the done-when and prints the comparison."""


def test_two_hundred_contracts_in_shards_of_1_4_and_16_give_one_result_each(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPS_HOOK_SECRET", "s3cret")
    with receiving({"webhook": "s3cret"}) as receiver:
        targets = {"ops": {"kind": "webhook", "url": receiver.url("webhook"), "secret_env": "OPS_HOOK_SECRET"}}
        fleet = generate_fleet(tmp_path, COUNT, targets=targets)
        results: dict[int, dict[str, dict[str, Any]]] = {}
        sent_after: dict[int, int] = {}
        for count in (1, 4, 16):
            results[count] = {}
            for index in range(count):
                done = run_cli(
                    "fleet", "check", fleet, "--shard", f"{index}/{count}", "--batch", f"n{count}",
                    "--history", postgres_url, "--now", NOW, "--workers", "2", "--notify", "--format", "json",
                )  # fmt: skip
                assert done.exit_code in (0, 1, 2, 3), done.stderr
                for contract in done.json()["contracts"]:
                    assert contract["name"] not in results[count]  # no contract in two shards
                    results[count][contract["name"]] = contract
            sent_after[count] = len(receiver.accepted)
        assert receiver.refused == []

    names = {f"agency-{n:03d}" for n in range(1, COUNT + 1)}
    for count in (1, 4, 16):
        assert set(results[count]) == names  # every contract, once
    with open_history(postgres_url, read_only=True) as store:
        latest = {row["contract"]: row for row in store.latest_outcomes()}
        series = store.outcome_series(sorted(names), 10)
        deliveries = store.deliveries()
    assert all(Counter(row["batch"] for row in rows) == {"n1": 1, "n4": 1, "n16": 1} for rows in series.values())
    assert len(series) == COUNT
    # identical results whatever the sharding: exit code, verdict and everything the fleet keeps of the check
    digests = {count: _digests(postgres_url, f"n{count}") for count in (1, 4, 16)}
    assert digests[1] == digests[4] == digests[16]
    verdicts = Counter(r["verdict"] for r in results[1].values())
    assert verdicts["invalid"] == 1
    assert verdicts["unknown"] >= 3
    assert verdicts["drift"] > 0
    assert verdicts["ok"] > 0
    assert results[1]["agency-018"]["exit_code"] == 2  # the broken file, named
    assert {r["exit_code"] for r in results[4].values()} == {r["exit_code"] for r in results[1].values()}
    assert latest["agency-018"]["batch"] == "n16"

    # the night's changes were told once: all by the first run; the 20 shard runs after it sent nothing
    assert sent_after[1] > COUNT / 2  # every short line item, expansion at risk or overdue, dead source, broken file
    assert sent_after[4] == sent_after[16] == sent_after[1]
    assert len({d["key"] for d in deliveries}) == len(deliveries) == sent_after[1]
    assert {d["status"] for d in deliveries} == {"sent"}

    site = tmp_path / "site"
    shown = run_cli("fleet", "report", fleet, "--history", postgres_url, "--now", NOW, "--output", site,
                    "--no-reports")  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    page = (site / "index.html").read_text(encoding="utf-8")
    assert page.count('<tr class="') == COUNT
    assert 'data-contract="agency-018" data-state="invalid" data-exit-code="2"' in page
    assert f'data-state="unknown"><div class="figure">{verdicts["unknown"]}</div>' in page


def _digests(url: str, batch: str) -> dict[str, Any]:
    import sqlalchemy as sa

    from tests.postgres_support import PostgresServer  # noqa: F401 (the server the URL names)

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT contract, exit_code, verdict, CAST(digest AS TEXT) FROM fleet_outcomes WHERE batch = :b"
                ),
                {"b": batch},
            ).all()
    finally:
        engine.dispose()
    return {row[0]: (row[1], row[2], None if row[3] is None else json.loads(row[3])) for row in rows}
