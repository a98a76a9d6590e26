package dev.sidewatch.exporter.buffer;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventCodec;
import dev.sidewatch.exporter.BatchExporter;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.event.ExportResult;
import dev.sidewatch.telemetry.ExporterMetrics;
import dev.sidewatch.exporter.PrometheusMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;
import java.util.function.ToLongFunction;

/**
 * The durable buffer in front of a network exporter (SPEC 8): events go from the pipeline into a bounded
 * in-memory {@link ExportQueue}, a writer thread ({@code sidewatch-<name>-buffer}) appends them to the
 * {@link SegmentLog} under {@code <buffer.dir>/<name>/} and fsyncs each write batch, and a sender thread
 * ({@code sidewatch-<name>-sender}) reads them back in batches, hands each batch to the
 * {@link BatchExporter} and deletes it from disk only once the exporter confirms it. Delivery is
 * at-least-once: what was not confirmed before a crash is sent again after the restart (counted in
 * {@code sidewatch_buffer_redelivered_total}).
 *
 * <p>Retries: refused connections, timeouts, 429 and 5xx ({@link ExportResult.Outcome#RETRYABLE}) are
 * retried with the {@link RetryPolicy} (full-jitter exponential backoff, {@code Retry-After} honoured),
 * forever, while the events wait on disk. A {@link ExportResult.Outcome#PERMANENT} refusal (HTTP 400)
 * moves the batch to the {@link DeadLetterFile} and counts it in
 * {@code sidewatch_export_failures_total} and {@code sidewatch_dropped_events_total{reason="dead_letter"}}.
 *
 * <p>Back-pressure: when the segments fill {@value #HIGH_WATER_PERCENT}% of {@code max_bytes} (the
 * high-water mark) the queue is {@linkplain ExportQueue#hold held}, so receivers push back at once (HTTP
 * 429, TCP and file reading paused), and the writer stops taking from it until the disk is back below
 * {@value #LOW_WATER_PERCENT}%. The last tenth of the budget is kept for writing out the queue at
 * shutdown, and the writer never exceeds {@code max_bytes}. A disk that cannot be written (no
 * permission, disk full) is reported once in the log and by {@link #problem()} for {@code /readyz}; the
 * writer retries every {@link #DISK_RETRY}, holding what it took, and nothing is dropped.
 *
 * <p>The queue's {@link ExportQueue#whenDone} is the persistence barrier: the writer reports a batch
 * done only once it is fsynced.
 *
 * <p>Meters: {@code sidewatch_exported_total} and {@code sidewatch_export_failures_total}
 * ({@code signal="logs"}; failures count the events of every failed attempt),
 * {@code sidewatch_buffer_events} and {@code sidewatch_buffer_bytes} (in memory plus on disk, not yet
 * confirmed), {@code sidewatch_buffer_redelivered_total}, {@code sidewatch_export_retries_total}.
 * Thread-safe; {@link #start()} and {@link #drainAndStop} block.
 */
public final class BufferedExporter {
    /** Pushback starts when the disk holds this share of {@code max_bytes}. */
    public static final int HIGH_WATER_PERCENT = 90;
    /** ... and ends when it is back below this share. */
    public static final int LOW_WATER_PERCENT = 80;
    /** Events per export request: 512, the OpenTelemetry SDK's default batch size. */
    public static final int DEFAULT_BATCH_EVENTS = 512;
    /** Encoded bytes per export request, about: 4 MiB. */
    public static final long DEFAULT_BATCH_BYTES = 4L * 1024 * 1024;
    /** Most events per disk write (one fsync each). */
    static final int WRITE_BATCH = 1024;
    /** How long the sender waits for a batch to fill once it has a first event: adds at most this to the latency. */
    static final Duration BATCH_LINGER = Duration.ofMillis(50);
    /** How often a broken disk is tried again. */
    static final Duration DISK_RETRY = Duration.ofSeconds(1);
    /** An exporter that fails by throwing rather than with a result this many times in a row for one batch: dead-letter it. */
    static final int MAX_EXPORTER_ERRORS = 5;

