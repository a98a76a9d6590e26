package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code traces}.
 *
 * @param synthesize when to create a SERVER span for an HTTP request event; default
 *                   {@link Synthesize#AUTO}
 */
public record TracesConfig(Synthesize synthesize) {

    /** {@link Synthesize#AUTO}. */
    public static final Synthesize DEFAULT_SYNTHESIZE = Synthesize.AUTO;
    /** All defaults. */
    public static final TracesConfig DEFAULT = new TracesConfig(DEFAULT_SYNTHESIZE);

    public TracesConfig {
        Objects.requireNonNull(synthesize, "synthesize");
    }

    /** {@code synthesize}. */
    public enum Synthesize {
        /** For {@code http_request} events that have no span id of their own. */
        AUTO,
        /** For every {@code http_request} event. */
        ALWAYS,
        /** Never. */
        NEVER
    }
}
