#!/usr/bin/env bash
# Installs everything from scratch (npm packages, Debian's chromium, Apicurio Registry and Avro Java from
# Maven Central, a Python venv with the pinned tools) and then, unless --install-only is given, runs the main job: generate every target from
# schemas/ and build the catalog site.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

npm ci --no-audit --no-fund

# Debian's Chromium, for the catalog's browser tests (the tests never download a browser).
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "setup: /usr/bin/chromium is missing; install Debian's chromium package for the browser tests" >&2
  fi
fi

# Apicurio Registry, a schema registry by others, for the registry integration test (needs Java 21+,
# which the machine's /usr/lib/jvm provides; the test says so and skips where it does not).
bash scripts/fetch-apicurio.sh > /dev/null || echo "setup: Apicurio Registry unavailable; its integration test will be skipped" >&2

# Apache Avro Java from Maven Central, for the differential test and bench of canon compat's Avro verdicts
# (the test fetches it itself where this did not, and skips only without Java or Maven).
bash scripts/fetch-avro-java.sh > /dev/null || echo "setup: Avro Java unavailable; the Avro differential test needs Java and Maven" >&2

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r packages/openedx-events-py/requirements-dev.txt

if [[ "${1:-}" != "--install-only" ]]; then
  npx turbo run generate
  npx canon catalog
fi
