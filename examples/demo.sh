#!/usr/bin/env bash
# The sidecar end to end, with nothing from outside the repo: starts sidewatch, starts the example
# Express + pino-http service under Node's permission model with its stdout and stderr piped into
# sidewatch's TCP receiver, makes a few requests (200, 403, 401, 500, a denied fs read caught and
# logged, and one nobody catches, which kills the service with Node's multi-line error block), then
# prints the normalised events and the sidewatch_ metrics, and stops sidewatch with SIGTERM.
# Without node or npm (or with DEMO_REPLAY=1) it replays the bundled captures in examples/logs/
# into the TCP receiver instead of running the service.
# Ports: sidewatch's defaults (4318, 5170, 9464) and DEMO_PORT (default 3000) for the service.
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
[ -f target/sidewatch.jar ] || { command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven; }; mvn -B -q -ntp package -DskipTests; }
live=1
if [ "${DEMO_REPLAY:-0}" = 1 ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  live=0
elif [ ! -d examples/node-service/node_modules ]; then
  (cd examples/node-service && npm ci --no-audit --no-fund --loglevel=error) || live=0
fi

port=${DEMO_PORT:-3000}
work=$(mktemp -d)
sidewatch_pid=""; service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null || true
  [ -n "$sidewatch_pid" ] && kill "$sidewatch_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

echo "== starting sidewatch (events to $work/events.jsonl)"
java @deploy/jvm.options -jar target/sidewatch.jar run --service demo-api > "$work/events.jsonl" 2> "$work/sidewatch.err" &
sidewatch_pid=$!
wait_for http://127.0.0.1:9464/readyz
sed 's/^/   /' "$work/sidewatch.err"

if [ "$live" = 0 ]; then
  echo "== no node/npm (or DEMO_REPLAY=1): replaying examples/logs/*.log into tcp://127.0.0.1:5170"
  for f in examples/logs/*.log; do
    echo "   $f ($(wc -l < "$f") lines)"
    bash -c 'exec 3<>/dev/tcp/127.0.0.1/5170; cat "$1" >&3' _ "$f"
  done
else
echo "== starting the demo service on :$port under node --experimental-permission, output piped to tcp://127.0.0.1:5170"
flag=--permission; node --help | grep -q -- '--permission ' || flag=--experimental-permission
( cd examples/node-service && PORT=$port node "$flag" --allow-fs-read="$PWD/" server.js 2>&1 ) \
  | bash -c 'exec 3<>/dev/tcp/127.0.0.1/5170; cat >&3' &
service_pid=$!
wait_for "http://127.0.0.1:$port/healthz"

echo "== requests"
base=http://127.0.0.1:$port
for request in \
    "GET /orders/7 -H traceparent:00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" \
    "GET /admin" "POST /login" "GET /boom" "GET /config" "GET /crash"; do
  set -- $request
  method=$1 path=$2; shift 2
  code=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" "$base$path" "$@" || true)
  echo "   $method $path -> $code"
done
wait "$service_pid" 2>/dev/null || true
service_pid=""
echo "   (the service died of the uncaught denial, as intended)"
fi
sleep 1 # let the last lines reach sidewatch and the stdout exporter

echo "== normalised events (sidewatch stdout)"
if [ "$live" = 1 ]; then cat "$work/events.jsonl"; else head -n 20 "$work/events.jsonl"; echo "   ... $(wc -l < "$work/events.jsonl") events in all"; fi

echo "== curl -s localhost:9464/metrics | grep sidewatch_   (zero-valued series left out)"
curl -s http://127.0.0.1:9464/metrics | grep '^sidewatch_' | grep -v ' 0\.0$' | grep -v '_bucket{'

echo "== kill -TERM sidewatch"
kill -TERM "$sidewatch_pid"
status=0; wait "$sidewatch_pid" || status=$?
sidewatch_pid=""
sed 's/^/   /' "$work/sidewatch.err" | tail -n +2
echo "   exit code $status"
