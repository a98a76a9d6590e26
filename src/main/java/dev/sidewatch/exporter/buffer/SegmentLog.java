package dev.sidewatch.exporter.buffer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The on-disk part of the durable buffer: an append-only log of records in segment files, and the
 * position of the first record the exporter has not confirmed. One writer thread appends and commits;
 * one reader thread reads from the confirmed position and acknowledges. See {@code docs/delivery.md}.
 *
 * <p>Files in {@code dir}: {@code NNNNNNNNNNNNNNNNNNNN.seg} (segment id, 20 digits), each an 8-byte
 * header {@code SWSEG\0\0\1} then records; {@code ack}, the confirmed position; {@code .lock}, held
 * while a process uses the directory. A record is {@code magic u32 'SWB1' | length u32 | crc32c u32 |
 * payload}, big-endian, the CRC-32C covering the length field and the payload.
 *
 * <p>Durability: {@link #commit()} writes and {@code fsync}s ({@link FileChannel#force force(false)})
 * what was appended before it makes it visible to the reader; the ack file is replaced atomically
 * (write, rename) but not fsynced, so a power cut may re-send a confirmed batch, never lose one.
 *
 * <p>Damage: a record whose magic, length or CRC is wrong is skipped by scanning forward to the next
 * record that checks out; the records around it are kept. Each damaged region is reported once to the
 * {@code onDamage} listener (at start-up for what is already on disk).
 */
final class SegmentLog implements Closeable {
    static final byte[] SEGMENT_MAGIC = {'S', 'W', 'S', 'E', 'G', 0, 0, 1};
    static final int SEGMENT_HEADER = SEGMENT_MAGIC.length;
    static final int RECORD_MAGIC = 0x53574231; // "SWB1"
    static final int RECORD_HEADER = 12;
    /** The largest payload accepted when reading (a sanity bound for damaged length fields). */
    static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final int ACK_MAGIC = 0x5357414B; // "SWAK"
    private static final int ACK_BYTES = 4 + 4 * 8 + 4;

    /** A place in the log. */
    record Position(long segment, long offset) {
    }

    /** A damaged region found while scanning. */
    record Damage(Path segment, long from, long to, boolean tail) {
        long bytes() {
            return to - from;
        }
    }

    /** What {@link #open} found on disk. */
    record Recovery(long events, long bytes, long maybeDelivered, List<Damage> damage, String ackProblem) {
    }

    /** Records read by {@link #read}: payloads in order and the position after the last. */
    record Batch(List<byte[]> payloads, long recordBytes, Position end) {
        boolean isEmpty() {
            return payloads.isEmpty();
        }
    }

    private static final class Segment {
        final long id;
        final Path path;
        long committed; // bytes the reader may read
        long fileBytes; // bytes on disk, counted for max_bytes
        boolean sealed; // no more appends: deletable once confirmed

        Segment(long id, Path path, long committed) {
            this.id = id;
            this.path = path;
            this.committed = committed;
            this.fileBytes = committed;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Consumer<Damage> onDamage;
    private final java.util.Set<String> reportedDamage = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committedMore = lock.newCondition();
    private final Condition acknowledged = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private FileChannel lockChannel;
    private FileLock fileLock;
    private Position ack;
    private Position sent;
    private long unackedEvents;
    private long unackedBytes;
    private long totalBytes;
    private boolean closed;

    // writer state (writer thread only)
    private FileChannel writeChannel;
    private Segment writeSegment;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.BIG_ENDIAN);
    private long appendedUncommittedEvents;
    private long appendedUncommittedBytes;
    private final CRC32C writeCrc = new CRC32C();

    // reader state (reader thread only)
    private Scanner scanner;

    /**
     * @param maxBytes     the disk budget of all segment files
     * @param segmentBytes the size at which the writer starts a new segment
     * @param onDamage     told about damaged regions, once each; called on the thread that found them
     */
    SegmentLog(Path dir, long maxBytes, long segmentBytes, Consumer<Damage> onDamage) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.onDamage = damage -> {
            if (reportedDamage.add(damage.segment().getFileName() + "@" + damage.from())) onDamage.accept(damage);
        };
    }

    /**
     * The segment size for a budget: a sixteenth of it, between 4 KiB and 16 MiB, so that confirmed data is
     * freed in small steps and the write segment never holds much of the budget.
     */
    static long segmentBytesFor(long maxBytes) {
        return Math.max(4 * 1024, Math.min(16L * 1024 * 1024, maxBytes / 16));
    }

    /**
     * Creates the directory if needed, takes its lock, reads the ack file, deletes confirmed segments and
     * scans the rest (reporting damage). Blocks on disk IO.
     */
    Recovery open() throws IOException {
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            fileLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            fileLock = null;
        }
        if (fileLock == null) {
            lockChannel.close();
            throw new IOException(dir + " is in use by another sidewatch process (its .lock is held)");
        }
        String ackProblem = null;
        Position[] stored = null;
        try {
            stored = readAck();
        } catch (IOException e) {
            ackProblem = e.getMessage();
        }
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.seg")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    ids.add(Long.parseLong(name.substring(0, name.length() - 4)));
                } catch (NumberFormatException e) {
                    // not ours; leave it alone
                }
            }
        }
        ids.sort(null);
        Position ackAt = stored == null ? null : stored[0];
        Position sentAt = stored == null ? null : stored[1];
        long events = 0, bytes = 0, maybeDelivered = 0;
        List<Damage> damage = new ArrayList<>();
        for (long id : ids) {
            Path path = segmentPath(id);
            if (ackAt != null && id < ackAt.segment()) {
                Files.deleteIfExists(path);
                continue;
            }
            long size = Files.size(path);
            var segment = new Segment(id, path, size);
            segment.sealed = true;
            segments.put(id, segment);
            totalBytes += size;
            long from = ackAt != null && id == ackAt.segment() ? Math.max(ackAt.offset(), SEGMENT_HEADER) : SEGMENT_HEADER;
            try (var scan = new Scanner(path, size)) {
                scan.seek(from);
                byte[] payload;
                while ((payload = scan.next(damage::add)) != null) {
                    events++;
                    bytes += RECORD_HEADER + payload.length;
                    if (sentAt != null && before(new Position(id, scan.position()), sentAt)) maybeDelivered++;
                }
            }
        }
        if (!damage.isEmpty()) {
            Damage last = damage.getLast();
            if (last.to() == segments.lastEntry().getValue().committed && last.segment().equals(segments.lastEntry().getValue().path)) {
                damage.set(damage.size() - 1, new Damage(last.segment(), last.from(), last.to(), true));
            }
        }
        damage.forEach(onDamage);
        long firstId = segments.isEmpty() ? 1 : segments.firstKey();
        ack = ackAt != null && segments.containsKey(ackAt.segment()) ? ackAt : new Position(firstId, SEGMENT_HEADER);
        sent = ack;
        unackedEvents = events;
        unackedBytes = bytes;
        return new Recovery(events, bytes, maybeDelivered, damage, ackProblem);
    }

    private static boolean before(Position a, Position b) {
        return a.segment() < b.segment() || a.segment() == b.segment() && a.offset() <= b.offset();
    }

    Path dir() {
        return dir;
    }

    private Path segmentPath(long id) {
        return dir.resolve(String.format("%020d.seg", id));
    }

    // ---------------------------------------------------------------- writer side

    /** Bytes a payload of this length takes on disk. */
    static int recordBytes(int payloadLength) {
        return RECORD_HEADER + payloadLength;
    }

    /**
     * True when a record of {@code recordBytes} fits in {@code max_bytes} now. With nothing on disk a
     * record always fits: a single record larger than the budget is written alone rather than never.
     */
    boolean hasRoom(int recordBytes) {
        lock.lock();
        try {
            return totalBytes + recordBytes + SEGMENT_HEADER <= maxBytes || segments.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a record of {@code recordBytes} fits, the timeout passes or the log is closed; true when
     * it fits. When every record is confirmed, seals the write segment so that it can be deleted.
     * Writer thread only; call {@link #commit()} first.
     */
    boolean awaitRoom(int recordBytes, long timeoutNanos) throws InterruptedException, IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            boolean reclaimTried = false;
            while (!closed && totalBytes + recordBytes + SEGMENT_HEADER > maxBytes && !segments.isEmpty()) {
                if (unackedEvents == 0 && !reclaimTried) {
                    reclaimTried = true;
                    lock.unlock();
                    try {
                        sealWriteSegment();
                    } finally {
                        lock.lock();
                    }
                    deleteConfirmedSegments();
                    continue;
                }
                if (nanos <= 0) return false;
                nanos = acknowledged.awaitNanos(nanos);
                reclaimTried = false;
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * When every record is confirmed, seals the write segment so that it is deleted: an idle buffer keeps
     * no confirmed data on disk. Writer thread only.
     */
    void sealIfConfirmed() throws IOException {
        if (writeChannel == null || appendedUncommittedEvents > 0) return;
        lock.lock();
        try {
            if (unackedEvents > 0 || writeSegment.committed <= SEGMENT_HEADER) return;
        } finally {
            lock.unlock();
        }
        sealWriteSegment();
        lock.lock();
        try {
            deleteConfirmedSegments();
        } finally {
            lock.unlock();
        }
    }

    /** Starts a batch: rolls to a new segment when the current one is full or was abandoned. */
    void beginBatch() throws IOException {
        if (writeSegment != null && writeSegment.committed < segmentBytes) return;
        sealWriteSegment();
        long id;
        lock.lock();
        try {
            id = segments.isEmpty() ? Math.max(1, ack == null ? 1 : ack.segment()) : segments.lastKey() + 1;
        } finally {
            lock.unlock();
        }
        Path path = segmentPath(id);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            channel.write(ByteBuffer.wrap(SEGMENT_MAGIC));
            channel.force(true);
            forceDirectory();
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
        var segment = new Segment(id, path, SEGMENT_HEADER);
        lock.lock();
        try {
            segments.put(id, segment);
            totalBytes += SEGMENT_HEADER;
            if (segments.size() == 1) ack = new Position(id, SEGMENT_HEADER);
        } finally {
            lock.unlock();
        }
        writeChannel = channel;
        writeSegment = segment;
    }

    /** Appends one record; visible to the reader after {@link #commit()}. */
    void append(byte[] payload, int length) throws IOException {
        writeCrc.reset();
        writeCrc.update(length >>> 24);
        writeCrc.update(length >>> 16);
        writeCrc.update(length >>> 8);
        writeCrc.update(length);
        writeCrc.update(payload, 0, length);
        if (writeBuffer.remaining() < RECORD_HEADER) flushWriteBuffer();
        writeBuffer.putInt(RECORD_MAGIC).putInt(length).putInt((int) writeCrc.getValue());
        int at = 0;
        while (at < length) {
            if (!writeBuffer.hasRemaining()) flushWriteBuffer();
            int n = Math.min(writeBuffer.remaining(), length - at);
            writeBuffer.put(payload, at, n);
            at += n;
        }
        appendedUncommittedEvents++;
        appendedUncommittedBytes += RECORD_HEADER + length;
        lock.lock();
        try {
            totalBytes += RECORD_HEADER + length;
            writeSegment.fileBytes += RECORD_HEADER + length;
        } finally {
            lock.unlock();
        }
    }

    private void flushWriteBuffer() throws IOException {
        writeBuffer.flip();
        while (writeBuffer.hasRemaining()) writeChannel.write(writeBuffer);
        writeBuffer.clear();
    }

    /** Writes and fsyncs what was appended, then lets the reader see it; returns the records committed. */
    long commit() throws IOException {
        if (appendedUncommittedEvents == 0) return 0;
        flushWriteBuffer();
        writeChannel.force(false);
        long events = appendedUncommittedEvents;
        lock.lock();
        try {
            writeSegment.committed += appendedUncommittedBytes;
            unackedEvents += events;
            unackedBytes += appendedUncommittedBytes;
            committedMore.signalAll();
        } finally {
            lock.unlock();
        }
        appendedUncommittedEvents = 0;
        appendedUncommittedBytes = 0;
        return events;
    }

    /**
     * After a failed write: forgets what was appended since the last commit, cuts the segment back to
     * its committed length where possible and closes it, so the next batch starts a new segment.
     */
    void abandonUncommitted() {
        writeBuffer.clear();
        if (writeSegment != null) {
            lock.lock();
            try {
                totalBytes -= writeSegment.fileBytes - writeSegment.committed;
                writeSegment.fileBytes = writeSegment.committed;
                writeSegment.sealed = true;
                deleteConfirmedSegments();
            } finally {
                lock.unlock();
            }
            try {
                writeChannel.truncate(writeSegment.committed);
            } catch (IOException e) {
                // the bytes past the committed length are never read in this run; a restart skips them as a torn tail
            }
            try {
                writeChannel.close();
            } catch (IOException e) {
                // nothing more to do
            }
            writeChannel = null;
            writeSegment = null;
        }
        appendedUncommittedEvents = 0;
        appendedUncommittedBytes = 0;
    }

    private void sealWriteSegment() throws IOException {
        if (writeChannel == null) return;
        commit();
        writeChannel.close();
        lock.lock();
        try {
            writeSegment.sealed = true;
        } finally {
            lock.unlock();
        }
        writeChannel = null;
        writeSegment = null;
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened; the segment's data is fsynced regardless
        }
    }

    // ---------------------------------------------------------------- reader side

    /**
     * Reads up to {@code maxEvents} records (and about {@code maxBytes}) after the confirmed position,
     * waiting up to {@code waitNanos} for the first. Damaged regions are skipped and reported.
     */
    Batch read(int maxEvents, long maxBytes, long waitNanos) throws IOException, InterruptedException {
        return read(maxEvents, maxBytes, waitNanos, 0);
    }

    /**
     * As {@link #read(int, long, long)}, but once the first record is there, waits up to {@code lingerNanos}
     * more for {@code maxEvents} to gather: at a steady trickle, one request of many records costs far less
     * than many requests of a few (bench/README.md).
     */
    Batch read(int maxEvents, long maxBytes, long waitNanos, long lingerNanos) throws IOException, InterruptedException {
        Position from;
        lock.lock();
        try {
            long nanos = waitNanos;
            while (unackedEvents == 0 && !closed) {
                if (nanos <= 0) return new Batch(List.of(), 0, ack);
                nanos = committedMore.awaitNanos(nanos);
            }
            long linger = lingerNanos;
            while (unackedEvents < maxEvents && !closed && linger > 0) linger = committedMore.awaitNanos(linger);
            from = ack;
        } finally {
            lock.unlock();
        }
        List<byte[]> payloads = new ArrayList<>();
        long bytes = 0;
        Position at = from;
        while (payloads.size() < maxEvents && bytes < maxBytes) {
            long limit;
            boolean sealed;
            Long nextId;
            lock.lock();
            try {
                Segment segment = segments.get(at.segment());
                if (segment == null) {
                    Map.Entry<Long, Segment> next = segments.higherEntry(at.segment());
                    if (next == null) break;
                    at = new Position(next.getKey(), SEGMENT_HEADER);
                    continue;
                }
                limit = segment.committed;
                sealed = segment.sealed;
                nextId = segments.higherKey(at.segment());
            } finally {
                lock.unlock();
            }
            if (scanner == null || scanner.segmentId != at.segment()) {
                if (scanner != null) scanner.close();
                try {
                    scanner = new Scanner(segmentPath(at.segment()), limit);
                } catch (NoSuchFileException e) {
                    scanner = null;
                    if (nextId == null) break;
                    at = new Position(nextId, SEGMENT_HEADER);
                    continue;
                }
                scanner.segmentId = at.segment();
            }
            scanner.limit = limit;
            scanner.seek(at.offset());
            byte[] payload;
            while (payloads.size() < maxEvents && bytes < maxBytes && (payload = scanner.next(onDamage)) != null) {
                payloads.add(payload);
                bytes += RECORD_HEADER + payload.length;
            }
            at = new Position(at.segment(), scanner.position());
            if (scanner.position() < limit) break; // batch full
            if (!sealed || nextId == null) break;
            at = new Position(nextId, SEGMENT_HEADER);
        }
        if (payloads.isEmpty()) {
            if (!at.equals(from)) {
                acknowledge(at, 0, 0); // only damage after the confirmed position: confirm past it
            } else {
                lock.lock();
                try {
                    // counted records that cannot be read (a segment removed behind our back): stop waiting for them
                    unackedEvents = 0;
                    unackedBytes = 0;
                } finally {
                    lock.unlock();
                }
            }
        }
        return new Batch(payloads, bytes, at);
    }

    /** Records that the batch ending at {@code end} was sent, for counting possible duplicates after a crash. */
    void markSent(Position end) throws IOException {
        lock.lock();
        try {
            sent = end;
            writeAck();
        } finally {
            lock.unlock();
        }
    }

    /** Confirms everything before {@code end}: persists the position and deletes finished segments. */
    void acknowledge(Position end, long events, long recordBytes) throws IOException {
        lock.lock();
        try {
            ack = end;
            sent = end;
            unackedEvents = Math.max(0, unackedEvents - events);
            unackedBytes = Math.max(0, unackedBytes - recordBytes);
            deleteConfirmedSegments();
            writeAck();
            acknowledged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: deletes sealed segments wholly before the confirmed position. */
    private void deleteConfirmedSegments() {
        while (!segments.isEmpty()) {
            Segment first = segments.firstEntry().getValue();
            boolean confirmed = first.id < ack.segment()
                    || first.id == ack.segment() && first.sealed && ack.offset() >= first.committed;
            if (!confirmed) break;
            segments.pollFirstEntry();
            totalBytes -= first.fileBytes;
            try {
                Files.deleteIfExists(first.path);
            } catch (IOException e) {
                // counted as freed anyway; a restart deletes it once the ack file says so
            }
            if (first.id == ack.segment()) {
                ack = new Position(segments.isEmpty() ? first.id + 1 : segments.firstKey(), SEGMENT_HEADER);
                if (before(sent, ack)) sent = ack;
            }
        }
    }

    private void writeAck() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(ACK_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.putInt(ACK_MAGIC).putLong(ack.segment()).putLong(ack.offset()).putLong(sent.segment()).putLong(sent.offset());
        var crc = new CRC32C();
        crc.update(b.array(), 0, ACK_BYTES - 4);
        b.putInt((int) crc.getValue());
        Path tmp = dir.resolve("ack.tmp");
        Files.write(tmp, b.array());
        try {
            Files.move(tmp, dir.resolve("ack"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve("ack"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The stored {@code {ack, sent}}, or null when there is no ack file. */
    private Position[] readAck() throws IOException {
        Path file = dir.resolve("ack");
        if (!Files.exists(file)) return null;
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != ACK_BYTES) throw new IOException("ack file has " + bytes.length + " bytes, not " + ACK_BYTES);
        var crc = new CRC32C();
        crc.update(bytes, 0, ACK_BYTES - 4);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (b.getInt() != ACK_MAGIC) throw new IOException("ack file has the wrong magic");
        Position ackAt = new Position(b.getLong(), b.getLong());
        Position sentAt = new Position(b.getLong(), b.getLong());
        if (b.getInt() != (int) crc.getValue()) throw new IOException("ack file checksum mismatch");
        return new Position[]{ackAt, sentAt};
    }

    // ---------------------------------------------------------------- state

    long unackedEvents() {
        lock.lock();
        try {
            return unackedEvents;
        } finally {
            lock.unlock();
        }
    }

    long unackedBytes() {
        lock.lock();
        try {
            return unackedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of all segment files, as counted against {@code max_bytes}. */
    long diskBytes() {
        lock.lock();
        try {
            return totalBytes;
        } finally {
            lock.unlock();
        }
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Wakes the reader and writer waits; later reads return at once. Closes files. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            committedMore.signalAll();
            acknowledged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files (after both threads stopped). */
    void release() {
        try {
            if (writeChannel != null) {
                try {
                    commit();
                } catch (IOException e) {
                    abandonUncommitted();
                }
                if (writeChannel != null) writeChannel.close();
            }
        } catch (IOException e) {
            // closing a file we are done with
        }
        writeChannel = null;
        writeSegment = null;
        if (scanner != null) scanner.close();
        scanner = null;
        try {
            if (fileLock != null) fileLock.release();
            if (lockChannel != null) lockChannel.close();
        } catch (IOException e) {
            // the OS drops the lock with the process anyway
        }
    }

    /** Reads records from one segment file up to a limit, skipping damage. */
    static final class Scanner implements Closeable {
        private final Path path;
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        long segmentId = -1;
        long limit;
        private long position;
        private byte[] window = new byte[1 << 20];
        private long windowStart;
        private int windowLength;

        Scanner(Path path, long limit) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.limit = limit;
            this.position = SEGMENT_HEADER;
        }

        long position() {
            return position;
        }

        /** Moves to {@code at}, and clamps the limit to the file's length (a file cut short behind our back). */
        void seek(long at) throws IOException {
            position = Math.max(at, SEGMENT_HEADER);
            limit = Math.min(limit, channel.size());
        }

        /** The next good record's payload, or null at the limit. */
        byte[] next(Consumer<Damage> damage) throws IOException {
            while (position < limit) {
                int length = recordAt(position);
                if (length >= 0) {
                    int at = load(position + RECORD_HEADER, length);
                    byte[] payload = java.util.Arrays.copyOfRange(window, at, at + length);
                    position += RECORD_HEADER + length;
                    return payload;
                }
                long from = position;
                long next = from + 1;
                while (next < limit && recordAt(next) < 0) next++;
                position = next;
                damage.accept(new Damage(path, from, next, false));
            }
            return null;
        }

        /** The payload length of a good record at {@code at}, or -1. */
        private int recordAt(long at) throws IOException {
            if (at + RECORD_HEADER > limit) return -1;
            int w = load(at, RECORD_HEADER);
            if (readInt(w) != RECORD_MAGIC) return -1;
            int length = readInt(w + 4);
            int stored = readInt(w + 8);
            if (length < 0 || length > MAX_RECORD || at + RECORD_HEADER + length > limit) return -1;
            w = load(at, RECORD_HEADER + length);
            crc.reset();
            crc.update(window, w + 4, 4);
            crc.update(window, w + RECORD_HEADER, length);
            return (int) crc.getValue() == stored ? length : -1;
        }

        private int readInt(int at) {
            return (window[at] & 0xFF) << 24 | (window[at + 1] & 0xFF) << 16 | (window[at + 2] & 0xFF) << 8 | window[at + 3] & 0xFF;
        }

        /** Makes {@code [at, at + n)} available in the window; returns its index there. */
        private int load(long at, int n) throws IOException {
            if (at >= windowStart && at + n <= windowStart + windowLength) return (int) (at - windowStart);
            if (n > window.length) window = new byte[Math.max(n, window.length * 2)];
            int want = (int) Math.min(window.length, Math.max(n, limit - at));
            ByteBuffer b = ByteBuffer.wrap(window, 0, want);
            long p = at;
            while (b.hasRemaining()) {
                int r = channel.read(b, p);
                if (r < 0) break;
                p += r;
            }
            windowStart = at;
            windowLength = b.position();
            if (windowLength < n) throw new IOException(path + " is shorter than expected");
            return 0;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // read-only channel
            }
        }
    }
}
