package dev.sidewatch.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code denial_spike}: when {@code sidewatch_permission_denial_spike} goes to 1.
 *
 * @param window   length of the window denials are counted in; default 5 minutes
 * @param minCount fewest denials in a window that can be a spike; default 10
 * @param factor   how many times the usual rate a window must reach to be a spike; default 3
 */
public record DenialSpikeConfig(Duration window, long minCount, double factor) {

    /** 5 minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** 10. */
    public static final long DEFAULT_MIN_COUNT = 10;
    /** 3. */
    public static final double DEFAULT_FACTOR = 3;
    /** All defaults. */
    public static final DenialSpikeConfig DEFAULT =
            new DenialSpikeConfig(DEFAULT_WINDOW, DEFAULT_MIN_COUNT, DEFAULT_FACTOR);

    public DenialSpikeConfig {
        Objects.requireNonNull(window, "window");
    }
}
