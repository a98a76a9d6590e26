package dev.sidewatch.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code receivers}.
 *
 * @param http  HTTP ingest; default {@link HttpReceiverConfig#DEFAULT}
 * @param tcp   TCP ingest; default {@link TcpReceiverConfig#DEFAULT}
 * @param files file tails; default none
 */
public record ReceiversConfig(HttpReceiverConfig http, TcpReceiverConfig tcp, List<FileReceiverConfig> files) {

    /** All defaults: HTTP and TCP on loopback, no files. */
    public static final ReceiversConfig DEFAULT =
            new ReceiversConfig(HttpReceiverConfig.DEFAULT, TcpReceiverConfig.DEFAULT, List.of());

    public ReceiversConfig {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tcp, "tcp");
        files = List.copyOf(files);
    }
}
