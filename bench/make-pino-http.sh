#!/usr/bin/env bash
# Writes N (default 1,000,000) pino-http-style lines built from the real captures: request lines of
# src/test/resources/testdata/normalize/pino-http, with 1% Node permission-denial lines from the
# node26 capture mixed in, each with its own increasing "time" so no two lines are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/data/pino-http-1m.log}
n=${2:-1000000}
mkdir -p "$(dirname "$out")"
python3 - "$out" "$n" <<'PY'
import re, sys
out, n = sys.argv[1], int(sys.argv[2])
data = "src/test/resources/testdata/normalize"
def lines(case, must):
    with open(f"{data}/{case}/input.log", encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.startswith("{") and must in l]
requests = lines("pino-http", '"req"')
denials = [l for l in lines("node26-denials", "ERR_ACCESS_DENIED") if l.startswith('{"level"')]
time_re = re.compile(r'"time":\d+')
t0 = 1795301014140
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        line = denials[i % len(denials)] if i % 100 == 99 else requests[i % len(requests)]
        f.write(time_re.sub(f'"time":{t0 + i}', line, count=1) + "\n")
PY
echo "$out: $(wc -l < "$out") lines, $(du -m "$out" | cut -f1) MiB"
