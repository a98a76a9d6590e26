package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Event.ErrorInfo;
import dev.sidewatch.event.Event.EventInfo;
import dev.sidewatch.event.Event.HttpInfo;
import dev.sidewatch.event.Event.PermissionInfo;
import dev.sidewatch.event.Event.SourceInfo;
import dev.sidewatch.event.Event.UserInfo;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one input record into the normalised {@link Event} of SPEC section 4. Pure apart from reading
 * the clock for {@code observed_time}: it never throws on bad data and never drops a record. Thread-safe.
 */
public final class Normalizer {
    /** Marks a line cut at the line limit (SPEC 8). */
    public static final String TRUNCATED_ATTRIBUTE = "sidewatch.truncated";
    public static final String DEFAULT_SERVICE = "unknown_service";

    private static final FieldPath[] LEVEL_KEYS = FieldPath.all("level", "severity", "lvl", "log.level", "levelname", "levelStr", "@fields.level");
    private static final FieldPath[] TIME_KEYS = FieldPath.all("time", "timestamp", "@timestamp", "ts", "startTime", "datetime");
    private static final FieldPath[] MESSAGE_KEYS = FieldPath.all("msg", "message", "@message");
    private static final FieldPath[] STATUS_KEYS = FieldPath.all("res.statusCode", "statusCode", "status", "http.response.status_code", "http.status_code", "response.status");
    private static final FieldPath[] METHOD_KEYS = FieldPath.all("req.method", "method", "http.request.method", "http.method", "request.method");
    /** Read only beside a status or method: a bare {@code path} is as often a file path (an fs error's). */
    private static final FieldPath[] PATH_KEYS = FieldPath.all("req.url", "req.path", "url.path", "originalUrl", "url", "path", "http.target", "http.url", "request.url");
    /** Read on any record (SPEC 4): these name a request URL wherever they occur. */
    private static final FieldPath[] URL_KEYS = FieldPath.all("req.url", "url.path", "originalUrl", "url");
    private static final FieldPath[] ROUTE_KEYS = FieldPath.all("req.route", "route", "http.route");
    private static final FieldPath[] DURATION_KEYS = FieldPath.all("responseTime", "duration_ms", "durationMs", "elapsed", "response_time");
    private static final FieldPath[] CLIENT_IP_KEYS = FieldPath.all("req.remoteAddress", "req.ip", "remoteAddress", "client_ip", "clientIp", "client.address", "ip");
    private static final FieldPath[] USER_AGENT_KEYS = FieldPath.all("userAgent", "user_agent.original", "user_agent", "http.user_agent");
    private static final FieldPath[] HEADER_HOLDERS = FieldPath.all("req.headers", "headers");
    /** The event object: ECS/OTel {@code event}, then the logging guide's {@code evt} (SPEC 4). */
    private static final EventKeys[] EVENT_KEYS = {new EventKeys("event"), new EventKeys("evt")};
    private static final FieldPath TAGS = FieldPath.of("tags");
    private static final FieldPath SERVICE_NAME = FieldPath.of("service", "name");
    private static final FieldPath DD_SERVICE = FieldPath.of("dd", "service");
    private static final FieldPath[] USER_KEYS = FieldPath.all("user.id", "usr.id", "userId", "user_id", "enduser.id");

    /** Where one event object keeps its parts; {@code action} (ECS) is the name when there is no {@code name}. */
    private record EventKeys(FieldPath category, FieldPath[] name, FieldPath[] outcome, FieldPath tags) {
        EventKeys(String object) {
            this(FieldPath.of(object, "category"), new FieldPath[]{FieldPath.of(object, "name"), FieldPath.of(object, "action")},
                    new FieldPath[]{FieldPath.of(object, "outcome")}, FieldPath.of(object, "tags"));
        }
    }

    private final StatusLevelPolicy statusPolicy;
    private final Redactor redactor;
    private final Clock clock;
    private final Consumer<String> onRedact;

    /**
     * @param onRedact told the rule name of every redaction (for {@code sidewatch_redactions_total});
     *                 called on the normalising thread
     */
    public Normalizer(StatusLevelPolicy statusPolicy, Redactor redactor, Clock clock, Consumer<String> onRedact) {
        this.statusPolicy = statusPolicy;
        this.redactor = redactor;
        this.clock = clock;
        this.onRedact = onRedact;
    }

