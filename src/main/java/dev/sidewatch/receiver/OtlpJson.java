package dev.sidewatch.receiver;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads OTLP/JSON into the generated protobuf messages. Written against the message descriptors
 * instead of protobuf's {@code JsonFormat}, which silently mis-decodes OTLP ids: OTLP/JSON writes
 * {@code traceId}, {@code spanId} and {@code parentSpanId} as hex, protobuf JSON expects base64
 * (opentelemetry-proto {@code docs/specification.md}, "JSON Protobuf Encoding"). Also per that
 * document: field names in lowerCamelCase or as in the .proto; 64-bit integers as strings or numbers;
 * enums as integers (names accepted too); unknown fields ignored. Stateless and thread-safe.
 */
final class OtlpJson {
    /** Nesting deeper than this is refused (AnyValue maps and arrays can nest). */
    static final int MAX_DEPTH = 128;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH * 3).build());
    }

    private OtlpJson() {
    }

    /** Parses {@code json} into {@code builder}; the message says what was wrong and where. */
    static <B extends Message.Builder> B parse(byte[] json, B builder) throws OtlpFormatException {
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(json)) {
            root = MAPPER.readTree(parser);
            if (parser.nextToken() != null) throw new OtlpFormatException("invalid JSON: more than one value in the body");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new OtlpFormatException("invalid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new OtlpFormatException("invalid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) throw new OtlpFormatException("invalid OTLP/JSON: the body is not a JSON object");
        merge(root, builder, "", 0);
        return builder;
    }

    private static void merge(JsonNode object, Message.Builder builder, String path, int depth) throws OtlpFormatException {
        if (depth > MAX_DEPTH) throw new OtlpFormatException(path + ": nested too deeply");
        Map<String, FieldDescriptor> fields = FIELDS.computeIfAbsent(builder.getDescriptorForType(), OtlpJson::fieldsOf);
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            FieldDescriptor field = fields.get(entry.getKey());
            JsonNode value = entry.getValue();
            if (field == null || value.isNull()) continue;
            String at = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            if (field.isRepeated()) {
                if (!value.isArray()) throw new OtlpFormatException(at + ": expected an array");
                int i = 0;
                for (JsonNode item : value) {
                    if (!item.isNull()) builder.addRepeatedField(field, convert(field, item, builder, at + "[" + i + "]", depth));
                    i++;
                }
            } else {
                builder.setField(field, convert(field, value, builder, at, depth));
            }
        }
    }

    private static Object convert(FieldDescriptor field, JsonNode value, Message.Builder parent, String at, int depth)
            throws OtlpFormatException {
        try {
            return switch (field.getJavaType()) {
                case MESSAGE -> {
                    if (!value.isObject()) throw new OtlpFormatException(at + ": expected an object");
                    Message.Builder child = parent.newBuilderForField(field);
                    merge(value, child, at, depth + 1);
                    yield child.build();
                }
                case STRING -> {
                    if (!value.isTextual()) throw new OtlpFormatException(at + ": expected a string");
                    yield value.textValue();
                }
                case BYTE_STRING -> bytes(field, value, at);
                case LONG -> int64(field, value, at);
                case INT -> {
                    long v = int64(field, value, at);
                    boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32;
                    if (unsigned ? v < 0 || v > 0xFFFF_FFFFL : v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new OtlpFormatException(at + ": out of range");
                    }
                    yield (int) v;
                }
                case DOUBLE -> decimal(value, at);
                case FLOAT -> (float) decimal(value, at);
                case BOOLEAN -> {
                    if (!value.isBoolean()) throw new OtlpFormatException(at + ": expected true or false");
                    yield value.booleanValue();
                }
                case ENUM -> enumValue(field, value, at);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new OtlpFormatException(at + ": not a valid number");
        }
    }

    /** Trace and span ids are hex; every other bytes field is base64 as in proto3 JSON. */
    private static ByteString bytes(FieldDescriptor field, JsonNode value, String at) throws OtlpFormatException {
        if (!value.isTextual()) throw new OtlpFormatException(at + ": expected a string");
        String text = value.textValue();
        if (isId(field)) {
            if (text.length() % 2 != 0) throw new OtlpFormatException(at + ": not a hex id");
            byte[] out = new byte[text.length() / 2];
            for (int i = 0; i < out.length; i++) {
                int hi = Character.digit(text.charAt(2 * i), 16);
                int lo = Character.digit(text.charAt(2 * i + 1), 16);
                if (hi < 0 || lo < 0) throw new OtlpFormatException(at + ": not a hex id");
                out[i] = (byte) (hi << 4 | lo);
            }
            return ByteString.copyFrom(out);
        }
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            try {
                return ByteString.copyFrom(Base64.getUrlDecoder().decode(text));
            } catch (IllegalArgumentException e2) {
                throw new OtlpFormatException(at + ": not base64");
            }
        }
    }

    static boolean isId(FieldDescriptor field) {
        String name = field.getName();
        return name.equals("trace_id") || name.equals("span_id") || name.equals("parent_span_id");
    }

    private static long int64(FieldDescriptor field, JsonNode value, String at) throws OtlpFormatException {
        boolean unsigned = switch (field.getType()) {
            case UINT64, FIXED64 -> true;
            default -> false;
        };
        String text;
        if (value.isIntegralNumber()) {
            text = value.bigIntegerValue().toString();
        } else if (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue())) {
            text = value.decimalValue().toBigInteger().toString();
        } else if (value.isTextual()) {
            text = value.textValue().strip();
        } else {
            throw new OtlpFormatException(at + ": expected an integer");
        }
        return unsigned ? Long.parseUnsignedLong(text) : Long.parseLong(text);
    }

    private static double decimal(JsonNode value, String at) throws OtlpFormatException {
        if (value.isNumber()) return value.doubleValue();
        if (value.isTextual()) {
            return switch (value.textValue()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value.textValue());
            };
        }
        throw new OtlpFormatException(at + ": expected a number");
    }

    private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value, String at) throws OtlpFormatException {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return field.getEnumType().findValueByNumberCreatingIfUnknown(value.intValue());
        }
        if (value.isTextual()) {
            EnumValueDescriptor named = field.getEnumType().findValueByName(value.textValue());
            if (named != null) return named;
        }
        throw new OtlpFormatException(at + ": expected an enum number");
    }

    private static Map<String, FieldDescriptor> fieldsOf(Descriptor descriptor) {
        var map = new HashMap<String, FieldDescriptor>();
        for (FieldDescriptor f : descriptor.getFields()) {
            map.put(f.getName(), f);
            map.put(f.getJsonName(), f);
        }
        return map;
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
