package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.config.FileReceiverConfig;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.Arrivals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, point 4: DeliveryFaultTest's copytruncate case (e) in process, repeated: 21 generations of
 * 1,000 lines written as fast as the disk takes them, logrotate's copytruncate with numbered copies
 * ({@code app.log.k} to {@code app.log.k+1}, then {@code app.log} copied to {@code app.log.1} and
 * truncated) between generations, glob {@code app.log*}, default timing. Once in about 150 runs of the
 * process test a whole generation went missing. Runs {@code -Dsidewatch.copytruncate.runs} times (default
 * 3), half of them behind the small gated queue (back-pressure during rotations), half behind a sink that
 * never pushes back. A loss fails with the checkpoint and the directory listing.
 */
class FileReceiverCopyTruncateRepeatTest {
    static final int RUNS = Integer.getInteger("sidewatch.copytruncate.runs", 3);
    static final int ROTATIONS = 20;
    static final int PER_FILE = 1000;
    /** How often the receiver scans, {@code -Dsidewatch.copytruncate.poll} (ms); the sidecar's 250 by default. */
    static final FileReceiver.Timing TIMING = new FileReceiver.Timing(Duration.ofMillis(Long.getLong("sidewatch.copytruncate.poll", 250)),
            FileReceiver.Timing.DEFAULT.quiet(), FileReceiver.Timing.DEFAULT.rotatedGrace(), FileReceiver.Timing.DEFAULT.checkpointEvery());

    @TempDir
    Path dir;

    @Test
    void copytruncateDuringIngest_repeated_losesNoGeneration() throws Exception {
        int lostRuns = 0;
        long duplicates = 0;
        List<String> failures = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String failure = run % 2 == 0 ? runGated(run) : runUngated(run);
            if (failure != null) {
                lostRuns++;
                failures.add(failure);
            }
            duplicates += lastDuplicates;
        }
        System.out.printf("copytruncate repeat: %d runs x %d lines: runs with losses %d, duplicates %d%n",
                RUNS, PER_FILE * (ROTATIONS + 1), lostRuns, duplicates);
        assertThat(failures).as("runs that lost lines").isEmpty();
    }

    private long lastDuplicates;

    private String runGated(int run) throws Exception {
        try (var exporter = new GatedExporter(); var prometheus = new PrometheusMetrics(100)) {
            exporter.open();
            Path logs = Files.createDirectories(dir.resolve("run" + run));
            FileReceiver receiver = start(logs, exporter, prometheus);
            String prefix = "e-copytruncate-";
            int n = write(logs, prefix);
            int lost = exporter.awaitArrival(prefix, n, Duration.ofSeconds(30));
            lastDuplicates = Arrivals.duplicates(exporter.arrived());
            String failure = lost == 0 ? null : describe(run, logs, receiver, Arrivals.missing(exporter.arrived(), prefix, n));
            stop(receiver);
            exporter.assertAccounting(new Scrape(prometheus.scrape()), FileReceiver.NAME, 0);
            return failure;
        }
    }

    private String runUngated(int run) throws Exception {
        var sink = new RecordingSink();
        try (var prometheus = new PrometheusMetrics(100)) {
            Path logs = Files.createDirectories(dir.resolve("run" + run));
            FileReceiver receiver = start(logs, sink, prometheus);
            String prefix = "e-copytruncate-";
            int n = write(logs, prefix);
            var counts = new java.util.HashMap<String, Integer>();
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    counts.clear();
                    for (String m : sink.messages()) counts.merge(m, 1, Integer::sum);
                    return Arrivals.lost(counts, prefix, n) == 0;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // described below
            }
            lastDuplicates = Arrivals.duplicates(counts);
            String failure = Arrivals.lost(counts, prefix, n) == 0 ? null : describe(run, logs, receiver, Arrivals.missing(counts, prefix, n));
            stop(receiver);
            return failure;
        }
    }

    private FileReceiver start(Path logs, EventSink sink, PrometheusMetrics prometheus) {
        var receiver = new FileReceiver(new FileReceiverConfig(logs + "/app.log*", "e", StartAt.BEGINNING, FileFormat.AUTO),
                Normalizer.defaults(), sink, sink, prometheus.receiver(FileReceiver.NAME, FileReceiver.reasons()), "e",
                logs.resolveSibling(logs.getFileName() + "-data"), new PrintStream(new ByteArrayOutputStream()), 0,
                TIMING);
        receiver.start();
        return receiver;
    }

    private static void stop(FileReceiver receiver) throws Exception {
        receiver.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** As DeliveryFaultTest (e): each generation through its own unbuffered stream, then rotated. */
    private static int write(Path logs, String prefix) throws IOException {
        Path file = logs.resolve("app.log");
        int line = 0;
        for (int r = 0; r <= ROTATIONS; r++) {
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (int i = 0; i < PER_FILE; i++, line++) out.write(("{\"level\":30,\"msg\":\"" + prefix + line + "\"}\n").getBytes(StandardCharsets.UTF_8));
            }
            if (r < ROTATIONS) rotate(logs, r + 1);
        }
        return line;
    }

    private static void rotate(Path logs, int count) throws IOException {
        for (int k = count - 1; k >= 1; k--) {
            Path from = logs.resolve("app.log." + k);
            if (Files.exists(from)) Files.move(from, logs.resolve("app.log." + (k + 1)));
        }
        Path live = logs.resolve("app.log");
        Files.copy(live, logs.resolve("app.log.1"), StandardCopyOption.COPY_ATTRIBUTES);
        try (var channel = java.nio.channels.FileChannel.open(live, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
    }

    private static String describe(int run, Path logs, FileReceiver receiver, String missing) throws IOException {
        var out = new StringBuilder("run " + run + ": missing " + missing + "\n");
        try (Stream<Path> files = Files.list(logs)) {
            for (Path p : files.sorted().toList()) {
                var a = Files.readAttributes(p, BasicFileAttributes.class);
                String first = Files.readAllLines(p).stream().findFirst().orElse("");
                out.append("  ").append(p.getFileName()).append(" size ").append(a.size()).append(" key ").append(a.fileKey())
                        .append(" first ").append(first).append('\n');
            }
        }
        Path checkpoint = receiver.checkpointFile();
        out.append("  checkpoint ").append(Files.exists(checkpoint) ? Files.readString(checkpoint) : "(none)").append('\n');
        return out.toString();
    }
}
