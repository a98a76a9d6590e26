#!/usr/bin/env bash
# Throughput and memory of `sidewatch normalize` on a 1,000,000-line pino-http file, next to a plain
# Jackson streaming parse of the same file (the floor), both as whole processes under /usr/bin/time -v.
# Usage: bash bench/normalize.sh [RUNS]   (medians of RUNS runs each, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2 # as the image, compose and the manifests set it (glibc's arenas bounded)
. scripts/jdk.sh
runs=${1:-3}
file=bench/data/pino-http-1m.log
[ -f "$file" ] || bash bench/make-pino-http.sh "$file"
lines=$(wc -l < "$file")
[ -f target/sidewatch.jar ] && [ -d target/test-classes/dev/sidewatch/bench ] || mvn -B -q -ntp test-compile package -DskipTests
cp="target/test-classes:target/sidewatch.jar"

measure() { # name, command...
  local name=$1; shift
  for i in $(seq "$runs"); do
    /usr/bin/time -v "$@" > /dev/null 2> /tmp/sidewatch-bench-time.txt
    awk -v name="$name" -F': ' '
      /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {rss=$2}
      /Elapsed \(wall clock\)/ { n=split($2, p, ":"); w = (n==3) ? p[1]*3600+p[2]*60+p[3] : p[1]*60+p[2] }
      END { printf "%s %.3f %.3f %.3f %d\n", name, u, s, w, rss }' /tmp/sidewatch-bench-time.txt
  done | sort -k4 -n | awk -v runs="$runs" 'NR == int((runs+1)/2)'
}

report() { # name user sys wall rss
  awk -v lines="$lines" '{ cpu=$2+$3; printf "%-28s %10.0f %12.0f %8.2f %8.2f %8.0f\n", $1, lines/$4, lines/cpu, cpu, $4, $5/1024 }'
}

printf "%-28s %10s %12s %8s %8s %8s\n" command "events/s" "events/cpu-s" "cpu-s" "wall-s" "rss-MiB"
floor=$(measure jackson-floor java -cp "$cp" dev.sidewatch.bench.JacksonStreamingFloor "$file")
echo "$floor" | report
norm=$(measure sidewatch-normalize java @deploy/jvm.options -jar target/sidewatch.jar normalize "$file")
echo "$norm" | report
small=$(measure sidewatch-normalize-Xmx64m java @deploy/jvm.options -Xmx64m -jar target/sidewatch.jar normalize "$file")
echo "$small" | report
awk -v f="$floor" -v n="$norm" 'BEGIN { split(f, a, " "); split(n, b, " ");
  printf "normalize / floor: cpu %.2fx, wall %.2fx\n", (b[2]+b[3])/(a[2]+a[3]), b[4]/a[4] }'
