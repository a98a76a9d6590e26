#!/usr/bin/env bash
# Builds a JDK 25 AOT cache (JEP 483/514/515: classes loaded and linked ahead of time, plus method profiles)
# for target/sidewatch.jar by a training run: `sidewatch run --stdin` normalising and exporting over OTLP/HTTP
# 20,000 pino-http lines to the loopback sink of bench/e2e.sh. Use it with -XX:AOTCache=target/sidewatch.aot
# and the same jar path and JVM flags (the GC and object-header layout must match the training run).
# JDK 21 has no AOT cache: there, the flags are ignored (deploy/jvm.options has -XX:+IgnoreUnrecognizedVMOptions).
# Usage: bash bench/aot-cache.sh [OUT] [extra JVM flags...]   (default OUT target/sidewatch.aot; the flags follow
# @deploy/jvm.options, so a later -XX flag overrides the file's)
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
out=${1:-target/sidewatch.aot}; shift || true
extra=("$@")
[ -f target/sidewatch.jar ] || mvn -B -q -ntp package -DskipTests
mkdir -p target/bench-classes
javac -nowarn -cp target/sidewatch.jar -d target/bench-classes bench/java/OtlpSink.java
file=bench/data/pino-http-20000.log
[ -f "$file" ] || bash bench/make-pino-http.sh "$file" 20000 >/dev/null
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sink_port=$(free_port)
java -cp target/sidewatch.jar:target/bench-classes OtlpSink "$sink_port" &
sink=$!
trap 'kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$sink_port/count" >/dev/null; do sleep 0.1; done
cat > "$work/train.yaml" <<YAML
receivers:
  http: {listen: "127.0.0.1:$(free_port)"}
  tcp: {listen: "127.0.0.1:$(free_port)"}
admin: {listen: "127.0.0.1:$(free_port)"}
exporters: {otlp: {endpoint: "http://127.0.0.1:$sink_port"}}
buffer: {dir: "$work/data"}
YAML
java @deploy/jvm.options ${extra[@]+"${extra[@]}"} -XX:AOTCacheOutput="$out" -jar target/sidewatch.jar run --stdin --service train --config "$work/train.yaml" \
  < "$file" > /dev/null 2> "$work/train.log" || { cat "$work/train.log" >&2; exit 1; }
echo "$out: $(du -m "$out" | cut -f1) MiB, after a training run that exported $(curl -s "http://127.0.0.1:$sink_port/count") log records"
