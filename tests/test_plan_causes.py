"""What a planned change takes from a line item (core.plan_causes): the resources the plan gate and the guard
name under a line item the change would leave short."""

from __future__ import annotations

from decimal import Decimal

from reconciler.contract.model import LineItemId
from reconciler.core.observation import PublicIp, Vm
from reconciler.core.plan_causes import plan_causes


def _vm(name: str, vcpu: int | None) -> Vm:
    return Vm(id=f"i-{name}", name=name, vcpu=vcpu, memory_gb=Decimal(64), cpu_ghz=Decimal("2.6"), arch="x86_64",
              state="running")  # fmt: skip


def test_a_removed_public_ip_is_named_for_a_counted_line_item() -> None:
    before = [PublicIp(id="eip-1", name="eip-1"), PublicIp(id="eip-2", name="eip-2")]
    causes = plan_causes(LineItemId.NETWORK_PUBLIC_IP, before, before[:1])
    assert [(c.name, c.before, c.after) for c in causes] == [("eip-2", Decimal(1), None)]
    assert causes[0].text() == "eip-2 (removed)"


def test_a_shrunk_vm_is_named_with_before_and_after_biggest_loss_first() -> None:
    before = [_vm("app-1", 16), _vm("app-2", 32), _vm("db-1", 64)]
    after = [_vm("app-1", 8), _vm("db-1", 64)]
    causes = plan_causes(LineItemId.COMPUTE_VCPU, before, after)
    assert [c.text() for c in causes] == ["app-2 (removed)", "app-1 (16 -> 8)"]


def test_a_value_unknown_until_apply_is_not_a_loss() -> None:
    causes = plan_causes(LineItemId.COMPUTE_VCPU, [_vm("app-1", 16)], [_vm("app-1", None)])
    assert causes == []
