package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Gives request events a SERVER span of their own (SPEC 6, config {@code traces.synthesize}). A request
 * event is one with an HTTP status and a method or path — {@code http_request}, and also the 401s and
 * 403s that became {@code auth_failure} or {@code permission_denied}. The returned event carries the new
 * span's trace and span id, and the attribute {@value #MARKER} (a map with {@value #PARENT_SPAN_ID} when
 * the span has a parent) from which the OTLP exporter builds the span. Because the ids travel with the
 * event, a retried or buffered export sends the same span again instead of a new one.
 *
 * <p>The parent is the caller's span from a {@code traceparent}, B3 or X-Ray request header in
 * {@code req.headers} or {@code headers}, or from such a field at the top level. The normaliser copies such a header's ids into the event when
 * the record has none of its own; a span id equal to the header's is therefore the caller's, not the
 * event's own. Pure apart from the id source; never mutates its input; thread-safe.
 */
public final class SpanSynthesizer {
    /** The attribute marking an event whose span was synthesised. */
    public static final String MARKER = Event.SYNTHESIZED_SPAN;
    /** Key in the {@link #MARKER} map: the parent span id, absent for a root span. */
    public static final String PARENT_SPAN_ID = "parent_span_id";

    private static final FieldPath REQ_HEADERS = FieldPath.of("req", "headers");

    /** {@code traces.synthesize}. */
    public enum Mode {
        /** For request events without a span id of their own (the default). */
        AUTO,
        /** For every request event; one with its own span becomes the synthesised span's parent. */
        ALWAYS,
        /** Never. */
        NEVER
    }

    private final Mode mode;
    private final LongSupplier random;

    /** @param random source of ids; zero results are skipped */
    public SpanSynthesizer(Mode mode, LongSupplier random) {
        this.mode = mode;
        this.random = random;
    }

    /** Random ids from {@link ThreadLocalRandom}. */
    public SpanSynthesizer(Mode mode) {
        this(mode, () -> ThreadLocalRandom.current().nextLong());
    }

    public Mode mode() {
        return mode;
    }

    /** The event with a synthesised span, or the same event when it gets none. */
    public Event apply(Event e) {
        if (mode == Mode.NEVER || !isRequest(e) || e.attributes().containsKey(MARKER)) return e;
        TraceContextExtractor.TraceContext caller = callerContext(e.attributes());
        boolean ownSpan = e.spanId() != null && (caller == null || !e.spanId().equals(caller.spanId()));
        if (ownSpan && mode == Mode.AUTO) return e;

        String traceId = e.traceId() != null ? e.traceId() : caller != null ? caller.traceId() : newTraceId();
        String parent = ownSpan ? e.spanId()
                : caller != null && caller.spanId() != null && caller.traceId().equals(traceId) ? caller.spanId() : null;
        Map<String, Object> marker = new HashMap<>(2);
        if (parent != null) marker.put(PARENT_SPAN_ID, parent);
        var attributes = new LinkedHashMap<String, Object>(e.attributes());
        attributes.put(MARKER, marker);
        return new Event(e.time(), e.observedTime(), e.service(), e.severity(), e.severityNumber(), e.kind(), e.message(),
                traceId, newSpanId(), e.http(), e.permission(), e.error(), e.event(), e.user(), attributes, e.source());
    }

    /** True when {@link #apply} gave the event a span. */
    public static boolean isSynthesized(Event e) {
        return e.attributes().get(MARKER) instanceof Map<?, ?>;
    }

    /** The parent span id of the event's synthesised span, or null for a root span or an event without one. */
    public static String parentSpanId(Event e) {
        return e.attributes().get(MARKER) instanceof Map<?, ?> marker ? TraceIds.spanHex(Fields.string(marker.get(PARENT_SPAN_ID))) : null;
    }

    /** An HTTP status and a method or path, whatever the kind. */
    static boolean isRequest(Event e) {
        var http = e.http();
        return http != null && http.statusCode() != null && (http.method() != null || http.path() != null);
    }

    private static TraceContextExtractor.TraceContext callerContext(Map<String, Object> attributes) {
        TraceContextExtractor.TraceContext ctx = TraceContextExtractor.fromHeaders(Fields.get(attributes, REQ_HEADERS));
        if (ctx == null) ctx = TraceContextExtractor.fromHeaders(attributes.get("headers"));
        if (ctx == null) ctx = TraceContextExtractor.fromHeaders(attributes); // traceparent, b3 … as fields of their own
        return ctx;
    }

    private String newSpanId() {
        return hex16(nonZero());
    }

    private String newTraceId() {
        return hex16(nonZero()) + hex16(random.getAsLong());
    }

    private long nonZero() {
        long v;
        do {
            v = random.getAsLong();
        } while (v == 0);
        return v;
    }

    private static String hex16(long v) {
        String hex = Long.toHexString(v);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