    public static Normalizer defaults() {
        return new Normalizer(StatusLevelPolicy.MAX, Redactor.defaults(), Clock.systemUTC(), rule -> { });
    }

    /** Where records come from: the default service and the receiver, for {@code source}. */
    public record Origin(String service, String receiver, String path) {
        public Origin {
            service = service == null || service.isBlank() ? DEFAULT_SERVICE : service;
        }
    }

    /** A line or joined block: JSON objects are mapped field by field, anything else is parsed as text. */
    public Event normalize(LogLine line, Origin origin) {
        Map<String, Object> fields = JsonRecordParser.parseLine(line);
        return fields != null ? normalizeParsed(fields, origin, line) : normalizeText(line, origin);
    }

    /** A line that is not a JSON object (or a joined block): parsed as text, never as JSON. */
    public Event normalizeText(LogLine line, Origin origin) {
        Map<String, Object> fields = line.multiLine() ? NodeErrorBlockParser.parse(line.text()) : TextLineParser.parse(line.text());
        return normalizeParsed(fields, origin, line);
    }

    /** A line already parsed by {@link JsonRecordParser#parseLine}: its fields are consumed. */
    public Event normalizeParsed(Map<String, Object> fields, Origin origin, LogLine line) {
        if (line.truncated()) fields.put(TRUNCATED_ATTRIBUTE, Boolean.TRUE);
        return normalizeFields(fields, origin, line.offset() >= 0 ? line.offset() : null);
    }

    /**
     * A record that is already structured (an HTTP JSON object, an OTLP log record's fields). The map is
     * consumed: mapped fields are removed from it and what remains becomes {@code attributes}.
     */
    public Event normalizeFields(Map<String, Object> fields, Origin origin, Long offset) {
        Instant observed = clock.instant();
        // pino and bunyan records carry a numeric level or pid/hostname; only there is "name" the service
        boolean pinoLike = fields.get("level") instanceof Number || fields.containsKey("pid") || fields.containsKey("hostname");
        int level = takeLevel(fields);
        Instant time = takeTime(fields);
        String message = takeMessage(fields);
        String service = takeService(fields, pinoLike);
        var trace = TraceContextExtractor.extract(fields);
        PermissionInfo permission = PermissionDenialDetector.detectStructured(fields);
        HttpInfo http = takeHttp(fields);
        ErrorInfo error = ErrorExtractor.take(fields);
        EventInfo event = takeEvent(fields);
        UserInfo user = takeUser(fields);
        if (permission == null) permission = PermissionDenialDetector.detect(error, message, http, event, fields);
        if (message == null && error != null) message = error.message();

        Kind kind = Kind.LOG;
        if (error != null) kind = Kind.EXCEPTION;
        if (http != null && http.statusCode() != null && (http.method() != null || http.path() != null)) kind = Kind.HTTP_REQUEST;
        if (http != null && Integer.valueOf(401).equals(http.statusCode()) || isAuthFailure(event)) kind = Kind.AUTH_FAILURE;
        if (permission != null) kind = Kind.PERMISSION_DENIED;

        int severityNumber = statusPolicy.apply(level, http == null ? null : http.statusCode());
        if (severityNumber == 0) severityNumber = Severity.INFO.number();
        if (permission != null) severityNumber = Math.max(severityNumber, Severity.WARN.number());
        Severity severity = Severity.ofNumber(severityNumber);

        if (redactor.enabled()) {
            message = redactor.redactString(message, onRedact);
            if (error != null) error = new ErrorInfo(error.type(), redactor.redactString(error.message(), onRedact),
                    error.code(), redactor.redactString(error.stack(), onRedact));
            if (http != null) http = new HttpInfo(http.method(), redactor.redactString(http.path(), onRedact), http.route(),
                    http.statusCode(), http.durationMs(), http.clientIp(), http.userAgent());
            if (permission != null && permission.resource() != null) permission = new PermissionInfo(permission.type(),
                    redactor.redactString(permission.resource(), onRedact), permission.source());
            redactor.redactValue(fields, onRedact);
        }
        SourceInfo source = origin.receiver() == null ? null : new SourceInfo(origin.receiver(), origin.path(), offset);
        return new Event(time, observed, service != null ? service : origin.service(), severity, severityNumber, kind,
                message, trace == null ? null : trace.traceId(), trace == null ? null : trace.spanId(), http, permission,
                error, event, user, fields, source);
    }

