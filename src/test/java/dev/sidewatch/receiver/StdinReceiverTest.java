package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
}
