package dev.sidewatch.telemetry;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One metric's label sets, at most {@code maxSeries} of them (SPEC 5). A new label set is admitted
 * while there is room; after that its unbounded labels (service, permission, method) are folded into
 * {@value #OTHER} while the bounded ones (severity, kind, source, status class) are kept. A tenth of
 * the cap (at most {@value #MAX_FOLD_RESERVE} sets) is kept free for those folded sets, and the last
 * slot for the set with every label {@value #OTHER}, so the metric never exceeds the cap. Thread-safe;
 * lookups of known sets take no lock.
 *
 * @param <M> the meter kept per label set
 */
public final class LabelCap<M> {
    public static final String OTHER = "_other";
    /** Most label sets kept free for folded sets. */
    static final int MAX_FOLD_RESERVE = 64;

    private final int maxSeries;
    private final int admitLimit;
    private final boolean[] foldable;
    private final Function<String[], M> factory;
    private final ConcurrentHashMap<List<String>, M> series = new ConcurrentHashMap<>();

    /**
     * @param maxSeries at least 1
     * @param foldable  per label, whether its values are unbounded and fold into {@value #OTHER} first
     * @param factory   registers the meter for one label set (values in label order)
     */
    public LabelCap(int maxSeries, boolean[] foldable, Function<String[], M> factory) {
        this(maxSeries, foldReserve(maxSeries, foldable), foldable, factory);
    }

    LabelCap(int maxSeries, int foldReserve, boolean[] foldable, Function<String[], M> factory) {
        if (maxSeries < 1) throw new IllegalArgumentException("maxSeries must be at least 1, got " + maxSeries);
        this.maxSeries = maxSeries;
        this.admitLimit = maxSeries - 1 - foldReserve;
        this.foldable = foldable.clone();
        this.factory = factory;
    }

    /** The meter for these label values, or for their folded set when the cap is reached. */
    public M get(String... values) {
        if (values.length != foldable.length) {
            throw new IllegalArgumentException("expected " + foldable.length + " label values, got " + values.length);
        }
        List<String> key = Arrays.asList(values);
        M meter = series.get(key);
        if (meter != null) return meter;
        if (series.size() < admitLimit) {
            meter = admit(key, values, admitLimit);
            if (meter != null) return meter;
        }
        String[] folded = values.clone();
        for (int i = 0; i < folded.length; i++) if (foldable[i]) folded[i] = OTHER;
        List<String> foldedKey = Arrays.asList(folded);
        meter = series.get(foldedKey);
        if (meter != null) return meter;
        meter = admit(foldedKey, folded, maxSeries - 1);
        if (meter != null) return meter;
        String[] all = new String[values.length];
        Arrays.fill(all, OTHER);
        return admit(Arrays.asList(all), all, maxSeries);
    }

    /** Room for folded sets: only worth it when some labels are kept, i.e. some are bounded. */
    private static int foldReserve(int maxSeries, boolean[] foldable) {
        boolean anyBounded = false;
        for (boolean f : foldable) anyBounded |= !f;
        return anyBounded ? Math.min(MAX_FOLD_RESERVE, (maxSeries - 1) / 10) : 0;
    }

    /** Number of label sets registered. */
    int size() {
        return series.size();
    }

    /** Registers the set if fewer than {@code limit} sets exist; null otherwise. */
    private synchronized M admit(List<String> key, String[] values, int limit) {
        M existing = series.get(key);
        if (existing != null) return existing;
        if (series.size() >= limit) return null;
        M meter = factory.apply(values.clone());
        series.put(key, meter);
        return meter;
    }
}
