"""The dynamic provider's operations, called as the engine calls them (no engine): what read observes, what
diff reports, what create and update record, and that the pickled provider is a stable reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dill
import pytest

from reconciler.base.errors import InputError
from reconciler.integrations.pulumi import (
    PROVIDER_VERSION,
    ExpansionProvider,
    LineItemProvider,
    Settings,
    expansion_declaration,
    line_item_declaration,
    observe,
)
from tests.conftest import ROOT, dumps, met_resources, snapshot_document
from tests.pulumi_support import EXPANSION_CONTRACT, NOW, SHORT_VCPU, short_resources, write_observation

PICKLED = "__provider"


@pytest.fixture(autouse=True)
def in_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine runs the provider with stacks/ as working directory; relative paths resolve from Pulumi.yaml."""
    monkeypatch.chdir(ROOT / "stacks")


def settings_for(observation: Path, contract: str = "contract_inventory.json") -> Settings:
    return Settings(contract=contract, observed=str(observation), now=NOW)


def declared(settings: Settings, item: str) -> dict[str, Any]:
    finding = observe(settings).finding(item)
    return line_item_declaration(finding, settings) | {PICKLED: "pickle-1"}


def refreshed(provider: LineItemProvider | ExpansionProvider, props: dict[str, Any]) -> dict[str, Any]:
    """The old outputs after a refresh: what diff receives as `olds` in `preview --refresh`."""
    result = provider.read(str(props.get("line_item") or props.get("expansion")), props)
    assert result.inputs is not None
    return dict(result.outs)


def test_read_replaces_supplied_and_gap_with_the_observation(tmp_path: Path) -> None:
    settings = settings_for(write_observation(tmp_path / "short.json", short_resources()))
    news = declared(settings, "compute.vcpu")
    assert (news["entitled"], news["supplied"], news["gap"]) == ("1232", "1232", "0")

    result = LineItemProvider().read("compute.vcpu", news)

    assert result.id == "compute.vcpu"
    assert result.inputs is not None
    assert (result.inputs["supplied"], result.inputs["gap"]) == (SHORT_VCPU, "-16")
    assert result.outs["status"] == "short"
    assert result.outs["gap_value_monthly"] == "-224.32"
    assert result.outs["entitled"] == "1232"


def test_diff_shows_a_short_line_item_and_nothing_for_met_ones(tmp_path: Path) -> None:
    settings = settings_for(write_observation(tmp_path / "short.json", short_resources()))
    provider = LineItemProvider()
    short = declared(settings, "compute.vcpu")
    met = declared(settings, "compute.memory")

    assert provider.diff("compute.vcpu", refreshed(provider, short), short).changes is True
    assert provider.diff("compute.memory", refreshed(provider, met), met).changes is False


def test_diff_ignores_the_pickled_provider_but_not_a_new_version(tmp_path: Path) -> None:
    settings = settings_for(write_observation(tmp_path / "met.json", met_resources()))
    provider = LineItemProvider()
    news = declared(settings, "compute.vcpu")
    olds = refreshed(provider, news) | {PICKLED: "pickle-of-other-code"}

    assert provider.diff("compute.vcpu", olds, news).changes is False
    assert provider.diff("compute.vcpu", olds, news | {"version": PROVIDER_VERSION + "-next"}).changes is True
    other_source = news | {"settings": Settings(observed="elsewhere.json", now=NOW).to_props()}
    assert provider.diff("compute.vcpu", olds, other_source).changes is True


def test_a_line_item_whose_source_failed_and_may_be_short_is_a_change_never_a_pass(tmp_path: Path) -> None:
    failed = {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}
    path = tmp_path / "failed.json"
    resources = [r for r in met_resources() if r["kind"] != "waf"]
    path.write_text(dumps(snapshot_document(resources, **failed)), encoding="utf-8")
    provider = LineItemProvider()
    waf = declared(settings_for(path), "security.waf")
    olds = refreshed(provider, waf)
    assert (olds["status"], olds["supplied"], olds["supplied_lower"], olds["supplied_upper"]) == (
        "unknown",
        "[0, ∞)",
        "0",
        None,
    )
    assert olds["possible"] == ["short", "met", "over"]
    assert "403 from the WAF API" in olds["reason"]
    assert provider.diff("security.waf", olds, waf).changes is True


