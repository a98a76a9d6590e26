package dev.sidewatch.receiver;

import dev.sidewatch.pipeline.NodeErrorJoiner;
import dev.sidewatch.pipeline.Normalizer;

/**
 * One byte stream's way to events: {@link LineFramer} → {@link NodeErrorJoiner} → {@link RecordDecoder}.
 * One per connection, request body or stdin; not thread-safe, so it stays on one context or thread.
 */
final class LineStream {
    private final LineFramer framer;
    private final NodeErrorJoiner joiner;

    /**
     * @param keepOffsets whether events carry {@code source.offset} (the byte offset in the stream):
     *                    meaningful for stdin, not for a TCP connection or a request body
     */
    LineStream(RecordDecoder decoder, Normalizer.Origin origin, boolean keepOffsets) {
        this.joiner = new NodeErrorJoiner(line -> decoder.line(keepOffsets ? line : line.withoutOffset(), origin));
        this.framer = new LineFramer(joiner::accept);
    }

    void feed(byte[] bytes, int offset, int length) {
        framer.feed(bytes, offset, length);
    }

    /** A multi-line block is waiting for more lines. */
    boolean hasPendingBlock() {
        return joiner.hasPending();
    }

    /** Quiet period over: emits a half-received block as it is. */
    void flushBlock() {
        joiner.flush();
    }

    /** End of the stream: a last line without a newline is still a line, and every block goes out. */
    void finish() {
        framer.finish();
        joiner.flush();
    }
}
