package dev.sidewatch.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One receiver's counters (SPEC 5): {@code sidewatch_received_records_total{receiver}},
 * {@code sidewatch_received_bytes_total{receiver}} and
 * {@code sidewatch_rejected_records_total{receiver,reason}}, all registered at 0 up front with the
 * receiver's fixed set of reasons. Thread-safe.
 */
public final class ReceiverMetrics {
    private final Counter records;
    private final Counter bytes;
    private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Counter otherReason;

    public ReceiverMetrics(MeterRegistry registry, String receiver, Collection<String> reasons) {
        records = Counter.builder("sidewatch.received.records").description("Records accepted by a receiver")
                .tags("receiver", receiver).register(registry);
        bytes = Counter.builder("sidewatch.received.bytes").description("Bytes read by a receiver").baseUnit("bytes")
                .tags("receiver", receiver).register(registry);
        for (String reason : reasons) rejected.put(reason, rejectedCounter(registry, receiver, reason));
        otherReason = rejectedCounter(registry, receiver, LabelCap.OTHER);
    }

    private static Counter rejectedCounter(MeterRegistry registry, String receiver, String reason) {
        return Counter.builder("sidewatch.rejected.records")
                .description("Records or requests a receiver rejected or could not parse, by bounded reason")
                .tags("receiver", receiver, "reason", reason).register(registry);
    }

    /** Counts {@code n} records handed downstream. */
    public void records(long n) {
        records.increment(n);
    }

    /** Counts {@code n} bytes read. */
    public void bytes(long n) {
        bytes.increment(n);
    }

    /** Counts one rejection; a reason outside the receiver's fixed set counts as {@code _other}. */
    public void rejected(String reason) {
        rejected.getOrDefault(reason, otherReason).increment();
    }
}
