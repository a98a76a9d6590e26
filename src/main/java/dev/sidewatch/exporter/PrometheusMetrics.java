package dev.sidewatch.exporter;

import dev.sidewatch.telemetry.DroppedEvents;
import dev.sidewatch.telemetry.ExporterMetrics;
import dev.sidewatch.telemetry.LabelCap;
import dev.sidewatch.telemetry.ReceiverMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The Prometheus exporter: one {@link PrometheusMeterRegistry} holding every metric of SPEC section 5
 * plus JVM and process metrics, rendered by {@link #scrape()} for {@code GET /metrics}. Meters are
 * named with dots and the registry's naming convention adds the Prometheus suffixes
 * ({@code sidewatch.events} → {@code sidewatch_events_total}). Components get their meters from
 * here: {@link #receiver}, {@link #exporter}, {@link #events}. Thread-safe.
 */
public final class PrometheusMetrics implements AutoCloseable {
    /** {@code text/plain; version=0.0.4; charset=utf-8}, the Prometheus text format {@link #scrape()} renders. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Rule names the redactor reports (SPEC 4.5); registered at 0. */
    public static final List<String> REDACTION_RULES =
            List.of("key", "jwt", "bearer", "aws_access_key", "pem_private_key", "extra_pattern");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final int maxSeries;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final LabelCap<Counter> redactions;
    private final DroppedEvents dropped;

    /** @param maxSeries {@code metrics.max_series}: label sets kept per metric */
    public PrometheusMetrics(int maxSeries) {
        this.maxSeries = maxSeries;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ProcessMemoryMetrics().bindTo(registry);
        redactions = new LabelCap<>(maxSeries, new boolean[]{true}, v -> Counter.builder("sidewatch.redactions")
                .description("Values replaced by [REDACTED], by rule").tags("rule", v[0]).register(registry));
        dropped = new DroppedEvents(registry, maxSeries);
        REDACTION_RULES.forEach(redactions::get);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The counters of one receiver, with its fixed set of rejection reasons registered at 0. */
    public ReceiverMetrics receiver(String name, Collection<String> reasons) {
        return new ReceiverMetrics(registry, name, reasons);
    }

    /** The counters and buffer gauges of one exporter. */
    public ExporterMetrics exporter(String name, ExportQueue queue) {
        return new ExporterMetrics(registry, name, queue::size, queue::bytes, false);
    }

    /** The counters of an exporter that sends spans as well: the {@code traces} signal too. */
    public ExporterMetrics exporterWithTraces(String name, ExportQueue queue) {
        return new ExporterMetrics(registry, name, queue::size, queue::bytes, true);
    }

    /**
     * The counters of an exporter behind the durable buffer, whose gauges read the buffer (memory and
     * disk) rather than a queue; with the {@code traces} signal when {@code traces}.
     */
    public ExporterMetrics bufferedExporter(String name, LongSupplier bufferedEvents, LongSupplier bufferedBytes, boolean traces) {
        return new ExporterMetrics(registry, name, bufferedEvents, bufferedBytes, traces);
    }

    /** The event-derived metrics; see {@link EventMetrics}. */
    public EventMetrics events(DenialSpikeDetector spikes, String defaultService) {
        return new EventMetrics(registry, maxSeries, spikes, defaultService);
    }

    /** Counts one redaction; the normaliser's {@code onRedact} listener. */
    public void redacted(String rule) {
        redactions.get(rule).increment();
    }

    /** Counts {@code n} events lost for {@code reason}; see {@link DroppedEvents}. */
    public void dropped(String reason, long n) {
        dropped.dropped(reason, n);
    }

    /** The Prometheus text format; takes a few milliseconds, so call it off the event loop. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
