import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * The OTLP/HTTP collector for bench/e2e.py, on loopback: decodes every POST /v1/logs and /v1/traces body
 * with the official generated protobuf classes, answers 200 with an empty response message, and counts log
 * records and spans. While recording (GET /record/start .. /record/stop) it keeps, per log record, the time
 * from its observed_time (set by sidewatch when it accepted the line) to the arrival here: the accept →
 * export latency. GET /stats prints the counts and latency percentiles as JSON, GET /count the log records.
 * Usage: java -cp target/sidewatch.jar:target/bench-classes OtlpSink PORT
 */
public final class OtlpSink {
    private static long logs, spans, requests, bytes;
    private static boolean recording;
    private static long[] latencies = new long[1 << 20];
    private static int latencyCount;

    public static void main(String[] args) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/v1/logs", ex -> answer(ex, body -> countLogs(ExportLogsServiceRequest.parseFrom(body))));
        server.createContext("/v1/traces", ex -> answer(ex, body -> countSpans(ExportTraceServiceRequest.parseFrom(body))));
        server.createContext("/record/start", ex -> { synchronized (OtlpSink.class) { recording = true; latencyCount = 0; } text(ex, "{}"); });
        server.createContext("/record/stop", ex -> { synchronized (OtlpSink.class) { recording = false; } text(ex, "{}"); });
        server.createContext("/stats", ex -> text(ex, stats()));
        server.createContext("/count", ex -> text(ex, Long.toString(logCount())));
        server.start();
    }

    private interface Handler { void handle(byte[] body) throws IOException; }

    private static void answer(HttpExchange ex, Handler handler) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) { ex.sendResponseHeaders(405, -1); return; }
            InputStream in = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) in = new GZIPInputStream(in);
            byte[] body = in.readAllBytes();
            synchronized (OtlpSink.class) { requests++; bytes += body.length; }
            try {
                handler.handle(body);
            } catch (IOException e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty Export*ServiceResponse: all accepted
        }
    }

    private static void countLogs(ExportLogsServiceRequest request) {
        long now = System.currentTimeMillis() * 1_000_000L;
        synchronized (OtlpSink.class) {
            for (ResourceLogs rl : request.getResourceLogsList()) {
                for (ScopeLogs sl : rl.getScopeLogsList()) {
                    logs += sl.getLogRecordsCount();
                    if (!recording) continue;
                    for (LogRecord r : sl.getLogRecordsList()) {
                        if (latencyCount == latencies.length) latencies = Arrays.copyOf(latencies, latencyCount * 2);
                        latencies[latencyCount++] = now - r.getObservedTimeUnixNano();
                    }
                }
            }
        }
    }

    private static void countSpans(ExportTraceServiceRequest request) {
        long n = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) for (ScopeSpans ss : rs.getScopeSpansList()) n += ss.getSpansCount();
        synchronized (OtlpSink.class) { spans += n; }
    }

    private static synchronized long logCount() {
        return logs;
    }

    private static synchronized String stats() {
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return "{\"logs\": " + logs + ", \"spans\": " + spans + ", \"requests\": " + requests + ", \"bytes\": " + bytes
                + ", \"latency_count\": " + latencyCount + ", \"p50_ms\": " + pct(sorted, 0.50) + ", \"p99_ms\": " + pct(sorted, 0.99)
                + ", \"max_ms\": " + pct(sorted, 1.0) + "}";
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return -1;
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static void text(HttpExchange ex, String body) throws IOException {
        try (ex) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) { out.write(b); }
        }
    }
}
