package dev.sidewatch.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * {@code exporters.otlp}.
 *
 * @param endpoint collector base URL ({@code http://collector:4318}), or {@code null} (the
 *                 default) to use {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * @param protocol default {@link OtlpProtocol#HTTP_PROTOBUF}
 * @param headers  extra request headers, such as {@code Authorization}; default none
 * @param timeout  per export request; default 10 seconds
 */
public record OtlpExporterConfig(String endpoint, OtlpProtocol protocol, Map<String, String> headers,
                                 Duration timeout) {

    /** {@code null}: fall back to {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    public static final String DEFAULT_ENDPOINT = null;
    /** {@link OtlpProtocol#HTTP_PROTOBUF}. */
    public static final OtlpProtocol DEFAULT_PROTOCOL = OtlpProtocol.HTTP_PROTOBUF;
    /** 10 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** All defaults. */
    public static final OtlpExporterConfig DEFAULT =
            new OtlpExporterConfig(DEFAULT_ENDPOINT, DEFAULT_PROTOCOL, Map.of(), DEFAULT_TIMEOUT);

    public OtlpExporterConfig {
        Objects.requireNonNull(protocol, "protocol");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Header values are often credentials: only their names are printed. */
    @Override
    public String toString() {
        return "OtlpExporterConfig[endpoint=" + endpoint + ", protocol=" + protocol.value()
                + ", headers=" + headers.keySet() + ", timeout=" + timeout + "]";
    }

    /** {@code protocol}, spelled as in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
    public enum OtlpProtocol {
        /** {@code http/protobuf}. */
        HTTP_PROTOBUF("http/protobuf"),
        /** {@code grpc}. */
        GRPC("grpc");

        private final String value;

        OtlpProtocol(String value) {
            this.value = value;
        }

        /** The spelling used in the config: {@code http/protobuf} or {@code grpc}. */
        public String value() {
            return value;
        }
    }
}
