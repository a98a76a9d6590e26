package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.event.Event;
import dev.sidewatch.telemetry.Arrivals;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StdinReceiverTest {

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        prometheus.close();
    }

    private StdinReceiver receiver(java.io.InputStream in) {
        return new StdinReceiver(in, Normalizer.defaults(), sink, prometheus.receiver(StdinReceiver.NAME, StdinReceiver.reasons()),
                "stdin-svc", new PrintStream(new ByteArrayOutputStream()), TcpReceiverTest.QUIET_NEVER);
    }

    @Test
    void endOfInput_flushesTheLastLineAndBlock_andCompletes() throws Exception {
        String input = "{\"level\":30,\"msg\":\"one\"}\n" + TcpReceiverTest.NODE_BLOCK_HEAD
                + TcpReceiverTest.NODE_BLOCK_TAIL.replace("\nNode.js v20.20.2\n", "") + "no newline at the end";
        var receiver = receiver(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        join(vertx.deployVerticle(receiver));
        join(receiver.endOfInput());

        assertThat(sink.events()).hasSize(3);
        assertThat(sink.events().get(0).source().offset()).as("stdin keeps byte offsets").isZero();
        assertThat(sink.events().get(1).kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(sink.events().get(2).message()).isEqualTo("no newline at the end");
        assertThat(sink.events()).allSatisfy(e -> assertThat(e.service()).isEqualTo("stdin-svc"));
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_received_bytes_total", "receiver", "stdin"))
                .isEqualTo(input.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void saturatedPipeline_stopsReading_untilItDrains() throws Exception {
        var pipe = new PipedOutputStream();
        var in = new PipedInputStream(pipe, 1 << 16);
        sink.saturate(true);
        var receiver = receiver(in);
        join(vertx.deployVerticle(receiver));

        byte[] line = "{\"msg\":\"waits\"}\n".getBytes(StandardCharsets.UTF_8);
        pipe.write(line);
        pipe.flush();
        assertThat(in.available()).as("left in the pipe").isEqualTo(line.length);
        assertThat(sink.size()).isZero();

        sink.saturate(false);
        await().until(() -> sink.size() == 1);
        pipe.close();
        join(receiver.endOfInput());
        assertThat(sink.messages()).containsExactly("waits");
    }

    /**
     * A chunk read while the context is still busy with the one before, with a stop already queued behind
     * that: the chunk's task would run after the stop. The first event's accept asks for the stop (from the
     * receiver's own context, so the stop is queued there before the accept returns) and then holds the
     * context (the only way to keep the order certain) until the reader has handed the second chunk over
     * and gone back to reading. Every line of both chunks must be emitted.
     */
    @Test
    void stop_handsOnAChunkReadBeforeIt_evenWhenItsTaskIsQueuedBehindTheStop() throws Exception {
        var input = new ChunkInput();
        var busy = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var deployment = new AtomicReference<String>();
        var stopping = new CompletableFuture<Void>();
        var blockingSink = new ForwardingEventSink(sink) {
            @Override
            public void accept(Event event, int bytes) {
                super.accept(event, bytes);
                if (busy.getCount() == 0) return;
                vertx.undeploy(deployment.get()).onComplete(r -> stopping.complete(null));
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        var receiver = new StdinReceiver(input, Normalizer.defaults(), blockingSink,
                prometheus.receiver(StdinReceiver.NAME, StdinReceiver.reasons()), "stdin-svc",
                new PrintStream(new ByteArrayOutputStream()), TcpReceiverTest.QUIET_NEVER);
        deployment.set(join(vertx.deployVerticle(receiver)));
        input.offer(Arrivals.ndjson("n", 0, 10));
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
        input.offer(Arrivals.ndjson("n", 10, 20));
        await().until(() -> input.reads() == 3); // the second chunk is handed over; the reader waits for a third
        release.countDown();
        stopping.get(30, TimeUnit.SECONDS);
        input.offer(null);

        assertThat(sink.messages()).containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "n" + i).toList());
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_received_bytes_total", "receiver", "stdin"))
                .isEqualTo(Arrivals.ndjson("n", 0, 20).length());
    }

    /** Standard input whose every read returns one offered chunk whole; a null chunk is end of input. */
    private static final class ChunkInput extends InputStream {
        private final BlockingQueue<Optional<byte[]>> chunks = new LinkedBlockingQueue<>();
        private final AtomicInteger reads = new AtomicInteger();

        void offer(String chunk) {
            chunks.add(Optional.ofNullable(chunk).map(c -> c.getBytes(StandardCharsets.UTF_8)));
        }

        int reads() {
            return reads.get();
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            reads.incrementAndGet();
            try {
                Optional<byte[]> chunk = chunks.take();
                if (chunk.isEmpty()) return -1;
                System.arraycopy(chunk.get(), 0, into, offset, chunk.get().length);
                return chunk.get().length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }
}
