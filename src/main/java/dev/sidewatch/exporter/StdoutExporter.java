package dev.sidewatch.exporter;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sidewatch.event.EventJson;
import dev.sidewatch.telemetry.ExporterMetrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Writes normalised events as JSON lines (SPEC 4) to standard output: the default exporter when no
 * OTLP endpoint is set. Events wait in a bounded {@link ExportQueue}; one platform thread,
 * {@code sidewatch-stdout}, writes them in batches, so a slow reader of stdout slows the receivers
 * (back-pressure) instead of blocking an event loop or losing events. A failed write is counted in
 * {@code sidewatch_export_failures_total} and reported once on the log stream.
 */
public final class StdoutExporter {
    /** The {@code exporter} label. */
    public static final String NAME = "stdout";
    /** Most events written between two flushes. */
    static final int BATCH = 1024;

    private final OutputStream out;
    private final ExportQueue queue;
    private final ExporterMetrics metrics;
    private final PrintStream log;
    private final Thread writer;
    private boolean failureReported;

    /**
     * @param out     the stream written to (not closed by this exporter)
     * @param queue   the buffer in front of the writer
     * @param metrics from {@link PrometheusMetrics#exporter}
     * @param log     where the one-line failure report goes (stderr)
     */
    public StdoutExporter(OutputStream out, ExportQueue queue, ExporterMetrics metrics, PrintStream log) {
        this.out = out;
        this.queue = queue;
        this.metrics = metrics;
        this.log = log;
        this.writer = Thread.ofPlatform().name("sidewatch-stdout").daemon(true).unstarted(this::writeLoop);
    }

    public ExportQueue queue() {
        return queue;
    }

    /** Starts the writer thread. */
    public void start() {
        writer.start();
    }

    /**
     * Stops accepting, writes what is queued within {@code timeout}, and ends the writer thread. Blocks.
     *
     * @return the number of events left unwritten (0 unless the timeout passed)
     */
    public int drainAndStop(Duration timeout) throws InterruptedException {
        queue.close();
        writer.join(Math.max(1, timeout.toMillis()));
        if (writer.isAlive()) {
            writer.interrupt();
            return queue.size();
        }
        return 0;
    }

    private void writeLoop() {
        var buffered = new BufferedOutputStream(out, 1 << 16);
        JsonGenerator gen = newGenerator(buffered);
        try {
            while (!queue.finished()) {
                List<ExportQueue.Item> batch = queue.take(BATCH, Duration.ofSeconds(1));
                if (batch.isEmpty()) continue;
                long written = 0;
                IOException failure = null;
                for (ExportQueue.Item item : batch) {
                    try {
                        EventJson.write(item.event(), gen);
                        gen.writeRaw('\n');
                        written++;
                    } catch (IOException | RuntimeException e) {
                        failure = e instanceof IOException io ? io : new IOException(e);
                        gen = newGenerator(buffered); // the old one may be inside a half-written object
                    }
                }
                try {
                    gen.flush();
                    buffered.flush();
                } catch (IOException e) {
                    failure = e;
                    written = 0;
                }
                metrics.exported(written);
                if (written < batch.size()) metrics.failed(batch.size() - written);
                if (failure != null) reportOnce(failure);
                queue.done(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonGenerator newGenerator(OutputStream out) {
        try {
            return EventJson.generator(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void reportOnce(IOException e) {
        if (failureReported) return;
        failureReported = true;
        log.println("sidewatch: stdout exporter: write failed (" + e.getMessage() + "); failures are counted in sidewatch_export_failures_total");
    }
}
