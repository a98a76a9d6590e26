package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.pipeline.SpanSynthesizer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives an {@link OtlpExporter} from an in-memory {@link ExportQueue}: one platform thread,
 * {@code sidewatch-otlp}, takes batches of up to {@value #BATCH} events and sends them, one request at a
 * time. A retryable failure is retried with the same batch — after the collector's {@code Retry-After}
 * when it sent one, else with exponential backoff from {@link #INITIAL_BACKOFF} to {@link #MAX_BACKOFF} —
 * while the queue fills and pushes back on the receivers; a permanent one is counted in
 * {@code sidewatch_export_failures_total} and the batch is dropped. Failures are reported on the log
 * stream once per change of state, not per request. The durable disk buffer (issue 5) replaces the
 * queue in front of the exporter; this loop is the memory-only form of the same contract.
 */
public final class OtlpExportLoop {
    /** Most events per export request. */
    static final int BATCH = 1024;
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Longest wait honoured from a {@code Retry-After}. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final OtlpExporter exporter;
    private final ExportQueue queue;
    private final ExporterMetrics metrics;
    private final PrintStream log;
    private final Thread sender;
    private final Object pause = new Object();
    private volatile boolean stopping;
    private volatile int abandoned;
    private boolean failing;

    /**
     * @param exporter the OTLP exporter (closed by {@link #drainAndStop})
     * @param queue    the buffer in front of it
     * @param metrics  from {@link PrometheusMetrics#exporter}
     * @param log      where state changes are reported (stderr)
     */
    public OtlpExportLoop(OtlpExporter exporter, ExportQueue queue, ExporterMetrics metrics, PrintStream log) {
        this.exporter = exporter;
        this.queue = queue;
        this.metrics = metrics;
        this.log = log;
        this.sender = Thread.ofPlatform().name("sidewatch-otlp").daemon(true).unstarted(this::sendLoop);
    }

    public ExportQueue queue() {
        return queue;
    }

    public OtlpExporter exporter() {
        return exporter;
    }

    /** Starts the sender thread. */
    public void start() {
        sender.start();
    }

    /**
     * Stops accepting, sends what is queued within {@code timeout} (retrying as usual), then closes the
     * exporter. Blocks.
     *
     * @return the number of events left unsent (0 unless the timeout passed)
     */
    public int drainAndStop(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        queue.close();
        sender.join(Math.max(1, timeout.toMillis()));
        int unsent = 0;
        if (sender.isAlive()) {
            stopping = true;
            sender.interrupt();
            sender.join(1000);
            unsent = abandoned + queue.size();
        }
        exporter.close(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        return unsent;
    }

    private void sendLoop() {
        try {
            while (!queue.finished()) {
                List<ExportQueue.Item> batch = queue.take(BATCH, Duration.ofSeconds(1));
                if (batch.isEmpty()) continue;
                List<Event> events = new ArrayList<>(batch.size());
                for (ExportQueue.Item item : batch) events.add(item.event());
                try {
                    send(events);
                } catch (InterruptedException e) {
                    abandoned = events.size();
                    throw e;
                } finally {
                    queue.done(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one batch until it is delivered or refused for good. */
    private void send(List<Event> events) throws InterruptedException {
        Duration backoff = INITIAL_BACKOFF;
        long spans = exporter.exportsTraces() ? events.stream().filter(SpanSynthesizer::isSynthesized).count() : 0;
        while (true) {
            ExportResult result = await(events);
            switch (result.outcome()) {
                case SUCCESS -> {
                    metrics.exported(events.size());
                    metrics.exportedSpans(spans);
                    recovered();
                    return;
                }
                case PERMANENT -> {
                    metrics.failed(events.size());
                    metrics.failedSpans(spans);
                    report("the collector refused " + events.size() + " events for good (" + result.reason() + "); they are dropped");
                    return;
                }
                case RETRYABLE -> {
                    if (stopping) throw new InterruptedException("stopping");
                    Duration wait = result.retryAfter() != null ? min(result.retryAfter(), MAX_RETRY_AFTER) : backoff;
                    report("export failed (" + result.reason() + "); retrying");
                    synchronized (pause) {
                        pause.wait(Math.max(1, wait.toMillis()));
                    }
                    backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
                }
            }
        }
    }

    private ExportResult await(List<Event> events) throws InterruptedException {
        try {
            // the exporter's own timeout ends every request; this bound only guards against a lost callback
            return exporter.export(events).get(exporter.settings().timeout().toMillis() * 2 + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return ExportResult.retryable(0, null, e.toString());
        }
    }

    private void report(String message) {
        if (failing) return;
        failing = true;
        log.println("sidewatch: otlp exporter: " + message);
    }

    private void recovered() {
        if (!failing) return;
        failing = false;
        log.println("sidewatch: otlp exporter: export works again");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
