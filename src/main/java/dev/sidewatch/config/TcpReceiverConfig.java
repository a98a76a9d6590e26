package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code receivers.tcp}: newline-delimited JSON or text over TCP.
 *
 * @param listen address to listen on; default {@code 127.0.0.1:5170}
 */
public record TcpReceiverConfig(HostPort listen) {

    /** {@code 127.0.0.1:5170}. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 5170);
    /** All defaults. */
    public static final TcpReceiverConfig DEFAULT = new TcpReceiverConfig(DEFAULT_LISTEN);

    public TcpReceiverConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
