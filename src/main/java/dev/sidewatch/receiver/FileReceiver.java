package dev.sidewatch.receiver;

import dev.sidewatch.config.FileReceiverConfig;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tails the files of one {@code receivers.files} entry (SPEC 7, 8): every file matching the glob, in
 * the configured format (raw lines, Docker json-file, CRI, or auto-detected from the first line).
 *
 * <p>All file IO runs on one platform thread, {@code sidewatch-file-<n>}, never on an event loop. It
 * polls every {@link Timing#poll}: finds the files, reads what was appended, and normalises it straight
 * into the sink, waiting while the sink is saturated (back-pressure: reading simply pauses).
 *
 * <p>Identity and rotation: a file is known by its fingerprint (its first bytes, up to 1 KiB), and
 * followed through its open channel. Rename-and-create: the renamed file is read to its end through
 * the open channel (and, when the glob still matches it, recognised under its new name), the new file
 * is read from its start. Copytruncate: the truncation is noticed; if the glob matches the copy, reading
 * continues in the copy where it stopped, and the truncated file is read from its start. Files that
 * appear after the first scan are always read from their start; {@code start_at: end} applies only to
 * files present at the very first start (no checkpoint yet).
 *
 * <p>Checkpoints: about every {@link Timing#checkpointEvery} the safe offset of every file (see
 * {@link TailedFile#safeOffset()}) is captured and, once the {@link PersistenceBarrier} says every event
 * handed on before is in the durable buffer, written to {@link FileCheckpoints}. After a restart,
 * reading resumes there: nothing is skipped, and lines read after the last checkpoint are read again
 * (at-least-once). Stop writes a last checkpoint.
 */
public final class FileReceiver extends VerticleBase {
    /** The {@code receiver} label. */
    public static final String NAME = "file";
    /** A line that is not in the file's container format (kept as a raw line). */
    static final String INVALID_FORMAT = "invalid_format";
    /** Most files read at once; more are skipped (and reported once). */
    static final int MAX_OPEN_FILES = 1024;
    /** Fingerprints of finished files kept, so they are not read again under another name. */
    static final int MAX_FINISHED = 4096;
    private static final long READ_BUDGET = 1024 * 1024;

    /**
     * How often things happen.
     *
     * @param poll            how often the glob is scanned and files checked for growth; default 250 ms
     * @param quiet           an error block still open after this much silence is emitted; default 500 ms
     * @param rotatedGrace    a renamed-away or deleted file is read this long after its last growth; default 5 s
     * @param checkpointEvery how often offsets are checkpointed; default 1 s
     */
    public record Timing(Duration poll, Duration quiet, Duration rotatedGrace, Duration checkpointEvery) {
        public static final Timing DEFAULT = new Timing(Duration.ofMillis(250), Duration.ofMillis(QuietPeriodFlush.DEFAULT_QUIET_MILLIS),
                Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    private record Finished(String path, byte[] fingerprint, long offset) {
    }

    private record Head(Object key, long size, long modified, byte[] fingerprint) {
    }

    private final FileReceiverConfig config;
    private final Normalizer normalizer;
    private final EventSink sink;
    private final PersistenceBarrier barrier;
    private final ReceiverMetrics metrics;
    private final String service;
    private final PrintStream log;
    private final Timing timing;
    private final FileGlob glob;
    private final FileCheckpoints checkpoints;
    private final String threadName;

    private final List<TailedFile> files = new ArrayList<>();
    private final LinkedHashMap<String, Finished> finished = new LinkedHashMap<>(); // by base64 fingerprint
    private final Map<Path, Head> heads = new HashMap<>();
    private final AtomicReference<List<FileCheckpoints.Entry>> persistedCheckpoint = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Promise<Void> stopped = Promise.promise();
    private volatile boolean stopping;
    private boolean hadCheckpoint;
    private boolean dirty;
    private long lastCheckpointNanos = System.nanoTime();
    private final Set<String> reported = new HashSet<>();

    /**
     * @param sink      where events go; reading waits while it is saturated
     * @param barrier   says when events handed on are in the durable buffer, for checkpoints
     * @param service   the process-wide service name, used when the entry names none
     * @param bufferDir {@code buffer.dir}, where the checkpoints live
     * @param index     this entry's position in {@code receivers.files}, for the thread name
     */
    public FileReceiver(FileReceiverConfig config, Normalizer normalizer, EventSink sink, PersistenceBarrier barrier,
                        ReceiverMetrics metrics, String service, Path bufferDir, PrintStream log, int index) {
        this(config, normalizer, sink, barrier, metrics, service, bufferDir, log, index, Timing.DEFAULT);
    }

    FileReceiver(FileReceiverConfig config, Normalizer normalizer, EventSink sink, PersistenceBarrier barrier,
                 ReceiverMetrics metrics, String service, Path bufferDir, PrintStream log, int index, Timing timing) {
        this.config = config;
        this.normalizer = normalizer;
        this.sink = sink;
        this.barrier = barrier;
        this.metrics = metrics;
        this.service = config.service() != null ? config.service() : service;
        this.log = log;
        this.timing = timing;
        this.glob = new FileGlob(config.path());
        this.checkpoints = new FileCheckpoints(bufferDir, glob.pattern());
        this.threadName = "sidewatch-file-" + index;
    }

    /** Rejection reasons this receiver reports. */
    public static List<String> reasons() {
        List<String> reasons = new ArrayList<>(RecordDecoder.LINE_REASONS);
        reasons.add(INVALID_FORMAT);
        return reasons;
    }

    /** The checkpoint file. */
    public Path checkpointFile() {
        return checkpoints.path();
    }

    @Override
    public Future<?> start() {
        Thread.ofPlatform().name(threadName).daemon(true).start(this::run);
        return Future.succeededFuture();
    }

    /** Stops reading and writes a last checkpoint; completes when the thread has finished. */
    @Override
    public Future<?> stop() {
        stopping = true;
        signal();
        return stopped.future();
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the reading thread

    private void run() {
        try {
            loadCheckpoint();
            byte[] buffer = new byte[64 * 1024];
            boolean firstScan = true;
            while (!stopping) {
                long read = 0;
                try {
                    scan(firstScan);
                    firstScan = false;
                    for (TailedFile file : new ArrayList<>(files)) {
                        if (stopping) break;
                        read += readFile(file, buffer);
                    }
                    finishRotated();
                    for (TailedFile file : files) dirty |= file.flushQuiet(timing.quiet());
                    checkpointIfDue();
                } catch (IOException e) {
                    reportOnce("scan", "sidewatch: file receiver " + config.path() + ": " + e.getMessage() + "; retrying");
                } catch (RuntimeException e) {
                    reportOnce("bug:" + e.getClass().getName(), "sidewatch: file receiver " + config.path() + ": unexpected "
                            + e + "; carrying on");
                }
                if (read == 0 && !stopping) await(timing.poll());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finalCheckpoint();
            files.forEach(TailedFile::close);
            files.clear();
            stopped.tryComplete();
        }
    }

    private void await(Duration d) throws InterruptedException {
        lock.lock();
        try {
            if (!stopping) wake.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    private long readFile(TailedFile file, byte[] buffer) {
        try {
            long n = file.read(READ_BUDGET, buffer, this::mayRead);
            if (n > 0) {
                metrics.bytes(n);
                dirty = true;
            }
            return n;
        } catch (IOException e) {
            reportOnce("read:" + file.path, "sidewatch: file receiver: cannot read " + file.path + " (" + e.getMessage() + ")");
            return 0;
        }
    }

    /** Back-pressure: waits while the sink is saturated; false when stopping. */
    private boolean mayRead() {
        try {
            while (!sink.awaitWritable(Duration.ofMillis(500))) {
                if (stopping) return false;
            }
            return !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------- finding files

    private void scan(boolean firstScan) throws IOException {
        List<Path> matched = glob.matches();
        Map<Object, TailedFile> byKey = new HashMap<>();
        for (TailedFile f : files) byKey.put(f.fileKey, f);
        Set<TailedFile> seen = new HashSet<>();
        Map<Path, BasicFileAttributes> unknown = new LinkedHashMap<>();
        for (Path p : matched) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (IOException e) {
                continue; // gone between the walk and now
            }
            TailedFile known = byKey.get(keyOf(p, a));
            if (known != null && !seen.contains(known)) {
                if (!known.path.equals(p)) known.moveTo(p, known.fileKey, null);
                seen.add(known);
            } else if (known == null) {
                unknown.put(p, a);
            }
        }
        heads.keySet().retainAll(unknown.keySet());

        // rotated away or deleted: read on through the open channel until it has been quiet a while
        long now = System.nanoTime();
        for (TailedFile f : files) {
            if (seen.contains(f)) f.rotatedSinceNanos = -1;
            else if (f.rotatedSinceNanos < 0) f.rotatedSinceNanos = now;
        }

        // truncated or rewritten in place: follow into a copy (copytruncate) or start again
        for (TailedFile f : new ArrayList<>(seen)) {
            boolean same;
            try {
                same = f.sameContent();
            } catch (IOException e) {
                same = false;
            }
            if (same) continue;
            Path copy = findCopy(f, unknown);
            if (copy != null) {
                BasicFileAttributes a = unknown.remove(copy);
                heads.remove(copy);
                FileChannel channel = openIfStill(copy, keyOf(copy, a));
                if (channel == null) continue; // replaced since it was looked at: the next scan sees it again
                Path truncated = f.path;
                f.moveTo(copy, keyOf(copy, a), channel);
                // the truncated original is a new file from its start
                try {
                    unknown.put(truncated, Files.readAttributes(truncated, BasicFileAttributes.class));
                } catch (IOException e) {
                    // gone already
                }
            } else {
                // no copy (yet): remember where the complete lines end, so a copy that shows up later is read on from there
                long complete = f.finishCompleteLines();
                files.remove(f);
                addFinished(f.path.toString(), f.fingerprint(), complete);
                f.close();
                try {
                    unknown.put(f.path, Files.readAttributes(f.path, BasicFileAttributes.class));
                } catch (IOException e) {
                    // gone already
                }
            }
        }

        for (var entry : unknown.entrySet()) {
            Path p = entry.getKey();
            BasicFileAttributes a = entry.getValue();
            if (a.size() == 0) continue; // no identity yet and nothing to read
            Head head = head(p, a);
            if (head == null || head.fingerprint().length == 0) continue;
            if (ownedByOpenFile(head.fingerprint())) continue; // a copy of a file being read
            if (maybeCopyInProgress(head.fingerprint())) continue; // the start of a known file: wait until it shows more
            if (files.size() >= MAX_OPEN_FILES) {
                reportOnce("max-files", "sidewatch: file receiver " + config.path() + ": more than " + MAX_OPEN_FILES
                        + " files match; the others are not read");
                break;
            }
            long offset;
            Finished done = findFinished(head.fingerprint());
            if (done != null) {
                finished.remove(key(done.fingerprint()));
                offset = Math.min(done.offset(), a.size());
            } else {
                offset = firstScan && !hadCheckpoint && config.startAt() == StartAt.END ? a.size() : 0;
            }
            FileChannel channel;
            try {
                channel = openIfStill(p, head.key());
            } catch (IOException e) {
                reportOnce("open:" + p, "sidewatch: file receiver: cannot open " + p + " (" + e.getMessage() + ")");
                continue;
            }
            if (channel == null) continue; // renamed away and replaced since it was looked at: the next scan sees both
            files.add(new TailedFile(p, head.key(), channel, head.fingerprint(), offset, config.format(), normalizer, sink,
                    metrics, service));
            heads.remove(p);
            dirty = true;
        }
    }

    private Path findCopy(TailedFile f, Map<Path, BasicFileAttributes> unknown) {
        for (var entry : unknown.entrySet()) {
            if (entry.getValue().size() < f.readOffset()) continue;
            Head head = head(entry.getKey(), entry.getValue());
            if (head != null && TailedFile.startsWith(head.fingerprint(), f.fingerprint())) return entry.getKey();
        }
        return null;
    }

    /** The fingerprint of an untracked file, read again only when its size or time changed. */
    private Head head(Path p, BasicFileAttributes a) {
        Object key = keyOf(p, a);
        Head cached = heads.get(p);
        long modified = a.lastModifiedTime().toMillis();
        if (cached != null && cached.key().equals(key) && cached.size() == a.size() && cached.modified() == modified) return cached;
        try (FileChannel c = openIfStill(p, key)) {
            if (c == null) return null;
            var head = new Head(key, a.size(), modified, TailedFile.readHead(c, TailedFile.FINGERPRINT_BYTES));
            heads.put(p, head);
            return head;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Opens {@code p} only if it is still the file {@code key} names: between a scan and an open, rotation
     * can rename it away and create a new file under the same name, and reading that one under the old
     * one's identity would lose the old one. Null when it was replaced (or is gone).
     */
    private static FileChannel openIfStill(Path p, Object key) throws IOException {
        FileChannel channel = FileChannel.open(p, StandardOpenOption.READ);
        try {
            if (keyOf(p, Files.readAttributes(p, BasicFileAttributes.class)).equals(key)) return channel;
        } catch (IOException e) {
            // gone since it was opened
        }
        channel.close();
        return null;
    }

    /**
     * True when {@code head} is shorter than a known file's fingerprint and its beginning: a copy being
     * written (copytruncate), which must not be taken for a new file and read from its start.
     */
    private boolean maybeCopyInProgress(byte[] head) {
        if (head.length >= TailedFile.FINGERPRINT_BYTES) return false;
        for (TailedFile f : files) if (f.fingerprint().length > head.length && TailedFile.startsWith(f.fingerprint(), head)) return true;
        for (Finished f : finished.values()) if (f.fingerprint().length > head.length && TailedFile.startsWith(f.fingerprint(), head)) return true;
        return false;
    }

    private boolean ownedByOpenFile(byte[] head) {
        for (TailedFile f : files) if (f.fingerprint().length > 0 && TailedFile.startsWith(head, f.fingerprint())) return true;
        return false;
    }

    private Finished findFinished(byte[] head) {
        Finished best = null;
        for (Finished f : finished.values()) {
            if (TailedFile.startsWith(head, f.fingerprint()) && (best == null || f.fingerprint().length > best.fingerprint().length)) best = f;
        }
        return best;
    }

    private static Object keyOf(Path p, BasicFileAttributes a) {
        Object key = a.fileKey();
        return key != null ? key : p.toAbsolutePath().toString();
    }

    /** Rotated-away files that have been at their end for the grace period: last line out, then closed. */
    private void finishRotated() {
        long now = System.nanoTime();
        for (Iterator<TailedFile> it = files.iterator(); it.hasNext(); ) {
            TailedFile f = it.next();
            if (f.rotatedSinceNanos < 0) continue;
            long quietFor = now - Math.max(f.lastActivityNanos, f.rotatedSinceNanos);
            boolean atEnd;
            try {
                atEnd = f.size() <= f.readOffset();
            } catch (IOException e) {
                atEnd = true;
            }
            if (!atEnd || quietFor < timing.rotatedGrace().toNanos()) continue;
            f.finish();
            it.remove();
            addFinished(f);
            f.close();
        }
    }

    private void addFinished(TailedFile f) {
        addFinished(f.path.toString(), f.fingerprint(), f.readOffset());
    }

    private void addFinished(String path, byte[] fingerprint, long offset) {
        if (fingerprint.length == 0) return;
        finished.put(key(fingerprint), new Finished(path, fingerprint, offset));
        while (finished.size() > MAX_FINISHED) finished.remove(finished.keySet().iterator().next());
        dirty = true;
    }

    private static String key(byte[] fingerprint) {
        return java.util.Base64.getEncoder().encodeToString(fingerprint);
    }

    // ---------------------------------------------------------------- checkpoints

    private void loadCheckpoint() {
        try {
            List<FileCheckpoints.Entry> entries = checkpoints.load();
            hadCheckpoint = java.nio.file.Files.exists(checkpoints.path());
            for (FileCheckpoints.Entry e : entries) {
                finished.put(key(e.fingerprint()), new Finished(e.path(), e.fingerprint(), e.offset()));
            }
        } catch (IOException e) {
            hadCheckpoint = true; // we ran before: do not skip to the end of anything
            log.println("sidewatch: file receiver " + config.path() + ": checkpoint unreadable (" + e.getMessage()
                    + "); reading matched files from their start");
        }
    }

    private List<FileCheckpoints.Entry> snapshot() {
        List<FileCheckpoints.Entry> entries = new ArrayList<>();
        for (Finished f : finished.values()) entries.add(new FileCheckpoints.Entry(f.path(), f.fingerprint(), f.offset()));
        for (TailedFile f : files) {
            if (f.fingerprint().length > 0) entries.add(new FileCheckpoints.Entry(f.path.toString(), f.fingerprint(), f.safeOffset()));
        }
        return entries;
    }

    /** Captures the offsets now; they are written once the events before them are in the durable buffer. */
    private void checkpointIfDue() {
        writePersisted();
        long now = System.nanoTime();
        if (!dirty || now - lastCheckpointNanos < timing.checkpointEvery().toNanos()) return;
        dirty = false;
        lastCheckpointNanos = now;
        List<FileCheckpoints.Entry> entries = snapshot();
        barrier.whenPersisted(() -> {
            persistedCheckpoint.set(entries);
            signal();
        });
    }

    private void writePersisted() {
        List<FileCheckpoints.Entry> entries = persistedCheckpoint.getAndSet(null);
        if (entries == null) return;
        try {
            checkpoints.save(entries);
            reported.remove("checkpoint");
        } catch (IOException e) {
            reportOnce("checkpoint", "sidewatch: file receiver " + config.path() + ": cannot write the checkpoint "
                    + checkpoints.path() + " (" + e.getMessage() + "); lines may be read again after a restart");
        }
    }

    private void finalCheckpoint() {
        List<FileCheckpoints.Entry> entries = snapshot();
        var done = new CountDownLatch(1);
        barrier.whenPersisted(done::countDown);
        try {
            if (done.await(5, TimeUnit.SECONDS)) {
                persistedCheckpoint.set(entries);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writePersisted();
    }

    private void reportOnce(String key, String message) {
        if (reported.add(key)) log.println(message);
    }
}
