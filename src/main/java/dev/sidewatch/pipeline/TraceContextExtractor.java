package dev.sidewatch.pipeline;

import java.util.Map;

/**
 * Finds the trace context of a record (SPEC 4.3), first match wins: OpenTelemetry JS
 * {@code trace_id/span_id}, {@code traceId/spanId}, ECS {@code trace.id/span.id}, Datadog
 * {@code dd.trace_id/dd.span_id}, a W3C {@code traceparent} (field or request header), B3 and AWS
 * X-Ray. Id fields it uses are removed from the record; malformed ones stay as attributes. Request
 * headers are left in place: they describe the caller, and span synthesis reads them as the parent.
 */
final class TraceContextExtractor {
    record TraceContext(String traceId, String spanId) {
    }

    private static final FieldPath OTEL_TRACE = FieldPath.of("trace_id");
    private static final FieldPath OTEL_SPAN = FieldPath.of("span_id");
    private static final FieldPath CAMEL_TRACE = FieldPath.of("traceId");
    private static final FieldPath CAMEL_SPAN = FieldPath.of("spanId");
    private static final FieldPath ECS_TRACE = FieldPath.of("trace", "id");
    private static final FieldPath ECS_SPAN = FieldPath.of("span", "id");
    private static final FieldPath DD_TRACE = FieldPath.of("dd", "trace_id");
    private static final FieldPath DD_SPAN = FieldPath.of("dd", "span_id");
    private static final FieldPath REQ_HEADERS = FieldPath.of("req", "headers");

    private TraceContextExtractor() {
    }

    static TraceContext extract(Map<String, Object> fields) {
        TraceContext ctx = idPair(fields, OTEL_TRACE, OTEL_SPAN);
        if (ctx == null) ctx = idPair(fields, CAMEL_TRACE, CAMEL_SPAN);
        if (ctx == null) ctx = idPair(fields, ECS_TRACE, ECS_SPAN);
        if (ctx == null) ctx = datadog(fields);
        // a traceparent field stays an attribute, like the headers: it names the caller's span (SpanSynthesizer)
        if (ctx == null) ctx = parseTraceparent(Fields.string(fields.get("traceparent")));
        if (ctx == null) ctx = fromHeaders(Fields.get(fields, REQ_HEADERS));
        if (ctx == null) ctx = fromHeaders(fields.get("headers"));
        if (ctx == null) ctx = fromHeaders(fields);
        return ctx;
    }

    private static TraceContext idPair(Map<String, Object> fields, FieldPath tracePath, FieldPath spanPath) {
        String trace = TraceIds.traceHex(Fields.string(Fields.get(fields, tracePath)));
        if (trace == null) return null;
        Fields.take(fields, tracePath);
        String span = TraceIds.spanHex(Fields.string(Fields.get(fields, spanPath)));
        if (span != null) Fields.take(fields, spanPath);
        return new TraceContext(trace, span);
    }

    private static TraceContext datadog(Map<String, Object> fields) {
        String trace = TraceIds.datadogTrace(Fields.get(fields, DD_TRACE));
        if (trace == null) return null;
        Fields.take(fields, DD_TRACE);
        String span = TraceIds.datadogSpan(Fields.get(fields, DD_SPAN));
        if (span != null) Fields.take(fields, DD_SPAN);
        return new TraceContext(trace, span);
    }

    /** {@code 00-<32 hex>-<16 hex>-<2 hex>}; version ff and all-zero ids are invalid. */
    static TraceContext parseTraceparent(String value) {
        if (value == null) return null;
        String v = value.trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') return null;
        if (v.startsWith("ff")) return null;
        String trace = TraceIds.traceHex(v.substring(3, 35));
        String span = TraceIds.spanHex(v.substring(36, 52));
        return trace == null || span == null ? null : new TraceContext(trace, span);
    }

    /** The caller's context in a headers object: W3C {@code traceparent}, B3 single or multi, AWS X-Ray. */
    static TraceContext fromHeaders(Object headers) {
        if (!(headers instanceof Map<?, ?>)) return null;
        TraceContext ctx = parseTraceparent(Fields.header(headers, "traceparent"));
        if (ctx == null) ctx = b3Single(Fields.header(headers, "b3"));
        if (ctx == null) {
            String trace = TraceIds.traceHex(Fields.header(headers, "x-b3-traceid"));
            if (trace != null) ctx = new TraceContext(trace, TraceIds.spanHex(Fields.header(headers, "x-b3-spanid")));
        }
        if (ctx == null) ctx = awsXray(Fields.header(headers, "x-amzn-trace-id"));
        return ctx;
    }

    /** {@code b3: {TraceId}-{SpanId}[-{Sampled}[-{ParentSpanId}]]}. */
    static TraceContext b3Single(String value) {
        if (value == null) return null;
        int dash = value.indexOf('-');
        if (dash < 0) return null;
        int next = value.indexOf('-', dash + 1);
        String trace = TraceIds.traceHex(value.substring(0, dash));
        String span = TraceIds.spanHex(next < 0 ? value.substring(dash + 1) : value.substring(dash + 1, next));
        return trace == null || span == null ? null : new TraceContext(trace, span);
    }

    /** {@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}. */
    static TraceContext awsXray(String value) {
        if (value == null) return null;
        String trace = null;
        String span = null;
        for (String part : value.split(";")) {
            String p = part.trim();
            if (p.startsWith("Root=") && p.length() == 5 + 35 && p.charAt(6) == '-' && p.charAt(15) == '-') {
                trace = TraceIds.traceHex(p.substring(7, 15) + p.substring(16));
            } else if (p.startsWith("Parent=")) {
                span = TraceIds.spanHex(p.substring(7));
            }
        }
        return trace == null ? null : new TraceContext(trace, span);
    }
}
