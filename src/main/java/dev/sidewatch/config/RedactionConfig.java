package dev.sidewatch.config;

import java.util.List;

/**
 * {@code redaction}: what is replaced by {@code "[REDACTED]"} before export (SPEC section 4.5).
 *
 * @param enabled       default {@code true}
 * @param allowKeys     keys never redacted; default none
 * @param extraKeys     keys redacted in addition to the built-in list; default none
 * @param extraPatterns Java regular expressions; values they match are redacted; default none.
 *                      The loader has checked that each compiles.
 */
public record RedactionConfig(boolean enabled, List<String> allowKeys, List<String> extraKeys,
                              List<String> extraPatterns) {

    /** {@code true}. */
    public static final boolean DEFAULT_ENABLED = true;
    /** All defaults: on, built-in rules only. */
    public static final RedactionConfig DEFAULT = new RedactionConfig(DEFAULT_ENABLED, List.of(), List.of(), List.of());

    public RedactionConfig {
        allowKeys = List.copyOf(allowKeys);
        extraKeys = List.copyOf(extraKeys);
        extraPatterns = List.copyOf(extraPatterns);
    }
}
