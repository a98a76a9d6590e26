package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code receivers.http}: OTLP and NDJSON ingest over HTTP.
 *
 * @param listen       address to listen on; default {@code 127.0.0.1:4318}
 * @param authToken    bearer token every request must carry, or {@code null} (the default) for none
 * @param maxBodyBytes largest accepted request body, larger ones get 413; default 8388608 (8 MiB)
 */
public record HttpReceiverConfig(HostPort listen, String authToken, long maxBodyBytes) {

    /** {@code 127.0.0.1:4318}. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 4318);
    /** {@code null}: no token required. */
    public static final String DEFAULT_AUTH_TOKEN = null;
    /** 8388608 bytes (8 MiB). */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
    /** All defaults. */
    public static final HttpReceiverConfig DEFAULT =
            new HttpReceiverConfig(DEFAULT_LISTEN, DEFAULT_AUTH_TOKEN, DEFAULT_MAX_BODY_BYTES);

    public HttpReceiverConfig {
        Objects.requireNonNull(listen, "listen");
    }

    /** The token is a secret: never printed. */
    @Override
    public String toString() {
        return "HttpReceiverConfig[listen=" + listen + ", authToken=" + (authToken == null ? "null" : "***")
                + ", maxBodyBytes=" + maxBodyBytes + "]";
    }
}
