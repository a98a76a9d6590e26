package dev.sidewatch.receiver;

import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.time.Duration;

/**
 * The OTLP side of HTTP ingest (SPEC 3): {@code POST /v1/logs} bodies become events like any other
 * input, {@code POST /v1/traces} bodies are checked and handed back as protobuf for the exporter to pass
 * on. Both take protobuf ({@code application/x-protobuf}) and OTLP/JSON ({@code application/json}); gzip
 * is undone by the HTTP server before. May block (back-pressure between slices of records), so it runs
 * on a worker thread, never an event loop.
 */
final class OtlpIngest {
    /** A body that is not valid OTLP. */
    static final String INVALID_OTLP = "invalid_otlp";
    /** Records handed on between two back-pressure checks, at most... */
    static final int CHECK_EVERY = 256;
    /** ...and their share of the body's bytes, about: as in {@link BodyDecoder#CHECK_BYTES}. */
    static final int CHECK_BYTES = BodyDecoder.CHECK_BYTES;
    private static final Duration WAIT = Duration.ofSeconds(5);

    private OtlpIngest() {
    }

    /**
     * What became of a {@code /v1/logs} body: {@code error} set means nothing was accepted and the
     * answer is {@code status} (400 malformed, 415 unsupported type).
     */
    record LogsResult(int accepted, int status, String error, OtlpLogDecoder.Encoding encoding) {
    }

    /**
     * A checked {@code /v1/traces} body: the protobuf to pass on (the body itself when it was protobuf)
     * and its span count; or the error and status.
     */
    record TracesResult(byte[] protobuf, int spans, int status, String error, OtlpLogDecoder.Encoding encoding) {
    }

    static LogsResult logs(byte[] body, String contentType, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics,
                           Normalizer.Origin origin) throws InterruptedException {
        OtlpLogDecoder.Encoding encoding = OtlpLogDecoder.encoding(contentType);
        if (encoding == null) {
            metrics.rejected(HttpIngestReceiver.UNSUPPORTED_MEDIA_TYPE);
            return new LogsResult(0, 415, unsupported(contentType), null);
        }
        ExportLogsServiceRequest request;
        try {
            request = OtlpLogDecoder.logs(body, encoding);
        } catch (OtlpFormatException e) {
            metrics.rejected(INVALID_OTLP);
            return new LogsResult(0, 400, e.getMessage(), encoding);
        }
        int count = request.getResourceLogsList().stream().flatMap(r -> r.getScopeLogsList().stream())
                .mapToInt(s -> s.getLogRecordsCount()).sum();
        int bytesEach = count == 0 ? 0 : Math.max(1, body.length / count);
        int checkEvery = Math.max(1, Math.min(CHECK_EVERY, CHECK_BYTES / Math.max(1, bytesEach)));
        int[] handed = {0};
        InterruptedException[] interrupted = {null};
        OtlpLogDecoder.records(request, fields -> {
            if (interrupted[0] != null) return;
            sink.accept(normalizer.normalizeFields(fields, origin, null), bytesEach);
            metrics.records(1);
            if (++handed[0] % checkEvery == 0 && sink.saturated()) {
                try {
                    sink.awaitWritable(WAIT);
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                }
            }
        });
        if (interrupted[0] != null) throw interrupted[0];
        return new LogsResult(handed[0], 200, null, encoding);
    }

    static TracesResult traces(byte[] body, String contentType, ReceiverMetrics metrics) {
        OtlpLogDecoder.Encoding encoding = OtlpLogDecoder.encoding(contentType);
        if (encoding == null) {
            metrics.rejected(HttpIngestReceiver.UNSUPPORTED_MEDIA_TYPE);
            return new TracesResult(null, 0, 415, unsupported(contentType), null);
        }
        ExportTraceServiceRequest request;
        try {
            request = OtlpLogDecoder.traces(body, encoding);
        } catch (OtlpFormatException e) {
            metrics.rejected(INVALID_OTLP);
            return new TracesResult(null, 0, 400, e.getMessage(), encoding);
        }
        int spans = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) spans += ss.getSpansCount();
        }
        byte[] protobuf = encoding == OtlpLogDecoder.Encoding.PROTOBUF ? body : request.toByteArray();
        return new TracesResult(protobuf, spans, 200, null, encoding);
    }

    private static String unsupported(String contentType) {
        return "unsupported content type " + contentType.strip() + "; send application/x-protobuf or application/json";
    }
}
