#!/usr/bin/env bash
# CI's smoke run of the benchmarks (a few seconds each): the end-to-end harness on a tiny load and one short
# JMH iteration per benchmark. It checks that they run and print every row of their tables; it asserts
# no timing and no memory figure (those vary with the machine, and live in bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bash bench/e2e.sh --steady 2 --rate 2000 --burst 20000 --idle 0.5 2>&1 | grep -v '^WARNING' | tee "$out"
for row in "RSS idle after start" "RSS at a steady" "max RSS in the" "CPU at" "burst TCP -> OTLP" "normalize vs the floor" \
           "start to /readyz 200" "p99 accept -> export"; do
  grep -q "^| $row" "$out" || { echo "bench smoke: the e2e table has no row '$row'" >&2; exit 1; }
done
JMH_JAVA_OPTS=-Djmh.ignoreLock=true bash bench/jmh.sh -f 1 -wi 0 -i 1 -r 200ms 2>&1 | tee "$out" | tail -20
for shape in pino-http winston uncaught denial; do
  for b in normalize jacksonFloor; do
    grep -Eq "NormalizeBenchmark\.$b +$shape .*ns/op" "$out" || { echo "bench smoke: no JMH result for $b $shape" >&2; exit 1; }
    grep -Eq "NormalizeBenchmark\.$b:gc\.alloc\.rate\.norm +$shape .*B/op" "$out" || { echo "bench smoke: no allocation figure for $b $shape" >&2; exit 1; }
  done
done
echo "bench smoke: both harnesses ran and printed their tables"
