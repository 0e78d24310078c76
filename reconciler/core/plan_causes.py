"""What a planned change takes from a line item: the resources that hold less of it once the change is applied.

Called by `check --plan-gate` (app/cli.py) and the guard policy pack (policies/guard/) with the resources before
and after the change. Pure. A value unknown until apply is not a loss: only what certainly shrinks is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reconciler.base.messages import Message, message
from reconciler.contract.model import LineItemId
from reconciler.core.meters import METER_BY_ITEM
from reconciler.core.observation import Resource, kind_of


@dataclass(frozen=True)
class Cause:
    """A resource that holds less of a line item after the change: `after` None when the change removes it."""

    name: str
    before: Decimal
    after: Decimal | None

    @property
    def loss(self) -> Decimal:
        return self.before - (self.after or Decimal(0))

    def text(self) -> str:
        """`app-13 (removed)`, `db-1 (128 -> 64)` (the guard's English wording)."""
        return f"{self.name} ({'removed' if self.after is None else f'{self.before} -> {self.after}'})"

    def message(self) -> Message:
        if self.after is None:
            return message("plan_resource_removed", name=self.name)
        return message("plan_resource_reduced", name=self.name, before=self.before, after=self.after)


def plan_causes(line_item: LineItemId, before: Sequence[Resource], after: Sequence[Resource]) -> list[Cause]:
    """The resources that hold less of `line_item` after the change than before, biggest loss first, then by
    name. Resources are matched by kind and name (a Pulumi resource name, a Terraform address)."""
    meter = METER_BY_ITEM[line_item]

    def held(resource: Resource | None) -> Decimal | None:
        """What the resource counts toward the line item; None when a value it depends on is unknown."""
        if resource is None or kind_of(resource) != meter.kind:
            return Decimal(0)
        selected = [getattr(resource, attribute, None) == value for attribute, value in meter.where]
        if not all(selected):
            unknown = any(getattr(resource, attribute, None) is None for attribute, _ in meter.where)
            return None if unknown else Decimal(0)
        value = meter.amount_in(resource)
        return None if value is None else Decimal(value)

    planned = {(kind_of(r), r.name or r.id): r for r in after}
    causes = []
    for resource in before:
        had = held(resource)
        if not had:
            continue
        now = planned.get((kind_of(resource), resource.name or resource.id))
        left = held(now)
        if left is not None and left < had:
            causes.append(Cause(resource.name or resource.id, had, None if now is None else left))
    return sorted(causes, key=lambda cause: (-cause.loss, cause.name))
