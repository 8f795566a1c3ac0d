#!/usr/bin/env bash
# Runs packages/toolkit/test/compat/java/AvroVerdicts.java (Apache Avro Java's verdicts on schema pairs)
# against the Avro jars fetched by fetch-avro-java.sh, compiling it once into .cache/ (again whenever the
# source changes). Arguments go to the program: `verdicts FILE` or `bench FILE SECONDS`.
# Exits 3 with a reason when Java or Maven is not installed (and the jars are not fetched yet), so callers
# can tell a machine without them from a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v javac >/dev/null && command -v java >/dev/null || { echo "no Java (java and javac) on PATH" >&2; exit 3; }
lib=$(bash scripts/fetch-avro-java.sh) || exit $?
source=packages/toolkit/test/compat/java/AvroVerdicts.java
classes=.cache/avro-java/classes-$(sha256sum "$source" | cut -c1-16)
if [ ! -f "$classes/AvroVerdicts.class" ]; then
  partial=$(mktemp -d .cache/avro-java/.classes.XXXXXX)
  javac -nowarn -d "$partial" -cp "$lib/*" "$source"
  # Whole or not at all; another run may have put the same classes there first.
  mv -T "$partial" "$classes" 2>/dev/null || rm -rf "$partial"
fi
exec java -Xss8m -cp "$classes:$lib/*" AvroVerdicts "$@"