    /** Waits between attempts; the default waits on a condition that {@link #drainAndStop} cuts short. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /**
     * @param name          the {@code exporter} label and the directory under {@code buffer.dir}
     * @param bufferDir     {@code buffer.dir}
     * @param maxBytes      {@code buffer.max_bytes}: the disk budget of the segments
     * @param exportTimeout the longest wait for one export result before it counts as a timeout
     * @param retry         backoff
     * @param batchEvents   events per export request
     * @param batchBytes    encoded bytes per export request, about
     */
    public record Settings(String name, Path bufferDir, long maxBytes, Duration exportTimeout, RetryPolicy retry,
                           int batchEvents, long batchBytes) {
        public static Settings of(String name, Path bufferDir, long maxBytes, Duration exporterTimeout) {
            return new Settings(name, bufferDir, maxBytes, exporterTimeout.plusSeconds(5), RetryPolicy.DEFAULT,
                    DEFAULT_BATCH_EVENTS, DEFAULT_BATCH_BYTES);
        }

        public Settings withRetry(RetryPolicy policy) {
            return new Settings(name, bufferDir, maxBytes, exportTimeout, policy, batchEvents, batchBytes);
        }

        public Settings withBatch(int events, long bytes) {
            return new Settings(name, bufferDir, maxBytes, exportTimeout, retry, events, bytes);
        }
    }

    private final Settings settings;
    private final BatchExporter exporter;
    private final ExportQueue queue;
    private final PrometheusMetrics metrics;
    private final PrintStream log;
    private final Clock clock;
    private final Pause pause;
    private final LongUnaryOperator random;
    private final SegmentLog segments;
    private final DeadLetterFile deadLetters;
    private final ExporterMetrics meters;
    private final ToLongFunction<List<Event>> spansOf;
    private final Counter retries;
    private final Counter redelivered;
    private final Thread writer;
    private final Thread sender;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stateChanged = lock.newCondition();
    private volatile boolean diskSaturated;
    private volatile boolean opened;
    private volatile boolean draining;
    private volatile boolean abort;
    private volatile String diskProblem;
    private volatile boolean writerDone;
    private volatile long givenUp;
    private volatile long writtenOfBatch;
    private volatile long writtenBytesOfBatch;
    private boolean exportFailing; // sender thread only
    private int failedAttempts; // sender thread only
    private boolean decodeReported; // sender thread only
    private boolean encodeReported; // writer thread only

    /**
     * @param queue   the in-memory stage in front of the disk (its high-water mark bounds memory)
     * @param metrics for the meters and {@code sidewatch_dropped_events_total}
     * @param log     where the start-up summary, damage, disk and outage reports go, once each (stderr)
     * @param pause   null for the default (a wait that {@link #drainAndStop} interrupts)
     * @param random  maps {@code n > 0} to a uniform value in {@code [0, n)}; null for {@link ThreadLocalRandom}
     * @param spansOf how many spans the exporter sends with a batch (counted under {@code signal="traces"}),
     *                or null for an exporter of logs only
     */
    public BufferedExporter(Settings settings, BatchExporter exporter, ExportQueue queue, PrometheusMetrics metrics,
                            PrintStream log, Clock clock, Pause pause, LongUnaryOperator random,
                            ToLongFunction<List<Event>> spansOf) {
        this.settings = settings;
        this.exporter = exporter;
        this.queue = queue;
        this.metrics = metrics;
        this.log = log;
        this.clock = clock;
        this.pause = pause != null ? pause : this::interruptibleWait;
        this.random = random != null ? random : bound -> ThreadLocalRandom.current().nextLong(bound);
        Path dir = settings.bufferDir().resolve(settings.name());
        this.segments = new SegmentLog(dir, settings.maxBytes(), SegmentLog.segmentBytesFor(settings.maxBytes()), this::damaged);
        this.deadLetters = new DeadLetterFile(settings.bufferDir(), settings.name(), Math.max(1 << 20, settings.maxBytes() / 16));
        MeterRegistry registry = metrics.registry();
        String name = settings.name();
        this.spansOf = spansOf;
        this.meters = metrics.bufferedExporter(name, this::bufferedEvents, this::bufferedBytes, settings.maxBytes(), spansOf != null);
        retries = Counter.builder("sidewatch.export.retries").description("Export attempts that will be retried")
                .tags("exporter", name).register(registry);
        redelivered = Counter.builder("sidewatch.buffer.redelivered")
                .description("Events sent again after a restart that the collector may already have (possible duplicates)")
                .tags("exporter", name).register(registry);
        for (String reason : List.of(DROP_DEAD_LETTER, DROP_BUFFER_DAMAGED)) {
            // the same meter PrometheusMetrics#dropped increments, registered at 0 so dashboards see it
            Counter.builder("sidewatch.dropped.events")
                    .description("Events lost after a receiver accepted them, by reason (zero in normal operation)")
                    .tags("reason", reason).register(registry);
        }
        this.writer = Thread.ofPlatform().name("sidewatch-" + name + "-buffer").daemon(true).unstarted(this::writeLoop);
        this.sender = Thread.ofPlatform().name("sidewatch-" + name + "-sender").daemon(true).unstarted(this::sendLoop);
    }

