package dev.sidewatch.exporter;

import dev.sidewatch.config.DenialSpikeConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides {@code sidewatch_permission_denial_spike{service}}: 1 while the denials of the last
 * {@code window} reach {@code min_count} and at least {@code factor} times the service's usual count
 * per window, else 0. "Usual" is the average count per window over up to {@value #HISTORY_WINDOWS}
 * earlier windows since the service's first denial; a service without that history has a usual count
 * of 0, so its first {@code min_count} denials within one window are a spike.
 *
 * <p>Counts live in {@value #BUCKETS_PER_WINDOW} buckets per window, so the window slides in steps of a
 * tenth of its length. The value is computed when read, so it falls back to 0 without new denials.
 * Thread-safe; the caller bounds the number of services (see {@link EventMetrics}).
 */
public final class DenialSpikeDetector {
    /** Buckets a window is divided into. */
    static final int BUCKETS_PER_WINDOW = 10;
    /** Earlier windows that make up the usual rate: with the default 5 minute window, one hour. */
    static final int HISTORY_WINDOWS = 12;

    private final long bucketMillis;
    private final long minCount;
    private final double factor;
    private final Clock clock;
    private final ConcurrentHashMap<String, Tracker> trackers = new ConcurrentHashMap<>();

    public DenialSpikeDetector(DenialSpikeConfig config, Clock clock) {
        this(config.window(), config.minCount(), config.factor(), clock);
    }

    DenialSpikeDetector(Duration window, long minCount, double factor, Clock clock) {
        this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS_PER_WINDOW);
        this.minCount = Math.max(1, minCount);
        this.factor = factor;
        this.clock = clock;
    }

    /** Counts one denial of {@code service} now. */
    public void record(String service) {
        trackers.computeIfAbsent(service, s -> new Tracker(bucket())).record(bucket());
    }

    /** 1 when {@code service} is in a denial spike now, else 0. */
    public int value(String service) {
        Tracker tracker = trackers.get(service);
        return tracker != null && tracker.spiking(bucket(), minCount, factor) ? 1 : 0;
    }

    private long bucket() {
        return Math.floorDiv(clock.millis(), bucketMillis);
    }

    private static final class Tracker {
        private final long[] counts = new long[BUCKETS_PER_WINDOW * (HISTORY_WINDOWS + 1)];
        private final long firstBucket;
        private long lastBucket;

        Tracker(long now) {
            firstBucket = now;
            lastBucket = now;
        }

        synchronized void record(long now) {
            advance(now);
            counts[index(now)]++;
        }

        synchronized boolean spiking(long now, long minCount, double factor) {
            advance(now);
            long current = 0;
            for (long b = now - BUCKETS_PER_WINDOW + 1; b <= now; b++) current += counts[index(b)];
            if (current < minCount) return false;
            long oldest = Math.max(firstBucket, now - counts.length + 1);
            long historyBuckets = now - BUCKETS_PER_WINDOW + 1 - oldest;
            if (historyBuckets < BUCKETS_PER_WINDOW) return true;
            long history = 0;
            for (long b = oldest; b <= now - BUCKETS_PER_WINDOW; b++) history += counts[index(b)];
            double usualPerWindow = history * (double) BUCKETS_PER_WINDOW / historyBuckets;
            return current >= factor * usualPerWindow;
        }

        private void advance(long now) {
            if (now <= lastBucket) return;
            long from = Math.max(lastBucket + 1, now - counts.length + 1);
            for (long b = from; b <= now; b++) counts[index(b)] = 0;
            lastBucket = now;
        }

        private int index(long bucket) {
            return (int) Math.floorMod(bucket, (long) counts.length);
        }
    }
}
