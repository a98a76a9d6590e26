#!/usr/bin/env bash
# JMH benchmarks (src/jmh/java) with JMH's gc profiler: gc.alloc.rate.norm is the bytes allocated per event.
# NormalizeBenchmark (the default): normalize per shape (pino-http, winston, an uncaught-exception block, a
# permission denial) and, for each, the floor (a Jackson streaming parse of the same bytes).
# OtlpEncodeBenchmark: the export side of one 512-event batch (the disk buffer's decode; OTLP mapping and
# the SDK's marshalers in either memory mode). Builds with the `bench` Maven profile, which the normal build
# leaves out.
# Usage: bash bench/jmh.sh [BENCHMARK] [JMH options...]
#   e.g. bash bench/jmh.sh -f 1 -wi 2 -i 3 -p shape=pino-http;   bash bench/jmh.sh OtlpEncodeBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
bench=NormalizeBenchmark
if [ $# -gt 0 ] && [[ $1 != -* ]]; then bench=$1; shift; fi
mvn -B -q -ntp -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
# JMH_JAVA_OPTS: options for JMH's own JVM (bench/smoke.sh passes -Djmh.ignoreLock=true: a smoke run asserts
# no figure, so another JMH run on the machine must not stop it)
exec java ${JMH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main \
  -prof gc "$@" "\\.$bench\\."
