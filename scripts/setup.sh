#!/usr/bin/env bash
# Installs everything from scratch (npm packages, Debian's chromium and redis-server, Apache Kafka,
# Apicurio Registry and Avro Java from Maven Central, a Python venv with the pinned tools, a Python 3.12 venv with the
# Open edX bus's own libraries) and then, unless --install-only is given, runs the main job: generate every target from
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

# Debian's redis-server, for the Redis Streams bus tests (they start it themselves, on a free loopback port).
if ! command -v redis-server >/dev/null; then
  if [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server > /dev/null
  else
    echo "setup: redis-server is missing; install Debian's redis-server package for the bus tests" >&2
  fi
fi

# Apache Kafka's broker jars from Maven Central, for the Kafka bus tests (a single-node KRaft broker they start).
bash scripts/fetch-kafka.sh > /dev/null || echo "setup: Apache Kafka unavailable; the Kafka bus tests will be skipped" >&2

# Apicurio Registry, a schema registry by others, for the registry integration test (needs Java 21+,
# which the machine's /usr/lib/jvm provides; the test says so and skips where it does not).
bash scripts/fetch-apicurio.sh > /dev/null || echo "setup: Apicurio Registry unavailable; its integration test will be skipped" >&2

# Apache Avro Java from Maven Central, for the differential test and bench of canon compat's Avro verdicts
# (the test fetches it itself where this did not, and skips only without Java or Maven).
bash scripts/fetch-avro-java.sh > /dev/null || echo "setup: Avro Java unavailable; the Avro differential test needs Java and Maven" >&2

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r packages/openedx-events-py/requirements-dev.txt

# The Open edX bus's own libraries (openedx-events 11 needs Python 3.12) and confluent-kafka, the peers the
# run-time tests interoperate with, in a venv of their own; the tests that need it skip, naming it, without it.
python312=""
for candidate in python3.12 "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12; do
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then python312=$candidate; break; fi
done
if [[ -n "$python312" ]]; then
  "$python312" -m venv .venv-peers
  .venv-peers/bin/python -m pip install --quiet --disable-pip-version-check -r packages/openedx-events-py/requirements-peers.txt
else
  echo "setup: no Python 3.12 found; the tests against openedx-events, edx-event-bus-* and confluent-kafka will be skipped" >&2
fi

if [[ "${1:-}" != "--install-only" ]]; then
  npx turbo run generate
  npx canon catalog
fi
