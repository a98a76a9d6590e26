package dev.sidewatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code shutdown}.
 *
 * @param timeout how long SIGTERM/SIGINT may spend flushing before what is left is persisted;
 *                default 10 seconds
 */
public record ShutdownConfig(Duration timeout) {

    /** 10 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** All defaults. */
    public static final ShutdownConfig DEFAULT = new ShutdownConfig(DEFAULT_TIMEOUT);

    public ShutdownConfig {
        Objects.requireNonNull(timeout, "timeout");
    }
}
