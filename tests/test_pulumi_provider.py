"""The dynamic provider's operations, called as the engine calls them (no engine): diff judges tonight's inputs
(the program's observation) whatever the state recorded, a changed setting is no change, read and the other
operations touch no file, and the pickled provider is a stable reference (also under its old module path)."""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any

import dill
import pytest

import reconciler.integrations.pulumi as integration
from reconciler.base.errors import InputError
from reconciler.integrations.pulumi import (
    PROVIDER_VERSION,
    ExpansionProvider,
    LineItemProvider,
    Settings,
    expansion_inputs,
    line_item_inputs,
    observe,
)
from tests.conftest import ROOT, dumps, met_resources, snapshot_document
from tests.pulumi_support import EXPANSION_CONTRACT, NOW, SHORT_VCPU, short_resources, write_observation

PICKLED = "__provider"


@pytest.fixture(autouse=True)
def in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine runs the provider with stacks/ as working directory; relative paths resolve from Pulumi.yaml."""
    monkeypatch.chdir(ROOT / "stacks")


def settings_for(observation: Path, contract: str = "contract_inventory.json", now: str = NOW) -> Settings:
    return Settings(contract=contract, observed=str(observation), now=now)


def inputs(settings: Settings, item: str) -> dict[str, Any]:
    """What the program declares for a line item with these settings: the figures and the observation."""
    return line_item_inputs(observe(settings).finding(item), settings) | {PICKLED: "pickle-1"}


def recorded(provider: LineItemProvider | ExpansionProvider, props: dict[str, Any]) -> dict[str, Any]:
    """The state `up` records: what diff receives as `olds` the next night."""
    outs = provider.create(props).outs
    assert outs is not None
    return dict(outs)


@pytest.fixture
def nights(tmp_path: Path) -> dict[str, Settings]:
    """One stack's settings on three nights, each pointing at that night's export."""
    return {
        "met": settings_for(write_observation(tmp_path / "2026-11-24.json", met_resources())),
        "short": settings_for(write_observation(tmp_path / "2026-11-25.json", short_resources())),
        "met again": settings_for(write_observation(tmp_path / "2026-11-26.json", met_resources())),
    }


def test_tonights_shortfall_is_a_change_whatever_last_night_recorded(nights: dict[str, Settings]) -> None:
    provider = LineItemProvider()
    last_night = recorded(provider, inputs(nights["met"], "compute.vcpu"))
    tonight = inputs(nights["short"], "compute.vcpu")
    assert (tonight["entitled"], tonight["supplied"], tonight["gap"], tonight["status"]) == (
        "1232",
        SHORT_VCPU,
        "-16",
        "short",
    )

    assert provider.diff("compute.vcpu", last_night, tonight).changes is True
    memory = inputs(nights["short"], "compute.memory")
    assert (
        provider.diff("compute.memory", recorded(provider, inputs(nights["met"], "compute.memory")), memory).changes
        is False
    )


def test_tonights_met_supply_is_no_change_though_last_night_recorded_a_shortfall(nights: dict[str, Settings]) -> None:
    provider = LineItemProvider()
    short_night = recorded(provider, inputs(nights["short"], "compute.vcpu"))
    assert short_night["status"] == "short"

    assert provider.diff("compute.vcpu", short_night, inputs(nights["met again"], "compute.vcpu")).changes is False


def test_a_changed_setting_or_due_is_never_a_change_by_itself(nights: dict[str, Settings], tmp_path: Path) -> None:
    provider = LineItemProvider()
    olds = recorded(provider, inputs(nights["met"], "compute.vcpu"))
    other_settings = Settings(
        observed=str(write_observation(tmp_path / "elsewhere.json", met_resources())),
        now="2026-12-02T21:00:00+08:00",
        options=(("snapshot.note", "x"),),
    )
    news = line_item_inputs(observe(nights["met"]).finding("compute.vcpu"), other_settings) | {PICKLED: "other"}

    assert provider.diff("compute.vcpu", olds, news).changes is False
    assert provider.diff("compute.vcpu", olds, news | {"due": "1296"}).changes is False
    assert provider.diff("compute.vcpu", olds, news | {"version": PROVIDER_VERSION + "-next"}).changes is True
    assert provider.diff("compute.vcpu", olds, news | {"entitled": "1296"}).changes is True  # the contract changed


def test_read_and_delete_return_the_record_without_reading_any_file(tmp_path: Path) -> None:
    provider = LineItemProvider()
    gone = settings_for(write_observation(tmp_path / "rotated.json", met_resources()))
    state = recorded(provider, inputs(gone, "compute.vcpu"))
    (tmp_path / "rotated.json").unlink()  # last night's export, rotated away

    result = provider.read("compute.vcpu", state)

    assert (result.id, result.outs, result.inputs) == ("compute.vcpu", state, None)
    assert provider.delete("compute.vcpu", state) is None


def failed_waf(tmp_path: Path, resources: list[dict[str, Any]]) -> Settings:
    failed = {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}
    path = tmp_path / "failed.json"
    path.write_text(dumps(snapshot_document(resources, **failed)), encoding="utf-8")
    return settings_for(path)


def test_a_line_item_whose_source_failed_and_may_be_short_is_a_change_never_a_pass(tmp_path: Path) -> None:
    provider = LineItemProvider()
    met = recorded(
        provider, inputs(settings_for(write_observation(tmp_path / "met.json", met_resources())), "security.waf")
    )
    waf = inputs(failed_waf(tmp_path, [r for r in met_resources() if r["kind"] != "waf"]), "security.waf")

    assert (waf["status"], waf["supplied"], waf["supplied_lower"], waf["supplied_upper"]) == (
        "unknown",
        "[0, ∞)",
        "0",
        None,
    )
    assert waf["possible"] == ["short", "met", "over"]
    assert "403 from the WAF API" in waf["reason"]
    assert provider.diff("security.waf", met, waf).changes is True


def test_a_line_item_that_cannot_be_short_passes_though_its_upper_bound_is_open(tmp_path: Path) -> None:
    """The failed listing still saw the 2 WAF entitled: not short, possibly over. The gate fails on shortfalls."""
    provider = LineItemProvider()
    met = recorded(
        provider, inputs(settings_for(write_observation(tmp_path / "met.json", met_resources())), "security.waf")
    )
    waf = inputs(failed_waf(tmp_path, met_resources()), "security.waf")

    assert (waf["status"], waf["supplied"], waf["possible"]) == ("unknown", "[2, ∞)", ["met", "over"])
    assert provider.diff("security.waf", met, waf).changes is False
    # inputs written before bounds (no `possible`) that say unknown fail the gate, as they did
    assert provider.diff("security.waf", met, {k: v for k, v in waf.items() if k != "possible"}).changes is True


def test_over_and_pending_line_items_are_no_change(tmp_path: Path) -> None:
    resources = [*met_resources(), {"id": "eip-extra", "kind": "public_ip"}]
    observation = write_observation(tmp_path / "met.json", resources)
    provider = LineItemProvider()
    over = inputs(settings_for(observation), "network.public_ip")
    assert over["status"] == "over"
    assert provider.diff("network.public_ip", recorded(provider, over), over).changes is False

    # the baseline supplied, the expansion requested six days ago still inside its deadline: pending
    pending = inputs(settings_for(observation, contract=str(EXPANSION_CONTRACT)), "compute.vcpu")
    assert (pending["entitled"], pending["due"], pending["status"]) == ("1296", "1232", "pending")
    assert provider.diff("compute.vcpu", recorded(provider, pending), pending).changes is False


def test_an_expansion_is_a_change_only_once_overdue(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "met.json", met_resources())
    provider = ExpansionProvider()
    first = None
    for now, state, changes in (
        (NOW, "at_risk", False),
        ("2026-12-01T09:00:00+08:00", "overdue", True),
    ):
        settings = settings_for(observation, contract=str(EXPANSION_CONTRACT), now=now)
        result = observe(settings)
        (status,) = result.expansions
        news = expansion_inputs(status, result.finding(status.line_item).supplied, settings) | {PICKLED: "p"}
        first = first or recorded(provider, news)
        assert (news["state"], news["required"], news["supplied"]) == (state, "1296", "1232")
        assert provider.diff(status.id, first, news).changes is changes


def test_create_and_update_record_the_inputs_as_given(nights: dict[str, Settings]) -> None:
    provider = LineItemProvider()
    news = inputs(nights["short"], "compute.vcpu")

    created = provider.create(news)
    updated = provider.update("compute.vcpu", dict(created.outs or {}), news)

    assert created.id == "compute.vcpu"
    for outs in (created.outs, updated.outs):
        assert outs == news
        assert "observed_at" not in outs  # timestamps are stack outputs: no noise on every resource


def test_the_pickled_provider_is_a_reference_to_this_module() -> None:
    """The SDK pickles the provider with dill: by reference, it is the same bytes whatever the code says."""
    pickled = dill.dumps(LineItemProvider(), recurse=True)
    assert b"reconciler.integrations.pulumi" in pickled
    assert b"LineItemProvider" in pickled
    assert len(pickled) < 120
    assert dill.dumps(LineItemProvider(), recurse=True) == pickled


OLD_PICKLES = {
    LineItemProvider: "gASVNgAAAAAAAACMGnJlY29uY2lsZXIucHVsdW1pX3Byb3ZpZGVylIwQTGluZUl0ZW1Qcm92aWRlcpSTlCmBlC4=",
    ExpansionProvider: "gASVNwAAAAAAAACMGnJlY29uY2lsZXIucHVsdW1pX3Byb3ZpZGVylIwRRXhwYW5zaW9uUHJvdmlkZXKUk5QpgZQu",
}
"""`__provider` values recorded by stacks before the layout move (dill, by reference to reconciler.pulumi_provider)."""


@pytest.mark.parametrize(("provider", "pickled"), OLD_PICKLES.items(), ids=lambda value: getattr(value, "__name__", ""))
def test_states_recorded_before_the_layout_move_still_unpickle(provider: type, pickled: str) -> None:
    assert isinstance(dill.loads(base64.b64decode(pickled)), provider)


def test_each_unreadable_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "met.json", met_resources())
    with pytest.raises(InputError, match=r"reconciler:source.*nimbus: no such source"):
        observe(Settings(observed=str(observation), source="nimbus", now=NOW))
    with pytest.raises(InputError, match=r"reconciler:now.*no UTC offset"):
        observe(Settings(observed=str(observation), now="2026-11-25T09:00:00"))
    with pytest.raises(
        InputError,
        match=r"^stack setting reconciler:observed: .*missing\.json: cannot read: No such file or directory "
        r"\(point it at a readable file: pulumi config set reconciler:observed FILE\)$",
    ):
        observe(Settings(observed=str(tmp_path / "missing.json"), now=NOW))
    with pytest.raises(InputError, match=r"^stack setting reconciler:contract: .*gone\.json: cannot read"):
        observe(Settings(contract=str(tmp_path / "gone.json"), observed=str(observation), now=NOW))
    broken = tmp_path / "broken.json"
    broken.write_text('{"resources": [', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json \(stack setting reconciler:observed\)"):
        observe(Settings(observed=str(broken), now=NOW))


def test_concurrent_callers_share_one_observation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    observation = write_observation(tmp_path / "met.json", met_resources())
    calls: list[int] = []
    reconcile = integration._reconcile

    def counted(*args: Any) -> Any:
        calls.append(1)
        return reconcile(*args)

    monkeypatch.setattr(integration, "_reconcile", counted)
    settings = settings_for(observation)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(observe(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls) == 1
    assert len({id(result) for result in results}) == 1
