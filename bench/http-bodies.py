#!/usr/bin/env python3
"""Large HTTP bodies into a running sidecar: heap safety at the body limit, not speed.

`sidewatch run` (JVM FLAGS, default @deploy/jvm.options) exporting over OTLP/HTTP to the loopback sink of
bench/e2e.py. CLIENTS threads each POST BODIES bodies of just under max_body_bytes (SPEC default 8 MiB) at
once: NDJSON pino-http lines (the JSON lines of examples/logs/pino-http.log) to /v1/ingest, then OTLP/JSON log requests of the same size to /v1/logs. A 429
is retried after its Retry-After, as a client would. Then it checks that every record reached the sink,
that the process is alive, and that its stderr and GC log hold no OutOfMemoryError; it prints the 429s,
the peak RSS (VmHWM) and the most heap in use after a collection and after a full one (live data;
from -Xlog:gc).

Usage: bench/http-bodies.sh [--clients N] [--bodies N] [--body-bytes N] [FLAGS...]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402  (its sink, ports and /proc helpers)


def ndjson_body(lines, size):
    out, n, i = [], 0, 0
    while True:
        line = lines[i % len(lines)]
        if n + len(line) > size:
            return b"".join(out), i
        out.append(line)
        n += len(line)
        i += 1


def otlp_json_body(lines, size):
    """An OTLP/JSON ExportLogsServiceRequest of about `size` bytes: each pino-http line as a record's body."""
    head = b'{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},' \
           b'"scopeLogs":[{"logRecords":['
    tail = b"]}]}]}"
    records, n, i = [], len(head) + len(tail), 0
    while True:
        text = lines[i % len(lines)].decode().rstrip("\n")
        record = json.dumps({"timeUnixNano": str(time.time_ns()), "severityText": "INFO",
                             "body": {"stringValue": text},
                             "attributes": [{"key": "k", "value": {"stringValue": "v"}}]}).encode()
        if n + len(record) + 1 > size:
            return head + b",".join(records) + tail, i
        records.append(record)
        n += len(record) + 1
        i += 1


def post(url, body, content_type, stats, lock):
    while True:
        req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                r.read()
                return
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            with lock:
                stats["429"] += 1
            time.sleep(float(e.headers.get("Retry-After", "1")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--bodies", type=int, default=4, help="bodies per client and endpoint")
    ap.add_argument("--body-bytes", type=int, default=8 * 1024 * 1024 - 4096)
    ap.add_argument("flags", nargs="*", default=["@deploy/jvm.options"])
    args = ap.parse_args()
    jvm, env = e2e.split_flags(" ".join(shlex.quote(f) for f in args.flags))
    env = dict(os.environ, **env)
    with open(os.path.join(e2e.ROOT, "examples", "logs", "pino-http.log"), "rb") as f:
        # the JSON lines only: the capture's multi-line error blocks are joined into one event each
        lines = [l if l.endswith(b"\n") else l + b"\n" for l in f.readlines() if l.startswith(b"{")]
    ndjson, ndjson_records = ndjson_body(lines, args.body_bytes)
    otlp, otlp_records = otlp_json_body(lines, args.body_bytes)

    work = tempfile.mkdtemp(prefix="sidewatch-bodies-")
    sink = e2e.Sink()
    ports = {k: e2e.free_port() for k in ("http", "tcp", "admin")}
    config = os.path.join(work, "sidewatch.yaml")
    e2e.write_config(config, ports, sink.port, f"{work}/data")
    gc_log = os.path.join(work, "gc.log")
    stderr_path = os.path.join(work, "stderr")
    cmd = ["java", *jvm, f"-Xlog:gc:file={gc_log}", "-jar", e2e.JAR, "run", "--config", config, "--service", "bench"]
    proc = subprocess.Popen(cmd, cwd=e2e.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(stderr_path, "w"))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if e2e.get(f"http://127.0.0.1:{ports['admin']}/readyz", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"sidewatch did not start; see {stderr_path}")
            time.sleep(0.02)
        base = sink.count()
        stats, lock, failures = {"429": 0}, threading.Lock(), []
        expected = 0
        for path, body, per_body, ctype in (("/v1/ingest", ndjson, ndjson_records, "application/x-ndjson"),
                                            ("/v1/logs", otlp, otlp_records, "application/json")):
            url = f"http://127.0.0.1:{ports['http']}{path}"

            def client():
                try:
                    for _ in range(args.bodies):
                        post(url, body, ctype, stats, lock)
                except Exception as e:  # noqa: BLE001 (reported below)
                    failures.append(repr(e))

            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            expected += args.clients * args.bodies * per_body
            sink.await_count(base + expected, 300)
            print(f"{path}: {args.clients} clients x {args.bodies} bodies of {len(body):,} bytes "
                  f"({per_body:,} records each) in {time.monotonic() - t0:.1f} s")
        alive = proc.poll() is None
        hwm = e2e.status_kib(proc.pid, "VmHWM") / 1024 if alive else 0
    finally:
        proc.terminate()
        proc.wait()
        sink.close()
    with open(stderr_path) as f:
        err = f.read()
    with open(gc_log) as f:
        gc = f.read()
    after = [int(m.group(1)) for m in re.finditer(r"->(\d+)M\(\d+M\)", gc)]
    live = [int(m.group(1)) for m in re.finditer(r"Pause Full.*?->(\d+)M\(\d+M\)", gc)]
    oom = "OutOfMemoryError" in err or "OutOfMemoryError" in gc
    print(f"records: {expected:,} sent, all reached the sink; 429 answers retried: {stats['429']}; "
          f"client failures: {len(failures)} {failures[:3]}")
    print(f"sidewatch alive at the end: {alive}; OutOfMemoryError: {oom}; peak RSS (VmHWM) {hwm:.0f} MiB; "
          f"most heap in use after a GC {max(after, default=0)} MiB ({len(after)} collections), "
          f"after a full GC (live) {max(live, default=0)} MiB ({len(live)} full GCs)")
    if failures or not alive or oom:
        sys.exit(f"failed: see {work}")


if __name__ == "__main__":
    main()
