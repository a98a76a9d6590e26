#!/usr/bin/env bash
# Large HTTP bodies into a running sidecar (heap safety at max_body_bytes): bench/http-bodies.py.
# Usage: bash bench/http-bodies.sh [--clients N] [--bodies N] [--body-bytes N] [JVM FLAGS...]
# (default flags: @deploy/jvm.options, which bench/http-bodies.py puts before the jar)
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
[ -f target/sidewatch.jar ] || mvn -B -q -ntp package -DskipTests
mkdir -p target/bench-classes
javac -nowarn -cp target/sidewatch.jar -d target/bench-classes bench/java/OtlpSink.java
exec python3 bench/http-bodies.py "$@"
