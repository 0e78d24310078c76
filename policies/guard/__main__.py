"""The guard pack's entry point: `pulumi preview --policy-pack policies/guard` runs it (see docs/pulumi.md)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from guard_policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

# Serves the engine until it is done: must stay the last statement.
PolicyPack(name="contract-capacity-guard", policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)
