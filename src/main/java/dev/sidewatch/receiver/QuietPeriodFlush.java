package dev.sidewatch.receiver;

import io.vertx.core.Vertx;

/**
 * Emits a stream's half-received multi-line block once the stream has been quiet for a while, so an
 * error block whose end never arrives is not held forever. One timer per stream at most, armed only
 * while a block is pending; runs on the stream's context.
 */
final class QuietPeriodFlush {
    /** Default quiet period: 500 ms. */
    static final long DEFAULT_QUIET_MILLIS = 500;

    private final Vertx vertx;
    private final long quietMillis;
    private final LineStream stream;
    private long lastActivity;
    private long timer = -1;

    QuietPeriodFlush(Vertx vertx, long quietMillis, LineStream stream) {
        this.vertx = vertx;
        this.quietMillis = quietMillis;
        this.stream = stream;
    }

    /** Call after feeding the stream. */
    void activity() {
        if (!stream.hasPendingBlock()) return;
        lastActivity = System.nanoTime();
        if (timer < 0) timer = vertx.setTimer(quietMillis, id -> fire());
    }

    void cancel() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }

    private void fire() {
        timer = -1;
        if (!stream.hasPendingBlock()) return;
        long quietFor = (System.nanoTime() - lastActivity) / 1_000_000;
        if (quietFor >= quietMillis) stream.flushBlock();
        else timer = vertx.setTimer(quietMillis - quietFor, id -> fire());
    }
}
