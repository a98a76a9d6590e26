package dev.sidewatch.exporter;

import static dev.sidewatch.exporter.ExportQueueTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StdoutExporterTest {

    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        prometheus.close();
    }

    private StdoutExporter exporter(OutputStream out, ExportQueue queue) {
        return new StdoutExporter(out, queue, prometheus.exporter(StdoutExporter.NAME, queue), new PrintStream(log, true));
    }

    private Scrape scrape() {
        return new Scrape(prometheus.scrape());
    }

    @Test
    void writesOneJsonLinePerEvent_inOrder_andCountsThem() throws Exception {
        var out = new ByteArrayOutputStream();
        var queue = new ExportQueue();
        var exporter = exporter(out, queue);
        exporter.start();
        for (int i = 0; i < 3000; i++) queue.offer(event("m" + i), 10);
        assertThat(exporter.drainAndStop(Duration.ofSeconds(30))).isZero();

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3000);
        assertThat(lines[0]).startsWith("{").endsWith("}")
                .contains("\"observed_time\":\"1970-01-01T00:00:00.000Z\"", "\"service\":\"api\"", "\"message\":\"m0\"");
        assertThat(lines[2999]).contains("\"message\":\"m2999\"");
        assertThat(scrape().value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs")).isEqualTo(3000.0);
        assertThat(scrape().value("sidewatch_buffer_events", "exporter", "stdout")).isZero();
    }

    @Test
    void blockedStdout_saturatesTheQueue_insteadOfLosingEvents() throws Exception {
        var release = new CountDownLatch(1);
        var sink = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        var queue = new ExportQueue(100, 1 << 20);
        var exporter = exporter(blocking, queue);
        exporter.start();
        int offered = 0;
        while (!queue.saturated()) {
            assertThat(queue.offer(event("m" + offered), 10)).isTrue();
            offered++;
        }
        assertThat(scrape().value("sidewatch_buffer_events", "exporter", "stdout")).isGreaterThanOrEqualTo(100.0);

        release.countDown();
        await().until(() -> !queue.saturated());
        assertThat(exporter.drainAndStop(Duration.ofSeconds(30))).isZero();
        synchronized (sink) {
            assertThat(sink.toString(StandardCharsets.UTF_8).split("\n")).hasSize(offered);
        }
    }

    @Test
    void failingStdout_isCountedAndReportedOnce() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        var queue = new ExportQueue();
        var exporter = exporter(broken, queue);
        exporter.start();
        queue.offer(event("a"), 1);
        await().until(() -> queue.size() == 0);
        queue.offer(event("b"), 1);
        assertThat(exporter.drainAndStop(Duration.ofSeconds(30))).isZero();

        assertThat(scrape().value("sidewatch_export_failures_total", "exporter", "stdout", "signal", "logs")).isEqualTo(2.0);
        assertThat(scrape().value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs")).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8).lines()).hasSize(1).first().asString().contains("Broken pipe");
    }
}
