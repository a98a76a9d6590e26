package dev.sidewatch.exporter;

import dev.sidewatch.config.DenialSpikeConfig;
import dev.sidewatch.telemetry.LabelCap;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>SPEC 5's spike events are reported as {@link Transition}s, once per change of a service's state:
 * {@link #record} returns the start a denial causes, {@link #transitions} every change since the last
 * report (called periodically, it finds the spikes that ended with time). Thread-safe; the caller
 * bounds the number of services (see {@link EventMetrics}).
 */
public final class DenialSpikeDetector {
    /** Buckets a window is divided into. */
    static final int BUCKETS_PER_WINDOW = 10;
    /** Earlier windows that make up the usual rate: with the default 5 minute window, one hour. */
    static final int HISTORY_WINDOWS = 12;
    /** Most permission types told apart per service for {@link Transition#topPermissions}; more are {@code _other}. */
    static final int MAX_PERMISSION_TYPES = 16;
    /** How many permission types a transition names. */
    static final int TOP_PERMISSIONS = 3;

    /**
     * A service's spike started ({@code started}) or ended.
     *
     * @param denials        the service's denials in the current window
     * @param baseline       its usual count per window (0 without a window of history)
     * @param topPermissions the most denied permission types of the current window, most first
     */
    public record Transition(String service, boolean started, long denials, double baseline, Duration window,
                             List<String> topPermissions) {
    }

    private final Duration window;
    private final long bucketMillis;
    private final long minCount;
    private final double factor;
    private final Clock clock;
    private final ConcurrentHashMap<String, Tracker> trackers = new ConcurrentHashMap<>();

    public DenialSpikeDetector(DenialSpikeConfig config, Clock clock) {
        this(config.window(), config.minCount(), config.factor(), clock);
    }

    DenialSpikeDetector(Duration window, long minCount, double factor, Clock clock) {
        this.window = window;
        this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS_PER_WINDOW);
        this.minCount = Math.max(1, minCount);
        this.factor = factor;
        this.clock = clock;
    }

    /**
     * Counts one denial of {@code service} now, of permission {@code type}; returns the start of a spike
     * when this denial begins one (and it was not reported yet), else null.
     */
    public Transition record(String service, String type) {
        long now = bucket();
        Tracker tracker = trackers.computeIfAbsent(service, s -> new Tracker(now));
        return tracker.record(now, type) ? tracker.transition(service, now, true, minCount, factor, window) : null;
    }

    /** Every service whose state changed since it was last reported: spikes that started or ended. */
    public List<Transition> transitions() {
        long now = bucket();
        var result = new ArrayList<Transition>();
        trackers.forEach((service, tracker) -> {
            Transition t = tracker.transition(service, now, false, minCount, factor, window);
            if (t != null) result.add(t);
        });
        return result;
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
        private boolean reportedSpiking;
        /** Per permission type, counts by bucket of the current window: slot b % BUCKETS_PER_WINDOW holds bucket bucketOf[slot]. */
        private final Map<String, long[][]> types = new HashMap<>();

        Tracker(long now) {
            firstBucket = now;
            lastBucket = now;
        }

        /** Counts a denial; true when it may have started a spike that is not reported yet. */
        synchronized boolean record(long now, String type) {
            advance(now);
            counts[index(now)]++;
            String key = types.containsKey(type) || types.size() < MAX_PERMISSION_TYPES - 1 ? type : LabelCap.OTHER;
            long[][] slots = types.computeIfAbsent(key, k -> {
                long[] bucketOf = new long[BUCKETS_PER_WINDOW];
                Arrays.fill(bucketOf, Long.MIN_VALUE);
                return new long[][]{new long[BUCKETS_PER_WINDOW], bucketOf};
            });
            int slot = (int) Math.floorMod(now, (long) BUCKETS_PER_WINDOW);
            if (slots[1][slot] != now) {
                slots[0][slot] = 0;
                slots[1][slot] = now;
            }
            slots[0][slot]++;
            return !reportedSpiking;
        }

        synchronized boolean spiking(long now, long minCount, double factor) {
            advance(now);
            long current = current(now);
            return current >= minCount && current >= factor * baseline(now);
        }

        /** The change of state since the last report, or null; {@code startsOnly}: report no end. */
        synchronized Transition transition(String service, long now, boolean startsOnly, long minCount, double factor,
                                           Duration window) {
            boolean spiking = spiking(now, minCount, factor);
            if (spiking == reportedSpiking || (startsOnly && !spiking)) return null;
            reportedSpiking = spiking;
            return new Transition(service, spiking, current(now), baseline(now), window, topPermissions(now));
        }

        private long current(long now) {
            long current = 0;
            for (long b = now - BUCKETS_PER_WINDOW + 1; b <= now; b++) current += counts[index(b)];
            return current;
        }

        /** The usual count per window; 0 without a full window of history. */
        private double baseline(long now) {
            long oldest = Math.max(firstBucket, now - counts.length + 1);
            long historyBuckets = now - BUCKETS_PER_WINDOW + 1 - oldest;
            if (historyBuckets < BUCKETS_PER_WINDOW) return 0;
            long history = 0;
            for (long b = oldest; b <= now - BUCKETS_PER_WINDOW; b++) history += counts[index(b)];
            return history * (double) BUCKETS_PER_WINDOW / historyBuckets;
        }

        private List<String> topPermissions(long now) {
            var inWindow = new HashMap<String, Long>();
            types.forEach((type, slots) -> {
                long n = 0;
                for (int i = 0; i < BUCKETS_PER_WINDOW; i++) if (slots[1][i] > now - BUCKETS_PER_WINDOW) n += slots[0][i];
                if (n > 0) inWindow.put(type, n);
            });
            return inWindow.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(TOP_PERMISSIONS).map(Map.Entry::getKey).toList();
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
