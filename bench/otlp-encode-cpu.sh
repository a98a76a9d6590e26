#!/usr/bin/env bash
# The export side of a 512-event batch (OtlpEncodeBenchmark, src/jmh/java): buffer decode, OTLP mapping, and
# mapping + the SDK marshalers in both memory modes, in turn, in CPU time (thread and process) per event:
# fairer than JMH wall time on a loaded machine. Runs with deploy/jvm.options unless JVM flags are given.
# Usage: bash bench/otlp-encode-cpu.sh [ROUNDS [BATCHES_PER_ROUND]] [-- JVM flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
[ $# -gt 0 ] && shift
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(@deploy/jvm.options)
mvn -B -q -ntp -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
exec java "${flags[@]}" -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" \
  dev.sidewatch.exporter.OtlpEncodeCpu "${args[@]}"
