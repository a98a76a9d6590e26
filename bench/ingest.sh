#!/usr/bin/env bash
# Ingest throughput of the running sidecar: one loopback client sends a 1,000,000-line pino-http file
# (bench/make-pino-http.sh) over HTTP (NDJSON, 1,000 lines per POST on one keep-alive connection) and
# over TCP (one connection, the file streamed as is); stdout goes to /dev/null. A run ends when
# sidewatch_exported_total reaches the line count. Reported per receiver: events/s (wall), events per
# CPU-second and the CPU seconds of the sidewatch process during the run (utime+stime deltas from
# /proc/PID/stat, so JVM start-up is not counted but JIT compilation during the run is), and its peak
# RSS (VmHWM) so far. Both receivers run twice in one process: first with a cold JIT, then warm.
# Usage: bash bench/ingest.sh [LINES] [JAVA_OPTS...]   e.g. bash bench/ingest.sh 1000000 -Xmx256m
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
lines=${1:-1000000}; shift || true
java_opts=("$@"); [ ${#java_opts[@]} -gt 0 ] || java_opts=(@deploy/jvm.options) # the launch flags unless told otherwise
file=bench/data/pino-http-${lines}.log
[ -f "$file" ] || bash bench/make-pino-http.sh "$file" "$lines" >/dev/null
[ -f target/sidewatch.jar ] || mvn -B -q -ntp package -DskipTests
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); tcp_port=$(free_port); admin_port=$(free_port)
cat > "$work/bench.yaml" <<YAML
receivers:
  http: {listen: "127.0.0.1:$http_port", max_body_bytes: 16777216}
  tcp: {listen: "127.0.0.1:$tcp_port"}
admin: {listen: "127.0.0.1:$admin_port"}
YAML
split -l 1000 -d -a 5 "$file" "$work/batch-"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
exported() {
  curl -s "http://127.0.0.1:$admin_port/metrics" | awk '/^sidewatch_exported_total\{exporter="stdout"/ {print int($2)}'
}
wait_for() { # until exported == $1
  while [ "$(exported)" != "$1" ]; do sleep 0.05; done
}

java @deploy/jvm.options "${java_opts[@]}" -jar target/sidewatch.jar run --config "$work/bench.yaml" --service bench >/dev/null 2>"$work/stderr" &
pid=$!
until curl -sf "http://127.0.0.1:$admin_port/readyz" >/dev/null; do sleep 0.1; done
rss_start=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")

run() { # name, expected total, client command...
  local name=$1 total=$2; shift 2
  local c0 t0 c1 t1
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  "$@"
  wait_for "$total"
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid")
  awk -v n="$lines" -v name="$name" -v w="$(echo "$t1 - $t0" | bc)" -v cpu="$(( c1 - c0 ))" -v tck="$ticks" \
      -v rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")" \
      'BEGIN { s = cpu / tck; printf "%-6s %8d events %7.2f s wall %10.0f events/s %7.2f cpu-s %10.0f events/cpu-s  peak RSS %5.0f MiB\n", name, n, w, n / w, s, n / s, rss / 1024 }'
}

http_client() {
  python3 - "$http_port" "$work" <<'PY'
import glob, http.client, sys
port, work = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
for path in sorted(glob.glob(work + "/batch-*")):
    with open(path, "rb") as f:
        body = f.read()
    while True:
        conn.request("POST", "/v1/ingest", body, {"Content-Type": "application/x-ndjson"})
        r = conn.getresponse(); r.read()
        if r.status == 200: break
        if r.status != 429: sys.exit("HTTP %d" % r.status)
PY
}
tcp_client() { python3 -c 'import socket,sys,shutil; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); f=open(sys.argv[2],"rb"); shutil.copyfileobj(f, s.makefile("wb")); s.close()' "$tcp_port" "$file"; }

echo "sidewatch ingest, $lines lines of $(du -m "$file" | cut -f1) MiB, JVM options: @deploy/jvm.options ${java_opts[*]}, $(nproc) CPUs; RSS after start $((rss_start / 1024)) MiB"
run http "$lines" http_client
run tcp $(( 2 * lines )) tcp_client
run http $(( 3 * lines )) http_client
run tcp $(( 4 * lines )) tcp_client
kill -TERM "$pid"; wait "$pid" || true
grep -i "warn\|blocked" "$work/stderr" || true
