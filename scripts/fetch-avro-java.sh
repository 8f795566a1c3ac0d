#!/usr/bin/env bash
# Brings Apache Avro Java (the Avro library Confluent Schema Registry runs, Apache-2.0) and its runtime
# dependencies into .cache/ once, from Maven Central through the machine's Maven settings, for the
# differential test and bench of canon compat. Prints the folder holding the jars; exits 3 with a
# reason when Maven is not installed, 1 when it cannot fetch the artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.12.2
folder=.cache/avro-java/$version
if [ -f "$folder/lib/avro-$version.jar" ]; then echo "$PWD/$folder/lib"; exit 0; fi
command -v mvn >/dev/null || { echo "Maven (mvn) is not installed: cannot fetch org.apache.avro:avro:$version" >&2; exit 3; }
mkdir -p .cache/avro-java
# Fetched beside the final folder and renamed into place, so an interrupted run leaves no half folder.
partial=$(mktemp -d .cache/avro-java/.partial.XXXXXX)
trap 'rm -rf "$partial"' EXIT
# A throwaway project whose only dependencies are Avro and a silent SLF4J binding (Avro logs through SLF4J).
cat > "$partial/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>eventcanon</groupId><artifactId>avro-java</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.avro</groupId><artifactId>avro</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.18</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$partial/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$partial/lib" >&2 \
  || { echo "mvn could not fetch org.apache.avro:avro:$version and its dependencies" >&2; exit 1; }
rm "$partial/pom.xml"
mv "$partial" "$folder"
trap - EXIT
echo "$PWD/$folder/lib"
