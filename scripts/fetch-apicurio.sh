#!/usr/bin/env bash
# Brings Apicurio Registry (a schema registry written by others, Apache-2.0) into .cache/ once, from
# Maven Central through the machine's Maven settings, for the integration test of canon registry push.
# Prints the folder holding quarkus-run.jar; exits 1 with a reason when Maven or the artifact is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.3.3
folder=.cache/apicurio/$version
if [ -f "$folder/quarkus-run.jar" ]; then echo "$PWD/$folder"; exit 0; fi
command -v mvn >/dev/null || { echo "Maven (mvn) is not installed: cannot fetch Apicurio Registry" >&2; exit 1; }
mvn -q -B dependency:get -Dartifact=io.apicurio:apicurio-registry-app:$version:tar.gz:all -Dtransitive=false >&2 \
  || { echo "mvn could not fetch io.apicurio:apicurio-registry-app:$version:tar.gz:all" >&2; exit 1; }
# Maven colours even this output on some machines; the escapes are stripped.
repo=$(mvn -q -B help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | tail -n 1)
repo=${repo:-$HOME/.m2/repository}
archive=$repo/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version-all.tar.gz
mkdir -p .cache/apicurio
# Unpacked beside the final folder and renamed into place, so an interrupted run leaves no half folder.
partial=$(mktemp -d .cache/apicurio/.partial.XXXXXX)
tar -xzf "$archive" -C "$partial"
mv "$partial" "$folder"
echo "$PWD/$folder"
