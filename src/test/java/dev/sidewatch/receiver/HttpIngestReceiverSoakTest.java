package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.HttpReceiverConfig;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.Arrivals;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: concurrent NDJSON posts while the exporter is held shut, so the receiver answers 429 with
 * {@code Retry-After: 1}; each client honours it and sends the refused body again until it is accepted.
 * Every number must arrive. And bodies aborted half-way (reset or closed with half the declared
 * {@code Content-Length}, or inside a chunk) are never acknowledged, never exported, not even in part;
 * one whose client goes after the last byte is exported once.
 */
class HttpIngestReceiverSoakTest {
    static final int ROUNDS = 20;
    static final int CLIENTS = 4;
    static final int BODIES = 5;
    static final int LINES = 200;
    /** One more line than the queue's high-water mark: this body alone saturates it. */
    static final int FILL = GatedExporter.HIGH_WATER_EVENTS + 1;
    static final long MAX_BODY_BYTES = 64 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final GatedExporter exporter = new GatedExporter();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private HttpIngestReceiver receiver;

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        exporter.close();
        prometheus.close();
    }

    private void start() throws Exception {
        receiver = new HttpIngestReceiver(new HttpReceiverConfig(new HostPort("127.0.0.1", 0), null, MAX_BODY_BYTES),
                Normalizer.defaults(), exporter, prometheus.receiver(HttpIngestReceiver.NAME, HttpIngestReceiver.reasons()), "soak",
                Duration.ofSeconds(10));
        join(vertx.deployVerticle(receiver));
    }

    private Scrape scrape() {
        return new Scrape(prometheus.scrape());
    }

    @Test
    void concurrentPostsAnswered429AndRetried_loseNothing() throws Exception {
        start();
        int lost = 0;
        int duplicates = 0;
        List<String> lossyRounds = new ArrayList<>();
        List<HttpClient> clients = new ArrayList<>();
        for (int c = 0; c <= CLIENTS; c++) clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        for (int round = 0; round < ROUNDS; round++) {
            exporter.shut();
            exporter.forget();
            int refusedBefore = refused.get();
            // the filler's 200 waits until its lines have left through the gate; the queue is saturated
            // before any client starts, so each client's first post is refused for certain
            String fill = "r" + round + "fill";
            CompletableFuture<Void> filler = postUntilAccepted(clients.get(CLIENTS), Arrivals.ndjson(fill, 0, FILL), FILL);
            await().until(exporter::saturated);
            List<CompletableFuture<Void>> posting = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) posting.add(client(clients.get(c), "r" + round + "c" + c + "n"));
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() - refusedBefore >= CLIENTS);
            assertThat(exporter.arrived()).as("nothing leaves while the gate is shut").isEmpty();
            exporter.open();
            filler.get(60, TimeUnit.SECONDS);
            for (CompletableFuture<Void> p : posting) p.get(60, TimeUnit.SECONDS);

            int roundLost = exporter.awaitArrival(fill, FILL, Duration.ofSeconds(10));
            if (roundLost > 0) lossyRounds.add("round %d filler: %s".formatted(round, Arrivals.missing(exporter.arrived(), fill, FILL)));
            lost += roundLost;
            for (int c = 0; c < CLIENTS; c++) {
                String prefix = "r" + round + "c" + c + "n";
                int clientLost = exporter.awaitArrival(prefix, BODIES * LINES, Duration.ofSeconds(10));
                if (clientLost > 0) lossyRounds.add("round %d client %d: %s".formatted(round, c,
                        Arrivals.missing(exporter.arrived(), prefix, BODIES * LINES)));
                lost += clientLost;
            }
            int roundDuplicates = Arrivals.duplicates(exporter.arrived());
            if (roundDuplicates > 0) System.out.printf("soak http: round %d: %d duplicates%n", round, roundDuplicates);
            duplicates += roundDuplicates;
        }
        Scrape scrape = scrape();
        System.out.printf("soak http: %d rounds x (%d clients x %d bodies x %d lines + %d filler lines): lost %d, duplicates %d, "
                        + "429s %d (plus %d resets instead of the 429), dropped %d%n",
                ROUNDS, CLIENTS, BODIES, LINES, FILL, lost, duplicates, refused.get(), resets.get(), exporter.dropped());
        assertThat(lost).as("lines lost, %d rounds: %s", ROUNDS, lossyRounds).isZero();
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_json"))
                .as("lines cut in half").isZero();
        // a 429 whose connection was reset before the client read it is counted by the receiver all the same
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "http", "reason", "buffer_full"))
                .isBetween((double) refused.get(), (double) refused.get() + resets.get());
        exporter.assertAccounting(scrape, HttpIngestReceiver.NAME, 0);
    }

    /** One client: {@link #BODIES} bodies of {@link #LINES} numbered lines, one after the other. */
    private CompletableFuture<Void> client(HttpClient client, String prefix) {
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (int b = 0; b < BODIES; b++) {
            String body = Arrivals.ndjson(prefix, b * LINES, (b + 1) * LINES);
            done = done.thenCompose(v -> postUntilAccepted(client, body, LINES));
        }
        return done;
    }

    /**
     * Posts {@code body} until it is answered 200, as a client that honours {@code Retry-After} does. A
     * connection reset instead of an answer (the 429 closes the connection before the body is read, and the
     * unread bytes can make the kernel reset it) is retried too.
     */
    private CompletableFuture<Void> postUntilAccepted(HttpClient client, String body, int lines) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.actualPort() + "/v1/ingest"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                resets.incrementAndGet();
                return retry(client, body, lines, 1);
            }
            if (response.statusCode() == 429) {
                refused.incrementAndGet();
                assertThat(new JsonObject(response.body()).getString("error")).endsWith("; retry later");
                return retry(client, body, lines, Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow()));
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(lines);
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(next -> next);
    }

    private CompletableFuture<Void> retry(HttpClient client, String body, int lines, long afterSeconds) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(afterSeconds, TimeUnit.SECONDS))
                .thenCompose(v -> postUntilAccepted(client, body, lines));
    }

    // ---------------------------------------------------------------- aborted bodies

    enum Abort { RESET, CLOSE, RESET_INSIDE_A_CHUNK }

    /**
     * The body is decoded only once it is complete (the request's end), so a request whose connection goes
     * before its last byte is never decoded, never answered and never counted as received: none of its
     * lines is exported, not even the whole ones before the cut. Its bytes count in
     * {@code received_bytes_total}, and its reservation of the in-flight budget is returned: the aborted
     * bodies here declare more than that budget in all, so a leak would answer the next body 429.
     */
    @Test
    void bodiesAbortedHalfWay_areNeitherAcknowledgedNorExported_andTheReceiverStaysHealthy() throws Exception {
        start();
        exporter.open();
        int aborts = 3 * HttpIngestReceiver.IN_FLIGHT_FACTOR;
        for (int i = 0; i < aborts; i++) {
            Abort how = Abort.values()[i % Abort.values().length];
            abortHalfWay(how, Arrivals.ndjson("aborted" + i + "n", 0, 2500).substring(0, (int) (MAX_BODY_BYTES - 100)));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // the aborts' reservations are returned on the event loop, after the client has gone: until then a body may be refused
        postUntilAccepted(client, Arrivals.ndjson("after", 0, 1000), 1000).get(60, TimeUnit.SECONDS);
        assertThat(exporter.awaitArrival("after", 1000, Duration.ofSeconds(10))).isZero();

        Scrape scrape = scrape();
        assertThat(exporter.arrived().keySet()).as("nothing of an aborted body").allMatch(message -> message.startsWith("after"));
        assertThat(Arrivals.duplicates(exporter.arrived())).isZero();
        assertThat(scrape.value("sidewatch_received_records_total", "receiver", "http")).isEqualTo(1000);
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_json"))
                .as("no half line").isZero();
        exporter.assertAccounting(scrape, HttpIngestReceiver.NAME, 0);
    }

    /**
     * The other side of the contract: a client that goes after its body's last byte, while the body is decoded
     * and its answer waits for the gate, gets no answer, but the body was complete and is exported, once.
     */
    @Test
    void aBodyWhoseClientResetsAfterItsLastByte_isExportedOnce() throws Exception {
        start();
        exporter.shut();
        byte[] body = Arrivals.ndjson("complete", 0, 500).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", receiver.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().until(() -> scrape().value("sidewatch_received_records_total", "receiver", "http") == 500);
            socket.setSoLinger(true, 0);
        }
        exporter.open();
        assertThat(exporter.awaitArrival("complete", 500, Duration.ofSeconds(10))).isZero();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        postUntilAccepted(client, Arrivals.ndjson("after", 0, 10), 10).get(60, TimeUnit.SECONDS);
        assertThat(exporter.awaitArrival("after", 10, Duration.ofSeconds(10))).isZero();
        assertThat(Arrivals.duplicates(exporter.arrived())).isZero();
        exporter.assertAccounting(scrape(), HttpIngestReceiver.NAME, 0);
    }

    /**
     * Sends a request declaring {@code MAX_BODY_BYTES - 100} body bytes (or chunked), writes about half, waits
     * until the receiver has read that half, then resets or closes the connection; no answer may come first.
     */
    private void abortHalfWay(Abort how, String wholeBody) throws Exception {
        byte[] body = wholeBody.getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2 + 7; // inside a line
        double bytesBefore = scrape().value("sidewatch_received_bytes_total", "receiver", "http");
        try (Socket socket = new Socket("127.0.0.1", receiver.actualPort())) {
            OutputStream out = socket.getOutputStream();
            String framing = how == Abort.RESET_INSIDE_A_CHUNK ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n"
                    : "Content-Length: " + body.length + "\r\n\r\n";
            out.write(("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n" + framing)
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            await(how + ": the receiver reads the half body (if it answered 429 instead, earlier aborts kept their share of the in-flight budget)")
                    .until(() -> scrape().value("sidewatch_received_bytes_total", "receiver", "http") - bytesBefore >= half);
            assertThat(socket.getInputStream().available()).as("no answer to half a body").isZero();
            if (how != Abort.CLOSE) socket.setSoLinger(true, 0);
        } catch (IOException e) {
            throw new AssertionError(how + ": the receiver closed the connection before the client did", e);
        }
    }
}
