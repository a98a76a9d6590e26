package dev.sidewatch.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes events as the one-line JSON of SPEC section 4: fixed key order, absent fields omitted. */
public final class EventJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(2000).build())
            .build();

    private EventJson() {
    }

    /** One event as a JSON string without a trailing newline. */
    public static String toJson(Event event) {
        var out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            write(event, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A generator for a stream of events; the caller writes {@code writeRaw('\n')} after each
     * {@link #write} and flushes the generator, then the stream, when it wants the bytes out.
     */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator gen = FACTORY.createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        gen.setRootValueSeparator(null);
        return gen;
    }

    public static void write(Event e, JsonGenerator gen) throws IOException {
        gen.writeStartObject();
        // SPEC 4: the record's own time, or the observed time when it has none
        if (e.effectiveTime() != null) gen.writeStringField("time", formatTime(e.effectiveTime()));
        if (e.observedTime() != null) gen.writeStringField("observed_time", formatTime(e.observedTime()));
        stringField(gen, "service", e.service());
        gen.writeStringField("severity", e.severity().name());
        gen.writeNumberField("severity_number", e.severityNumber());
        gen.writeStringField("kind", e.kind().wireName());
        stringField(gen, "message", e.message());
        stringField(gen, "trace_id", e.traceId());
        stringField(gen, "span_id", e.spanId());
        if (e.http() != null) writeHttp(e.http(), gen);
        if (e.permission() != null) {
            gen.writeObjectFieldStart("permission");
            stringField(gen, "type", e.permission().type());
            stringField(gen, "resource", e.permission().resource());
            stringField(gen, "source", e.permission().source());
            gen.writeEndObject();
        }
        if (e.error() != null) {
            gen.writeObjectFieldStart("error");
            stringField(gen, "type", e.error().type());
            stringField(gen, "message", e.error().message());
            stringField(gen, "code", e.error().code());
            stringField(gen, "stack", e.error().stack());
            gen.writeEndObject();
        }
        if (e.event() != null) {
            gen.writeObjectFieldStart("event");
            stringField(gen, "category", e.event().category());
            stringField(gen, "name", e.event().name());
            stringField(gen, "outcome", e.event().outcome());
            if (e.event().tags() != null) {
                gen.writeArrayFieldStart("tags");
                for (String tag : e.event().tags()) gen.writeString(tag);
                gen.writeEndArray();
            }
            gen.writeEndObject();
        }
        if (e.user() != null) {
            gen.writeObjectFieldStart("user");
            stringField(gen, "id", e.user().id());
            gen.writeEndObject();
        }
        Map<String, Object> attributes = e.attributes();
        if (attributes.containsKey(Event.SYNTHESIZED_SPAN)) {
            attributes = new LinkedHashMap<>(attributes);
            attributes.remove(Event.SYNTHESIZED_SPAN);
        }
        if (!attributes.isEmpty()) {
            gen.writeFieldName("attributes");
            writeValue(attributes, gen);
        }
        if (e.source() != null) {
            gen.writeObjectFieldStart("source");
            stringField(gen, "receiver", e.source().receiver());
            stringField(gen, "path", e.source().path());
            if (e.source().offset() != null) gen.writeNumberField("offset", e.source().offset());
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    private static void writeHttp(Event.HttpInfo h, JsonGenerator gen) throws IOException {
        gen.writeObjectFieldStart("http");
        stringField(gen, "method", h.method());
        stringField(gen, "path", h.path());
        stringField(gen, "route", h.route());
        if (h.statusCode() != null) gen.writeNumberField("status_code", h.statusCode());
        if (h.durationMs() != null) gen.writeNumberField("duration_ms", h.durationMs());
        stringField(gen, "client_ip", h.clientIp());
        stringField(gen, "user_agent", h.userAgent());
        gen.writeEndObject();
    }

    private static void stringField(JsonGenerator gen, String name, String value) throws IOException {
        if (value != null) gen.writeStringField(name, value);
    }

    /** Writes a JSON-typed value as produced by the parser (maps, lists, strings, numbers, booleans, null). */
    public static void writeValue(Object value, JsonGenerator gen) throws IOException {
        switch (value) {
            case null -> gen.writeNull();
            case String s -> gen.writeString(s);
            case Map<?, ?> map -> {
                gen.writeStartObject();
                for (var entry : map.entrySet()) {
                    gen.writeFieldName(String.valueOf(entry.getKey()));
                    writeValue(entry.getValue(), gen);
                }
                gen.writeEndObject();
            }
            case List<?> list -> {
                gen.writeStartArray();
                for (Object item : list) writeValue(item, gen);
                gen.writeEndArray();
            }
            case Boolean b -> gen.writeBoolean(b);
            case Integer i -> gen.writeNumber(i);
            case Long l -> gen.writeNumber(l);
            case Double d -> gen.writeNumber(d);
            case BigInteger bi -> gen.writeNumber(bi);
            case BigDecimal bd -> gen.writeNumber(bd);
            case Number n -> gen.writeNumber(n.toString());
            default -> gen.writeString(value.toString());
        }
    }

    /** RFC 3339 UTC with at least millisecond precision, more digits only when the instant has them. */
    public static String formatTime(Instant t) {
        long seconds = t.getEpochSecond();
        int nanos = t.getNano();
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        var date = java.time.LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 0 || year > 9999) return t.toString();
        int fraction = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] c = new char[21 + fraction];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, fraction == 3 ? nanos / 1_000_000 : fraction == 6 ? nanos / 1_000 : nanos, fraction);
        c[20 + fraction] = 'Z';
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
