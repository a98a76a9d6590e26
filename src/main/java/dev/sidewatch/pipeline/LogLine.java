package dev.sidewatch.pipeline;

/**
 * One input record before normalisation: a line, or several lines joined into one block (a Node
 * uncaught-error block, a stack trace). {@code offset} is the byte offset of its first line in its
 * stream, or -1 when unknown; {@code truncated} marks a line cut at {@code LineFramer.MAX_LINE_BYTES}.
 */
public record LogLine(String text, long offset, boolean truncated, boolean multiLine) {
    public static LogLine of(String text) {
        return new LogLine(text, -1, false, false);
    }
}
