package dev.sidewatch.exporter.buffer;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter (each wait is uniform in {@code [0, min(max, initial × 2^n))},
 * as in the AWS architecture blog's "full jitter"), except that a peer's {@code Retry-After} is
 * honoured as given, up to {@link #maxRetryAfter()}. Immutable and thread-safe.
 *
 * @param initial       the ceiling of the first wait; default {@value #DEFAULT_INITIAL_MILLIS} ms
 * @param max           the largest ceiling; default {@value #DEFAULT_MAX_MILLIS} ms
 * @param maxRetryAfter the longest {@code Retry-After} obeyed; default {@value #DEFAULT_MAX_RETRY_AFTER_SECONDS} s
 */
public record RetryPolicy(Duration initial, Duration max, Duration maxRetryAfter) {
    /** 250 ms. */
    public static final long DEFAULT_INITIAL_MILLIS = 250;
    /** 30 s, the OpenTelemetry Collector's default {@code max_interval}. */
    public static final long DEFAULT_MAX_MILLIS = 30_000;
    /** 300 s. */
    public static final long DEFAULT_MAX_RETRY_AFTER_SECONDS = 300;
    /**
     * The defaults, with {@code max} overridable by the system property
     * {@code sidewatch.export.max_backoff} (a duration such as {@code 2s} or {@code 500ms}): a knob for
     * tests and for operators who know their collector restarts quickly.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(DEFAULT_INITIAL_MILLIS),
            systemMax(), Duration.ofSeconds(DEFAULT_MAX_RETRY_AFTER_SECONDS));

    public RetryPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 < initial <= max and maxRetryAfter >= 0");
        }
    }

    /**
     * The wait before retry number {@code attempt} (1 for the first retry).
     *
     * @param retryAfter the peer's {@code Retry-After}, or null
     * @param random     maps a bound {@code n > 0} to a uniform value in {@code [0, n)}
     */
    public Duration delay(int attempt, Duration retryAfter, LongUnaryOperator random) {
        if (retryAfter != null) return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        return Duration.ofNanos(random.applyAsLong(ceiling(attempt).toNanos()));
    }

    /** {@code min(max, initial × 2^(attempt-1))}: the bound the jittered wait is drawn below. */
    public Duration ceiling(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 40));
        long nanos = initial.toNanos();
        long maxNanos = max.toNanos();
        for (int i = 0; i < doublings && nanos < maxNanos; i++) nanos = Math.min(maxNanos, nanos * 2);
        return Duration.ofNanos(Math.min(nanos, maxNanos));
    }

    private static Duration systemMax() {
        String value = System.getProperty("sidewatch.export.max_backoff");
        Duration fallback = Duration.ofMillis(DEFAULT_MAX_MILLIS);
        if (value == null || value.isBlank()) return fallback;
        try {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            Duration d = v.endsWith("ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                    : v.endsWith("s") ? Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)))
                    : Duration.ofMillis(Long.parseLong(v));
            return d.toMillis() >= DEFAULT_INITIAL_MILLIS ? d : Duration.ofMillis(DEFAULT_INITIAL_MILLIS);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
