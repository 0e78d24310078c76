#!/usr/bin/env bash
# Regenerate the real-format fixtures tests/data/terraform/tenancy-*.json and tests/data/pulumi/tenancy-*.json:
# the real Terraform and Pulumi CLIs plan, apply and preview the test tenancy of tests/engines/ with the test
# providers (installing or building whatever is missing into ~/.cache/contract-reconciler first).
# Usage: scripts/generate-engine-fixtures.sh [--out DIR]; PYTHON names the interpreter (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" -m tests.engine_workspaces "$@"