    /** {@code sidewatch_dropped_events_total} reason: a batch the collector refused for good, kept in the dead-letter file. */
    public static final String DROP_DEAD_LETTER = "dead_letter";
    /** ... reason: a damaged region of the disk buffer (counted once per region). */
    public static final String DROP_BUFFER_DAMAGED = "buffer_damaged";

    /**
     * Opens the disk buffer (recovering what an earlier run left) and starts the writer and sender threads.
     * Blocks on disk IO. A disk that cannot be opened is not an error here: {@link #problem()} says why,
     * receivers are held back, and the writer keeps trying.
     */
    public void start() {
        tryOpen();
        writer.start();
        sender.start();
    }

    public String name() {
        return settings.name();
    }

    /** The directory of the segments. */
    public Path directory() {
        return segments.dir();
    }

    /** The exporter's counters, for what it sends outside the buffer (forwarded traces). */
    public ExporterMetrics metrics() {
        return meters;
    }

    /** The in-memory stage: the pipeline offers events to it. */
    public ExportQueue queue() {
        return queue;
    }

    /**
     * Why this buffer is not ready, for {@code /readyz}: the disk cannot be written, or the buffer is above
     * its high-water mark; null when it is fine.
     */
    public String problem() {
        String disk = diskProblem;
        if (disk != null) return disk;
        if (diskSaturated) {
            return settings.name() + " disk buffer above its high-water mark (" + segments.diskBytes() + " of "
                    + settings.maxBytes() + " bytes of buffer.max_bytes in use while the exporter catches up)";
        }

        if (queue.saturated()) return settings.name() + " export buffer above its high-water mark";
        return null;
    }

    /** Events waiting: in memory and on disk, not yet confirmed by the exporter. */
    public long bufferedEvents() {
        return Math.max(0, queue.size() - writtenOfBatch) + segments.unackedEvents();
    }

    /** Bytes waiting: input bytes in memory plus record bytes on disk. */
    public long bufferedBytes() {
        return Math.max(0, queue.bytes() - writtenBytesOfBatch) + segments.unackedBytes();
    }

    /** Bytes of the segment files, as counted against {@code buffer.max_bytes}. */
    public long diskBytes() {
        return segments.diskBytes();
    }

    // ---------------------------------------------------------------- writer thread

