package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.FileReceiverConfig;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileReceiverTest {
    static final FileReceiver.Timing FAST = new FileReceiver.Timing(Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofMillis(300), Duration.ofMillis(50));

    @TempDir
    Path dir;

    private final RecordingSink sink = new RecordingSink();
    private final PrometheusMetrics metrics = new PrometheusMetrics(2000);
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final List<FileReceiver> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (FileReceiver r : new ArrayList<>(running)) stop(r);
    }

    private FileReceiver start(String glob, StartAt startAt, FileFormat format) {
        return start(glob, startAt, format, PersistenceBarrier.IMMEDIATE);
    }

    private FileReceiver start(String glob, StartAt startAt, FileFormat format, PersistenceBarrier barrier) {
        return start(glob, startAt, format, barrier, FAST);
    }

    private FileReceiver start(String glob, StartAt startAt, FileFormat format, PersistenceBarrier barrier, FileReceiver.Timing timing) {
        var receiver = new FileReceiver(new FileReceiverConfig(glob, "api", startAt, format), Normalizer.defaults(), sink,
                barrier, metrics.receiver(FileReceiver.NAME, FileReceiver.reasons()), "unknown_service",
                dir.resolve("data"), log, 0, timing);
        receiver.start();
        running.add(receiver);
        return receiver;
    }

    private void stop(FileReceiver receiver) throws Exception {
        receiver.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        running.remove(receiver);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String lines(int from, int to) {
        var out = new StringBuilder();
        for (int i = from; i < to; i++) out.append("line ").append(i).append('\n');
        return out.toString();
    }

    private static List<String> messages(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line " + i).toList();
    }

    @Test
    void raw_readsWhatIsThereAndWhatIsAppended_withPathAndOffsets() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines(0, 3));
        start(dir + "/*.log", StartAt.BEGINNING, FileFormat.RAW);
        await().until(() -> sink.size() == 3);
        append(file, lines(3, 5));
        await().until(() -> sink.size() == 5);
        assertThat(sink.messages()).containsExactlyElementsOf(messages(0, 5));
        Event third = sink.events().get(2);
        assertThat(third.source()).isEqualTo(new Event.SourceInfo("file", file.toString(), 14L));
        assertThat(third.service()).isEqualTo("api");
        // bytes are counted once the read that produced the events returns
        await().until(() -> new Scrape(metrics.scrape()).value("sidewatch_received_bytes_total", "receiver", "file") >= Files.size(file));
        Scrape s = new Scrape(metrics.scrape());
        assertThat(s.value("sidewatch_received_records_total", "receiver", "file")).isEqualTo(5.0);
        assertThat(s.value("sidewatch_received_bytes_total", "receiver", "file")).isEqualTo((double) Files.size(file));
    }

    @Test
    void aLineWithoutItsNewline_waitsForIt() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, "line 0\nline ");
        start(file.toString(), StartAt.BEGINNING, FileFormat.RAW);
        await().until(() -> sink.size() == 1);
        append(file, "1\n");
        await().until(() -> sink.size() == 2);
        assertThat(sink.messages()).containsExactly("line 0", "line 1");
    }

    @Test
    void startAtEnd_skipsWhatWasThereAtTheFirstStart_butReadsNewFilesFromTheirStart() throws Exception {
        Path old = dir.resolve("old.log");
        append(old, lines(0, 10));
        FileReceiver receiver = start(dir + "/*.log", StartAt.END, FileFormat.AUTO);
        // the first checkpoint says the receiver has found the file (at its end); then a line is appended, and a new file made
        await().until(() -> Files.exists(receiver.checkpointFile()));
        append(old, lines(10, 12));
        append(dir.resolve("new.log"), lines(100, 102));
        await().until(() -> sink.size() == 4);
        assertThat(sink.messages()).containsExactlyInAnyOrder("line 10", "line 11", "line 100", "line 101");
    }

    @Test
    void glob_readsOnlyMatchingFiles_recursiveWithDoubleStar() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        append(dir.resolve("a/b/deep.log"), "deep\n");
        append(dir.resolve("a/top.log"), "top\n");
        append(dir.resolve("a/b/skip.txt"), "skip\n");
        start(dir + "/a/**.log", StartAt.BEGINNING, FileFormat.RAW);
        await().until(() -> sink.size() == 2);
        assertThat(sink.messages()).containsExactlyInAnyOrder("deep", "top");
    }

    @Test
    void docker_mergesSplitRecords_takesTheRuntimeTimeAndStream_andParsesJsonInside() throws Exception {
        Path file = dir.resolve("c-json.log");
        append(file, """
                {"log":"first half ","stream":"stdout","time":"2026-11-21T22:40:10.123456789Z"}
                {"log":"second half\\n","stream":"stdout","time":"2026-11-21T22:40:10.2Z"}
                {"log":"{\\"level\\":50,\\"time\\":1795300000000,\\"msg\\":\\"boom\\"}\\n","stream":"stderr","time":"2026-11-21T22:40:11Z"}
                """);
        start(file.toString(), StartAt.BEGINNING, FileFormat.DOCKER);
        await().until(() -> sink.size() == 2);
        Event merged = sink.events().get(0);
        assertThat(merged.message()).isEqualTo("first half second half");
        assertThat(merged.time()).isEqualTo(Instant.parse("2026-11-21T22:40:10.123456789Z"));
        assertThat(merged.attributes()).containsEntry("log.iostream", "stdout");
        assertThat(merged.source().offset()).isZero();
        Event pino = sink.events().get(1);
        assertThat(pino.message()).isEqualTo("boom");
        assertThat(pino.severity().name()).isEqualTo("ERROR");
        assertThat(pino.time()).as("the record's own time wins").isEqualTo(Instant.ofEpochMilli(1795300000000L));
        assertThat(pino.attributes()).containsEntry("log.iostream", "stderr");
    }

    @Test
    void cri_mergesPartialLinesPerStream_andJoinsANodeErrorBlockOnStderr() throws Exception {
        Path file = dir.resolve("pod.log");
        append(file, """
                2026-11-21T22:40:10.000000001+00:00 stdout P hello\s
                2026-11-21T22:40:10.100000000+00:00 stderr F Error: Access to this API has been restricted
                2026-11-21T22:40:10.200000000+00:00 stdout F world
                2026-11-21T22:40:10.300000000+00:00 stderr F     at Object.openSync (node:fs:573:18) {
                2026-11-21T22:40:10.300000000+00:00 stderr F   code: 'ERR_ACCESS_DENIED',
                2026-11-21T22:40:10.300000000+00:00 stderr F   permission: 'FileSystemRead',
                2026-11-21T22:40:10.300000000+00:00 stderr F   resource: '/srv/secret/token.txt'
                2026-11-21T22:40:10.300000000+00:00 stderr F }
                2026-11-21T22:40:10.400000000+00:00 stderr F plain stderr line
                """);
        start(file.toString(), StartAt.BEGINNING, FileFormat.AUTO);
        await().until(() -> sink.size() == 3);
        List<Event> events = sink.events();
        assertThat(events.get(0).message()).isEqualTo("hello world");
        assertThat(events.get(0).time()).isEqualTo(Instant.parse("2026-11-21T22:40:10.000000001Z"));
        Event denial = events.get(1);
        assertThat(denial.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(denial.permission().type()).isEqualTo("FileSystemRead");
        assertThat(denial.permission().resource()).isEqualTo("/srv/secret/token.txt");
        assertThat(denial.attributes()).containsEntry("log.iostream", "stderr");
        assertThat(events.get(2).message()).isEqualTo("plain stderr line");
    }

    @Test
    void autoDetect_decidesPerFile() throws Exception {
        append(dir.resolve("a.log"), "{\"log\":\"from docker\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-21T22:40:10Z\"}\n");
        append(dir.resolve("b.log"), "2026-11-21T22:40:10Z stdout F from cri\n");
        append(dir.resolve("c.log"), "{\"msg\":\"from raw json\"}\n");
        start(dir + "/*.log", StartAt.BEGINNING, FileFormat.AUTO);
        await().until(() -> sink.size() == 3);
        assertThat(sink.messages()).containsExactlyInAnyOrder("from docker", "from cri", "from raw json");
    }

    @Test
    void aLineOverOneMebibyte_isCutAndMarked_andTheNextLineIsIntact() throws Exception {
        Path file = dir.resolve("big.log");
        append(file, "x".repeat(LineFramer.MAX_LINE_BYTES + 5000) + "\nafter\n");
        start(file.toString(), StartAt.BEGINNING, FileFormat.RAW);
        await().until(() -> sink.size() == 2);
        Event cut = sink.events().get(0);
        assertThat(cut.message()).hasSize(LineFramer.MAX_LINE_BYTES);
        assertThat(cut.attributes()).containsEntry(Normalizer.TRUNCATED_ATTRIBUTE, true);
        assertThat(sink.events().get(1).message()).isEqualTo("after");
        assertThat(sink.events().get(1).source().offset()).isEqualTo(LineFramer.MAX_LINE_BYTES + 5001L);
    }

    @Test
    void restart_resumesAtTheCheckpoint_withoutLossOrDuplicates() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines(0, 100));
        FileReceiver first = start(file.toString(), StartAt.BEGINNING, FileFormat.RAW);
        await().until(() -> sink.size() == 100);
        stop(first);
        assertThat(Files.readString(first.checkpointFile())).contains("\"offset\":" + Files.size(file));
        append(file, lines(100, 150));
        start(file.toString(), StartAt.END, FileFormat.RAW); // start_at no longer matters: there is a checkpoint
        await().until(() -> sink.size() == 150);
        assertThat(sink.messages()).containsExactlyElementsOf(messages(0, 150));
    }

    @Test
    void checkpoint_isWrittenOnlyOnceTheBarrierSaysTheEventsArePersisted() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines(0, 10));
        List<Runnable> held = new ArrayList<>();
        var released = new java.util.concurrent.atomic.AtomicBoolean();
        PersistenceBarrier barrier = action -> {
            synchronized (held) {
                if (!released.get()) {
                    held.add(action);
                    return;
                }
            }
            action.run();
        };
        FileReceiver receiver = start(file.toString(), StartAt.BEGINNING, FileFormat.RAW, barrier);
        await().until(() -> sink.size() == 10);
        await().until(() -> {
            synchronized (held) {
                return !held.isEmpty();
            }
        });
        assertThat(Files.exists(receiver.checkpointFile())).as("not before the barrier").isFalse();
        synchronized (held) {
            released.set(true);
        }
        held.forEach(Runnable::run);
        await().until(() -> Files.exists(receiver.checkpointFile()));
        assertThat(Files.readString(receiver.checkpointFile())).contains("\"offset\":" + Files.size(file));
    }

    @Test
    void anOpenErrorBlock_isNotCheckpointedPast_andIsEmittedAfterTheQuietPeriod() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, "before\nError: something broke\n    at main (/srv/app/x.js:1:1)\n");
        FileReceiver receiver = start(file.toString(), StartAt.BEGINNING, FileFormat.RAW);
        await().untilAsserted(() -> assertThat(sink.messages()).hasSize(2));
        assertThat(sink.events().get(1).kind()).isEqualTo(Kind.EXCEPTION);
        assertThat(sink.events().get(1).error().stack()).contains("at main");
        await().until(() -> Files.exists(receiver.checkpointFile())
                && Files.readString(receiver.checkpointFile()).contains("\"offset\":" + Files.size(file)));
    }

    @Test
    void backPressure_pausesReadingUntilTheSinkIsWritable() throws Exception {
        Path file = dir.resolve("app.log");
        sink.saturate(true);
        append(file, lines(0, 1000));
        var counting = new CountingSink(sink);
        var receiver = new FileReceiver(new FileReceiverConfig(file.toString(), "api", StartAt.BEGINNING, FileFormat.RAW),
                Normalizer.defaults(), counting, PersistenceBarrier.IMMEDIATE, metrics.receiver(FileReceiver.NAME, FileReceiver.reasons()),
                "unknown_service", dir.resolve("data"), log, 0, FAST);
        receiver.start();
        running.add(receiver);
        // the receiver asks before every chunk: while saturated it keeps waiting and reads nothing
        await().until(() -> counting.refusals() >= 3);
        assertThat(sink.size()).isZero();
        sink.saturate(false);
        await().until(() -> sink.size() == 1000);
        assertThat(sink.messages()).containsExactlyElementsOf(messages(0, 1000));
    }

    /**
     * Issue 8, point 4 (the copytruncate generation that went missing): the receiver has found a file, taken
     * its fingerprint, and waits for back-pressure before its first read; meanwhile logrotate copies it,
     * truncates it, and the service writes a next generation exactly as long. Reading on at the old offset
     * would take the new generation under the old one's identity and then follow the copy at its end: a
     * whole generation lost while the checkpoint says the copy was read to its end (the code before
     * f2e5846 did exactly that). Back-pressure makes the window certain here.
     */
    @Test
    void copyTruncate_andAnEquallyLongRefill_whileTheReaderWaitsBeforeItsFirstRead_losesNoGeneration() throws Exception {
        Path file = dir.resolve("app.log");
        sink.saturate(true);
        append(file, lines(1000, 2000)); // 1,000 lines, the fingerprint a full KiB
        var counting = new CountingSink(sink);
        var receiver = new FileReceiver(new FileReceiverConfig(dir + "/app.log*", "api", StartAt.BEGINNING, FileFormat.RAW),
                Normalizer.defaults(), counting, PersistenceBarrier.IMMEDIATE, metrics.receiver(FileReceiver.NAME, FileReceiver.reasons()),
                "unknown_service", dir.resolve("data"), log, 0, FAST);
        receiver.start();
        running.add(receiver);
        await().until(() -> counting.refusals() >= 1); // the file is open and its first chunk waits
        long generation = Files.size(file);
        Files.copy(file, dir.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        append(file, lines(2000, 3000));
        assertThat(Files.size(file)).as("the refill is exactly as long").isEqualTo(generation);
        sink.saturate(false);
        await().until(() -> sink.size() >= 2000);
        stop(receiver);
        List<String> missing = new ArrayList<>(messages(1000, 3000));
        missing.removeAll(sink.messages());
        assertThat(missing).as("lines never read (%d); checkpoint %s", missing.size(), Files.readString(receiver.checkpointFile()))
                .isEmpty();
        assertThat(sink.messages()).containsExactlyInAnyOrderElementsOf(messages(1000, 3000));
    }

    /** Counts the back-pressure waits that ended still saturated. */
    private static final class CountingSink extends ForwardingEventSink {
        private final java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();

        CountingSink(EventSink sink) {
            super(sink);
        }

        int refusals() {
            return refusals.get();
        }

        @Override
        public boolean awaitWritable(Duration timeout) throws InterruptedException {
            boolean writable = sink.awaitWritable(Duration.ofMillis(20));
            if (!writable) refusals.incrementAndGet();
            return writable;
        }
    }

    @Test
    void rotation_renameAndCreate_withTheGlobMatchingOnlyTheLiveName_losesNothing() throws Exception {
        Path file = dir.resolve("app.log");
        // a renamed file is read for 10 s after its last growth: longer than this test could stall between rename and append
        start(file.toString(), StartAt.BEGINNING, FileFormat.RAW, PersistenceBarrier.IMMEDIATE,
                new FileReceiver.Timing(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(50)));
        int n = 0;
        for (int r = 0; r < 5; r++) {
            append(file, lines(n, n + 100));
            n += 100;
            int expected = n;
            await().until(() -> sink.size() == expected); // the receiver has seen this file before it is renamed
            Files.move(file, dir.resolve("app.log." + r));
            append(dir.resolve("app.log." + r), lines(n, n + 10)); // the service still writes to its old descriptor
            n += 10;
        }
        append(file, lines(n, n + 5));
        n += 5;
        int total = n;
        await().until(() -> sink.size() == total);
        assertThat(sink.messages()).containsExactlyInAnyOrderElementsOf(messages(0, total));
    }

    @Test
    void rotation_copyTruncate_withTheGlobMatchingTheCopies_losesNothing() throws Exception {
        Path file = dir.resolve("app.log");
        start(dir + "/app.log*", StartAt.BEGINNING, FileFormat.RAW);
        int n = 0;
        for (int r = 0; r < 5; r++) {
            append(file, lines(n, n + 200));
            n += 200;
            Files.copy(file, dir.resolve("app.log." + r), StandardCopyOption.COPY_ATTRIBUTES);
            try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
        }
        append(file, lines(n, n + 5));
        n += 5;
        int total = n;
        await().until(() -> sink.size() >= total);
        assertThat(sink.messages()).containsExactlyInAnyOrderElementsOf(messages(0, total));
    }
}
