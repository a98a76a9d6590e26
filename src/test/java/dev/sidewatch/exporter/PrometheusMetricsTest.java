package dev.sidewatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    @Test
    void everySpecMetric_isExposedWithItsTypeAndLabels_atZero() {
        try (var prometheus = new PrometheusMetrics(2000)) {
            prometheus.events(new DenialSpikeDetector(Duration.ofMinutes(5), 10, 3, Clock.systemUTC()), "api");
            prometheus.receiver("http", List.of("invalid_json"));
            prometheus.exporter("stdout", new ExportQueue());
            Scrape s = new Scrape(prometheus.scrape());

            assertThat(s.type("sidewatch_events_total")).isEqualTo("counter");
            assertThat(s.value("sidewatch_events_total", "service", "api", "severity", "INFO", "kind", "log")).isZero();
            assertThat(s.type("sidewatch_auth_failures_total")).isEqualTo("counter");
            assertThat(s.type("sidewatch_permission_denial_spike")).isEqualTo("gauge");
            assertThat(s.value("sidewatch_received_records_total", "receiver", "http")).isZero();
            assertThat(s.value("sidewatch_received_bytes_total", "receiver", "http")).isZero();
            assertThat(s.value("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_json")).isZero();
            assertThat(s.value("sidewatch_redactions_total", "rule", "key")).isZero();
            assertThat(s.value("sidewatch_redactions_total", "rule", "jwt")).isZero();
            assertThat(s.value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs")).isZero();
            assertThat(s.value("sidewatch_export_failures_total", "exporter", "stdout", "signal", "logs")).isZero();
            assertThat(s.type("sidewatch_buffer_events")).isEqualTo("gauge");
            assertThat(s.value("sidewatch_buffer_events", "exporter", "stdout")).isZero();
            assertThat(s.value("sidewatch_buffer_bytes", "exporter", "stdout")).isZero();
            assertThat(s.value("sidewatch_buffer_capacity_bytes", "exporter", "stdout"))
                    .isEqualTo((double) ExportQueue.DEFAULT_HIGH_WATER_BYTES);
            assertThat(s.value("sidewatch_dropped_events_total", "reason", "buffer_overflow")).isZero();
        }
    }

    @Test
    void jvmAndProcessMetrics_areExposed() {
        try (var prometheus = new PrometheusMetrics(2000)) {
            Scrape s = new Scrape(prometheus.scrape());
            assertThat(s.names()).anyMatch(n -> n.startsWith("jvm_memory_used_bytes"));
            assertThat(s.names()).anyMatch(n -> n.startsWith("jvm_threads_live_threads"));
            assertThat(s.names()).contains("process_cpu_usage", "process_uptime_seconds", "process_files_open_files");
            assertThat(s.value("process_resident_memory_bytes")).isPositive();
        }
    }

    @Test
    void redactions_countPerRule_andUnexpectedRulesStayBounded() {
        try (var prometheus = new PrometheusMetrics(10)) {
            prometheus.redacted("bearer");
            prometheus.redacted("bearer");
            for (int i = 0; i < 100; i++) prometheus.redacted("rule-" + i);
            Scrape s = new Scrape(prometheus.scrape());
            assertThat(s.value("sidewatch_redactions_total", "rule", "bearer")).isEqualTo(2.0);
            assertThat(s.series("sidewatch_redactions_total")).hasSizeLessThanOrEqualTo(10);
            assertThat(s.value("sidewatch_redactions_total", "rule", "_other")).isEqualTo(100.0 - 3);
        }
    }
}