def test_a_line_item_that_cannot_be_short_passes_though_its_upper_bound_is_open(tmp_path: Path) -> None:
    """The failed listing still saw the 2 WAF entitled: not short, possibly over. The gate fails on shortfalls."""
    failed = {"failures": [{"kinds": ["waf"], "reason": "403 from the WAF API"}]}
    path = tmp_path / "failed.json"
    path.write_text(dumps(snapshot_document(met_resources(), **failed)), encoding="utf-8")
    provider = LineItemProvider()
    waf = declared(settings_for(path), "security.waf")
    olds = refreshed(provider, waf)
    assert (olds["status"], olds["supplied"], olds["possible"]) == ("unknown", "[2, ∞)", ["met", "over"])
    assert provider.diff("security.waf", olds, waf).changes is False
    # a state recorded before bounds (no `possible`) keeps failing the gate until it is refreshed
    assert provider.diff("security.waf", {k: v for k, v in olds.items() if k != "possible"}, waf).changes is True


def test_over_and_pending_line_items_are_no_change(tmp_path: Path) -> None:
    resources = [*met_resources(), {"id": "eip-extra", "kind": "public_ip"}]
    observation = write_observation(tmp_path / "met.json", resources)
    provider = LineItemProvider()
    over = declared(settings_for(observation), "network.public_ip")
    assert refreshed(provider, over)["status"] == "over"
    assert provider.diff("network.public_ip", refreshed(provider, over), over).changes is False

    # the baseline supplied, the expansion requested six days ago still inside its deadline: pending
    pending_settings = settings_for(observation, contract=str(EXPANSION_CONTRACT))
    pending = declared(pending_settings, "compute.vcpu")
    assert (pending["entitled"], pending["due"]) == ("1296", "1232")
    assert refreshed(provider, pending)["status"] == "pending"
    assert provider.diff("compute.vcpu", refreshed(provider, pending), pending).changes is False


def test_an_expansion_is_a_change_only_once_overdue(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "met.json", met_resources())
    provider = ExpansionProvider()
    for now, state, changes in (
        (NOW, "at_risk", False),
        ("2026-12-01T09:00:00+08:00", "overdue", True),
    ):
        settings = Settings(contract=str(EXPANSION_CONTRACT), observed=str(observation), now=now)
        (status,) = observe(settings).expansions
        news = expansion_declaration(status, settings) | {PICKLED: "pickle-1"}
        olds = refreshed(provider, news)
        assert (olds["state"], olds["required"], olds["supplied"]) == (state, "1296", "1232")
        assert provider.diff(status.id, olds, news).changes is changes


def test_create_and_update_record_the_declaration_with_the_observed_supply(tmp_path: Path) -> None:
    settings = settings_for(write_observation(tmp_path / "short.json", short_resources()))
    provider = LineItemProvider()
    news = declared(settings, "compute.vcpu")

    created = provider.create(news)
    updated = provider.update("compute.vcpu", created.outs, news)

    assert created.id == "compute.vcpu"
    for outs in (created.outs, updated.outs):
        assert outs is not None
        assert (outs["entitled"], outs["supplied"], outs["status"]) == ("1232", SHORT_VCPU, "short")
        assert "observed_at" not in outs  # timestamps are stack outputs: no noise on every refresh
        assert outs["settings"] == settings.to_props()


def test_the_pickled_provider_is_a_reference_to_this_module() -> None:
    """The SDK pickles the provider with dill: by reference, it is the same bytes whatever the code says."""
    pickled = dill.dumps(LineItemProvider(), recurse=True)
    assert b"reconciler.integrations.pulumi" in pickled
    assert b"LineItemProvider" in pickled
    assert len(pickled) < 120
    assert dill.dumps(LineItemProvider(), recurse=True) == pickled


def test_an_unknown_source_and_a_naive_now_are_refused_with_the_key_named(tmp_path: Path) -> None:
    observation = write_observation(tmp_path / "met.json", met_resources())
    with pytest.raises(InputError, match=r"reconciler:source.*nimbus: no such source"):
        observe(Settings(observed=str(observation), source="nimbus", now=NOW))
    with pytest.raises(InputError, match=r"reconciler:now.*no UTC offset"):
        observe(Settings(observed=str(observation), now="2026-11-25T09:00:00"))
    with pytest.raises(InputError, match=r"missing\.json: cannot read"):
        observe(Settings(observed=str(tmp_path / "missing.json"), now=NOW))


def test_a_line_item_gone_from_the_contract_is_named(tmp_path: Path) -> None:
    settings = settings_for(write_observation(tmp_path / "met.json", met_resources()))
    news = declared(settings, "compute.vcpu") | {"line_item": "compute.gpu"}
    with pytest.raises(InputError, match=r"contract_inventory.json: line_items: no line item 'compute.gpu' any more"):
        LineItemProvider().read("compute.gpu", news)
