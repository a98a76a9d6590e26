package dev.sidewatch.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one line that should hold exactly one JSON object into mutable maps and lists, in a single
 * streaming pass. Returns null (the caller keeps the line as text) for anything else: invalid JSON, a
 * top-level number, string or array, trailing content, nesting deeper than {@link #MAX_DEPTH}, or more
 * than {@link #MAX_TOKENS} tokens.
 * Duplicate keys: the last value wins, as in JavaScript's JSON.parse. Integers beyond 64 bits stay
 * exact as BigInteger.
 */
public final class JsonRecordParser {
    /** SPEC 8: JSON nested deeper than 64 levels is kept as text. */
    public static final int MAX_DEPTH = 64;
    /**
     * A record of more JSON tokens than this is kept as text. A line under the 1 MiB cut can otherwise
     * parse into far more heap than it has bytes (an array of 300,000 empty objects in 900 KB: ~26 bytes
     * of heap per input byte), enough to stop the JVM; and since the line is already in the disk buffer,
     * to stop it again after every restart. Real log records have tens to a few thousand tokens.
     */
    public static final long MAX_TOKENS = 20_000;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).build()).build();

    private JsonRecordParser() {
    }

    /**
     * A single line as one JSON object, parsed from its raw bytes when it has them; invalid UTF-8 makes
     * the byte parser fail, so the repaired text is tried next. Null for a block or anything not an object.
     */
    public static Map<String, Object> parseLine(LogLine line) {
        if (line.multiLine() || line.firstNonBlank() != '{') return null;
        byte[] bytes = line.bytes();
        Map<String, Object> fields = bytes == null ? null : parseObject(bytes, 0, bytes.length);
        return fields != null ? fields : parseObject(line.text());
    }

    public static Map<String, Object> parseObject(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            return parseRoot(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static Map<String, Object> parseObject(byte[] bytes, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            return parseRoot(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads one top-level object; null when the input is anything else. */
    static Map<String, Object> parseRoot(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return null;
        Map<String, Object> root = readObject(p, 1);
        return p.nextToken() == null ? root : null;
    }

    /** Reads any JSON value at the current token; nesting beyond {@link #MAX_DEPTH} throws {@link DepthExceeded}. */
    public static Object readValue(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> readObject(p, depth + 1);
            case START_ARRAY -> readArray(p, depth + 1);
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT, LONG -> p.getLongValue();
                default -> p.getBigIntegerValue();
            };
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected token " + t);
        };
    }

    /** An insertion-ordered {@link SmallMap}, or a LinkedHashMap beyond {@link SmallMap#MAX_PARSED} keys. */
    private static Map<String, Object> readObject(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new DepthExceeded();
        Map<String, Object> map = new SmallMap();
        String key;
        while ((key = p.nextFieldName()) != null) {
            p.nextToken();
            map.put(key, readValue(p, depth));
            if (map.size() == SmallMap.MAX_PARSED + 1 && map instanceof SmallMap small) map = new LinkedHashMap<>(small);
        }
        if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("unterminated object");
        return map;
    }

    private static List<Object> readArray(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new DepthExceeded();
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) throw new IOException("unterminated array");
            list.add(readValue(p, depth));
        }
        return list;
    }

    /** Thrown when nesting exceeds {@link #MAX_DEPTH}; callers treat the input as text. */
    public static final class DepthExceeded extends IOException {
        DepthExceeded() {
            super("JSON nested deeper than " + MAX_DEPTH + " levels", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
