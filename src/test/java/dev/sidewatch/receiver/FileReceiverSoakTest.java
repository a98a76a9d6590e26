package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.FileReceiverConfig;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.Arrivals;
import dev.sidewatch.telemetry.ReceiverMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: appends and rotations of the very file the receiver is reading while it waits for back-pressure
 * (the exporter is held shut until the files are rotated), and a stop during back-pressure followed by a
 * restart from the checkpoint. Each round has fresh files, a fresh receiver, and numbered lines written
 * exactly once each; every number must arrive.
 *
 * <p>One round, glob {@code app.log*}:
 * <ol>
 *   <li>paused in {@code app.log}: more lines appended, then rename-and-create ({@code app.log} to
 *       {@code app.log.1}, more lines through the old name as a service's open descriptor would, a new
 *       {@code app.log});</li>
 *   <li>paused in the new {@code app.log}: copytruncate twice ({@code app.log.2}, {@code app.log.3}); in odd
 *       rounds what is written after each truncation is longer than what had been read, so when the reader
 *       wakes the file does not look shorter and only its first bytes tell it was truncated;</li>
 *   <li>paused again: the receiver is stopped, more lines appended, a new receiver started on the same
 *       checkpoint.</li>
 * </ol>
 */
class FileReceiverSoakTest {
    static final int ROUNDS = 20;
    /** About 120 KiB: the first 64 KiB chunk fills the gated queue, so the rest waits. */
    static final int BURST = 4000;
    static final FileReceiver.Timing TIMING = new FileReceiver.Timing(Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(10), Duration.ofMillis(50));

