package dev.sidewatch.exporter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One exporter's meters (SPEC 5): {@code sidewatch_exported_total{exporter,signal}},
 * {@code sidewatch_export_failures_total{exporter,signal}} for the {@code logs} signal, and the
 * {@code sidewatch_buffer_events{exporter}} / {@code sidewatch_buffer_bytes{exporter}} gauges read
 * from its queue. Thread-safe.
 */
public final class ExporterMetrics {
    private final Counter exported;
    private final Counter failures;

    ExporterMetrics(MeterRegistry registry, String exporter, ExportQueue queue) {
        exported = Counter.builder("sidewatch.exported").description("Records an exporter delivered")
                .tags("exporter", exporter, "signal", "logs").register(registry);
        failures = Counter.builder("sidewatch.export.failures").description("Records an exporter failed to deliver")
                .tags("exporter", exporter, "signal", "logs").register(registry);
        Gauge.builder("sidewatch.buffer.events", queue, ExportQueue::size)
                .description("Events waiting in an exporter's buffer").tags("exporter", exporter).register(registry);
        Gauge.builder("sidewatch.buffer.bytes", queue, ExportQueue::bytes)
                .description("Approximate input bytes of the events waiting in an exporter's buffer")
                .tags("exporter", exporter).register(registry);
    }

    public void exported(long n) {
        exported.increment(n);
    }

    public void failed(long n) {
        failures.increment(n);
    }
}
