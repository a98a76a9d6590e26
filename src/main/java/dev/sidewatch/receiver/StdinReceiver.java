package dev.sidewatch.receiver;

import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * {@code run --stdin} (SPEC 3): every line of standard input. A platform thread,
 * {@code sidewatch-stdin}, does the blocking reads and hands each chunk to this verticle's context with
 * {@code runOnContext}, where it is framed, joined and normalised. The thread stops reading while the
 * pipeline is saturated, and at most {@value #CHUNKS_IN_FLIGHT} chunks wait on the context. End of
 * input emits the last line and block and completes {@link #endOfInput()}; the sidecar then shuts down.
 *
 * <p>Nothing read is discarded at a stop: the reader hands each chunk over through a queue before it asks
 * the context to feed it, and the stop feeds whatever is in that queue, also chunks whose task is still
 * queued behind the stop, before it emits the last line. Only a read still blocked when the stop comes can
 * return bytes afterwards: bytes written after the stop, said on stderr rather than fed to a finished stream.
 */
public final class StdinReceiver extends VerticleBase {
    /** The {@code receiver} label. */
    public static final String NAME = "stdin";
    static final int CHUNK_BYTES = 32 * 1024;
    static final int CHUNKS_IN_FLIGHT = 2;

    private final InputStream in;
    private final RecordDecoder decoder;
    private final PrintStream log;
    private final LineStream stream;
    private final long quietMillis;
    private final Promise<Void> endOfInput = Promise.promise();
    private final Semaphore permits = new Semaphore(CHUNKS_IN_FLIGHT);
    private final Queue<Chunk> handedOver = new ConcurrentLinkedQueue<>();
    private QuietPeriodFlush quiet;
    private volatile boolean stopped;

    public StdinReceiver(InputStream in, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics, String service,
                         PrintStream log) {
        this(in, normalizer, sink, metrics, service, log, QuietPeriodFlush.DEFAULT_QUIET_MILLIS);
    }

    StdinReceiver(InputStream in, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics, String service,
                  PrintStream log, long quietMillis) {
        this.in = in;
        this.decoder = new RecordDecoder(normalizer, sink, metrics);
        this.log = log;
        this.stream = new LineStream(decoder, new Normalizer.Origin(service, NAME, null), true);
        this.quietMillis = quietMillis;
    }

    /** Rejection reasons this receiver reports. */
    public static List<String> reasons() {
        return RecordDecoder.LINE_REASONS;
    }

    /** Completes once end of input was reached and everything read was handed on. */
    public Future<Void> endOfInput() {
        return endOfInput.future();
    }

    @Override
    public Future<?> start() {
        quiet = new QuietPeriodFlush(vertx, quietMillis, stream);
        Thread.ofPlatform().name("sidewatch-stdin").daemon(true).start(this::readLoop);
        return Future.succeededFuture();
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /** Feeds every chunk read so far, then emits the last line and block. */
    @Override
    public Future<?> stop() {
        finish();
        return Future.succeededFuture();
    }

    private void readLoop() {
        try {
            while (!stopped) {
                permits.acquire();
                while (!decoder.sink().awaitWritable(Duration.ofSeconds(1))) {
                    if (stopped) return;
                }
                if (stopped) return;
                byte[] chunk = new byte[CHUNK_BYTES];
                int n = in.read(chunk);
                if (n < 0) break;
                handedOver.add(new Chunk(chunk, n));
                context.runOnContext(v -> feedHandedOver());
            }
        } catch (IOException e) {
            log.println("sidewatch: stdin: read failed (" + e.getMessage() + "); treating it as end of input");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        context.runOnContext(v -> {
            finish();
            endOfInput.tryComplete();
        });
    }

    /** On the context: feeds the chunks handed over, in order; one task may find several, or none. */
    private void feedHandedOver() {
        for (Chunk chunk; (chunk = handedOver.poll()) != null; ) {
            permits.release();
            if (stopped) {
                log.println("sidewatch: stdin: " + chunk.length() + " bytes read after the stop were not taken");
                continue;
            }
            decoder.metrics().bytes(chunk.length());
            stream.feed(chunk.bytes(), 0, chunk.length());
            quiet.activity();
        }
    }

    private void finish() {
        if (stopped) return;
        feedHandedOver();
        stopped = true;
        if (quiet != null) quiet.cancel();
        stream.finish();
    }
}
