#!/usr/bin/env bash
# The one test command: staleness of committed generated files, then every package's tests and
# type checks (vitest, tsc, pytest, mypy --strict), then the repo-wide formatter/linter.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

npx turbo run build --filter=@eventcanon/toolkit
# Before anything regenerates: what is on disk must be exactly what the schemas produce.
npx canon generate --check
npx turbo run test lint
npx biome check .
