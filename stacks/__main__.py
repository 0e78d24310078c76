"""The Pulumi program: every contract line item (and recorded expansion) as a resource of the reconciler's
dynamic provider, and each one's entitlement, supply, gap and status as stack outputs. See docs/pulumi.md.

It observes supply once, with tonight's stack settings, and hands the observation on as the resources' inputs:
the provider's diff and the policy pack judge those, so one command observes once, as of one `now`."""

from __future__ import annotations

import pulumi

from reconciler.base.errors import InputError
from reconciler.base.formats import duration
from reconciler.integrations.pulumi import (
    Expansion,
    LineItem,
    Settings,
    gap_text,
    observe,
    provenance_outputs,
    supplied_text,
    text,
)

config = pulumi.Config("reconciler")
source = config.get("source") or Settings.source
settings = Settings(
    contract=config.get("contract") or Settings.contract,
    # unset: the embedded snapshot for the snapshot source; other sources then observe live
    observed=config.get("observed") or (Settings.observed if source == Settings.source else ""),
    source=source,
    now=config.get("now") or None,
    options=tuple(sorted((str(k), str(v)) for k, v in (config.get_object("sourceOptions") or {}).items())),
    attest=config.get("attest") or "",
)
try:
    result = observe(settings)
except InputError as error:  # bad configuration or input files: say which and why, without a traceback
    raise pulumi.RunError(str(error)) from None

for finding in result.findings:
    LineItem(finding, settings)
    pulumi.export(
        finding.line_item.value,
        {
            "entitled": text(finding.entitled),
            "due": text(finding.due),
            "supplied": supplied_text(finding),
            "gap": gap_text(finding),
            "supplied_lower": text(finding.supplied_lower),
            "supplied_upper": text(finding.supplied_upper),
            "status": finding.status.value,
            "possible": [status.value for status in finding.possible],
            **provenance_outputs(finding),
        },
    )

for expansion in result.expansions:
    Expansion(expansion, result.finding(expansion.line_item).supplied_lower, settings)  # supplied for certain
    pulumi.export(
        f"expansion {expansion.id}",
        {
            "line_item": expansion.line_item.value,
            "required": text(expansion.required),
            "due_at": expansion.due_at.isoformat(),
            "remaining": duration(expansion.remaining_seconds, "en"),
            "state": expansion.state.value,
        },
    )

pulumi.export("verdict", result.verdict.value)
pulumi.export("observed_at", result.observed_at.isoformat())
pulumi.export("checked_at", result.now.isoformat())
for warning in result.warnings:
    pulumi.log.warn(warning.text("en"))
