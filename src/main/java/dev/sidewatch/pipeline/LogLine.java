package dev.sidewatch.pipeline;

import java.nio.charset.StandardCharsets;

/**
 * One input record before normalisation: a line, or several lines joined into one block (a Node
 * uncaught-error block, a stack trace). A line read from bytes keeps them, so a JSON line is parsed
 * straight from its UTF-8 bytes and decoded to text only when needed (invalid UTF-8 becomes U+FFFD).
 * {@code offset} is the byte offset of its first line in its stream, or -1 when unknown;
 * {@code truncated} marks a line cut at the line limit. Immutable (the text is decoded lazily).
 */
public final class LogLine {
    private final byte[] bytes;
    private String text;
    private final long offset;
    private final boolean truncated;
    private final boolean multiLine;

    public LogLine(String text, long offset, boolean truncated, boolean multiLine) {
        this.bytes = null;
        this.text = text;
        this.offset = offset;
        this.truncated = truncated;
        this.multiLine = multiLine;
    }

    private LogLine(byte[] bytes, long offset, boolean truncated) {
        this.bytes = bytes;
        this.offset = offset;
        this.truncated = truncated;
        this.multiLine = false;
    }

    public static LogLine of(String text) {
        return new LogLine(text, -1, false, false);
    }

    /** A single line from its raw bytes; the array is owned by the line from now on. */
    public static LogLine ofBytes(byte[] bytes, long offset, boolean truncated) {
        return new LogLine(bytes, offset, truncated);
    }

    /** The same line without a stream offset (for streams where offsets mean nothing, e.g. a TCP connection). */
    public LogLine withoutOffset() {
        if (offset < 0) return this;
        if (bytes != null) return new LogLine(bytes, -1, truncated);
        return new LogLine(text, -1, truncated, multiLine);
    }

    public String text() {
        String t = text;
        if (t == null) text = t = new String(bytes, StandardCharsets.UTF_8);
        return t;
    }

    public long offset() {
        return offset;
    }

    public boolean truncated() {
        return truncated;
    }

    public boolean multiLine() {
        return multiLine;
    }

    /** Size of the input: its bytes when read from bytes, else its characters. */
    public int length() {
        return bytes != null ? bytes.length : text.length();
    }

    /** The raw bytes when the line was read from bytes and not joined, else null. */
    byte[] bytes() {
        return bytes;
    }

    /** The first character other than space or tab, or -1 for a blank line. */
    public int firstNonBlank() {
        if (bytes == null) {
            String t = text;
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c != ' ' && c != '\t' && c != '\r') return c;
            }
            return -1;
        }
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') return b & 0xFF;
        }
        return -1;
    }

    /** True when the line starts with a space or tab (a continuation, never the start of a block). */
    public boolean indented() {
        int first = bytes != null ? (bytes.length == 0 ? -1 : bytes[0]) : (text.isEmpty() ? -1 : text.charAt(0));
        return first == ' ' || first == '\t';
    }

    public boolean isBlank() {
        if (bytes != null) return firstNonBlank() < 0;
        return text.isBlank();
    }

    @Override
    public String toString() {
        return "LogLine[" + text() + "]";
    }
}
