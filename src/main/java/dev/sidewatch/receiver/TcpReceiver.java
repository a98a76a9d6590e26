package dev.sidewatch.receiver;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * TCP ingest (SPEC 3, default {@code 127.0.0.1:5170}): newline-delimited JSON or text, one
 * {@link LineStream} per connection so Node error blocks are joined per connection. Input is fed in
 * slices of {@value #SLICE_BYTES} bytes; when the pipeline is saturated the socket is paused with the
 * rest of its chunk held back and resumed once the pipeline drains. A block still open after
 * {@link QuietPeriodFlush#DEFAULT_QUIET_MILLIS} ms of silence is emitted as it stands. Connections idle
 * for {@value #IDLE_TIMEOUT_MINUTES} minutes are closed. On stop every connection's last line and
 * block are emitted before it is closed.
 */
public final class TcpReceiver extends VerticleBase {
    /** The {@code receiver} label. */
    public static final String NAME = "tcp";
    /** Bytes normalised between two back-pressure checks, at most. */
    static final int SLICE_BYTES = 16 * 1024;
    /** Lines normalised between two back-pressure checks, at most. */
    static final int SLICE_LINES = 128;
    /**
     * Connections served at once (a sidecar's are its own service's log pipes); more are closed as they
     * arrive. With {@link #SLICE_LINES} and {@link #SLICE_BYTES} this bounds what all connections together
     * can add past the export queue's high-water mark (16 × 128 events and 16 × 16 KiB, a third and a
     * twelfth of the default room before its hard limit), and what half-received lines can hold on the heap
     * (1 MiB each, 16 MiB in all).
     */
    static final int MAX_CONNECTIONS = 16;
    /** {@code sidewatch_rejected_records_total} reason: a connection refused because {@link #MAX_CONNECTIONS} are open. */
    public static final String TOO_MANY_CONNECTIONS = "too_many_connections";
    /** Idle connections are closed after this many minutes. */
    static final int IDLE_TIMEOUT_MINUTES = 10;

    private final HostPort listen;
    private final RecordDecoder decoder;
    private final Normalizer.Origin origin;
    private final long quietMillis;
    private final Set<Connection> connections = new LinkedHashSet<>();
    private NetServer server;
    private volatile int actualPort = -1;

    /**
     * @param service the service of records that name none
     */
    public TcpReceiver(HostPort listen, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics, String service) {
        this(listen, normalizer, sink, metrics, service, QuietPeriodFlush.DEFAULT_QUIET_MILLIS);
    }

    TcpReceiver(HostPort listen, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics, String service, long quietMillis) {
        this.listen = listen;
        this.decoder = new RecordDecoder(normalizer, sink, metrics);
        this.origin = new Normalizer.Origin(service, NAME, null);
        this.quietMillis = quietMillis;
    }

    /** Rejection reasons this receiver reports. */
    public static List<String> reasons() {
        List<String> reasons = new ArrayList<>(RecordDecoder.LINE_REASONS);
        reasons.add(TOO_MANY_CONNECTIONS);
        return reasons;
    }

    /** The port bound, once started (useful with port 0). */
    public int actualPort() {
        return actualPort;
    }

    @Override
    public Future<?> start() {
        var options = new NetServerOptions().setIdleTimeout(IDLE_TIMEOUT_MINUTES).setIdleTimeoutUnit(TimeUnit.MINUTES)
                .setTcpNoDelay(true);
        server = vertx.createNetServer(options).connectHandler(this::connected);
        return server.listen(listen.port(), listen.host()).onSuccess(s -> actualPort = s.actualPort());
    }

    @Override
    public Future<?> stop() {
        Future<Void> closing = server.close();
        for (Connection c : new ArrayList<>(connections)) c.finishAndClose();
        return closing;
    }

    private void connected(NetSocket socket) {
        if (connections.size() >= MAX_CONNECTIONS) {
            decoder.metrics().rejected(TOO_MANY_CONNECTIONS);
            socket.close();
            return;
        }
        var connection = new Connection(socket);
        connections.add(connection);
        socket.handler(connection::received);
        socket.endHandler(v -> connection.ended());
        socket.closeHandler(v -> connection.ended());
        socket.exceptionHandler(e -> { });
    }

    /** One connection's state; every method runs on this verticle's event loop. */
    private final class Connection {
        private final NetSocket socket;
        private final LineStream stream = new LineStream(decoder, origin, false);
        private final QuietPeriodFlush quiet;
        /** Chunks read but not yet fed, oldest first; the head from {@link #headFrom}. */
        private final ArrayDeque<byte[]> unfed = new ArrayDeque<>();
        private int headFrom;
        /** Paused for back-pressure, waiting for the pipeline to become writable. */
        private boolean paused;
        /** The peer ended or the connection closed; finished once nothing read is left unfed. */
        private boolean ended;
        private boolean finished;

        Connection(NetSocket socket) {
            this.socket = socket;
            this.quiet = new QuietPeriodFlush(vertx, quietMillis, stream);
        }

        /**
         * Vert.x can still deliver a buffer after {@code pause()} (one already on its way, or its queue
         * drained by {@code resume()}): it waits behind the held-back bytes, in order, never over them.
         */
        void received(Buffer buffer) {
            decoder.metrics().bytes(buffer.length());
            unfed.addLast(buffer.getBytes());
            if (!paused) feed();
        }

        /** Feeds what is unfed slice by slice; stops and pauses the socket when the pipeline is saturated. */
        private void feed() {
            while (!unfed.isEmpty()) {
                byte[] bytes = unfed.peekFirst();
                int end = sliceEnd(bytes, headFrom);
                stream.feed(bytes, headFrom, end - headFrom);
                headFrom = end;
                if (end == bytes.length) {
                    unfed.removeFirst();
                    headFrom = 0;
                }
                if (decoder.sink().saturated()) {
                    pauseUntilWritable();
                    quiet.activity();
                    return;
                }
            }
            quiet.activity();
        }

        private static int sliceEnd(byte[] bytes, int from) {
            int limit = Math.min(bytes.length, from + SLICE_BYTES);
            int lines = 0;
            for (int i = from; i < limit; i++) {
                if (bytes[i] == '\n' && ++lines == SLICE_LINES) return i + 1;
            }
            return limit;
        }

        private void pauseUntilWritable() {
            paused = true;
            socket.pause();
            decoder.sink().whenWritable(() -> context.runOnContext(v -> resume()));
        }

        private void resume() {
            if (finished || !paused) return;
            paused = false;
            feed();
            if (paused || finished) return;
            socket.resume(); // Vert.x delivers what it read while paused, then the end if it came
            if (ended) context.runOnContext(v -> ended());
        }

        /**
         * End of input or connection closed. While paused, bytes read before the end may wait here or in
         * Vert.x: the end then waits until resuming has fed them all, so a line is never dropped nor cut in two.
         */
        void ended() {
            ended = true;
            if (!paused) finish();
        }

        /** Everything read so far goes out (also on stop, paused or not). */
        void finish() {
            if (finished) return;
            for (byte[] bytes : unfed) {
                stream.feed(bytes, headFrom, bytes.length - headFrom);
                headFrom = 0;
            }
            unfed.clear();
            finished = true;
            quiet.cancel();
            stream.finish();
            connections.remove(this);
        }

        void finishAndClose() {
            finish();
            socket.close();
        }
    }
}
