#!/usr/bin/env bash
# The whole test suite: unit, golden, process and end-to-end tests. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven; }
# the alert rule tests (promtool) and the live alerting test: Debian's Prometheus and Alertmanager
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager
fi
# the end-to-end test's Node.js service: npm packages and Node 24 from npm (idempotent, fast once cached)
bash src/test/node/e2e/setup.sh
echo "sidewatch tests with $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
exec mvn -B -ntp verify "$@"
