#!/usr/bin/env python3
"""Where the CPU goes, per stage, in microseconds per event, from a run of `bench/e2e.sh --profile DIR`.

For each phase (steady, burst) of each recorded run it takes the per-thread CPU time the run measured from
/proc/PID/task (every thread, JIT and GC included) and splits each Java thread's CPU across stages in
proportion to that thread's JFR execution samples (jdk.ExecutionSample, every 2 ms) inside the phase's time
window. A sample belongs to the stage of the first frame, from the top of its stack, that a rule below
names; a JDK frame (HashMap.get) so counts for the project or library code that called it. Threads without
samples (compiler, GC, the HTTP client's selector in native code) are put by their name. Allocation per
event comes from the weights of JFR's jdk.ObjectAllocationSample events in the phase.
Usage: python3 bench/profile.py DIR   (the directory given to e2e.sh --profile)
"""
import glob
import json
import os
import re
import subprocess
import sys

STAGES = ["framing", "parse", "normalise", "redact", "span synthesis", "metrics", "buffer write", "buffer read",
          "OTLP encode", "HTTP", "receive I/O (Netty, Vert.x)", "JIT compiler", "GC", "other"]
RULES = [
    ("redact", ("dev.sidewatch.pipeline.Redactor",)),
    ("parse", ("dev.sidewatch.pipeline.JsonRecordParser", "com.fasterxml.jackson.")),
    ("framing", ("dev.sidewatch.receiver.LineFramer", "dev.sidewatch.pipeline.NodeErrorJoiner",
                 "dev.sidewatch.pipeline.NodeErrorBlockParser", "dev.sidewatch.receiver.TcpReceiver")),
    ("span synthesis", ("dev.sidewatch.pipeline.SpanSynthesizer",)),
    ("normalise", ("dev.sidewatch.pipeline.",)),
    ("metrics", ("dev.sidewatch.exporter.EventMetrics", "io.micrometer.", "dev.sidewatch.telemetry.",
                 "dev.sidewatch.exporter.DenialSpikeDetector", "dev.sidewatch.exporter.PrometheusMetrics")),
    ("buffer read", ("dev.sidewatch.event.EventCodec.decode", "dev.sidewatch.event.EventCodec$In",
                     "dev.sidewatch.exporter.buffer.SegmentLog$", "dev.sidewatch.exporter.buffer.BufferedExporter.decode")),
    ("buffer write", ("dev.sidewatch.event.EventCodec", "dev.sidewatch.exporter.buffer.SegmentLog",
                      "dev.sidewatch.exporter.buffer.BufferedExporter.write", "dev.sidewatch.exporter.ExportQueue",
                      "dev.sidewatch.app.EventPipeline")),
    ("HTTP", ("dev.sidewatch.exporter.JdkHttpSender.post", "java.net.http.", "jdk.internal.net.http.")),
    ("OTLP encode", ("io.opentelemetry.", "dev.sidewatch.exporter.Otlp", "dev.sidewatch.exporter.EventLogRecord",
                     "dev.sidewatch.exporter.SynthesizedSpan", "dev.sidewatch.exporter.JdkHttpSender")),
    ("receive I/O (Netty, Vert.x)", ("io.netty.", "io.vertx.")),
]
THREAD_STAGES = [("C# CompilerThread", "JIT compiler"), ("C#", "JIT compiler"), ("VM Thread", "GC"), ("GC Thread", "GC"),
                 ("HttpClient-", "HTTP"), ("sidewatch-otlp-buffer", "buffer write"), ("vert.x-eventloop", "receive I/O (Netty, Vert.x)")]


def fold(name):
    return "".join("#" if c.isdigit() else c for c in name)


def stage_of(frames):
    for frame in frames:
        for stage, prefixes in RULES:
            if frame.startswith(prefixes):
                return stage
    return "other"


def thread_stage(name):
    for prefix, stage in THREAD_STAGES:
        if fold(name).startswith(prefix):
            return stage
    return "other"


def parse_time(text):
    """Seconds since midnight UTC of 'startTime = 12:26:57.643' (jfr print runs with TZ=UTC)."""
    m = re.match(r"(\d+):(\d+):(\d+)(?:\.(\d+))?", text)
    if not m:
        return None
    h, mi, s, frac = m.groups()
    return int(h) * 3600 + int(mi) * 60 + int(s) + float("0." + (frac or "0"))


