package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.pipeline.SpanSynthesizer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.StatusData;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps normalised events to OTLP (SPEC 6; the tables are in {@code docs/otlp.md}). A log record keeps
 * the event's own time, severity, trace context and service; named parts become semantic-convention
 * attributes, the remaining {@code attributes} follow with their JSON types (objects and arrays as OTLP
 * map and array values, not flattened). Events carrying a synthesised span ({@link SpanSynthesizer})
 * also give a SERVER span. Pure and thread-safe.
 */
final class OtlpMapping {
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<Double> HTTP_DURATION = AttributeKey.doubleKey("http.server.request.duration");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("error.code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ENDUSER_ID = AttributeKey.stringKey("enduser.id");
    static final AttributeKey<String> PERMISSION_TYPE = AttributeKey.stringKey("permission.type");
    static final AttributeKey<String> PERMISSION_RESOURCE = AttributeKey.stringKey("permission.resource");
    static final AttributeKey<String> PERMISSION_SOURCE = AttributeKey.stringKey("permission.source");
    static final AttributeKey<String> EVENT_CATEGORY = AttributeKey.stringKey("event.category");
    static final AttributeKey<String> EVENT_ACTION = AttributeKey.stringKey("event.action");
    static final AttributeKey<String> EVENT_OUTCOME = AttributeKey.stringKey("event.outcome");
    static final AttributeKey<List<String>> TAGS = AttributeKey.stringArrayKey("tags");
    static final AttributeKey<String> LOG_FILE_PATH = AttributeKey.stringKey("log.file.path");

    private static final Severity[] SEVERITIES = new Severity[25];

    static {
        for (Severity s : Severity.values()) SEVERITIES[s.getSeverityNumber()] = s;
    }

    private final OtlpResources resources;
    private final InstrumentationScopeInfo scope;

    OtlpMapping(OtlpResources resources, InstrumentationScopeInfo scope) {
        this.resources = resources;
        this.scope = scope;
    }

    /**
     * OTLP {@code event_name} (SPEC 6) by kind; a {@code log} is named by its own {@code event.name} when it
     * has one (the denial-spike events of SPEC 5, the guide's {@code evt.name}), else it has none.
     */
    static String eventName(Event e) {
        return switch (e.kind()) {
            case LOG -> e.event() == null ? null : e.event().name();
            case EXCEPTION -> "exception";
            case HTTP_REQUEST -> "http.request";
            case AUTH_FAILURE -> "auth.failure";
            case PERMISSION_DENIED -> "permission.denied";
        };
    }

    EventLogRecord logRecord(Event e) {
        int number = e.severityNumber() >= 0 && e.severityNumber() < SEVERITIES.length ? e.severityNumber() : 0;
        return new EventLogRecord(resources.forService(e.service()), scope, nanos(e.effectiveTime()), nanos(e.observedTime()),
                spanContext(e.traceId(), e.spanId()), SEVERITIES[number], e.severity().name(),
                e.message() == null ? null : Value.of(e.message()), attributes(e), eventName(e));
    }

    /** The SERVER span of an event with a synthesised span, or null. */
    SynthesizedSpan span(Event e) {
        if (!SpanSynthesizer.isSynthesized(e) || e.traceId() == null || e.spanId() == null || e.http() == null) return null;
        Event.HttpInfo h = e.http();
        String target = h.route() != null ? h.route() : h.path();
        String name = (h.method() != null ? h.method() : "HTTP") + (target != null ? " " + target : "");
        long end = nanos(e.effectiveTime());
        long duration = h.durationMs() == null || h.durationMs() < 0 ? 0 : (long) (h.durationMs() * 1_000_000d);
        String parentId = SpanSynthesizer.parentSpanId(e);
        SpanContext parent = parentId == null ? SpanContext.getInvalid()
                : SpanContext.createFromRemoteParent(e.traceId(), parentId, TraceFlags.getSampled(), TraceState.getDefault());
        boolean serverError = h.statusCode() != null && h.statusCode() >= 500;
        EventAttributes.Builder b = EventAttributes.builder();
        b.put(HTTP_METHOD, h.method());
        if (h.statusCode() != null) b.put(HTTP_STATUS, (long) h.statusCode());
        b.put(URL_PATH, h.path());
        b.put(HTTP_ROUTE, h.route());
        b.put(CLIENT_ADDRESS, h.clientIp());
        b.put(USER_AGENT, h.userAgent());
        if (serverError) b.put(ERROR_TYPE, Integer.toString(h.statusCode()));
        return new SynthesizedSpan(name, SpanContext.create(e.traceId(), e.spanId(), TraceFlags.getSampled(), TraceState.getDefault()),
                parent, serverError ? StatusData.error() : StatusData.unset(), Math.max(0, end - duration), end, b.build(),
                scope, resources.forService(e.service()));
    }

    private static SpanContext spanContext(String traceId, String spanId) {
        if (traceId == null) return SpanContext.getInvalid();
        if (spanId == null) return new TraceOnly(traceId);
        return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    }

    static long nanos(Instant t) {
        return t == null ? 0 : t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Attributes attributes(Event e) {
        // named parts first; a leftover of the same name is left out, so the named part wins
        EventAttributes.Builder b = EventAttributes.builder();
        Event.HttpInfo h = e.http();
        if (h != null) {
            b.put(HTTP_METHOD, h.method());
            if (h.statusCode() != null) b.put(HTTP_STATUS, (long) h.statusCode());
            b.put(URL_PATH, h.path());
            b.put(HTTP_ROUTE, h.route());
            b.put(CLIENT_ADDRESS, h.clientIp());
            b.put(USER_AGENT, h.userAgent());
            if (h.durationMs() != null) b.put(HTTP_DURATION, h.durationMs() / 1000d);
        }
        Event.ErrorInfo err = e.error();
        if (err != null) {
            b.put(EXCEPTION_TYPE, err.type());
            b.put(EXCEPTION_MESSAGE, err.message());
            b.put(EXCEPTION_STACKTRACE, err.stack());
            b.put(ERROR_CODE, err.code());
        }
        if (e.user() != null) b.put(ENDUSER_ID, e.user().id());
        Event.PermissionInfo p = e.permission();
        if (p != null) {
            b.put(PERMISSION_TYPE, p.type());
            b.put(PERMISSION_RESOURCE, p.resource());
            b.put(PERMISSION_SOURCE, p.source());
        }
        Event.EventInfo ev = e.event();
        if (ev != null) {
            b.put(EVENT_CATEGORY, ev.category());
            b.put(EVENT_ACTION, ev.name());
            b.put(EVENT_OUTCOME, ev.outcome());
            b.put(TAGS, ev.tags());
        }
        if (e.source() != null) b.put(LOG_FILE_PATH, e.source().path());
        boolean named = !b.isEmpty();
        for (Map.Entry<String, Object> entry : e.attributes().entrySet()) {
            String key = entry.getKey();
            if (key.equals(SpanSynthesizer.MARKER) || named && b.has(key)) continue;
            put(b, key, entry.getValue());
        }
        return b.build();
    }

    private static void put(EventAttributes.Builder b, String key, Object value) {
        switch (value) {
            case String s -> b.put(AttributeKey.stringKey(key), s);
            case Boolean bool -> b.put(AttributeKey.booleanKey(key), bool);
            case Integer i -> b.put(AttributeKey.longKey(key), (long) i);
            case Long l -> b.put(AttributeKey.longKey(key), l);
            case Double d -> b.put(AttributeKey.doubleKey(key), d);
            case BigInteger bi -> {
                if (bi.bitLength() < 64) b.put(AttributeKey.longKey(key), bi.longValue());
                else b.put(AttributeKey.stringKey(key), bi.toString());
            }
            case BigDecimal bd -> b.put(AttributeKey.doubleKey(key), bd.doubleValue());
            case Number n -> b.put(AttributeKey.doubleKey(key), n.doubleValue());
            case null, default -> b.put(AttributeKey.valueKey(key), value(value));
        }
    }

    /** A JSON-typed value as an OTLP AnyValue; null becomes the empty value. */
    static Value<?> value(Object value) {
        return switch (value) {
            case null -> Value.empty();
            case String s -> Value.of(s);
            case Boolean bool -> Value.of(bool);
            case Integer i -> Value.of((long) i);
            case Long l -> Value.of(l);
            case Double d -> Value.of(d);
            case BigInteger bi -> bi.bitLength() < 64 ? Value.of(bi.longValue()) : Value.of(bi.toString());
            case BigDecimal bd -> Value.of(bd.doubleValue());
            case Number n -> Value.of(n.doubleValue());
            case Map<?, ?> map -> {
                // keys of a parsed map are unique already: straight to key-value pairs, no second map
                KeyValue[] pairs = new KeyValue[map.size()];
                int i = 0;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (i == pairs.length) break;
                    pairs[i++] = KeyValue.of(String.valueOf(entry.getKey()), value(entry.getValue()));
                }
                yield Value.of(i == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, i));
            }
            case List<?> list -> {
                var values = new ArrayList<Value<?>>(list.size());
                for (Object item : list) values.add(value(item));
                yield Value.of(values);
            }
            default -> Value.of(value.toString());
        };
    }

    /** A trace id without a span id: the SDK's own SpanContext would drop both. */
    private record TraceOnly(String traceId) implements SpanContext {
        @Override
        public String getTraceId() {
            return traceId;
        }

        @Override
        public String getSpanId() {
            return "0000000000000000";
        }

        @Override
        public TraceFlags getTraceFlags() {
            return TraceFlags.getSampled();
        }

        @Override
        public TraceState getTraceState() {
            return TraceState.getDefault();
        }

        @Override
        public boolean isRemote() {
            return false;
        }
    }
}
