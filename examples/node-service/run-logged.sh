#!/bin/sh
# The demo service's container command (compose and Kubernetes): runs it under Node's permission model
# with the OpenTelemetry SDK and the sidewatch preload, appending its stdout and stderr to $LOG_FILE on
# the volume sidewatch tails. The shell writes the file, so Node needs no write permission. When the
# service exits (its /crash route ends it on purpose) it is started again, so the container, whose
# network namespace sidewatch shares, stays up. The file is not rotated: this is a demo (sidewatch
# follows rename-and-create and copytruncate rotation, docs/delivery.md).
set -u
log=${LOG_FILE:-/var/log/app/app.log}
pid=
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait; exit 0' TERM INT
while :; do
  node --permission --allow-fs-read=/app/ --require /app/permission-preload.cjs --require /app/otel.js \
    /app/server.js >>"$log" 2>&1 &
  pid=$!
  wait "$pid"
  sleep 1
done
