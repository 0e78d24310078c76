#!/bin/sh
# Install contract-reconciler into a fresh virtualenv PREFIX with the project's locked dependency versions: the
# Dockerfile's install step (tests/test_fleet_deploy.py runs this same script into a temporary virtualenv).
# Usage: deploy/image/install.sh PREFIX [SOURCE]   (SOURCE: the project directory, default: the current one)
set -eu
prefix="$1"
source_dir="${2:-.}"
python3 -m venv "$prefix"
"$prefix/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check \
    --constraint "$source_dir/requirements.lock" "$source_dir"
"$prefix/bin/reconciler" --help >/dev/null
