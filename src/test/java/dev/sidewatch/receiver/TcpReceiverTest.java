package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpReceiverTest {

    static final String NODE_BLOCK_HEAD = """
            node:fs:573
              return binding.open(
                             ^

            Error: Access to this API has been restricted
                at Object.openSync (node:fs:573:18)
            """;
    static final String NODE_BLOCK_TAIL = """
                at node:internal/main/run_main_module:28:49 {
              code: 'ERR_ACCESS_DENIED',
              permission: 'FileSystemRead',
              resource: '/srv/secret/token.txt'
            }

            Node.js v20.20.2
            """;

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    private TcpReceiver receiver;
    private String deployment;

    /** A quiet period longer than any test, so only the test about it depends on it. */
    static final long QUIET_NEVER = 600_000;

    private void start(long quietMillis) throws Exception {
        receiver = new TcpReceiver(new HostPort("127.0.0.1", 0), Normalizer.defaults(), sink,
                prometheus.receiver(TcpReceiver.NAME, TcpReceiver.reasons()), "tcp-svc", quietMillis);
        deployment = join(vertx.deployVerticle(receiver));
    }

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        prometheus.close();
    }

    private Socket connect() throws IOException {
        return new Socket("127.0.0.1", receiver.actualPort());
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void linesSplitAcrossWrites_areFramed_andCounted() throws Exception {
        start(QUIET_NEVER);
        String[] writes = {"{\"level\":40,\"msg\":\"wa", "rn\"}\nplain te", "xt\n{broken\n"};
        try (Socket s = connect()) {
            for (String w : writes) send(s, w);
            await().until(() -> sink.size() == 3);
        }
        assertThat(sink.messages()).containsExactly("warn", "plain text", "{broken");
        assertThat(sink.events()).allSatisfy(e -> {
            assertThat(e.service()).isEqualTo("tcp-svc");
            assertThat(e.source().receiver()).isEqualTo("tcp");
            assertThat(e.source().offset()).isNull();
        });
        var scrape = new Scrape(prometheus.scrape());
        assertThat(scrape.value("sidewatch_received_records_total", "receiver", "tcp")).isEqualTo(3.0);
        assertThat(scrape.value("sidewatch_received_bytes_total", "receiver", "tcp")).isEqualTo((double) String.join("", writes).length());
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "tcp", "reason", "invalid_json")).isEqualTo(1.0);
    }

    @Test
    void nodeErrorBlocks_areJoinedPerConnection() throws Exception {
        start(QUIET_NEVER);
        try (Socket a = connect(); Socket b = connect()) {
            send(a, NODE_BLOCK_HEAD);
            send(b, "{\"msg\":\"from b\"}\n");
            await().until(() -> sink.messages().contains("from b"));
            send(a, NODE_BLOCK_TAIL);
            await().until(() -> sink.size() == 2);
        }
        Event denial = sink.events().get(1);
        assertThat(denial.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(denial.permission().type()).isEqualTo("FileSystemRead");
        assertThat(denial.permission().resource()).isEqualTo("/srv/secret/token.txt");
    }

    @Test
    void halfReceivedBlock_isFlushedAfterTheQuietPeriod_withTheConnectionStillOpen() throws Exception {
        start(100);
        try (Socket s = connect()) {
            send(s, "Error: kaboom\n    at /srv/app/server.js:11:40\n");
            await().until(() -> sink.size() == 1);
            assertThat(s.isClosed()).isFalse();
        }
        Event event = sink.events().getFirst();
        assertThat(event.kind()).isEqualTo(Kind.EXCEPTION);
        assertThat(event.error().stack()).contains("at /srv/app/server.js:11:40");
    }

    @Test
    void closedConnection_emitsItsLastLineWithoutNewline() throws Exception {
        start(QUIET_NEVER);
        try (Socket s = connect()) {
            send(s, "first\nlast without newline");
        }
        await().until(() -> sink.size() == 2);
        assertThat(sink.messages()).containsExactly("first", "last without newline");
    }

    @Test
    void saturatedPipeline_pausesTheConnection_andLosesNothing() throws Exception {
        start(QUIET_NEVER);
        sink.saturate(true);
        int lines = 20_000;
        var text = new StringBuilder();
        for (int i = 0; i < lines; i++) text.append("{\"msg\":\"line ").append(i).append("\"}\n");
        try (Socket s = connect()) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    send(s, text.toString());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            await().until(() -> sink.size() > 0);
            assertThat(sink.size()).as("paused after one slice").isLessThan(lines);
            sink.saturate(false);
            await().until(() -> sink.size() == lines);
            writer.join();
        }
        assertThat(sink.messages().getLast()).isEqualTo("line " + (lines - 1));
    }

    @Test
    void stop_emitsWhatEachOpenConnectionHolds() throws Exception {
        start(QUIET_NEVER);
        try (Socket s = connect()) {
            send(s, "{\"msg\":\"complete\"}\npartial line");
            await().until(() -> sink.size() == 1);
            join(vertx.undeploy(deployment));
        }
        assertThat(sink.messages()).containsExactly("complete", "partial line");
    }

    @Test
    void pastTheConnectionLimit_newConnectionsAreClosedAndCounted_theOpenOnesAreStillServed() throws Exception {
        start(QUIET_NEVER);
        var open = new java.util.ArrayList<Socket>();
        try {
            for (int i = 0; i < TcpReceiver.MAX_CONNECTIONS; i++) {
                Socket s = connect();
                open.add(s);
                send(s, "hello " + i + "\n"); // served: the connection counts before the next one is made
                int expected = i + 1;
                await().until(() -> sink.size() == expected);
            }
            try (Socket refused = connect()) {
                refused.setSoTimeout(30_000);
                assertThat(refused.getInputStream().read()).as("closed by sidewatch").isEqualTo(-1);
            }
            assertThat(new Scrape(prometheus.scrape()).value("sidewatch_rejected_records_total", "receiver", "tcp", "reason",
                    TcpReceiver.TOO_MANY_CONNECTIONS)).isEqualTo(1.0);
            send(open.getFirst(), "still served\n");
            await().until(() -> sink.messages().contains("still served"));

            open.removeLast().close(); // a place frees up
            await().ignoreExceptions().until(() -> {
                try (Socket again = connect()) {
                    send(again, "after a close\n");
                }
                return sink.messages().contains("after a close");
            });
        } finally {
            for (Socket s : open) s.close();
        }
    }
}
