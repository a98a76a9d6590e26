package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code levels}.
 *
 * @param fromStatus how an HTTP status changes an event's severity; default {@link FromStatus#MAX}
 */
public record LevelsConfig(FromStatus fromStatus) {

    /** {@link FromStatus#MAX}. */
    public static final FromStatus DEFAULT_FROM_STATUS = FromStatus.MAX;
    /** All defaults. */
    public static final LevelsConfig DEFAULT = new LevelsConfig(DEFAULT_FROM_STATUS);

    public LevelsConfig {
        Objects.requireNonNull(fromStatus, "fromStatus");
    }

    /** {@code from_status}. */
    public enum FromStatus {
        /** The more severe of the record's own level and the status level. */
        MAX,
        /** The status level replaces the record's own level. */
        OVERRIDE,
        /** The status never changes the level. */
        OFF
    }
}
