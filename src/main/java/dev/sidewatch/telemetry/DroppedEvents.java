package dev.sidewatch.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code sidewatch_dropped_events_total{reason}} (SPEC 5): events lost after a receiver accepted them,
 * zero in normal operation. The two reasons every sidecar can hit are registered at 0 up front; an
 * exporter adds its own (the durable buffer's {@code dead_letter}, {@code buffer_damaged}). Thread-safe.
 */
public final class DroppedEvents {
    /** An exporter refused an event past its hard limit (a producer ignored back-pressure). */
    public static final String BUFFER_OVERFLOW = "buffer_overflow";
    /** Events still buffered when {@code shutdown.timeout} ran out. */
    public static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";

    private final LabelCap<Counter> dropped;

    /** @param maxSeries {@code metrics.max_series}: reasons kept */
    public DroppedEvents(MeterRegistry registry, int maxSeries) {
        dropped = new LabelCap<>(maxSeries, new boolean[]{true}, v -> Counter.builder("sidewatch.dropped.events")
                .description("Events lost after a receiver accepted them, by reason (zero in normal operation)")
                .tags("reason", v[0]).register(registry));
        dropped.get(BUFFER_OVERFLOW);
        dropped.get(SHUTDOWN_TIMEOUT);
    }

    /** Counts {@code n} events lost for {@code reason}. */
    public void dropped(String reason, long n) {
        if (n > 0) dropped.get(reason).increment(n);
    }
}