    @TempDir
    Path dir;

    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final ReceiverMetrics metrics = prometheus.receiver(FileReceiver.NAME, FileReceiver.reasons());
    private final GatedExporter exporter = new GatedExporter();
    private final List<FileReceiver> running = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (FileReceiver r : running) stop(r);
        exporter.close();
        prometheus.close();
    }

    @Test
    void appendsRotationsAndAStopWhilePaused_loseNothing() throws Exception {
        int lost = 0;
        int duplicates = 0;
        int lines = 0;
        List<String> lossyRounds = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            exporter.forget();
            var writer = new Writer(Files.createDirectories(dir.resolve("r" + round)), "r" + round + "n");
            Path data = dir.resolve("data-" + round);
            String glob = writer.dir + "/app.log*";
            FileReceiver receiver = start(glob, data);

            // 1. rename-and-create of the file being read, while its reader waits
            exporter.shut();
            writer.append("app.log", BURST);
            awaitPaused();
            writer.append("app.log", 1000);
            Files.move(writer.path("app.log"), writer.path("app.log.1"));
            writer.append("app.log.1", 500);
            writer.append("app.log", 1000);
            exporter.open();
            awaitAll(round, "after rename-and-create", writer, lossyRounds);

            // 2. copytruncate of the file being read, twice, while its reader waits
            exporter.shut();
            writer.append("app.log", BURST);
            awaitPaused();
            int refill = round % 2 == 1 ? 2 * BURST : 1000;
            writer.copyTruncate("app.log.2");
            writer.append("app.log", refill);
            writer.copyTruncate("app.log.3");
            writer.append("app.log", refill);
            exporter.open();
            awaitAll(round, "after copytruncate", writer, lossyRounds);

            // 3. stop during back-pressure, more lines, restart on the checkpoint
            exporter.shut();
            writer.append("app.log", BURST);
            awaitPaused();
            var stopped = receiver.stop();
            exporter.open(); // the last checkpoint waits until what was handed on has left
            stopped.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            running.remove(receiver);
            writer.append("app.log", 500);
            receiver = start(glob, data);
            lost += awaitAll(round, "after the restart", writer, lossyRounds); // the numbers of the whole round
            duplicates += Arrivals.duplicates(exporter.arrived());
            lines += writer.next;
            stop(receiver);
            running.remove(receiver);
        }
        System.out.printf("soak file: %d rounds, %d lines: lost %d, duplicates %d, dropped %d%n",
                ROUNDS, lines, lost, duplicates, exporter.dropped());
        var scrape = new Scrape(prometheus.scrape());
        assertThat(lost).as("lines lost, %d rounds, %d lines: %s", ROUNDS, lines, lossyRounds).isZero();
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "file", "reason", "invalid_json"))
                .as("lines cut in half").isZero();
        exporter.assertAccounting(scrape, FileReceiver.NAME, 0);
    }

    /**
     * A stop while the gate stays shut, then a restart with a new exporter: the events that only reached the
     * first exporter's queue are gone, as they would be after a crash of a process whose queue is in memory.
     * The checkpoint may only cover lines that left through the gate, so the restart reads the rest again.
     */
    @Test
    void stopWhileTheGateStaysShut_checkpointsOnlyWhatLeft_andTheRestartReadsTheRest() throws Exception {
        var writer = new Writer(Files.createDirectories(dir.resolve("shut")), "s");
        Path data = dir.resolve("data-shut");
        String glob = writer.dir + "/app.log*";
        exporter.open();
        FileReceiver first = start(glob, data, exporter);
        writer.append("app.log", 1000);
        assertThat(exporter.awaitArrival(writer.prefix, 1000, Duration.ofSeconds(20))).isZero();
        long doneBytes = Files.size(writer.path("app.log"));
        await().atMost(Duration.ofSeconds(20)).until(() -> checkpointOffset(first) == doneBytes);

        exporter.shut();
        writer.append("app.log", BURST);
        awaitPaused();
        stop(first); // its last checkpoint waits for the gate, gives up after 5 s
        running.remove(first);
        assertThat(checkpointOffset(first)).as("checkpoint past lines still queued in front of the shut gate").isEqualTo(doneBytes);
        Map<String, Integer> before = exporter.arrived();

        try (var second = new GatedExporter()) {
            second.open();
            FileReceiver restarted = start(glob, data, second);
            var all = new HashMap<>(before);
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    all.clear();
                    all.putAll(before);
                    second.arrived().forEach((k, v) -> all.merge(k, v, Integer::sum));
                    return Arrivals.lost(all, writer.prefix, writer.next) == 0;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below
            }
            System.out.printf("soak file, stop with the gate shut: %d lines, lost %d, duplicates %d%n", writer.next,
                    Arrivals.lost(all, writer.prefix, writer.next), Arrivals.duplicates(all));
            assertThat(Arrivals.missing(all, writer.prefix, writer.next)).as("never arrived").isEmpty();
            stop(restarted);
            running.remove(restarted);
        }
    }

    private static long checkpointOffset(FileReceiver receiver) throws IOException {
        Path file = receiver.checkpointFile();
        if (!Files.exists(file)) return -1;
        var m = java.util.regex.Pattern.compile("\"offset\":(\\d+)").matcher(Files.readString(file));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private FileReceiver start(String glob, Path data) {
        return start(glob, data, exporter);
    }

    private FileReceiver start(String glob, Path data, GatedExporter exporter) {
        var receiver = new FileReceiver(new FileReceiverConfig(glob, "soak", StartAt.BEGINNING, FileFormat.AUTO), Normalizer.defaults(),
                exporter, exporter, metrics, "soak", data, new PrintStream(new ByteArrayOutputStream()), 0, TIMING);
        receiver.start();
        running.add(receiver);
        return receiver;
    }

    private static void stop(FileReceiver receiver) throws Exception {
        receiver.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** The gated queue is full: the receiver waits before its next chunk, with most of the burst unread. */
    private void awaitPaused() {
        await().atMost(Duration.ofSeconds(20)).until(exporter::saturated);
    }

    private int awaitAll(int round, String when, Writer writer, List<String> lossyRounds) {
        int lost = exporter.awaitArrival(writer.prefix, writer.next, Duration.ofSeconds(20));
        if (lost > 0) lossyRounds.add("round %d %s: %s".formatted(round, when, Arrivals.missing(exporter.arrived(), writer.prefix, writer.next)));
        return lost;
    }

    /** Writes numbered NDJSON lines, each number once, into the files of one round. */
    private static final class Writer {
        final Path dir;
        final String prefix;
        int next;

        Writer(Path dir, String prefix) {
            this.dir = dir;
            this.prefix = prefix;
        }

        Path path(String name) {
            return dir.resolve(name);
        }

        void append(String name, int n) throws IOException {
            Files.writeString(path(name), Arrivals.ndjson(prefix, next, next + n), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            next += n;
        }

        /** logrotate's copytruncate: copy {@code app.log}, then empty it. */
        void copyTruncate(String copy) throws IOException {
            Files.copy(path("app.log"), path(copy), StandardCopyOption.COPY_ATTRIBUTES);
            try (var channel = FileChannel.open(path("app.log"), StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
        }
    }
}