def day_seconds(epoch):
    return epoch % 86400


def jfr_print(args):
    return subprocess.run(["jfr", "print", *args], capture_output=True, text=True, check=True,
                          env=dict(os.environ, TZ="UTC")).stdout


def samples(jfr_file):
    out = jfr_print(["--stack-depth", "96", "--events", "jdk.ExecutionSample", jfr_file])
    for block in out.split("jdk.ExecutionSample {")[1:]:
        t = re.search(r"startTime = (.*)", block)
        th = re.search(r'sampledThread = "([^"]*)"', block)
        stack = block.split("stackTrace = [", 1)[1] if "stackTrace = [" in block else ""
        frames = [line.strip() for line in stack.splitlines() if line.strip() and line.strip() not in ("]", "}", "...")]
        yield parse_time(t.group(1)) if t else None, th.group(1) if th else "?", frames


def allocations(jfr_file):
    """[(time, bytes)] from jdk.ObjectAllocationSample: each sample's weight is the bytes its thread allocated
    since the thread's previous sample, so the weights of a window add up to what was allocated in it."""
    out = jfr_print(["--events", "jdk.ObjectAllocationSample", jfr_file])
    rows = []
    units = {"bytes": 1, "byte": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}
    for block in out.split("jdk.ObjectAllocationSample {")[1:]:
        t = re.search(r"startTime = (.*)", block)
        w = re.search(r"weight = ([\d.,]+) (bytes|byte|kB|MB|GB)", block)
        if t and w:
            rows.append((parse_time(t.group(1)), float(w.group(1).replace(",", "")) * units[w.group(2)]))
    return rows


def allocated_in(rows, start, end):
    return sum(b for t, b in rows if t is not None and start <= t <= end)


def main():
    d = sys.argv[1]
    for phases_file in sorted(glob.glob(os.path.join(d, "*-phases.json"))):
        tag = os.path.basename(phases_file)[:-len("-phases.json")]
        jfr_file = os.path.join(d, tag + ".jfr")
        if not os.path.exists(jfr_file):
            continue
        with open(phases_file) as f:
            phases = json.load(f)
        all_samples = list(samples(jfr_file))
        alloc_rows = allocations(jfr_file)
        for phase, p in phases.items():
            p["start"], p["end"] = day_seconds(p["start"]), day_seconds(p["end"])
            counts = {}  # thread -> stage -> samples
            tops = {}
            for t, th, frames in all_samples:
                if t is None or not (p["start"] <= t <= p["end"]):
                    continue
                st = stage_of(frames)
                counts.setdefault(th, {}).setdefault(st, 0)
                counts[th][st] += 1
                if st == "other" and frames:
                    tops[frames[0]] = tops.get(frames[0], 0) + 1
            by_stage = {s: 0.0 for s in STAGES}
            for th, cpu in p["threads"].items():
                c = counts.get(th)
                if c:
                    n = sum(c.values())
                    for st, k in c.items():
                        by_stage[st] += cpu * k / n
                else:
                    by_stage[thread_stage(th)] += cpu
            total = sum(by_stage.values())
            ev = p["events"]
            print(f"\n{tag} {phase}: {ev} events, {total:.2f} CPU-s ({1e6 * total / ev:.1f} us per event, "
                  f"{ev / total / 1000:.0f} k events per CPU-s), {sum(sum(c.values()) for c in counts.values())} samples")
            print("| stage | us per event | share |")
            print("|---|---|---|")
            for st in STAGES:
                if by_stage[st] > 0:
                    print(f"| {st} | {1e6 * by_stage[st] / ev:.2f} | {100 * by_stage[st] / total:.0f} % |")
            alloc = allocated_in(alloc_rows, p["start"], p["end"])
            if alloc:
                print(f"allocated: {alloc / ev / 1024:.1f} KiB per event ({alloc / 2**20:.0f} MiB in the phase)")
            folded = {}
            for k, v in p["threads"].items():
                folded[fold(k)] = folded.get(fold(k), 0) + v
            threads = sorted(folded.items(), key=lambda kv: -kv[1])
            print("threads (CPU-s): " + ", ".join(f"{k} {v:.2f}" for k, v in threads if v >= 0.01))
            if tops:
                print("'other' top frames: " + "; ".join(f"{k} ({v})" for k, v in sorted(tops.items(), key=lambda kv: -kv[1])[:6]))


if __name__ == "__main__":
    main()
