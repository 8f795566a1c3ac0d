#!/usr/bin/env bash
# The one test command: staleness of committed generated files, then every package's tests and
# type checks (vitest, tsc, pytest, mypy --strict, pyright --strict), then the repo-wide formatter/linter, then a
# closing count of the tests that ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

npx turbo run build --filter=@eventcanon/toolkit
# Before anything regenerates: what is on disk must be exactly what the schemas produce.
npx canon generate --check
# Released versions are append-only: every file in registry/ must be as canon release wrote it.
npx canon registry verify

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --force: a test run always runs the tests; the cache is for generate and build.
npx turbo run test lint --force 2>&1 | tee "$log"
npx biome check --error-on-warnings .

# Sum vitest's "Tests  N passed (M)" and pytest's "N passed" lines into one closing line.
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  let passed = 0, failed = 0;
  for (const m of text.matchAll(/Tests\s+(?:(\d+) failed \| )?(\d+) passed/g)) { failed += +(m[1] ?? 0); passed += +m[2]; }
  for (const m of text.matchAll(/^\S+: (?:(\d+) failed, )?(\d+) passed(?:, \d+ \w+)* in /gm)) { failed += +(m[1] ?? 0); passed += +m[2]; }
  if (passed === 0) { console.error("no tests ran"); process.exit(1); }
  console.log(`${passed} passed, ${failed} failed`);
' "$log"
