package dev.sidewatch.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decodes OTLP log and trace requests (protobuf or OTLP/JSON, chosen by {@code Content-Type}) and turns
 * each log record into a fields map for the normaliser, shaped like a JSON log line, so that status
 * levels, denial detection and redaction apply as to any other input (the table is in
 * {@code docs/otlp.md}). Stateless and thread-safe.
 */
final class OtlpLogDecoder {
    private static final HexFormat HEX = HexFormat.of();
    /** Protobuf messages nested deeper than this are refused (AnyValue can nest). */
    private static final int MAX_PROTO_DEPTH = 128;

    private OtlpLogDecoder() {
    }

    /** The payload format a {@code Content-Type} names, or null when it names neither OTLP encoding. */
    static Encoding encoding(String contentType) {
        if (contentType == null) return Encoding.PROTOBUF;
        String type = contentType.toLowerCase(Locale.ROOT);
        int semi = type.indexOf(';');
        type = (semi < 0 ? type : type.substring(0, semi)).strip();
        return switch (type) {
            case "application/x-protobuf", "application/protobuf", "application/octet-stream" -> Encoding.PROTOBUF;
            case "application/json" -> Encoding.JSON;
            default -> null;
        };
    }

    enum Encoding { PROTOBUF, JSON }

    static ExportLogsServiceRequest logs(byte[] body, Encoding encoding) throws OtlpFormatException {
        if (encoding == Encoding.JSON) return OtlpJson.parse(body, ExportLogsServiceRequest.newBuilder()).build();
        try {
            return ExportLogsServiceRequest.parser().parseFrom(stream(body));
        } catch (InvalidProtocolBufferException e) {
            throw new OtlpFormatException("invalid OTLP protobuf: " + e.getMessage());
        }
    }

    static ExportTraceServiceRequest traces(byte[] body, Encoding encoding) throws OtlpFormatException {
        if (encoding == Encoding.JSON) return OtlpJson.parse(body, ExportTraceServiceRequest.newBuilder()).build();
        try {
            return ExportTraceServiceRequest.parser().parseFrom(stream(body));
        } catch (InvalidProtocolBufferException e) {
            throw new OtlpFormatException("invalid OTLP protobuf: " + e.getMessage());
        }
    }

    private static CodedInputStream stream(byte[] body) {
        CodedInputStream in = CodedInputStream.newInstance(body);
        in.setRecursionLimit(MAX_PROTO_DEPTH);
        return in;
    }

    /** Hands each log record of the request to {@code sink} as a fields map; returns how many. */
    static int records(ExportLogsServiceRequest request, Consumer<Map<String, Object>> sink) {
        int n = 0;
        for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
            String service = null;
            for (KeyValue kv : resourceLogs.getResource().getAttributesList()) {
                // the SDKs' default "unknown_service:<process>" names nothing: the request's service applies
                if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue() && !kv.getValue().getStringValue().isBlank()
                        && !kv.getValue().getStringValue().startsWith("unknown_service")) {
                    service = kv.getValue().getStringValue();
                }
            }
            for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
                for (LogRecord record : scopeLogs.getLogRecordsList()) {
                    sink.accept(fields(record, service));
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * One record as the normaliser's input: a map body is the record itself (like a JSON log line), any
     * other body the message; attributes join it without overwriting; time, severity, ids, event name and
     * the resource's {@code service.name} go under the keys the normaliser reads.
     */
    static Map<String, Object> fields(LogRecord record, String service) {
        var fields = new LinkedHashMap<String, Object>(Math.max(16, record.getAttributesCount() * 2 + 8));
        long time = record.getTimeUnixNano() != 0 ? record.getTimeUnixNano() : record.getObservedTimeUnixNano();
        if (time != 0) fields.put("time", time);
        String level = level(record.getSeverityNumberValue(), record.getSeverityText());
        if (level != null) fields.put("level", level);
        if (record.hasBody()) {
            AnyValue body = record.getBody();
            if (body.hasKvlistValue()) {
                for (KeyValue kv : body.getKvlistValue().getValuesList()) fields.putIfAbsent(kv.getKey(), value(kv.getValue()));
            } else {
                Object message = value(body);
                if (message != null) fields.put("message", message instanceof String ? message : String.valueOf(message));
            }
        }
        for (KeyValue kv : record.getAttributesList()) fields.putIfAbsent(kv.getKey(), value(kv.getValue()));
        putId(fields, "trace_id", record.getTraceId(), 16);
        putId(fields, "span_id", record.getSpanId(), 8);
        if (!record.getEventName().isEmpty()) fields.putIfAbsent("event.name", record.getEventName());
        if (service != null) fields.putIfAbsent("service", service);
        return fields;
    }

    private static void putId(Map<String, Object> fields, String key, ByteString id, int length) {
        if (id.size() == length) fields.put(key, HEX.formatHex(id.toByteArray()));
    }

    /**
     * An OTLP SeverityNumber as a level name the normaliser maps back onto the same range; the
     * severity text when the number is unset.
     */
    static String level(int number, String text) {
        if (number <= 0 || number > 24) return text == null || text.isBlank() ? null : text;
        if (number <= 4) return "trace";
        if (number <= 8) return "debug";
        if (number == 9) return "info";
        if (number <= 12) return number == 10 ? "notice" : "info";
        if (number <= 16) return "warn";
        if (number == 17) return "error";
        if (number == 18) return "crit";
        if (number <= 20) return "alert";
        return "fatal";
    }

    /** An AnyValue with the JSON types the rest of the pipeline uses; bytes become base64 text. */
    static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> {
                List<Object> list = new ArrayList<>(v.getArrayValue().getValuesCount());
                for (AnyValue item : v.getArrayValue().getValuesList()) list.add(value(item));
                yield list;
            }
            case KVLIST_VALUE -> {
                var map = new LinkedHashMap<String, Object>();
                for (KeyValue kv : v.getKvlistValue().getValuesList()) map.put(kv.getKey(), value(kv.getValue()));
                yield map;
            }
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
        };
    }
}
