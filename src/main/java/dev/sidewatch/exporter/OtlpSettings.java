package dev.sidewatch.exporter;

import dev.sidewatch.config.OtlpExporterConfig;
import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the OTLP exporter sends, resolved once at start from {@code exporters.otlp} and the
 * standard OpenTelemetry variables. Sidewatch's own settings win: {@code exporters.otlp.endpoint}
 * (from the config file or {@code SIDEWATCH_EXPORTERS__OTLP__ENDPOINT}) is used for both signals when
 * set; otherwise {@code OTEL_EXPORTER_OTLP_{LOGS,TRACES}_ENDPOINT} (used as given) and then
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}. For OTLP/HTTP a base endpoint gets {@code /v1/logs} and
 * {@code /v1/traces} appended, as the OpenTelemetry specification says; gRPC endpoints are used as
 * given. Headers: {@code OTEL_EXPORTER_OTLP_HEADERS}, then the per-signal variable, then
 * {@code exporters.otlp.headers}, later ones winning per name.
 *
 * @param logsEndpoint       where log records go; never null
 * @param tracesEndpoint     where spans go, or null when no trace endpoint is known (spans are then not sent)
 * @param protocol           {@code http/protobuf} or {@code grpc}
 * @param logsHeaders        extra request headers for logs
 * @param tracesHeaders      extra request headers for traces
 * @param timeout            per request
 * @param resourceAttributes from {@code OTEL_RESOURCE_ATTRIBUTES} (may hold {@code service.name})
 */
