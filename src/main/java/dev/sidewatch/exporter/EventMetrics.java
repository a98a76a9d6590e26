package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.telemetry.LabelCap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The metrics SPEC section 5 derives from normalised events: {@code sidewatch_events_total},
 * {@code sidewatch_permission_denials_total}, {@code sidewatch_auth_failures_total},
 * {@code sidewatch_http_requests_total}, the {@code sidewatch_http_request_duration_seconds} histogram
 * and the {@code sidewatch_permission_denial_spike} gauge. Every label value comes from a small fixed set
 * or is capped per metric at {@code maxSeries} label sets (see {@link LabelCap}). Thread-safe and
 * non-blocking; called once per event on whatever thread produced it.
 */
public final class EventMetrics {
    /**
     * Histogram buckets in seconds: the OpenTelemetry advisory boundaries for
     * {@code http.server.request.duration}, 5 ms to 10 s.
     */
    public static final double[] DURATION_BUCKETS_SECONDS =
            {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
    /** Label value for a missing permission type, source or HTTP method. */
    public static final String UNKNOWN = "unknown";

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private final LabelCap<Counter> events;
    private final LabelCap<Counter> denials;
    private final LabelCap<Counter> authFailures;
    private final LabelCap<Counter> httpRequests;
    private final LabelCap<Timer> httpDurations;
    private final LabelCap<String> spikeSeries;
    private final DenialSpikeDetector spikes;

    /**
     * Registers the meters and pre-registers at 0 every series of {@code defaultService} whose labels
     * are known in advance: events per severity and kind, auth failures, and the spike gauge.
     */
    public EventMetrics(MeterRegistry registry, int maxSeries, DenialSpikeDetector spikes, String defaultService) {
        this.spikes = spikes;
        events = new LabelCap<>(maxSeries, new boolean[]{true, false, false}, v -> Counter.builder("sidewatch.events")
                .description("Normalised events by service, severity and kind")
                .tags("service", v[0], "severity", v[1], "kind", v[2]).register(registry));
        denials = new LabelCap<>(maxSeries, new boolean[]{true, true, false}, v -> Counter.builder("sidewatch.permission.denials")
                .description("Permission denials by service, permission type and source")
                .tags("service", v[0], "permission", v[1], "source", v[2]).register(registry));
        authFailures = new LabelCap<>(maxSeries, new boolean[]{true}, v -> Counter.builder("sidewatch.auth.failures")
                .description("Authentication failures (401 responses, failed authentication events)")
                .tags("service", v[0]).register(registry));
        httpRequests = new LabelCap<>(maxSeries, new boolean[]{true, false, false}, v -> Counter.builder("sidewatch.http.requests")
                .description("Events carrying an HTTP status, by service, method and status class")
                .tags("service", v[0], "method", v[1], "status_class", v[2]).register(registry));
        Duration[] slos = new Duration[DURATION_BUCKETS_SECONDS.length];
        for (int i = 0; i < slos.length; i++) slos[i] = Duration.ofNanos(Math.round(DURATION_BUCKETS_SECONDS[i] * 1e9));
        httpDurations = new LabelCap<>(maxSeries, new boolean[]{true, false, false}, v -> Timer.builder("sidewatch.http.request.duration")
                .description("Duration of the requests that events report, by service, method and status class")
                .serviceLevelObjectives(slos)
                .tags("service", v[0], "method", v[1], "status_class", v[2]).register(registry));
        spikeSeries = new LabelCap<>(maxSeries, new boolean[]{true}, v -> {
            String service = v[0];
            Gauge.builder("sidewatch.permission.denial.spike", spikes, d -> d.value(service))
                    .description("1 while the service's permission denials spike above their usual rate, else 0")
                    .tags("service", service).register(registry);
            return service;
        });

        for (Severity severity : Severity.values()) {
            for (Kind kind : Kind.values()) events.get(defaultService, severity.name(), kind.wireName());
        }
        authFailures.get(defaultService);
        spikeSeries.get(defaultService);
    }

    /** Counts one event. */
    public void record(Event event) {
        String service = event.service() == null ? UNKNOWN : event.service();
        events.get(service, event.severity().name(), event.kind().wireName()).increment();
        if (event.permission() != null) {
            String type = orUnknown(event.permission().type());
            denials.get(service, type, orUnknown(event.permission().source())).increment();
            spikes.record(spikeSeries.get(service));
        }
        if (event.kind() == Kind.AUTH_FAILURE) authFailures.get(service).increment();
        Event.HttpInfo http = event.http();
        if (http != null && http.statusClass() != null) {
            String method = method(http.method());
            String statusClass = http.statusClass();
            httpRequests.get(service, method, statusClass).increment();
            // SPEC 5: the histogram counts every event with a status; one without a duration counts as 0 s
            double ms = http.durationMs() == null || !(http.durationMs() >= 0) ? 0 : http.durationMs();
            httpDurations.get(service, method, statusClass).record(Math.round(ms * 1_000_000), TimeUnit.NANOSECONDS);
        }
    }

    /** The method label: one of the nine standard methods, {@value #UNKNOWN} when absent, else {@code _other}. */
    static String method(String method) {
        if (method == null) return UNKNOWN;
        String upper = method.toUpperCase(Locale.ROOT);
        return METHODS.contains(upper) ? upper : LabelCap.OTHER;
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? UNKNOWN : value;
    }
}
