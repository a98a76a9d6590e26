package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code exporters.stdout}: normalised events as JSON lines on standard output.
 *
 * @param enabled default {@link Toggle#AUTO}: on exactly when there is no OTLP endpoint
 */
public record StdoutExporterConfig(Toggle enabled) {

    /** {@link Toggle#AUTO}. */
    public static final Toggle DEFAULT_ENABLED = Toggle.AUTO;
    /** All defaults. */
    public static final StdoutExporterConfig DEFAULT = new StdoutExporterConfig(DEFAULT_ENABLED);

    public StdoutExporterConfig {
        Objects.requireNonNull(enabled, "enabled");
    }

    /** {@code auto}, {@code true} or {@code false}. */
    public enum Toggle { AUTO, TRUE, FALSE }
}