    private static int takeLevel(Map<String, Object> fields) {
        for (FieldPath key : LEVEL_KEYS) {
            Object value = Fields.get(fields, key);
            if (value == null) continue;
            int n = LevelMapper.severityNumber(value);
            if (n > 0) {
                Fields.take(fields, key);
                return n;
            }
        }
        return 0;
    }

    private static Instant takeTime(Map<String, Object> fields) {
        for (FieldPath key : TIME_KEYS) {
            Object value = fields.get(key.segments[0]);
            if (value == null) continue;
            Instant t = TimestampParser.parse(value);
            if (t != null) {
                fields.remove(key.segments[0]);
                return t;
            }
        }
        return null;
    }

    private static String takeMessage(Map<String, Object> fields) {
        for (FieldPath key : MESSAGE_KEYS) {
            Object value = fields.get(key.segments[0]);
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                fields.remove(key.segments[0]);
                return Fields.string(value);
            }
        }
        // log4js: data is the list of logged arguments
        if (fields.get("data") instanceof List<?> data && !data.isEmpty() && fields.containsKey("categoryName")) {
            var parts = new ArrayList<String>();
            boolean allStrings = true;
            for (Object part : data) {
                if (part instanceof String s) parts.add(s);
                else allStrings = false;
            }
            if (allStrings) fields.remove("data");
            return parts.isEmpty() ? null : String.join(" ", parts);
        }
        return null;
    }

    private static String takeService(Map<String, Object> fields, boolean loggerRecord) {
        Object service = fields.get("service");
        if (service instanceof String s && !s.isBlank()) {
            fields.remove("service");
            return s;
        }
        String name = Fields.nonBlank(Fields.get(fields, SERVICE_NAME));
        if (name != null) {
            Fields.take(fields, SERVICE_NAME);
            return name;
        }
        String dd = Fields.nonBlank(Fields.get(fields, DD_SERVICE));
        if (dd != null) {
            Fields.take(fields, DD_SERVICE);
            return dd;
        }
        if (loggerRecord && fields.get("name") instanceof String pinoName && !pinoName.isBlank()) {
            fields.remove("name");
            return pinoName;
        }
        return null;
    }

    private static HttpInfo takeHttp(Map<String, Object> fields) {
        Integer status = null;
        for (FieldPath key : STATUS_KEYS) {
            status = Fields.intIn(Fields.get(fields, key), 100, 599);
            if (status != null) {
                Fields.take(fields, key);
                break;
            }
        }
        String method = null;
        for (FieldPath key : METHOD_KEYS) {
            Object value = Fields.get(fields, key);
            if (value instanceof String s && isMethod(s)) {
                Fields.take(fields, key);
                method = s.toUpperCase(Locale.ROOT);
                break;
            }
        }
        String path = null;
        for (FieldPath key : status == null && method == null ? URL_KEYS : PATH_KEYS) {
            if (Fields.get(fields, key) instanceof String s && !s.isEmpty()) {
                Fields.take(fields, key);
                path = pathOf(s, fields);
                break;
            }
        }
        String clientIp = firstHop(takeString(fields, CLIENT_IP_KEYS));
        if (clientIp == null) clientIp = firstHop(header(fields, "x-forwarded-for", false));
        String userAgent = header(fields, "user-agent", true);
        if (userAgent == null) userAgent = takeString(fields, USER_AGENT_KEYS);
        // SPEC 4: a record with request fields but no status is still what its other fields make it, with its http
        if (status == null && method == null && path == null && clientIp == null && userAgent == null) return null;
        String route = takeString(fields, ROUTE_KEYS);
        Double duration = null;
        for (FieldPath key : DURATION_KEYS) {
            duration = Fields.decimal(Fields.get(fields, key));
            if (duration != null) {
                Fields.take(fields, key);
                break;
            }
        }
        return new HttpInfo(method, path, route, status, duration, clientIp, userAgent);
    }

    /** A request header from {@code req.headers} or {@code headers}, any case; taken out when {@code take}. */
    @SuppressWarnings("unchecked")
    private static String header(Map<String, Object> fields, String name, boolean take) {
        for (FieldPath holder : HEADER_HOLDERS) {
            if (Fields.get(fields, holder) instanceof Map<?, ?> headers) {
                String value = Fields.header(headers, name);
                if (value == null || value.isBlank()) continue;
                if (take && headers.get(name) == value) {
                    headers.remove(name);
                    if (headers.isEmpty()) Fields.take(fields, holder);
                }
                return value;
            }
        }
        return null;
    }

    /** The client of {@code "203.0.113.9, 10.0.0.1"} (an {@code x-forwarded-for} list) is its first hop. */
    private static String firstHop(String address) {
        if (address == null) return null;
        int comma = address.indexOf(',');
        String first = (comma < 0 ? address : address.substring(0, comma)).strip();
        return first.isEmpty() ? null : first;
    }

    /** The path without query string; a query is kept as the {@code url.query} attribute. */
    private static String pathOf(String url, Map<String, Object> fields) {
        String path = url;
        int scheme = path.indexOf("://");
        if (scheme > 0 && scheme < 10) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int q = path.indexOf('?');
        if (q >= 0) {
            fields.putIfAbsent("url.query", path.substring(q + 1));
            path = path.substring(0, q);
        }
        return path;
    }

    private static boolean isMethod(String s) {
        if (s.isEmpty() || s.length() > 16) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) return false;
        }
        return true;
    }

    private static EventInfo takeEvent(Map<String, Object> fields) {
        String name = null;
        String category = null;
        String outcome = null;
        List<String> tags = null;
        if (fields.get("event") instanceof String s) {
            name = s;
            fields.remove("event");
        } else {
            for (EventKeys keys : EVENT_KEYS) {
                category = takeCategory(fields, keys.category());
                name = takeString(fields, keys.name());
                outcome = takeString(fields, keys.outcome());
                tags = takeTags(fields, keys.tags());
                if (category != null || name != null || outcome != null || tags != null) break;
            }
        }
        if (outcome == null && fields.get("outcome") instanceof String o) {
            outcome = o;
            fields.remove("outcome");
        }
        if (tags == null) tags = takeTags(fields, TAGS);
        if (name == null && category == null && outcome == null && tags == null) return null;
        return new EventInfo(category, name, outcome, tags);
    }

    /** A category string, or the first of an ECS list (the list stays as an attribute when it has more). */
    private static String takeCategory(Map<String, Object> fields, FieldPath key) {
        Object cat = Fields.get(fields, key);
        if (cat instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof String first) {
            if (list.size() == 1) Fields.take(fields, key);
            return first;
        }
        if (cat instanceof String c && !c.isEmpty()) {
            Fields.take(fields, key);
            return c;
        }
        return null;
    }

    private static List<String> takeTags(Map<String, Object> fields, FieldPath key) {
        if (!(Fields.get(fields, key) instanceof List<?> list) || list.isEmpty()) return null;
        for (Object tag : list) if (!(tag instanceof String)) return null;
        Fields.take(fields, key);
        @SuppressWarnings("unchecked") List<String> strings = (List<String>) list;
        return List.copyOf(strings);
    }

    private static boolean isAuthFailure(EventInfo event) {
        return event != null && "authentication".equalsIgnoreCase(event.category()) && "failure".equalsIgnoreCase(event.outcome());
    }

    private static UserInfo takeUser(Map<String, Object> fields) {
        for (FieldPath key : USER_KEYS) {
            String id = Fields.nonBlank(Fields.get(fields, key));
            if (id != null) {
                Fields.take(fields, key);
                return new UserInfo(id);
            }
        }
        return null;
    }

    private static String takeString(Map<String, Object> fields, FieldPath[] keys) {
        for (FieldPath key : keys) {
            Object value = Fields.get(fields, key);
            if (value instanceof String s && !s.isEmpty()) {
                Fields.take(fields, key);
                return s;
            }
        }
        return null;
    }
}