    private void writeLoop() {
        try {
            if (!opened && !openLog()) return;
            var out = new EventCodec.Out(4096);
            while (!queue.finished() && !abort) {
                awaitBelowHighWater();
                List<ExportQueue.Item> batch = queue.take(WRITE_BATCH, Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    idle();
                    continue;
                }
                int done = 0;
                while (done < batch.size() && !abort) {
                    try {
                        done = write(batch, done, out);
                        healthy();
                    } catch (IOException e) {
                        segments.abandonUncommitted();
                        unhealthy("cannot write the " + settings.name() + " disk buffer in " + segments.dir() + ": " + describe(e));
                        if (!abort) interruptibleWait(DISK_RETRY);
                    }
                }
                if (done < batch.size()) givenUp += batch.size() - done;
                // zeroed first: the gauges may count the batch twice for a moment, never zero times
                writtenOfBatch = 0;
                writtenBytesOfBatch = 0;
                queue.done(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            unhealthy("the " + settings.name() + " disk buffer writer stopped: " + describe(e));
            throw e;
        } finally {
            writerDone = true;
            lock.lock();
            try {
                stateChanged.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Nothing to write: frees the confirmed write segment so the disk empties. */
    private void idle() {
        try {
            segments.sealIfConfirmed();
            healthy();
        } catch (IOException e) {
            segments.abandonUncommitted();
        }
        updateDiskSaturation();
    }

    /** Opens (and recovers) the log, retrying while the disk refuses; false when stopped first. */
    private boolean openLog() throws InterruptedException {
        while (!abort) {
            if (tryOpen()) return true;
            interruptibleWait(DISK_RETRY);
        }
        return opened;
    }

    /** One attempt to open (and recover) the log. */
    private boolean tryOpen() {
        if (opened) return true;
        try {
            SegmentLog.Recovery recovery = segments.open();
            opened = true;
            if (recovery.ackProblem() != null) {
                log.println("sidewatch: " + settings.name() + " buffer: ack file unreadable (" + recovery.ackProblem()
                        + "); sending everything in " + segments.dir() + " again");
            }
            if (recovery.events() > 0) {
                log.println("sidewatch: " + settings.name() + " buffer: " + recovery.events() + " events from an earlier run in "
                        + segments.dir() + " will be sent (" + recovery.maybeDelivered() + " of them may have been delivered already)");
                redelivered.increment(recovery.maybeDelivered());
            }
            updateDiskSaturation();
            healthy();
            lock.lock();
            try {
                stateChanged.signalAll();
            } finally {
                lock.unlock();
            }
            return true;
        } catch (IOException e) {
            segments.release();
            unhealthy("cannot open the " + settings.name() + " disk buffer in " + segments.dir() + ": " + describe(e));
            return false;
        }
    }

    /** Writes {@code batch[from..]}; returns how many of the batch are on disk (all, unless stopped). */
    private int write(List<ExportQueue.Item> batch, int from, EventCodec.Out out) throws IOException, InterruptedException {
        segments.beginBatch();
        int committed = from;
        int i = from;
        for (; i < batch.size(); i++) {
            out.reset();
            try {
                EventCodec.encode(batch.get(i).event(), out);
            } catch (RuntimeException | StackOverflowError e) {
                if (!encodeReported) {
                    encodeReported = true;
                    log.println("sidewatch: " + settings.name() + " buffer: an event could not be encoded (" + describe(e)
                            + "); counted in sidewatch_dropped_events_total{reason=\"unencodable\"}");
                }
                metrics.dropped("unencodable", 1);
                continue;
            }
            int recordBytes = SegmentLog.recordBytes(out.size());
            if (!segments.hasRoom(recordBytes)) {
                segments.commit();
                written(batch, committed, i);
                committed = i;
                updateDiskSaturation();
                while (!segments.awaitRoom(recordBytes, DISK_RETRY.toNanos())) {
                    if (abort) return committed;
                }
                if (abort) return committed;
                segments.beginBatch();
            }
            segments.append(out.array(), out.size());
        }
        segments.commit();
        written(batch, committed, i);
        updateDiskSaturation();
        return batch.size();
    }

    /** Items of the batch now on disk but still counted by the queue until the batch is done. */
    private void written(List<ExportQueue.Item> batch, int from, int to) {
        long bytes = 0;
        for (int k = from; k < to; k++) bytes += batch.get(k).bytes();
        writtenBytesOfBatch += bytes;
        writtenOfBatch += to - from;
    }

    /** While the disk is above its high-water mark, takes nothing more from the queue (unless draining at stop). */
    private void awaitBelowHighWater() throws InterruptedException {
        lock.lock();
        try {
            while (diskSaturated && !draining && !abort) stateChanged.await(DISK_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
    }

    private void updateDiskSaturation() {
        long used = segments.diskBytes();
        long max = settings.maxBytes();
        lock.lock();
        try {
            if (!diskSaturated && used * 100 >= max * HIGH_WATER_PERCENT) {
                diskSaturated = true;
            } else if (diskSaturated && used * 100 <= max * LOW_WATER_PERCENT) {
                diskSaturated = false;
                stateChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        holdReceivers();
    }

    /** Receivers push back at once while the disk is above its high-water mark or failing (not only once memory fills). */
    private void holdReceivers() {
        queue.hold(diskSaturated || diskProblem != null);
    }

    private void healthy() {
        if (diskProblem == null) return;
        log.println("sidewatch: " + settings.name() + " buffer: the disk in " + segments.dir() + " is writable again");
        diskProblem = null;
        holdReceivers();
    }

    private void unhealthy(String problem) {
        if (diskProblem == null) {
            log.println("sidewatch: " + problem + "; not ready, receivers push back, retrying every " + DISK_RETRY.toSeconds() + " s");
        }
        diskProblem = problem;
        holdReceivers();
    }

    private void damaged(SegmentLog.Damage damage) {
        // one line per damaged region, found once (at start-up, or when the reader reaches it)
        if (damage.tail()) {
            log.println("sidewatch: " + settings.name() + " buffer: torn write at the end of " + damage.segment().getFileName()
                    + " (" + damage.bytes() + " bytes from offset " + damage.from() + ", from an earlier crash) skipped; the records before it are kept");
        } else {
            log.println("sidewatch: " + settings.name() + " buffer: " + damage.bytes() + " damaged bytes at offset " + damage.from()
                    + " of " + damage.segment().getFileName() + " skipped; the records before and after them are kept");
            metrics.dropped(DROP_BUFFER_DAMAGED, 1);
        }
    }

    // ---------------------------------------------------------------- sender thread

    private void sendLoop() {
        try {
            lock.lock();
            try {
                while (!opened && !abort && !writerDone) stateChanged.await(1, TimeUnit.SECONDS);
            } finally {
                lock.unlock();
            }
            if (!opened) return;
            while (!abort) {
                if (draining && writerDone && segments.unackedEvents() == 0) break;
                SegmentLog.Batch batch = segments.read(settings.batchEvents(), settings.batchBytes(), TimeUnit.MILLISECONDS.toNanos(200),
                        draining ? 0 : BATCH_LINGER.toNanos());
                if (batch.isEmpty()) {
                    updateDiskSaturation();
                    continue;
                }
                List<Event> events = decode(batch.payloads());
                if (events.isEmpty()) {
                    segments.acknowledge(batch.end(), batch.payloads().size(), batch.recordBytes());
                    continue;
                }
                segments.markSent(batch.end());
                if (!deliver(events)) break; // stopped with the batch still on disk
                segments.acknowledge(batch.end(), batch.payloads().size(), batch.recordBytes());
                updateDiskSaturation();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            unhealthy("cannot read the " + settings.name() + " disk buffer in " + segments.dir() + ": " + describe(e));
        }
    }

    private List<Event> decode(List<byte[]> payloads) {
        List<Event> events = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            try {
                events.add(EventCodec.decode(payload, 0, payload.length));
            } catch (EventCodec.MalformedEventException e) {
                if (!decodeReported) {
                    decodeReported = true;
                    log.println("sidewatch: " + settings.name() + " buffer: a record passed its checksum but could not be decoded ("
                            + e.getMessage() + "); skipped and counted in sidewatch_dropped_events_total{reason=\"" + DROP_BUFFER_DAMAGED + "\"}");
                }
                metrics.dropped(DROP_BUFFER_DAMAGED, 1);
            }
        }
        return events;
    }

    /** Sends one batch until it is confirmed or dead-lettered (true), or the buffer stops (false). */
    private boolean deliver(List<Event> events) throws InterruptedException {
        int attempt = 0;
        int exporterErrors = 0;
        while (true) {
            ExportAttempt tried = ExportAttempt.run(() -> exporter.export(events), settings.exportTimeout());
            ExportResult result = tried.result();
            boolean thrown = tried.exporterError();
            switch (result.outcome()) {
                case SUCCESS -> {
                    meters.exported(events.size());
                    if (spansOf != null) meters.exportedSpans(spansOf.applyAsLong(events));
                    recovered();
                    return true;
                }
                case PERMANENT -> {
                    deadLetter(events, result.reason());
                    recovered();
                    return true;
                }
                case RETRYABLE -> {
                    meters.failed(events.size());
                    if (spansOf != null) meters.failedSpans(spansOf.applyAsLong(events));
                    retries.increment();
                    exporterErrors = thrown ? exporterErrors + 1 : 0;
                    if (exporterErrors >= MAX_EXPORTER_ERRORS) {
                        deadLetter(events, result.reason() + " (" + MAX_EXPORTER_ERRORS + " times in a row)");
                        return true;
                    }
                    attempt++;
                    failing(result.reason());
                    if (abort) return false;
                    pause.pause(settings.retry().delay(attempt, result.retryAfter(), random));
                    if (abort) return false;
                }
            }
        }
    }

    private void deadLetter(List<Event> events, String reason) {
        meters.failed(events.size());
        if (spansOf != null) meters.failedSpans(spansOf.applyAsLong(events));
        metrics.dropped(DROP_DEAD_LETTER, events.size());
        try {
            deadLetters.write(events, settings.name(), reason, clock.instant());
            log.println("sidewatch: " + settings.name() + " exporter: the collector refused " + events.size() + " events for good ("
                    + reason + "); written to " + deadLetters.path() + " and counted in sidewatch_dropped_events_total{reason=\""
                    + DROP_DEAD_LETTER + "\"}");
        } catch (IOException e) {
            log.println("sidewatch: " + settings.name() + " exporter: the collector refused " + events.size() + " events for good ("
                    + reason + ") and the dead-letter file could not be written (" + describe(e) + ")");
        }
    }

    private void failing(String reason) {
        failedAttempts++;
        if (exportFailing) return;
        exportFailing = true;
        log.println("sidewatch: " + settings.name() + " exporter: export failed (" + reason
                + "); retrying with backoff while events wait in the disk buffer");
    }

    private void recovered() {
        if (!exportFailing) return;
        log.println("sidewatch: " + settings.name() + " exporter: export works again after " + failedAttempts + " failed attempts");
        exportFailing = false;
        failedAttempts = 0;
    }

    private void interruptibleWait(Duration duration) throws InterruptedException {
        long nanos = duration.toNanos();
        lock.lock();
        try {
            while (nanos > 0 && !abort) nanos = stateChanged.awaitNanos(nanos);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- stop

    /**
     * Stops accepting, writes what is in memory to disk, keeps sending until the buffer is empty or the
     * timeout passes, then stops both threads; what is left on disk is sent after the next start. Blocks.
     *
     * @return the number of events that could not even be written to disk (0 unless the disk failed)
     */
    public int drainAndStop(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        draining = true;
        queue.close();
        lock.lock();
        try {
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        abort = true;
        segments.close();
        lock.lock();
        try {
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        writer.join(2000);
        sender.join(2000);
        int unwritten = (int) (givenUp + queue.size());
        long left = segments.unackedEvents();
        segments.release();
        if (left > 0) {
            log.println("sidewatch: " + settings.name() + " exporter: " + left + " events stay in " + segments.dir()
                    + " and will be sent after the next start");
        }
        return unwritten;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied: " + message;
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + (fse.getFile() != null ? " (" + fse.getFile() + ")" : "");
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
