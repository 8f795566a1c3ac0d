#!/usr/bin/env bash
# Brings Apache Kafka's broker (org.apache.kafka:kafka_2.13 and its runtime jars, with an SLF4J binding so that
# it logs) into .cache/ once, from Maven Central through the machine's Maven settings, for the bus tests, which
# start a single-node KRaft broker on 127.0.0.1 from it. Prints the folder of jars; exits 1 with a reason when
# Maven or the artifacts are unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.4.0
folder=.cache/kafka/$version
if [ -f "$folder/.complete" ]; then echo "$PWD/$folder/libs"; exit 0; fi
command -v mvn >/dev/null || { echo "Maven (mvn) is not installed: cannot fetch Apache Kafka" >&2; exit 1; }
mkdir -p .cache/kafka
# Fetched beside the final folder and renamed into place, so an interrupted run leaves no half folder.
partial=$(mktemp -d .cache/kafka/.partial.XXXXXX)
cat > "$partial/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.eventcanon.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <!-- The broker's SLF4J is 1.7: without a binding of that line it logs nothing. -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$partial/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/$partial/libs" >&2 \
  || { rm -rf "$partial"; echo "mvn could not fetch org.apache.kafka:kafka_2.13:$version and its dependencies" >&2; exit 1; }
rm "$partial/pom.xml"
touch "$partial/.complete"
rm -rf "$folder"
mv "$partial" "$folder"
echo "$PWD/$folder/libs"
