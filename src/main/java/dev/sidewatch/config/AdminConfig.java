package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code admin}: {@code /metrics}, {@code /healthz}, {@code /readyz}.
 *
 * @param listen address to listen on; default {@code 0.0.0.0:9464} so Prometheus can scrape it
 */
public record AdminConfig(HostPort listen) {

    /** {@code 0.0.0.0:9464}. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 9464);
    /** All defaults. */
    public static final AdminConfig DEFAULT = new AdminConfig(DEFAULT_LISTEN);

    public AdminConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
