#!/usr/bin/env bash
# JMH benchmark of the normaliser (src/jmh/java/dev/sidewatch/bench/NormalizeBenchmark.java): normalize per
# shape (pino-http, winston, an uncaught-exception block, a permission denial) and, for each, the floor (a
# Jackson streaming parse of the same bytes), with JMH's gc profiler: gc.alloc.rate.norm is the bytes
# allocated per event. Builds with the `bench` Maven profile, which the normal build leaves out.
# Usage: bash bench/jmh.sh [JMH options...]   e.g. bash bench/jmh.sh -f 1 -wi 2 -i 3 -p shape=pino-http
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -q -ntp -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh-classpath.txt >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main \
  -prof gc "$@" 'dev.sidewatch.bench.NormalizeBenchmark'
