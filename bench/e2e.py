#!/usr/bin/env python3
"""End-to-end footprint of `sidewatch run` as a new user sets it up: TCP input, OTLP/HTTP to a collector
on loopback (bench/java/OtlpSink.java, which decodes every request with the official protobuf classes).

Per JVM variant (a column of the table), each run:
  1. `sidewatch normalize` of the burst file, a whole process (CPU = user+sys of the child, from wait4);
  2. `sidewatch run`: time from launch to the first /readyz 200; VmRSS after IDLE_SECONDS idle;
  3. a steady RATE lines/s over one TCP connection for STEADY seconds: the highest VmRSS sampled, the
     process CPU (utime+stime from /proc/PID/stat) over the sending window as % of one core and as events
     per CPU-second, and the p99 of (arrival at the sink - the record's observed_time) = accept -> export;
  4. a BURST-line burst as fast as TCP takes it: peak RSS (VmHWM, reset before the burst through
     /proc/PID/clear_refs) and events per CPU-second until the last log record reached the sink.
The floor, a Jackson streaming parse of the same burst file in its own JVM (JVM defaults), runs in the same
script; the table gives the burst and normalize figures as ratios to it. Every figure is the median of RUNS.

Usage: bench/e2e.sh [--full] [--runs N] [--steady S] [--rate R] [--burst N] [--variant 'NAME=FLAGS']...
       [--memory DIR] [--profile DIR]
A variant's FLAGS are JVM options ('@deploy/jvm.options' reads the file); a token NAME=VALUE without a
leading '-' is set in the environment instead (MALLOC_ARENA_MAX=8 overrides the 2 that bench/e2e.sh exports,
as the image does), except SIDEWATCH_BENCH_JAR=PATH, which runs that jar instead of target/sidewatch.jar (an
A/B of two builds in one script, against one floor). The variants take turns run by run, so that each sees
the same stretch of a shared machine's load.
"""
import argparse
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "sidewatch.jar")
BENCH_CP = JAR + ":" + os.path.join(ROOT, "target", "bench-classes")
TICK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
MiB = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path, ports, sink_port, buffer_dir):
    """A sidewatch config on loopback ports, exporting over OTLP/HTTP to the sink on sink_port."""
    with open(path, "w") as f:
        f.write(f"""receivers:
  http: {{listen: "127.0.0.1:{ports['http']}"}}
  tcp: {{listen: "127.0.0.1:{ports['tcp']}"}}
admin: {{listen: "127.0.0.1:{ports['admin']}"}}
exporters: {{otlp: {{endpoint: "http://127.0.0.1:{sink_port}"}}}}
buffer: {{dir: "{buffer_dir}"}}
shutdown: {{timeout: 60s}}
""")