public record OtlpSettings(URI logsEndpoint, URI tracesEndpoint, OtlpProtocol protocol, Map<String, String> logsHeaders,
                           Map<String, String> tracesHeaders, Duration timeout, Map<String, String> resourceAttributes) {
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String LOGS_ENDPOINT = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public static final String HEADERS = "OTEL_EXPORTER_OTLP_HEADERS";
    public static final String LOGS_HEADERS = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";
    public static final String TRACES_HEADERS = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
    public static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";
    public static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public static final String LOGS_PROTOCOL = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL";
    public static final String TIMEOUT = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public static final String LOGS_TIMEOUT = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT";

    public OtlpSettings {
        Objects.requireNonNull(logsEndpoint, "logsEndpoint");
        Objects.requireNonNull(protocol, "protocol");
        logsHeaders = Map.copyOf(logsHeaders);
        tracesHeaders = Map.copyOf(tracesHeaders);
        resourceAttributes = Map.copyOf(resourceAttributes);
    }

    /** Header values are often credentials: only their names are printed. */
    @Override
    public String toString() {
        return "OtlpSettings[logs=" + logsEndpoint + ", traces=" + tracesEndpoint + ", protocol=" + protocol.value()
                + ", headers=" + logsHeaders.keySet() + ", timeout=" + timeout + "]";
    }

    /**
     * The settings, or null when neither the config nor the environment names an endpoint (then events
     * go to stdout).
     *
     * @throws IllegalArgumentException naming the variable when one is malformed (never echoing header values)
     */
    public static OtlpSettings resolve(OtlpExporterConfig config, Map<String, String> env) {
        OtlpProtocol protocol = protocol(config, env);
        Duration timeout = timeout(config, env);
        boolean grpc = protocol == OtlpProtocol.GRPC;
        String base = nonBlank(config.endpoint());
        String logs;
        String traces;
        if (base != null) {
            logs = signalUrl(base, "/v1/logs", grpc);
            traces = signalUrl(base, "/v1/traces", grpc);
        } else {
            String envBase = nonBlank(env.get(ENDPOINT));
            logs = nonBlank(env.get(LOGS_ENDPOINT));
            traces = nonBlank(env.get(TRACES_ENDPOINT));
            if (logs == null && envBase != null) logs = signalUrl(envBase, "/v1/logs", grpc);
            if (traces == null && envBase != null) traces = signalUrl(envBase, "/v1/traces", grpc);
        }
        if (logs == null) return null;
        Map<String, String> common = keyValues(env, HEADERS, true);
        return new OtlpSettings(uri(logs, base != null ? "exporters.otlp.endpoint" : env.containsKey(LOGS_ENDPOINT) ? LOGS_ENDPOINT : ENDPOINT),
                traces == null ? null : uri(traces, base != null ? "exporters.otlp.endpoint" : env.containsKey(TRACES_ENDPOINT) ? TRACES_ENDPOINT : ENDPOINT),
                protocol, merge(common, keyValues(env, LOGS_HEADERS, true), config.headers()),
                merge(common, keyValues(env, TRACES_HEADERS, true), config.headers()), timeout,
                keyValues(env, RESOURCE_ATTRIBUTES, false));
    }

    /**
     * The config's protocol when it is not the default; otherwise {@code OTEL_EXPORTER_OTLP_LOGS_PROTOCOL},
     * then {@code OTEL_EXPORTER_OTLP_PROTOCOL} (one protocol serves both signals).
     */
    private static OtlpProtocol protocol(OtlpExporterConfig config, Map<String, String> env) {
        if (config.protocol() != OtlpExporterConfig.DEFAULT_PROTOCOL) return config.protocol();
        String name = nonBlank(env.get(LOGS_PROTOCOL)) != null ? LOGS_PROTOCOL : PROTOCOL;
        String value = nonBlank(env.get(name));
        if (value == null) return config.protocol();
        for (OtlpProtocol p : OtlpProtocol.values()) if (p.value().equals(value.strip())) return p;
        throw new IllegalArgumentException(name + ": expected http/protobuf or grpc" + (value.strip().equals("http/json")
                ? " (sidewatch does not export OTLP/JSON)" : "") + ", got " + value.strip());
    }

    /** The config's timeout when it is not the default; otherwise the OTEL variables, in milliseconds. */
    private static Duration timeout(OtlpExporterConfig config, Map<String, String> env) {
        if (!config.timeout().equals(OtlpExporterConfig.DEFAULT_TIMEOUT)) return config.timeout();
        String name = nonBlank(env.get(LOGS_TIMEOUT)) != null ? LOGS_TIMEOUT : TIMEOUT;
        String value = nonBlank(env.get(name));
        if (value == null) return config.timeout();
        try {
            long millis = Long.parseLong(value.strip());
            if (millis <= 0) throw new NumberFormatException();
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a positive number of milliseconds, got " + value.strip());
        }
    }

    private static String signalUrl(String base, String path, boolean grpc) {
        if (grpc) return base;
        return base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path;
    }

    private static URI uri(String value, String name) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException(name + ": expected an http:// or https:// URL, got " + value);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(name + ": not a URL: " + e.getReason());
        }
    }

    @SafeVarargs
    private static Map<String, String> merge(Map<String, String>... maps) {
        var out = new LinkedHashMap<String, String>();
        for (Map<String, String> m : maps) out.putAll(m);
        return out;
    }

    /** {@code k=v,k2=v2} with percent-encoded values (W3C Baggage style, as the OpenTelemetry variables use). */
    static Map<String, String> keyValues(Map<String, String> env, String name, boolean secret) {
        String text = env.get(name);
        var out = new LinkedHashMap<String, String>();
        if (text == null || text.isBlank()) return out;
        String[] entries = text.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i];
            if (entry.isBlank()) continue;
            int eq = entry.indexOf('=');
            if (eq <= 0 || entry.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException(name + ": expected key=value pairs separated by commas; entry " + (i + 1)
                        + " is not key=value" + (secret ? "" : ": " + entry.strip()));
            }
            out.put(percentDecode(entry.substring(0, eq).strip()), percentDecode(entry.substring(eq + 1).strip()));
        }
        return out;
    }

    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) return text;
        var out = new ByteArrayOutputStream(text.length());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hi = bytes[i] == '%' && i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(bytes[i + 2], 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
