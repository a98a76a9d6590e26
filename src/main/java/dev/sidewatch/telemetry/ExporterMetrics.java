package dev.sidewatch.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.LongSupplier;

/**
 * One exporter's meters (SPEC 5): {@code sidewatch_exported_total{exporter,signal}},
 * {@code sidewatch_export_failures_total{exporter,signal}} for the {@code logs} signal (and the
 * {@code traces} signal for an exporter that sends spans), and the
 * {@code sidewatch_buffer_events{exporter}} / {@code sidewatch_buffer_bytes{exporter}} gauges read
 * from its queue or buffer. Thread-safe.
 */
public final class ExporterMetrics {
    private final Counter exported;
    private final Counter failures;
    private final Counter spansExported;
    private final Counter spansFailed;

    /** @param bufferedEvents and {@code bufferedBytes}: what the buffer gauges read (memory and disk for the durable buffer) */
    public ExporterMetrics(MeterRegistry registry, String exporter, LongSupplier bufferedEvents, LongSupplier bufferedBytes, boolean traces) {
        exported = exportedCounter(registry, exporter, "logs");
        failures = failuresCounter(registry, exporter, "logs");
        spansExported = traces ? exportedCounter(registry, exporter, "traces") : null;
        spansFailed = traces ? failuresCounter(registry, exporter, "traces") : null;
        // strong references: the suppliers are often lambdas held by nothing else, and a gauge's weak one would read NaN
        Gauge.builder("sidewatch.buffer.events", bufferedEvents, s -> s.getAsLong()).strongReference(true)
                .description("Events waiting in an exporter's buffer").tags("exporter", exporter).register(registry);
        Gauge.builder("sidewatch.buffer.bytes", bufferedBytes, s -> s.getAsLong()).strongReference(true)
                .description("Bytes of the events waiting in an exporter's buffer (input bytes in memory, record bytes on disk)")
                .tags("exporter", exporter).register(registry);
    }

    private static Counter exportedCounter(MeterRegistry registry, String exporter, String signal) {
        return Counter.builder("sidewatch.exported").description("Records an exporter delivered")
                .tags("exporter", exporter, "signal", signal).register(registry);
    }

    private static Counter failuresCounter(MeterRegistry registry, String exporter, String signal) {
        return Counter.builder("sidewatch.export.failures").description("Records an exporter failed to deliver")
                .tags("exporter", exporter, "signal", signal).register(registry);
    }

    /** Counts {@code n} spans delivered; nothing for an exporter without the traces signal. */
    public void exportedSpans(long n) {
        if (spansExported != null && n > 0) spansExported.increment(n);
    }

    /** Counts {@code n} spans that could not be delivered. */
    public void failedSpans(long n) {
        if (spansFailed != null && n > 0) spansFailed.increment(n);
    }

    public void exported(long n) {
        exported.increment(n);
    }

    public void failed(long n) {
        failures.increment(n);
    }
}
