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
# DeploymentFilesTest runs `docker-compose config` on docker-compose.yaml (Debian's docker-compose; no engine needed)
command -v docker-compose >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose; }
# the end-to-end test's Node.js service: npm packages and Node 24 from npm (idempotent, fast once cached)
bash src/test/node/e2e/setup.sh
# the alerting live test runs the example service: its npm packages (skipped when the tree matches the lock file)
if command -v npm >/dev/null && ! cmp -s examples/node-service/package-lock.json examples/node-service/node_modules/.sidewatch-lock 2>/dev/null; then
  (cd examples/node-service && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.sidewatch-lock)
fi
echo "sidewatch tests with $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
exec mvn -B -ntp verify "$@"
