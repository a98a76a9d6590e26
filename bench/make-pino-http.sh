#!/usr/bin/env bash
# Writes N (default 1,000,000) pino-http-style lines built from the real captures: request lines of
# src/test/resources/testdata/normalize/pino-http, with 1% Node permission-denial lines from the
# node26 capture mixed in, each with its own increasing "time" so no two lines are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/data/pino-http-1m.log}
n=${2:-1000000}
mkdir -p "$(dirname "$out")"
data=src/test/resources/testdata/normalize
grep -h '^{' "$data/pino-http/input.log" | grep '"req"' > /tmp/sidewatch-bench-requests.$$
grep -h '^{"level"' "$data/node26-denials/input.log" | grep ERR_ACCESS_DENIED > /tmp/sidewatch-bench-denials.$$
awk -v n="$n" '
  FNR == NR { req[r++] = $0; next }
  { den[d++] = $0 }
  END {
    t = 1795301014140
    for (i = 0; i < n; i++) {
      line = (i % 100 == 99) ? den[i % d] : req[i % r]
      sub(/"time":[0-9]+/, "\"time\":" sprintf("%.0f", t + i), line)
      print line
    }
  }' /tmp/sidewatch-bench-requests.$$ /tmp/sidewatch-bench-denials.$$ > "$out"
rm -f /tmp/sidewatch-bench-requests.$$ /tmp/sidewatch-bench-denials.$$
echo "$out: $(wc -l < "$out") lines, $(du -m "$out" | cut -f1) MiB"
