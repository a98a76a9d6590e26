package dev.sidewatch.exporter.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.event.ExportResult;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BufferedExporterTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    private final List<BufferedExporter> started = new ArrayList<>();
    private PrometheusMetrics metrics = new PrometheusMetrics(2000);

    @AfterEach
    void stop() throws InterruptedException {
        for (BufferedExporter b : started) b.drainAndStop(Duration.ofMillis(100));
    }

    /** Records each wait and returns after at most a few milliseconds: tests never wait out a backoff. */
    private void recordPause(Duration d) throws InterruptedException {
        pauses.add(d);
        Thread.sleep(Math.min(d.toMillis(), 2));
    }

    private BufferedExporter start(FakeExporter exporter, long maxBytes) {
        return start(exporter, maxBytes, BufferedExporter.Settings.of("otlp", dir, maxBytes, Duration.ofSeconds(10)));
    }

    private BufferedExporter start(FakeExporter exporter, long maxBytes, BufferedExporter.Settings settings) {
        var buffer = new BufferedExporter(settings, exporter, new ExportQueue(256, 1 << 20), metrics, log, clock,
                this::recordPause, bound -> bound - 1, null);
        buffer.start();
        started.add(buffer);
        return buffer;
    }

    static Event event(int i) {
        return new Event(Instant.ofEpochSecond(1_795_000_000L + i, i), Instant.EPOCH, "svc", Severity.INFO, 9, Kind.LOG,
                "event " + i, null, null, null, null, null, null, null, Map.of("i", (long) i), null);
    }

    /** Offers events as a well-behaved receiver does: stops while the queue is saturated and resumes when writable. */
    private static void produce(BufferedExporter buffer, int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            while (!buffer.queue().awaitWritable(Duration.ofSeconds(1))) {
                // keep waiting; the test's timeout bounds it
            }
            assertThat(buffer.queue().offer(event(i), 100)).isTrue();
        }
    }

    private static List<String> messages(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "event " + i).toList();
    }

    private Scrape scrape() {
        return new Scrape(metrics.scrape());
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void delivers_everyEventOnceInOrder_thenTheDiskIsEmpty() throws Exception {
        var exporter = new FakeExporter();
        BufferedExporter buffer = start(exporter, 1 << 20);
        produce(buffer, 0, 3000);
        await().until(() -> exporter.deliveredCount() == 3000);
        assertThat(exporter.messages()).containsExactlyElementsOf(messages(0, 3000));
        assertThat(exporter.delivered().get(17)).isEqualTo(event(17)); // exact round trip through the disk
        assertThat(exporter.batchSizes()).allMatch(n -> n <= BufferedExporter.DEFAULT_BATCH_EVENTS);
        await().until(() -> buffer.bufferedEvents() == 0);
        Scrape s = scrape();
        assertThat(s.value("sidewatch_exported_total", "exporter", "otlp", "signal", "logs")).isEqualTo(3000.0);
        assertThat(s.value("sidewatch_export_failures_total", "exporter", "otlp", "signal", "logs")).isZero();
        assertThat(s.value("sidewatch_buffer_events", "exporter", "otlp")).isZero();
        assertThat(s.value("sidewatch_buffer_bytes", "exporter", "otlp")).isZero();
        assertThat(buffer.problem()).isNull();
        assertThat(buffer.drainAndStop(Duration.ofSeconds(5))).isZero();
        assertThat(logText()).isEmpty();
    }

    @Test
    void retryable_isRetriedWithExponentialFullJitterBackoff_andDeliveredOnce() throws Exception {
        var exporter = new FakeExporter();
        exporter.answerFirst(5, ExportResult.retryable(503, null, "HTTP 503"));
        BufferedExporter buffer = start(exporter, 1 << 20);
        produce(buffer, 0, 10);
        await().until(() -> exporter.deliveredCount() == 10);
        // the random source returns its bound minus one: each wait is the top of its jitter range
        assertThat(pauses).containsExactly(Duration.ofMillis(250).minusNanos(1), Duration.ofMillis(500).minusNanos(1),
                Duration.ofMillis(1000).minusNanos(1), Duration.ofMillis(2000).minusNanos(1), Duration.ofMillis(4000).minusNanos(1));
        assertThat(exporter.messages()).containsExactlyElementsOf(messages(0, 10));
        Scrape s = scrape();
        assertThat(s.value("sidewatch_export_retries_total", "exporter", "otlp")).isEqualTo(5.0);
        assertThat(s.value("sidewatch_export_failures_total", "exporter", "otlp", "signal", "logs")).isEqualTo(5.0 * exporter.batchSizes().getFirst());
        assertThat(s.value("sidewatch_dropped_events_total", "reason", "dead_letter")).isZero();
        // logged by the sender after the exporter has confirmed the batch
        await().until(() -> logText().contains("works again after 5 failed attempts"));
        assertThat(logText()).containsOnlyOnce("export failed (HTTP 503)").containsOnlyOnce("works again after 5 failed attempts");
    }

    @Test
    void retryAfter_isHonouredInsteadOfTheBackoff() throws Exception {
        var exporter = new FakeExporter();
        exporter.answerFirst(2, ExportResult.retryable(429, Duration.ofSeconds(7), "HTTP 429"));
        BufferedExporter buffer = start(exporter, 1 << 20);
        produce(buffer, 0, 3);
        await().until(() -> exporter.deliveredCount() == 3);
        assertThat(pauses).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    }

    @Test
    void retryAfter_beyondFiveMinutesIsCapped() {
        assertThat(RetryPolicy.DEFAULT.delay(1, Duration.ofHours(3), b -> 0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(RetryPolicy.DEFAULT.ceiling(30)).isEqualTo(RetryPolicy.DEFAULT.max());
    }

    @Test
    void permanentRefusal_goesToTheDeadLetterFile_isCounted_andTheRestFlows() throws Exception {
        var exporter = new FakeExporter();
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        exporter.behaviour = batch -> {
            if (batch.stream().noneMatch(e -> e.message().equals("event 3"))) return FakeExporter.answer(ExportResult.SUCCESS);
            batch.forEach(e -> refused.add(e.message()));
            return FakeExporter.answer(ExportResult.permanent(400, "HTTP 400: bad timestamp"));
        };
        BufferedExporter.Settings settings = BufferedExporter.Settings.of("otlp", dir, 1 << 20, Duration.ofSeconds(10)).withBatch(2, 1 << 20);
        BufferedExporter buffer = start(exporter, 1 << 20, settings);
        produce(buffer, 0, 10);
        // a batch holds up to 2 events, but how many depends on what the writer had on disk when the sender read
        await().until(() -> exporter.deliveredCount() + refused.size() == 10);
        assertThat(refused).contains("event 3").hasSizeBetween(1, 2);
        List<String> rest = new ArrayList<>(messages(0, 10));
        rest.removeAll(refused);
        assertThat(exporter.messages()).containsExactlyElementsOf(rest);
        List<String> dead = Files.readAllLines(dir.resolve("dead-letter/otlp.ndjson"));
        assertThat(dead).hasSameSizeAs(refused);
        assertThat(dead.getFirst()).startsWith("{\"time\":\"2026-11-22T10:00:00.000Z\",\"exporter\":\"otlp\",\"reason\":\"HTTP 400: bad timestamp\",\"event\":{")
                .contains("\"message\":\"" + refused.getFirst() + "\"");
        Scrape s = scrape();
        assertThat(s.value("sidewatch_dropped_events_total", "reason", "dead_letter")).isEqualTo(refused.size());
        assertThat(s.value("sidewatch_export_failures_total", "exporter", "otlp", "signal", "logs")).isEqualTo(refused.size());
        assertThat(pauses).as("never retried").isEmpty();
        assertThat(logText()).contains("refused " + refused.size() + " event");
    }

    @Test
    void restart_sendsWhatTheExporterNeverConfirmed_andCountsPossibleDuplicates() throws Exception {
        var down = new FakeExporter();
        down.answerAlways(ExportResult.retryable(0, null, "connection refused"));
        BufferedExporter first = start(down, 1 << 20);
        produce(first, 0, 1000);
        var onDisk = new CountDownLatch(1);
        first.queue().whenDone(onDisk::countDown);
        assertThat(onDisk.await(10, TimeUnit.SECONDS)).isTrue();
        await().until(() -> down.calls.get() > 0);
        assertThat(first.drainAndStop(Duration.ofMillis(200))).as("all on disk").isZero();
        started.remove(first);
        assertThat(logText()).contains("1000 events stay in");

        metrics = new PrometheusMetrics(2000);
        var up = new FakeExporter();
        start(up, 1 << 20);
        await().until(() -> up.deliveredCount() == 1000);
        assertThat(up.messages()).containsExactlyElementsOf(messages(0, 1000));
        assertThat(logText()).contains("1000 events from an earlier run");
        assertThat(scrape().value("sidewatch_buffer_redelivered_total", "exporter", "otlp"))
                .as("the batch that was being sent").isEqualTo((double) down.attemptSizes().getLast());
    }

    @Test
    void theQueuesBarrier_passesOnceEveryEventOfferedBeforeIsOnDisk() throws Exception {
        var exporter = new FakeExporter();
        var gate = new CompletableFuture<ExportResult>();
        exporter.behaviour = batch -> gate;
        BufferedExporter buffer = start(exporter, 1 << 20);
        produce(buffer, 0, 100);
        var persisted = new CountDownLatch(1);
        buffer.queue().whenDone(persisted::countDown);
        assertThat(persisted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(buffer.bufferedEvents()).isEqualTo(100);
        assertThat(buffer.diskBytes()).isGreaterThan(100 * 20);
        gate.complete(ExportResult.SUCCESS);
        exporter.answerAlways(ExportResult.SUCCESS);
        await().until(() -> exporter.deliveredCount() == 100);
    }

    @Test
    void fullDisk_pushesBack_nothingIsDropped_andEverythingArrivesLater() throws Exception {
        var exporter = new FakeExporter();
        exporter.answerAlways(ExportResult.retryable(0, null, "connection refused"));
        long max = 64 * 1024;
        BufferedExporter buffer = start(exporter, max);
        var producer = Thread.ofPlatform().start(() -> {
            try {
                produce(buffer, 0, 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().until(() -> buffer.problem() != null && buffer.problem().contains("disk buffer above its high-water mark"));
        await().until(() -> buffer.queue().saturated());
        assertThat(buffer.diskBytes()).isBetween(max * 9 / 10, max);
        assertThat(producer.isAlive()).as("the producer is held back").isTrue();

        exporter.answerAlways(ExportResult.SUCCESS);
        producer.join(30_000);
        await().until(() -> exporter.deliveredCount() == 5000);
        assertThat(exporter.messages()).containsExactlyElementsOf(messages(0, 5000));
        await().until(() -> !buffer.queue().saturated() && buffer.problem() == null);
        Scrape s = scrape();
        assertThat(s.series("sidewatch_dropped_events_total").values()).allMatch(v -> v == 0.0);
    }

    @Test
    void unwritableBufferDirectory_isAReasonNotACrash_andRecovers() throws Exception {
        Path blocker = dir.resolve("otlp");
        Files.writeString(blocker, "a file where the buffer directory should be");
        var exporter = new FakeExporter();
        BufferedExporter buffer = start(exporter, 1 << 20);
        await().until(() -> buffer.problem() != null);
        assertThat(buffer.problem()).startsWith("cannot open the otlp disk buffer in " + blocker);
        assertThat(buffer.queue().saturated()).as("receivers are held back at once").isTrue();
        for (int i = 0; i < 10; i++) assertThat(buffer.queue().offer(event(i), 100)).isTrue();
        await().untilAsserted(() -> assertThat(logText()).contains("cannot open the otlp disk buffer"));

        Files.delete(blocker);
        await().until(() -> exporter.deliveredCount() == 10);
        assertThat(buffer.problem()).isNull();
        assertThat(buffer.queue().saturated()).isFalse();
        assertThat(logText()).containsOnlyOnce("cannot open the otlp disk buffer").contains("writable again");
    }

    @Test
    void anExporterThatNeverAnswers_timesOut_andIsRetried() throws Exception {
        var exporter = new FakeExporter();
        exporter.behaviour = batch -> exporter.calls.get() == 1 ? new CompletableFuture<>() : FakeExporter.answer(ExportResult.SUCCESS);
        var settings = new BufferedExporter.Settings("otlp", dir, 1 << 20, Duration.ofMillis(300), RetryPolicy.DEFAULT, 512, 1 << 20);
        BufferedExporter buffer = start(exporter, 1 << 20, settings);
        produce(buffer, 0, 5);
        await().until(() -> exporter.deliveredCount() == 5);
        assertThat(logText()).contains("export failed (no answer within 0 s)");
    }

    @Test
    void anExporterThatKeepsThrowing_hasTheBatchDeadLettered() throws Exception {
        var exporter = new FakeExporter();
        exporter.behaviour = batch -> {
            throw new IllegalStateException("encoder bug");
        };
        BufferedExporter buffer = start(exporter, 1 << 20);
        produce(buffer, 0, 3);
        await().until(() -> Files.exists(dir.resolve("dead-letter/otlp.ndjson")));
        await().until(() -> buffer.bufferedEvents() == 0);
        List<String> dead = Files.readAllLines(dir.resolve("dead-letter/otlp.ndjson"));
        assertThat(dead).hasSize(3).allMatch(line -> line.contains("exporter error: encoder bug (5 times in a row)"));
        assertThat(exporter.calls.get()).as("five tries per batch").isEqualTo(BufferedExporter.MAX_EXPORTER_ERRORS * exporter.attemptSizes().size() / 5);
    }

    @Test
    void drainAndStop_deliversWhatIsBufferedWithinTheTimeout() throws Exception {
        var exporter = new FakeExporter();
        BufferedExporter buffer = start(exporter, 1 << 20);
        for (int i = 0; i < 200; i++) buffer.queue().offer(event(i), 10);
        assertThat(buffer.drainAndStop(Duration.ofSeconds(10))).isZero();
        started.remove(buffer);
        assertThat(exporter.messages()).containsExactlyElementsOf(messages(0, 200));
        assertThat(logText()).doesNotContain("stay in");
    }
}
