#!/usr/bin/env bash
# The footprint table of issue 12: builds the jar if needed, compiles the OTLP sink and the Jackson floor
# (bench/java, src/test/java/dev/sidewatch/bench) into target/bench-classes, then runs bench/e2e.py.
# Usage: bash bench/e2e.sh [--full] [--runs N] [--variant 'NAME=FLAGS']... (bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
[ -f target/sidewatch.jar ] || mvn -B -q -ntp package -DskipTests
mkdir -p target/bench-classes
javac -nowarn -cp target/sidewatch.jar -d target/bench-classes \
  bench/java/OtlpSink.java src/test/java/dev/sidewatch/bench/JacksonStreamingFloor.java
exec python3 bench/e2e.py "$@"