def get(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def thread_cpu(pid):
    """{thread id: CPU seconds} of every thread of the process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[tid] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def thread_names(pid):
    """{thread id: name}: the JVM's full names (jcmd Thread.print), else /proc's 15-character comm."""
    names = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[tid] = f.read().strip()
        except OSError:
            pass
    dump = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True).stdout
    for m in re.finditer(r'^"([^"]+)".*?nid=(\d+)', dump, re.M):
        names[m.group(2)] = m.group(1)
    return names


def per_thread(after, before, names):
    out = {}
    for tid, v in after.items():
        d = v - before.get(tid, 0)
        if d > 0:
            name = names.get(tid, tid)
            out[name] = out.get(name, 0) + d
    return out


def split_flags(flags):
    jvm, env = [], {}
    for token in shlex.split(flags):
        if not token.startswith("-") and not token.startswith("@") and "=" in token:
            k, v = token.split("=", 1)
            env[k] = v
        else:
            jvm.append(token)
    return jvm, env


def run_process(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd to its end: (user+sys CPU seconds, max RSS MiB, wall s), from wait4."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as stderr:
        p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"{cmd} failed ({p.returncode}): {err[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall


class Sink:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(["java", "-Xmx512m", "-XX:+UseSerialGC", "-cp", BENCH_CP, "OtlpSink", str(self.port)],
                                     cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.count()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    sys.exit("the OTLP sink did not start")
                time.sleep(0.05)

    def count(self):
        return int(get(f"http://127.0.0.1:{self.port}/count")[1])

    def stats(self):
        return json.loads(get(f"http://127.0.0.1:{self.port}/stats", timeout=30)[1])

    def record(self, on):
        get(f"http://127.0.0.1:{self.port}/record/{'start' if on else 'stop'}")

    def await_count(self, n, timeout):
        deadline = time.monotonic() + timeout
        while (c := self.count()) < n:
            if time.monotonic() > deadline:
                sys.exit(f"only {c} of {n} log records reached the sink within {timeout} s")
            time.sleep(0.02)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class RssSampler(threading.Thread):
    def __init__(self, pid, every=0.25):
        super().__init__(daemon=True)
        self.pid, self.every, self.max_kib, self.running = pid, every, 0, True

    def run(self):
        while self.running:
            self.max_kib = max(self.max_kib, status_kib(self.pid, "VmRSS"))
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.join()
        return self.max_kib / 1024


def send_paced(port, lines, rate, seconds):
    """Sends `rate` lines a second for `seconds` over one connection, cycling through `lines`; returns the count."""
    sent, i, n = 0, 0, len(lines)
    with socket.create_connection(("127.0.0.1", port)) as s:
        t0 = time.monotonic()
        while True:
            elapsed = time.monotonic() - t0
            if elapsed >= seconds:
                break
            due = min(int(rate * elapsed), int(rate * seconds)) - sent
            if due > 0:
                chunk = []
                for _ in range(due):
                    chunk.append(lines[i])
                    i = (i + 1) % n
                s.sendall(b"".join(chunk))
                sent += due
            time.sleep(0.005)
    return sent


def measure_sidecar(args, sink, jar, jvm, env, burst_file, burst_lines, lines, workdir, tag):
    ports = {k: free_port() for k in ("http", "tcp", "admin")}
    config = os.path.join(workdir, "sidewatch.yaml")
    write_config(config, ports, sink.port, f"{workdir}/data-{tag}")
    extra = []
    if args.profile:
        extra = [f"-XX:StartFlightRecording=filename={args.profile}/{tag}.jfr,settings=profile,dumponexit=true,"
                 "jdk.ExecutionSample#period=2ms"]
    if args.memory:
        extra.append("-XX:NativeMemoryTracking=summary")
    phases = {}
    cmd = ["java", *jvm, *extra, "-jar", jar, "run", "--config", config, "--service", "bench"]
    base = sink.count()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(workdir, f"{tag}.stderr"), "w"))
    readyz = f"http://127.0.0.1:{ports['admin']}/readyz"
    while True:
        try:
            if get(readyz, timeout=1)[0] == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit(f"sidewatch exited with {proc.returncode}; see {workdir}/{tag}.stderr")
        time.sleep(0.005)
    r = {"startup_s": time.monotonic() - t0}
    pid = proc.pid
    time.sleep(args.idle)
    r["rss_idle"] = status_kib(pid, "VmRSS") / 1024

    # steady
    sink.record(True)
    sampler = RssSampler(pid)
    sampler.start()
    c0, w0, t0, th0 = cpu_seconds(pid), time.monotonic(), time.time(), thread_cpu(pid)
    sent = send_paced(ports["tcp"], lines, args.rate, args.steady)
    c1, w1 = cpu_seconds(pid), time.monotonic()
    phases["steady"] = {"start": t0, "end": time.time(), "events": sent, "threads": thread_cpu(pid), "before": th0}
    sink.await_count(base + sent, 120)
    r["rss_steady"] = sampler.stop()
    sink.record(False)
    stats = sink.stats()
    r["cpu_pct"] = 100 * (c1 - c0) / (w1 - w0)
    r["steady_eps_cpu"] = sent / max(c1 - c0, 1e-9)
    r["p99_ms"] = stats["p99_ms"]
    r["p50_ms"] = stats["p50_ms"]
    if args.memory:
        memory_breakdown(pid, os.path.join(args.memory, f"{tag}-steady.txt"))

    # burst
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM
    base = sink.count()
    c0, w0, t0, th0 = cpu_seconds(pid), time.monotonic(), time.time(), thread_cpu(pid)
    with socket.create_connection(("127.0.0.1", ports["tcp"])) as s, open(burst_file, "rb") as f:
        s.sendfile(f)
    sink.await_count(base + burst_lines, 300)
    c1, w1 = cpu_seconds(pid), time.monotonic()
    phases["burst"] = {"start": t0, "end": time.time(), "events": burst_lines, "threads": thread_cpu(pid), "before": th0}
    r["rss_burst"] = status_kib(pid, "VmHWM") / 1024
    r["burst_eps_cpu"] = burst_lines / (c1 - c0)
    r["burst_eps_wall"] = burst_lines / (w1 - w0)
    r["burst_cpu_s"] = c1 - c0
    if args.memory:
        memory_breakdown(pid, os.path.join(args.memory, f"{tag}-burst.txt"))
    names = thread_names(pid)
    for p in phases.values():
        p["threads"] = per_thread(p["threads"], p.pop("before"), names)
    proc.send_signal(signal.SIGTERM)
    if proc.wait(120) != 0:
        sys.exit(f"sidewatch exited with {proc.returncode}; see {workdir}/{tag}.stderr")
    for d in (args.profile, args.memory):
        if d:
            with open(os.path.join(d, f"{tag}-phases.json"), "w") as f:
                json.dump(phases, f, indent=1)
    return r


def memory_breakdown(pid, out):
    with open(out, "w") as f:
        f.write(subprocess.run(["jcmd", str(pid), "VM.native_memory", "summary"], capture_output=True, text=True).stdout)
        with open(f"/proc/{pid}/smaps_rollup") as s:
            f.write("\n/proc/PID/smaps_rollup\n" + s.read())
        f.write("\nthreads: " + str(len(os.listdir(f"/proc/{pid}/task"))) + "\n")
        f.write(subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True).stdout)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="the issue's run: 60 s steady (default 10 s)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--steady", type=float)
    ap.add_argument("--idle", type=float, default=3.0, help="seconds idle after /readyz before RSS is read")
    ap.add_argument("--rate", type=int, default=10_000)
    ap.add_argument("--burst", type=int, default=300_000)
    ap.add_argument("--variant", action="append", help="NAME=FLAGS (repeatable); default: jvm.options")
    ap.add_argument("--memory", help="directory for NMT summaries, smaps_rollup and thread dumps")
    ap.add_argument("--profile", help="directory for a JFR recording (2 ms samples) of each sidecar run, with the "
                    "phases' times and per-thread CPU (bench/profile.py reads them)")
    args = ap.parse_args()
    if args.steady is None:
        args.steady = 60.0 if args.full else 10.0
    variants = args.variant or ["jvm.options=@deploy/jvm.options"]
    for d in (args.memory, args.profile):
        if d:
            os.makedirs(d, exist_ok=True)

    burst_file = os.path.join(ROOT, "bench", "data", f"pino-http-{args.burst}.log")
    if not os.path.exists(burst_file):
        subprocess.run(["bash", "bench/make-pino-http.sh", burst_file, str(args.burst)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    with open(burst_file, "rb") as f:
        lines = f.readlines()
    burst_lines = len(lines)

    print(f"sidewatch e2e: TCP -> OTLP/HTTP, {args.rate} lines/s for {args.steady:.0f} s, then a {burst_lines}-line burst "
          f"({os.path.getsize(burst_file) // MiB} MiB); {args.runs} run(s), medians; {os.cpu_count()} CPUs, "
          f"load before {open('/proc/loadavg').read().split()[0:3]}", flush=True)
    sink = Sink()
    results = {}
    try:
        floor = []
        for _ in range(args.runs):
            floor.append(run_process(["java", "-cp", BENCH_CP, "dev.sidewatch.bench.JacksonStreamingFloor", burst_file]))
        floor_eps = burst_lines / median([f[0] for f in floor])
        print(f"floor (Jackson streaming parse, own JVM, defaults): {floor_eps / 1000:.0f} k events/CPU-s, "
              f"peak RSS {median([f[1] for f in floor]):.0f} MiB", flush=True)
        with tempfile.TemporaryDirectory() as workdir:
            parsed = []
            for spec in variants:
                name, flags = spec.split("=", 1)
                jvm, extra_env = split_flags(flags)
                jar = extra_env.pop("SIDEWATCH_BENCH_JAR", JAR)
                parsed.append((name, jar, jvm, dict(os.environ, **extra_env)))
            runs = {name: [] for name, *_ in parsed}
            for i in range(args.runs):
                for v, (name, jar, jvm, env) in enumerate(parsed):
                    cpu, rss, _ = run_process(["java", *jvm, "-jar", jar, "normalize", burst_file], env=env)
                    r = measure_sidecar(args, sink, jar, jvm, env, burst_file, burst_lines, lines, workdir, f"v{v}-r{i}")
                    r["normalize_eps_cpu"] = burst_lines / cpu
                    runs[name].append(r)
                    print(f"  {name} run {i + 1}: " + ", ".join(f"{k} {val:.3g}" for k, val in r.items()), flush=True)
            for name, rs in runs.items():
                results[name] = {k: median([r[k] for r in rs]) for k in rs[0]}
    finally:
        sink.close()

    rows = [
        ("RSS idle after start", lambda r: f"{r['rss_idle']:.0f} MiB", "<= 64 MiB"),
        (f"RSS at a steady {args.rate // 1000} k/s (max)", lambda r: f"{r['rss_steady']:.0f} MiB", "<= 96 MiB"),
        (f"max RSS in the {burst_lines // 1000} k burst", lambda r: f"{r['rss_burst']:.0f} MiB", "<= 128 MiB"),
        (f"CPU at {args.rate // 1000} k/s", lambda r: f"{r['cpu_pct']:.1f} % ({r['steady_eps_cpu'] / 1000:.0f} k ev/CPU-s)",
         "<= 10 % (>= 100 k)"),
        ("burst TCP -> OTLP", lambda r: f"{r['burst_eps_cpu'] / 1000:.0f} k ev/CPU-s ({r['burst_eps_cpu'] / floor_eps:.2f} x floor)",
         ">= 150 k, >= 0.5 x"),
        ("normalize vs the floor", lambda r: f"{r['normalize_eps_cpu'] / 1000:.0f} k ({r['normalize_eps_cpu'] / floor_eps:.2f} x)",
         ">= 0.6 x"),
        ("start to /readyz 200", lambda r: f"{r['startup_s']:.2f} s", "<= 0.5 s"),
        (f"p99 accept -> export at {args.rate // 1000} k/s", lambda r: f"{r['p99_ms']:.0f} ms", "<= 100 ms"),
    ]
    names = list(results)
    widths = [max(len(n), 26) for n in names]
    print()
    print(f"floor: {floor_eps / 1000:.0f} k events/CPU-s (Jackson streaming parse of the burst file, own JVM)")
    print("| | " + " | ".join(names) + " | target |")
    print("|---|" + "---|" * len(names) + "---|")
    for label, fmt, target in rows:
        print(f"| {label} | " + " | ".join(fmt(results[n]).ljust(w) for n, w in zip(names, widths)) + f" | {target} |")
    for n in names:
        print(f"{n}: {variants[names.index(n)].split('=', 1)[-1]}")


if __name__ == "__main__":
    main()
