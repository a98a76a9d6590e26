package dev.sidewatch.receiver;

import dev.sidewatch.pipeline.LogLine;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines (LF, with a CR before it dropped) fed in chunks of any size. A line
 * longer than {@link #MAX_LINE_BYTES} is cut there and marked truncated, and the rest of it up to the
 * next newline is skipped; invalid UTF-8 becomes U+FFFD (SPEC 8). Not thread-safe: one per stream.
 */
public final class LineFramer {
    /** SPEC 8: lines over 1 MiB are cut at 1 MiB. */
    public static final int MAX_LINE_BYTES = 1024 * 1024;

    private final Consumer<LogLine> out;
    private final int maxLineBytes;
    private byte[] pending = new byte[256];
    private int pendingLength;
    private long lineStart;
    private long position;
    private boolean truncated;

    public LineFramer(Consumer<LogLine> out) {
        this(out, MAX_LINE_BYTES);
    }

    LineFramer(Consumer<LogLine> out, int maxLineBytes) {
        this.out = out;
        this.maxLineBytes = maxLineBytes;
    }

    public void feed(byte[] chunk, int offset, int length) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (chunk[i] != '\n') continue;
            if (pendingLength == 0 && !truncated) {
                emit(chunk, start, i - start);
            } else {
                append(chunk, start, i - start);
                emit(pending, 0, pendingLength);
                pendingLength = 0;
            }
            position += i + 1 - start;
            lineStart = position;
            truncated = false;
            start = i + 1;
        }
        append(chunk, start, end - start);
        position += end - start;
    }

    /** End of stream: a last line without a newline is still a line. */
    public void finish() {
        if (pendingLength > 0 || truncated) {
            emit(pending, 0, pendingLength);
            pendingLength = 0;
            truncated = false;
            lineStart = position;
        }
    }

    /** Bytes of the line being assembled, for back-pressure decisions and quiet-period flushes. */
    public int pendingBytes() {
        return pendingLength;
    }

    private void append(byte[] chunk, int start, int length) {
        if (length <= 0) return;
        int room = maxLineBytes - pendingLength;
        if (length > room) {
            truncated = true;
            length = Math.max(room, 0);
        }
        if (length == 0) return;
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(maxLineBytes, Math.max(pending.length * 2, pendingLength + length)));
        }
        System.arraycopy(chunk, start, pending, pendingLength, length);
        pendingLength += length;
    }

    private void emit(byte[] bytes, int start, int length) {
        boolean cut = truncated;
        if (length > maxLineBytes) {
            length = maxLineBytes;
            cut = true;
        }
        if (length > 0 && bytes[start + length - 1] == '\r' && !cut) length--;
        out.accept(LogLine.ofBytes(Arrays.copyOfRange(bytes, start, start + length), lineStart, cut));
        if (pending.length > 64 * 1024 && bytes == pending) pending = new byte[256];
    }
}
