package dev.sidewatch.exporter;

import dev.sidewatch.config.OtlpExporterConfig;
import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import dev.sidewatch.exporter.OtlpTestEndpoint.Answer;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.sidewatch.exporter.ExportQueueTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The memory-only OTLP export loop: batches, retries with Retry-After, drops only what is refused for good. */
class OtlpExportLoopTest {
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private OtlpTestEndpoint collector;
    private OtlpExportLoop loop;

    @BeforeEach
    void start() throws Exception {
        collector = OtlpTestEndpoint.start();
        var settings = OtlpSettings.resolve(new OtlpExporterConfig(collector.url(), OtlpProtocol.HTTP_PROTOBUF, Map.of(),
                Duration.ofSeconds(10)), Map.of());
        var queue = new ExportQueue();
        loop = new OtlpExportLoop(OtlpExporter.create(settings, "i", "h", "v", Clock.systemUTC()), queue,
                prometheus.exporter(OtlpExporter.NAME, queue), new PrintStream(log, true));
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        loop.drainAndStop(Duration.ofSeconds(10));
        collector.close();
        prometheus.close();
    }

    private Scrape scrape() {
        return new Scrape(prometheus.scrape());
    }

    @Test
    void everyEventArrives_inBatches_andIsCounted() throws Exception {
        IntStream.range(0, 2500).forEach(i -> loop.queue().offer(event("m" + i), 10));

        assertThat(loop.drainAndStop(Duration.ofSeconds(30))).isZero();

        assertThat(collector.logs()).hasSize(2500);
        assertThat(collector.logs()).extracting(ReceivedLog::body).startsWith("m0", "m1").endsWith("m2499");
        assertThat(collector.logRequests()).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.getResourceLogs(0).getScopeLogs(0).getLogRecordsCount()).isLessThanOrEqualTo(OtlpExportLoop.BATCH));
        assertThat(scrape().value("sidewatch_exported_total", "exporter", "otlp", "signal", "logs")).isEqualTo(2500.0);
    }

    @Test
    void retryableFailures_areRetriedUntilDelivered_reportedOnce() throws Exception {
        collector.enqueue(Answer.status(503).retryAfter("0"), Answer.status(429).retryAfter("0"), Answer.status(502).retryAfter("0"));

        loop.queue().offer(event("survives"), 10);

        await().atMost(Duration.ofSeconds(30)).until(() -> collector.logs().size() == 1);
        assertThat(collector.requests()).hasSize(4);
        assertThat(collector.logs()).extracting(ReceivedLog::body).containsExactly("survives");
        await().until(() -> scrape().value("sidewatch_exported_total", "exporter", "otlp", "signal", "logs") == 1.0);
        assertThat(scrape().value("sidewatch_export_failures_total", "exporter", "otlp", "signal", "logs")).isZero();
        String reported = log.toString(StandardCharsets.UTF_8);
        assertThat(reported.lines().filter(l -> l.contains("retrying"))).hasSize(1);
        assertThat(reported).contains("export works again");
    }

    @Test
    void permanentFailure_dropsThatBatchOnly_andCountsIt() throws Exception {
        collector.enqueue(Answer.status(400));

        loop.queue().offer(event("refused"), 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> collector.requests().size() == 1);
        loop.queue().offer(event("accepted"), 10);

        await().atMost(Duration.ofSeconds(30)).until(() -> collector.logs().size() == 1);
        assertThat(collector.logs()).extracting(ReceivedLog::body).containsExactly("accepted");
        await().until(() -> scrape().value("sidewatch_export_failures_total", "exporter", "otlp", "signal", "logs") == 1.0);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("refused 1 events for good (collector answered HTTP 400)");
    }

    @Test
    void collectorDownAtShutdown_reportsWhatWasLeftUnsent() throws Exception {
        collector.setDefault(Answer.status(503).retryAfter("60"));
        loop.queue().offer(event("stuck"), 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> collector.requests().size() == 1);

        assertThat(loop.drainAndStop(Duration.ofMillis(300))).isEqualTo(1);
        assertThat(collector.logs()).isEmpty();
    }
}
