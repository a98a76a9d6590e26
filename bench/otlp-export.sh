#!/usr/bin/env bash
# OTLP export throughput: `sidewatch run --stdin` reads a pino-http file (bench/make-pino-http.sh) and
# exports every event over OTLP/HTTP protobuf to a loopback sink (a small Python server that answers 200
# and counts the log records and spans it received by walking the protobuf wire format), next to the
# same run with the stdout exporter writing to /dev/null instead. Both are whole processes under
# /usr/bin/time -v, JVM start-up and JIT warm-up included: events/s (wall), events per CPU-second and
# CPU seconds of the sidewatch process, peak RSS. The sink runs on the same cores (its CPU is not counted).
# Usage: bash bench/otlp-export.sh [LINES] [JAVA_OPTS...]   e.g. bash bench/otlp-export.sh 1000000 -Xmx256m
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
lines=${1:-1000000}; shift || true
java_opts=("$@"); [ ${#java_opts[@]} -gt 0 ] || java_opts=(@deploy/jvm.options) # the launch flags unless told otherwise
file=bench/data/pino-http-${lines}.log
[ "$lines" = 1000000 ] && [ -f bench/data/pino-http-1m.log ] && file=bench/data/pino-http-1m.log
[ -f "$file" ] || bash bench/make-pino-http.sh "$file" "$lines" >/dev/null
[ -f target/sidewatch.jar ] || mvn -B -q -ntp package -DskipTests
work=$(mktemp -d)
sink_pid=
trap '[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sink_port=$(free_port)
python3 - "$sink_port" > "$work/sink.log" 2>&1 <<'PY' &
import http.server, json, sys, threading
counts = {"/v1/logs": 0, "/v1/traces": 0, "requests": 0, "bytes": 0}
lock = threading.Lock()

def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]; i += 1
        value |= (b & 0x7f) << shift
        if b < 0x80: return value, i
        shift += 7

def count(buf, path):
    """Occurrences of the nested length-delimited field path (1, 2, 2: resource_*, scope_*, records)."""
    i, n, end = 0, 0, len(buf)
    while i < end:
        key, i = varint(buf, i)
        wire = key & 7
        if wire == 2:
            length, i = varint(buf, i)
            if key >> 3 == path[0]:
                n += 1 if len(path) == 1 else count(buf[i:i + length], path[1:])
            i += length
        elif wire == 0: _, i = varint(buf, i)
        elif wire == 1: i += 8
        elif wire == 5: i += 4
        else: raise ValueError("wire type %d" % wire)
    return n

class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = memoryview(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        n = count(body, (1, 2, 2))
        with lock:
            counts[self.path] = counts.get(self.path, 0) + n
            counts["requests"] += 1
            counts["bytes"] += len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def do_GET(self):
        with lock: body = json.dumps(counts).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
sink_pid=$!
until curl -sf "http://127.0.0.1:$sink_port/" >/dev/null; do sleep 0.1; done

config() { # extra yaml
  cat > "$work/sidewatch.yaml" <<YAML
receivers:
  http: {listen: "127.0.0.1:$(free_port)"}
  tcp: {listen: "127.0.0.1:$(free_port)"}
admin: {listen: "127.0.0.1:$(free_port)"}
shutdown: {timeout: 120s}
$1
YAML
}

measure() { # name
  /usr/bin/time -v java @deploy/jvm.options "${java_opts[@]}" -jar target/sidewatch.jar run --stdin --service bench --config "$work/sidewatch.yaml" \
      < "$file" > /dev/null 2> "$work/time.txt"
  grep -q "sidewatch: stopped$" "$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
  awk -v name="$1" -v n="$lines" -F': ' '
    /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {rss=$2}
    /Elapsed \(wall clock\)/ { k=split($2, p, ":"); w = (k==3) ? p[1]*3600+p[2]*60+p[3] : p[1]*60+p[2] }
    END { cpu=u+s; printf "%-26s %9d %9.0f %12.0f %8.2f %8.2f %8.0f\n", name, n, n/w, n/cpu, cpu, w, rss/1024 }' "$work/time.txt"
}

echo "sidewatch run --stdin, $lines pino-http lines ($(du -mL "$file" | cut -f1) MiB), JVM options: @deploy/jvm.options ${java_opts[*]}, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-26s %9s %9s %12s %8s %8s %8s\n" exporter events "events/s" "events/cpu-s" "cpu-s" "wall-s" "rss-MiB"
config "exporters: {stdout: {enabled: true}}"
measure "stdout > /dev/null"
config "exporters: {otlp: {endpoint: \"http://127.0.0.1:$sink_port\"}}"
measure "otlp/http-protobuf"
received=$(curl -s "http://127.0.0.1:$sink_port/")
echo "sink received: $received"
python3 -c 'import json,sys; c=json.loads(sys.argv[1]); sys.exit(0 if c["/v1/logs"] == int(sys.argv[2]) else "log records received %d != %s" % (c["/v1/logs"], sys.argv[2]))' "$received" "$lines"
