#!/usr/bin/env bash
# Builds target/sidewatch.jar and runs it on the bundled example logs: no outside service needed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven; }
mvn -B -q -ntp package -DskipTests
exec java -jar target/sidewatch.jar normalize examples/logs/*.log
