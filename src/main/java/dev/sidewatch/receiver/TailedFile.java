package dev.sidewatch.receiver;

import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.event.Event;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.NodeErrorJoiner;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.ReceiverMetrics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One file being read by a {@link FileReceiver}: its open channel (which keeps following the file after a
 * rename), its identity (fingerprint: the first bytes, up to {@value #FINGERPRINT_BYTES}), how far it has
 * been read, and the decoding chain: {@link LineFramer} → container record parsing (Docker json-file or
 * CRI, partial lines merged per stream) → one {@link NodeErrorJoiner} per stream → {@link RecordDecoder}.
 *
 * <p>{@link #safeOffset()} is the offset up to which every line has been handed to the sink: lines
 * still held (a partial line, a partial container record, an open error block) are after it, so a
 * checkpoint there never skips anything. Used by the receiver's thread only.
 */
final class TailedFile implements Closeable {
    static final int FINGERPRINT_BYTES = 1024;
    static final String STREAM_ATTRIBUTE = "log.iostream";
    private static final int CHUNK_BYTES = 64 * 1024;

    /** Where a line came from: its byte offset, and the container runtime's time and stream when known. */
    private record Meta(long offset, Instant time, String stream) {
    }

    Path path;
    Object fileKey;
    private FileChannel channel;
    private byte[] fingerprint;
    private long readOffset;
    private long completeUpTo;
    private FileFormat format;
    private final LineFramer framer;
    private final long framerBase;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final RecordDecoder decoder;
    private final ContextSink contextSink;
    private Normalizer.Origin origin;
    private final String service;
    long lastActivityNanos = System.nanoTime();
    long rotatedSinceNanos = -1;

    TailedFile(Path path, Object fileKey, FileChannel channel, byte[] fingerprint, long offset, FileFormat format,
               Normalizer normalizer, EventSink sink, dev.sidewatch.telemetry.ReceiverMetrics metrics, String service) {
        this.path = path;
        this.fileKey = fileKey;
        this.channel = channel;
        this.fingerprint = fingerprint;
        this.readOffset = offset;
        this.completeUpTo = offset;
        this.format = format;
        this.framerBase = offset;
        this.service = service;
        this.origin = new Normalizer.Origin(service, FileReceiver.NAME, path.toString());
        this.contextSink = new ContextSink(sink);
        this.decoder = new RecordDecoder(normalizer, contextSink, metrics);
        this.framer = new LineFramer(this::line);
    }

    byte[] fingerprint() {
        return fingerprint;
    }

    long readOffset() {
        return readOffset;
    }

    /** Follows the file to a new path (a rename, or the copy of a copytruncate). */
    void moveTo(Path newPath, Object newKey, FileChannel newChannel) {
        if (newChannel != null && newChannel != channel) {
            closeQuietly(channel);
            channel = newChannel;
        }
        path = newPath;
        fileKey = newKey;
        origin = new Normalizer.Origin(service, FileReceiver.NAME, newPath.toString());
    }

    /** Every line before this offset has been handed on (see the class comment). */
    long safeOffset() {
        long safe = completeUpTo;
        for (Stream s : streams.values()) {
            if (s.partialStart >= 0) safe = Math.min(safe, s.partialStart);
            if (!s.fed.isEmpty()) safe = Math.min(safe, s.fed.peekFirst().offset());
        }
        return safe;
    }

    /** The file's length now. */
    long size() throws IOException {
        return channel.size();
    }

    /**
     * False when the file no longer starts with our fingerprint or is shorter than what was read: it was
     * truncated (copytruncate) or rewritten in place. Grows a short fingerprint as the file grows.
     */
    boolean sameContent() throws IOException {
        long size = channel.size();
        if (size < readOffset || size < fingerprint.length) return false;
        if (fingerprint.length == 0) return true;
        byte[] head = readHead(channel, (int) Math.min(size, FINGERPRINT_BYTES));
        if (!startsWith(head, fingerprint)) return false;
        if (head.length > fingerprint.length) fingerprint = head;
        return true;
    }

    /**
     * Reads what was appended, up to {@code budget} bytes, feeding it through the chain. Before each
     * chunk {@code mayRead} is asked (it waits while the sink is saturated); false stops the read.
     *
     * @return bytes read
     */
    long read(long budget, byte[] buffer, BooleanSupplier mayRead) throws IOException {
        long total = 0;
        while (total < budget) {
            long size = channel.size();
            if (size <= readOffset) break;
            if (!mayRead.getAsBoolean()) break;
            int n = channel.read(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, Math.min(size - readOffset, CHUNK_BYTES))), readOffset);
            if (n <= 0) break;
            // copytruncate can empty and refill the file between two reads: then these bytes are the new
            // content at our old offset, not ours. Leave them; the next scan follows the copy or starts again.
            if (!sameContent()) break;
            int lastNewline = -1;
            for (int i = n - 1; i >= 0; i--) {
                if (buffer[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            framer.feed(buffer, 0, n);
            readOffset += n;
            if (lastNewline >= 0) completeUpTo = readOffset - n + lastNewline + 1;
            total += n;
        }
        if (total > 0) lastActivityNanos = System.nanoTime();
        return total;
    }

    /** Emits error blocks that have been waiting for more than {@code quiet} (their end never came); true if any. */
    boolean flushQuiet(Duration quiet) {
        if (System.nanoTime() - lastActivityNanos < quiet.toNanos()) return false;
        boolean flushed = false;
        for (Stream s : streams.values()) {
            if (s.joiner.hasPending()) {
                s.joiner.flush();
                flushed = true;
            }
        }
        return flushed;
    }

    /** End of a rotated or deleted file: its last line without a newline, partial records and open blocks go out. */
    void finish() {
        framer.finish();
        completeUpTo = readOffset;
        for (Stream s : streams.values()) {
            if (s.partialStart >= 0) s.completePartial();
            s.joiner.flush();
        }
    }

    /**
     * The file was truncated under us: every complete line still held goes out (partial container records
     * and open blocks included), the partial last line does not. Returns the offset after the last complete
     * line, where a copy of the file (copytruncate) is read on.
     */
    long finishCompleteLines() {
        for (Stream s : streams.values()) {
            if (s.partialStart >= 0) s.completePartial();
            s.joiner.flush();
        }
        return completeUpTo;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    // ---------------------------------------------------------------- decoding

    private void line(LogLine line) {
        long offset = line.offset() >= 0 ? framerBase + line.offset() : completeUpTo;
        if (format == FileFormat.AUTO) {
            if (line.isBlank()) return;
            format = ContainerLogParser.detect(line.text());
        }
        if (format == FileFormat.RAW) {
            stream("").accept(line, new Meta(offset, null, null));
            return;
        }
        String text = line.text();
        ContainerLogParser.ContainerLine record = format == FileFormat.DOCKER ? ContainerLogParser.docker(text) : ContainerLogParser.cri(text);
        if (record == null) {
            if (line.isBlank()) return;
            // not what the format promised: keep the line as it is rather than lose it
            decoder.metrics().rejected(FileReceiver.INVALID_FORMAT);
            stream("").accept(line, new Meta(offset, null, null));
            return;
        }
        stream(record.stream()).container(record, offset, line.truncated());
    }

    private Stream stream(String name) {
        return streams.computeIfAbsent(name, Stream::new);
    }

    /** One output stream of the file (stdout, stderr, or "" for raw files). */
    private final class Stream {
        final String name;
        final NodeErrorJoiner joiner;
        /** Lines fed to the joiner and not yet out of it, oldest first. */
        final ArrayDeque<Meta> fed = new ArrayDeque<>();
        final StringBuilder partial = new StringBuilder();
        long partialStart = -1;
        Instant partialTime;
        boolean partialTruncated;

        Stream(String name) {
            this.name = name;
            this.joiner = new NodeErrorJoiner(this::joined);
        }

        void accept(LogLine line, Meta meta) {
            fed.addLast(meta);
            joiner.accept(line);
        }

        /** A line or block out of the joiner: it stands for the oldest lines fed (one per physical line). */
        private void joined(LogLine line) {
            int lines = line.multiLine() ? countLines(line.text()) : 1;
            Meta first = fed.pollFirst();
            for (int i = 1; i < lines && !fed.isEmpty(); i++) fed.pollFirst();
            contextSink.current = first;
            try {
                decoder.line(line, origin);
            } finally {
                contextSink.current = null;
            }
        }

        void container(ContainerLogParser.ContainerLine record, long offset, boolean truncated) {
            if (partialStart < 0) {
                partialStart = offset;
                partialTime = record.time();
                partialTruncated = false;
            }
            String content = record.content();
            int room = LineFramer.MAX_LINE_BYTES - partial.length();
            if (content.length() > room) {
                content = content.substring(0, Math.max(0, room));
                partialTruncated = true;
            }
            partial.append(content);
            partialTruncated |= truncated;
            if (!record.partial()) completePartial();
        }

        void completePartial() {
            var line = new LogLine(partial.toString(), partialStart, partialTruncated, false);
            Meta meta = new Meta(partialStart, partialTime, name);
            partial.setLength(0);
            if (partial.capacity() > 64 * 1024) partial.trimToSize();
            partialStart = -1;
            partialTime = null;
            partialTruncated = false;
            accept(line, meta);
        }
    }

    private static int countLines(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

    /** Puts the file's offset, and the container's time and stream, on the events of the line being decoded. */
    private static final class ContextSink extends ForwardingEventSink {
        Meta current;

        ContextSink(EventSink sink) {
            super(sink);
        }

        @Override
        public void accept(Event e, int bytes) {
            Meta meta = current;
            if (meta != null) {
                Map<String, Object> attributes = e.attributes();
                if (meta.stream() != null && !meta.stream().isEmpty() && !attributes.containsKey(STREAM_ATTRIBUTE)) {
                    attributes = new LinkedHashMap<>(attributes);
                    attributes.put(STREAM_ATTRIBUTE, meta.stream());
                }
                Event.SourceInfo source = e.source() == null ? null
                        : new Event.SourceInfo(e.source().receiver(), e.source().path(), meta.offset());
                e = new Event(e.time() != null ? e.time() : meta.time(), e.observedTime(), e.service(), e.severity(),
                        e.severityNumber(), e.kind(), e.message(), e.traceId(), e.spanId(), e.http(), e.permission(),
                        e.error(), e.event(), e.user(), attributes, source);
            }
            sink.accept(e, bytes);
        }
    }

    // ---------------------------------------------------------------- fingerprints

    /** The first {@code n} bytes of the file (fewer if it is shorter). */
    static byte[] readHead(FileChannel channel, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        long at = 0;
        while (b.hasRemaining()) {
            int r = channel.read(b, at);
            if (r <= 0) break;
            at += r;
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** True when {@code head} begins with the non-empty fingerprint {@code known}: the same file, maybe grown. */
    static boolean startsWith(byte[] head, byte[] known) {
        return known.length > 0 && head.length >= known.length && Arrays.equals(head, 0, known.length, known, 0, known.length);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            if (c != null) c.close();
        } catch (IOException e) {
            // a read-only channel
        }
    }
}
