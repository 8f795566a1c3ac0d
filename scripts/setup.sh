#!/usr/bin/env bash
# Installs everything from scratch (npm packages, a Python venv with the pinned tools) and then,
# unless --install-only is given, runs the main job: generate every target from schemas/.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

npm ci --no-audit --no-fund

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r packages/openedx-events-py/requirements-dev.txt

if [[ "${1:-}" != "--install-only" ]]; then
  npx turbo run generate
fi
