package dev.sidewatch.exporter.buffer;

import dev.sidewatch.event.ExportResult;
import dev.sidewatch.telemetry.ExporterMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The disk buffer for OTLP trace requests received on {@code /v1/traces} (SPEC 8: OTLP exports go through
 * a disk buffer). Each request is appended to a {@link SegmentLog} under {@code <buffer.dir>/otlp-traces/}
 * and fsync'd before the client is answered 200; a sender thread ({@code sidewatch-otlp-traces-sender})
 * passes the requests on unchanged and in order, retrying with the log buffer's backoff and honouring
 * {@code Retry-After}, and removes each only once the collector confirmed it. After a crash or a stop
 * with requests unsent, the next start sends them first. A request the collector refuses for good (a
 * 4xx other than 429) is written to {@code <buffer.dir>/dead-letter/otlp-traces.ndjson} (base64) and its
 * spans counted as failed. When the spool is full ({@value #SHARE_OF_BUFFER}th of {@code buffer.max_bytes})
 * the client gets 429 with {@code Retry-After}: push back, never a silent drop.
 *
 * <p>Record: the span count (4 bytes, big-endian), then the request's protobuf. Writes happen on one
 * thread ({@code sidewatch-otlp-traces-writer}), reads on the sender; {@link #forward} never blocks.
 */
public final class TraceSpool {
    /** The spool's directory under {@code buffer.dir}, and its name in logs and the dead-letter file. */
    public static final String NAME = "otlp-traces";
    /** The spool may use this fraction of {@code buffer.max_bytes} (on top of the log buffer). */
    static final int SHARE_OF_BUFFER = 4;
    private static final Duration FULL_RETRY_AFTER = Duration.ofSeconds(1);

    private final SegmentLog segments;
    private final Function<byte[], CompletableFuture<ExportResult>> send;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final ExporterMetrics meters;
    private final PrintStream log;
    private final Clock clock;
    private final DeadLetterFile deadLetters;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("sidewatch-" + NAME + "-writer").daemon(true).unstarted(r));
    private final Thread sender = Thread.ofPlatform().name("sidewatch-" + NAME + "-sender").daemon(true).unstarted(this::sendLoop);
    private final Object wake = new Object();
    private volatile boolean opened;
    private volatile boolean stopping;
    private boolean failing;
    private String openProblem;

    /**
     * @param send    passes one request on and reports the collector's verdict (the OTLP exporter)
     * @param timeout how long one attempt may take before it counts as failed and is retried
     */
    public TraceSpool(Path bufferDir, long bufferMaxBytes, Function<byte[], CompletableFuture<ExportResult>> send, Duration timeout,
                      RetryPolicy retry, ExporterMetrics meters, PrintStream log, Clock clock) {
        long maxBytes = Math.max(1 << 20, bufferMaxBytes / SHARE_OF_BUFFER);
        this.segments = new SegmentLog(bufferDir.resolve(NAME), maxBytes, SegmentLog.segmentBytesFor(maxBytes),
                damage -> log.println("sidewatch: " + NAME + " buffer: damaged data in " + damage.segment() + " from byte "
                        + damage.from() + " skipped; the requests around it are kept"));
        this.send = send;
        this.timeout = timeout;
        this.retry = retry;
        this.meters = meters;
        this.log = log;
        this.clock = clock;
        this.deadLetters = new DeadLetterFile(bufferDir, NAME, Math.max(1 << 20, maxBytes / 16));
    }

    /** Opens the spool (reporting what the last run left) and starts sending. Blocks on disk IO. */
    public void start() {
        writer.execute(this::open);
        sender.start();
    }

    /**
     * Persists one {@code ExportTraceServiceRequest} (protobuf); the future completes with SUCCESS once it
     * is on disk, or RETRYABLE (429 when full, 503 when the disk fails or sidewatch is stopping).
     */
    public CompletableFuture<ExportResult> forward(byte[] protobuf, int spans) {
        var result = new CompletableFuture<ExportResult>();
        try {
            writer.execute(() -> result.complete(persist(protobuf, spans)));
        } catch (RejectedExecutionException e) {
            result.complete(ExportResult.retryable(503, FULL_RETRY_AFTER, "sidewatch is stopping"));
        }
        return result;
    }

    // ---------------------------------------------------------------- writer thread

    private void open() {
        if (opened) return;
        try {
            SegmentLog.Recovery recovery = segments.open();
            opened = true;
            openProblem = null;
            if (recovery.events() > 0) {
                log.println("sidewatch: " + NAME + " buffer: " + recovery.events() + " trace requests from the last run are sent first");
            }
            synchronized (wake) {
                wake.notifyAll();
            }
        } catch (IOException e) {
            segments.release();
            String problem = "cannot open the " + NAME + " buffer in " + segments.dir() + ": " + e.getMessage();
            if (!problem.equals(openProblem)) log.println("sidewatch: " + problem + "; /v1/traces answers 503 until it can");
            openProblem = problem;
        }
    }

    private ExportResult persist(byte[] protobuf, int spans) {
        open();
        if (!opened) return ExportResult.retryable(503, FULL_RETRY_AFTER, openProblem);
        byte[] record = ByteBuffer.allocate(4 + protobuf.length).putInt(spans).put(protobuf).array();
        int recordBytes = SegmentLog.recordBytes(record.length);
        try {
            if (!segments.hasRoom(recordBytes) && !segments.awaitRoom(recordBytes, 0)) {
                return ExportResult.retryable(429, FULL_RETRY_AFTER, "the trace buffer is full");
            }
            segments.beginBatch();
            segments.append(record, record.length);
            segments.commit();
            return ExportResult.SUCCESS;
        } catch (IOException e) {
            segments.abandonUncommitted();
            return ExportResult.retryable(503, FULL_RETRY_AFTER, "cannot write the trace buffer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExportResult.retryable(503, FULL_RETRY_AFTER, "sidewatch is stopping");
        }
    }

    private void sealIfConfirmed() {
        try {
            if (opened) segments.sealIfConfirmed();
        } catch (IOException e) {
            // the segment is deleted by a later call or at the next start
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void sendLoop() {
        try {
            synchronized (wake) {
                while (!opened && !stopping) wake.wait(1000);
            }
            while (!stopping) {
                SegmentLog.Batch batch = segments.read(1, Long.MAX_VALUE, TimeUnit.MILLISECONDS.toNanos(200));
                if (batch.isEmpty()) continue;
                segments.markSent(batch.end());
                ByteBuffer record = ByteBuffer.wrap(batch.payloads().getFirst());
                int spans = record.getInt();
                byte[] protobuf = new byte[record.remaining()];
                record.get(protobuf);
                if (!deliver(protobuf, spans)) return; // stopping: the request stays on disk
                segments.acknowledge(batch.end(), 1, batch.recordBytes());
                if (segments.unackedEvents() == 0) {
                    try {
                        writer.execute(this::sealIfConfirmed);
                    } catch (RejectedExecutionException e) {
                        // stopping
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.println("sidewatch: cannot read the " + NAME + " buffer in " + segments.dir() + ": " + e.getMessage());
        }
    }

    /** Sends one request until the collector confirms or refuses it for good (true), or stopping (false). */
    private boolean deliver(byte[] protobuf, int spans) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ExportResult result = ExportAttempt.run(() -> send.apply(protobuf), timeout).result();
            switch (result.outcome()) {
                case SUCCESS -> {
                    meters.exportedSpans(spans);
                    if (failing) log.println("sidewatch: " + NAME + ": forwarding works again");
                    failing = false;
                    return true;
                }
                case PERMANENT -> {
                    meters.failedSpans(spans);
                    deadLetter(protobuf, spans, result.reason());
                    return true;
                }
                case RETRYABLE -> {
                    meters.failedSpans(spans);
                    if (!failing) {
                        log.println("sidewatch: " + NAME + ": forwarding failed (" + result.reason()
                                + "); retrying with backoff while the requests wait in the buffer");
                    }
                    failing = true;
                    Duration delay = retry.delay(attempt, result.retryAfter(), bound -> ThreadLocalRandom.current().nextLong(bound));
                    synchronized (wake) {
                        if (!stopping) wake.wait(Math.max(1, delay.toMillis()));
                    }
                    if (stopping) return false;
                }
            }
        }
    }

    private void deadLetter(byte[] protobuf, int spans, String reason) {
        try {
            deadLetters.writeRequest(protobuf, spans, NAME, reason, clock.instant());
            log.println("sidewatch: " + NAME + ": the collector refused a request of " + spans + " spans for good (" + reason
                    + "); written to " + deadLetters.path());
        } catch (IOException e) {
            log.println("sidewatch: " + NAME + ": the collector refused a request of " + spans + " spans for good (" + reason
                    + ") and the dead-letter file could not be written (" + e.getMessage() + ")");
        }
    }

    // ---------------------------------------------------------------- stop

    /**
     * Stops taking requests, keeps sending until every request on disk is confirmed or the timeout passes,
     * then stops; what is left is sent after the next start. Blocks.
     *
     * @return requests left on disk
     */
    public long drainAndStop(Duration timeout) throws InterruptedException {
        writer.shutdown();
        long deadline = System.nanoTime() + timeout.toNanos();
        writer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        while (opened && segments.unackedEvents() > 0 && System.nanoTime() < deadline && sender.isAlive()) {
            synchronized (wake) {
                wake.wait(50);
            }
        }
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        segments.close();
        sender.interrupt();
        sender.join(TimeUnit.SECONDS.toMillis(5));
        long left = opened ? segments.unackedEvents() : 0;
        if (!sender.isAlive() && writer.isTerminated()) segments.release();
        return left;
    }
}
