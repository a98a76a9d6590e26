package dev.sidewatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Event.EventInfo;
import dev.sidewatch.event.Event.HttpInfo;
import dev.sidewatch.event.Event.PermissionInfo;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventMetricsTest {

    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final DenialSpikeDetector spikes = new DenialSpikeDetector(Duration.ofMinutes(5), 10, 3, Clock.systemUTC());
    private final EventMetrics metrics = prometheus.events(spikes, "api");

    @AfterEach
    void close() {
        prometheus.close();
    }

    static Event event(String service, Severity severity, Kind kind, HttpInfo http, PermissionInfo permission, EventInfo info) {
        return new Event(null, Instant.EPOCH, service, severity, severity.number(), kind, "m", null, null, http, permission,
                null, info, null, null, null);
    }

    private Scrape scrape() {
        return new Scrape(prometheus.scrape());
    }

    @Test
    void defaultServiceSeries_arePreRegisteredAtZero() {
        Scrape s = scrape();
        assertThat(s.series("sidewatch_events_total")).hasSize(Severity.values().length * Kind.values().length)
                .allSatisfy((series, value) -> assertThat(value).isZero());
        assertThat(s.value("sidewatch_auth_failures_total", "service", "api")).isZero();
        assertThat(s.value("sidewatch_permission_denial_spike", "service", "api")).isZero();
    }

    @Test
    void event_countsByServiceSeverityAndKind() {
        metrics.record(event("web", Severity.WARN, Kind.LOG, null, null, null));
        metrics.record(event("web", Severity.WARN, Kind.LOG, null, null, null));
        assertThat(scrape().value("sidewatch_events_total", "service", "web", "severity", "WARN", "kind", "log")).isEqualTo(2.0);
    }

    @Test
    void forbiddenRequest_isBothARequestAndADenial() {
        var http = new HttpInfo("get", "/secret", null, 403, 3.0, null, null);
        metrics.record(event("api", Severity.WARN, Kind.PERMISSION_DENIED, http, new PermissionInfo("http.forbidden", "/secret", "http"), null));
        Scrape s = scrape();
        assertThat(s.value("sidewatch_http_requests_total", "service", "api", "method", "GET", "status_class", "4xx")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_permission_denials_total", "service", "api", "permission", "http.forbidden", "source", "http")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_http_request_duration_seconds_count", "service", "api", "method", "GET", "status_class", "4xx")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_http_request_duration_seconds_bucket", "service", "api", "method", "GET", "status_class", "4xx", "le", "0.005")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_http_request_duration_seconds_sum", "service", "api", "method", "GET", "status_class", "4xx")).isEqualTo(0.003);
    }

    @Test
    void histogram_hasTheOtelAdvisoryBuckets() {
        metrics.record(event("api", Severity.INFO, Kind.HTTP_REQUEST, new HttpInfo("GET", "/", null, 200, 80.0, null, null), null, null));
        Scrape s = scrape();
        assertThat(s.type("sidewatch_http_request_duration_seconds")).isEqualTo("histogram");
        assertThat(s.series("sidewatch_http_request_duration_seconds_bucket").keySet())
                .extracting(series -> series.replaceAll(".*le=\"([^\"]+)\".*", "$1"))
                .containsExactlyInAnyOrder("0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.25", "0.5", "0.75",
                        "1.0", "2.5", "5.0", "7.5", "10.0", "+Inf");
        assertThat(s.value("sidewatch_http_request_duration_seconds_bucket", "service", "api", "method", "GET", "status_class", "2xx", "le", "0.075")).isZero();
        assertThat(s.value("sidewatch_http_request_duration_seconds_bucket", "service", "api", "method", "GET", "status_class", "2xx", "le", "0.1")).isEqualTo(1.0);
    }

    @Test
    void statusWithoutDuration_countsInTheHistogramAsZeroSeconds() {
        metrics.record(event("api", Severity.ERROR, Kind.HTTP_REQUEST, new HttpInfo("POST", "/", null, 503, null, null, null), null, null));
        Scrape s = scrape();
        assertThat(s.value("sidewatch_http_request_duration_seconds_count", "service", "api", "method", "POST", "status_class", "5xx")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_http_request_duration_seconds_sum", "service", "api", "method", "POST", "status_class", "5xx")).isZero();
    }

    @Test
    void unknownPermissionType_isLabelledUnknown() {
        metrics.record(event("api", Severity.WARN, Kind.PERMISSION_DENIED, null, new PermissionInfo(null, null, "node"), null));
        assertThat(scrape().value("sidewatch_permission_denials_total", "service", "api", "permission", "unknown", "source", "node")).isEqualTo(1.0);
    }

    @Test
    void methodLabel_isOneOfTheStandardMethods() {
        assertThat(EventMetrics.method("get")).isEqualTo("GET");
        assertThat(EventMetrics.method("PURGE")).isEqualTo("_other");
        assertThat(EventMetrics.method(null)).isEqualTo("unknown");
    }

    @Test
    void authFailure_countsPerService() {
        metrics.record(event("api", Severity.WARN, Kind.AUTH_FAILURE, null, null, new EventInfo("authentication", "authFailed", "failure", null)));
        assertThat(scrape().value("sidewatch_auth_failures_total", "service", "api")).isEqualTo(1.0);
    }

    @Test
    void tenDenialsInAWindow_raiseTheSpikeGauge() {
        for (int i = 0; i < 10; i++) {
            metrics.record(event("api", Severity.WARN, Kind.PERMISSION_DENIED, null, new PermissionInfo("FileSystemRead", "/etc/passwd", "node"), null));
        }
        assertThat(scrape().value("sidewatch_permission_denial_spike", "service", "api")).isEqualTo(1.0);
    }

    @Test
    void tenThousandServicesAndPermissions_stayWithinMaxSeries_andFoldIntoOther() {
        try (var small = new PrometheusMetrics(100)) {
            EventMetrics capped = small.events(spikes, "api");
            for (int i = 0; i < 10_000; i++) {
                var http = new HttpInfo("GET", "/p" + i, null, 200, 1.0, null, null);
                capped.record(event("svc-" + i, Severity.INFO, Kind.HTTP_REQUEST, http, null, null));
                capped.record(event("svc-" + i, Severity.WARN, Kind.PERMISSION_DENIED, null,
                        new PermissionInfo("perm-" + i, "/r" + i, "app"), null));
            }
            Scrape s = new Scrape(small.scrape());
            for (String metric : new String[]{"sidewatch_events_total", "sidewatch_permission_denials_total",
                    "sidewatch_http_requests_total", "sidewatch_http_request_duration_seconds_count",
                    "sidewatch_permission_denial_spike"}) {
                assertThat(s.series(metric)).as(metric).hasSizeLessThanOrEqualTo(100);
            }
            double denials = s.series("sidewatch_permission_denials_total").values().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(denials).isEqualTo(10_000.0);
            int kept = s.series("sidewatch_permission_denials_total").size() - 1;
            assertThat(s.value("sidewatch_permission_denials_total", "service", "_other", "permission", "_other", "source", "app"))
                    .isEqualTo(10_000.0 - kept);
            double requests = s.series("sidewatch_http_requests_total").values().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(requests).isEqualTo(10_000.0);
            assertThat(s.value("sidewatch_http_requests_total", "service", "_other", "method", "GET", "status_class", "2xx")).isPositive();
            double events = s.series("sidewatch_events_total").values().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(events).isEqualTo(20_000.0);
            assertThat(s.value("sidewatch_permission_denial_spike", "service", "_other")).isEqualTo(1.0);
        }
    }
}
