package dev.sidewatch.event;

import java.time.Instant;
import java.util.Map;

/**
 * One normalised event (SPEC section 4). Absent parts are {@code null}; {@code attributes} is never
 * null and holds the unmapped source fields with their JSON types (String, Boolean, Long, BigInteger,
 * Double, BigDecimal, Map, List or null).
 */
public record Event(
        Instant time,
        Instant observedTime,
        String service,
        Severity severity,
        int severityNumber,
        Kind kind,
        String message,
        String traceId,
        String spanId,
        HttpInfo http,
        PermissionInfo permission,
        ErrorInfo error,
        EventInfo event,
        UserInfo user,
        Map<String, Object> attributes,
        SourceInfo source) {
    /**
     * Internal attribute set by span synthesis (a map the OTLP exporter builds the span from); it travels
     * with the event through the disk buffer but is never printed as an attribute.
     */
    public static final String SYNTHESIZED_SPAN = "sidewatch.synthesized_span";

    public Event {
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** The record's own time, or the observed time when it had none. */
    public Instant effectiveTime() {
        return time != null ? time : observedTime;
    }

    public record HttpInfo(String method, String path, String route, Integer statusCode, Double durationMs,
                           String clientIp, String userAgent) {
        /** "2xx" … "5xx", or null without a status. */
        public String statusClass() {
            if (statusCode == null || statusCode < 100 || statusCode > 599) return null;
            return (statusCode / 100) + "xx";
        }
    }

    public record PermissionInfo(String type, String resource, String source) {
    }

    public record ErrorInfo(String type, String message, String code, String stack) {
    }

    public record EventInfo(String category, String name, String outcome, java.util.List<String> tags) {
    }

    public record UserInfo(String id) {
    }

    public record SourceInfo(String receiver, String path, Long offset) {
    }
}
