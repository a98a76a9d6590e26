#!/usr/bin/env bash
# Bounded coverage-guided fuzzing (Jazzer) of every @FuzzTest, each in its own JVM for FUZZ_SECONDS
# (default 20). `mvn test` already runs the same tests on their committed regression inputs
# (src/test/resources/dev/sidewatch/**/*FuzzTestInputs/); this looks for new ones. A finding fails the
# run and Jazzer writes the crashing input into that Inputs directory: commit it with the fix.
# Usage: bash scripts/fuzz.sh [Class#method ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven; }
seconds=${FUZZ_SECONDS:-20}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    NormalizerFuzzTest#normalize_neverThrows_andTheEventRoundTrips
    NodeErrorJoinerFuzzTest#joiner_neverThrows_andKeepsEveryLine
    LineFramerFuzzTest#framer_linesDoNotDependOnChunking_andRespectTheLimit
    BodyDecoderFuzzTest#decode_neverThrows
    ContainerLogParserFuzzTest#parsers_neverThrow
    EventCodecFuzzTest#decode_refusesOrRoundTrips
    OtlpIngestFuzzTest#otlpBodies_neverThrow
  )
fi
mvn -B -ntp -q test-compile
for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${seconds}s"
  JAZZER_FUZZ=1 mvn -B -ntp -q surefire:test -Dtest="$t" -Djazzer.max_duration="${seconds}s" \
    -Dsurefire.failIfNoSpecifiedTests=false
done
echo "fuzzing: ${#targets[@]} targets, ${seconds}s each, no findings"
