package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.HttpReceiverConfig;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpIngestReceiverTest {

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    /** HTTP/1.1, as curl, Node and the OpenTelemetry exporters send; {@link #h2cClients_areServedToo} covers HTTP/2. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private HttpIngestReceiver receiver;
    private String deployment;

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        prometheus.close();
    }

    static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void start(String token, long maxBodyBytes) throws Exception {
        var config = new HttpReceiverConfig(new HostPort("127.0.0.1", 0), token, maxBodyBytes);
        receiver = new HttpIngestReceiver(config, Normalizer.defaults(), sink,
                prometheus.receiver(HttpIngestReceiver.NAME, HttpIngestReceiver.reasons()), "default-svc", Duration.ofSeconds(10));
        deployment = join(vertx.deployVerticle(receiver));
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + receiver.actualPort() + pathAndQuery);
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) request.headers(headers);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Double metric(String name, String... labels) {
        return new Scrape(prometheus.scrape()).value(name, labels);
    }

    private static String error(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        return new JsonObject(response.body()).getString("error");
    }

    @Test
    void ndjson_isAccepted_andCounted() throws Exception {
        start(null, 1 << 20);
        String body = "{\"level\":30,\"msg\":\"one\"}\n{not json\n{\"level\":50,\"msg\":\"two\"}\n";
        var response = post("/v1/ingest", body, "Content-Type", "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(3);
        assertThat(sink.messages()).containsExactly("one", "{not json", "two");
        assertThat(sink.events()).allSatisfy(e -> {
            assertThat(e.service()).isEqualTo("default-svc");
            assertThat(e.source().receiver()).isEqualTo("http");
        });
        assertThat(metric("sidewatch_received_records_total", "receiver", "http")).isEqualTo(3.0);
        assertThat(metric("sidewatch_received_bytes_total", "receiver", "http")).isEqualTo(body.length());
        assertThat(metric("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_json")).isEqualTo(1.0);
    }

    @Test
    void service_comesFromTheHeader_elseTheQuery_elseTheDefault_butTheRecordsOwnWins() throws Exception {
        start(null, 1 << 20);
        post("/v1/ingest", "{\"msg\":\"h\"}", "X-Service-Name", "from-header");
        post("/v1/ingest?service=from-query", "{\"msg\":\"q\"}");
        post("/v1/ingest", "{\"msg\":\"d\"}");
        post("/v1/ingest?service=from-query", "{\"msg\":\"own\",\"service\":\"own-service\"}");
        assertThat(sink.events()).extracting(e -> e.service())
                .containsExactly("from-header", "from-query", "default-svc", "own-service");
    }

    @Test
    void jsonArray_andGzipBodies_areAccepted() throws Exception {
        start(null, 1 << 20);
        var response = post("/v1/ingest", "[{\"msg\":\"a\"},{\"msg\":\"b\"},7]", "Content-Type", "application/json");
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("accepted", 2).put("rejected", 1));

        var gz = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            out.write("{\"msg\":\"zipped\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        var zipped = client.send(HttpRequest.newBuilder(uri("/v1/ingest")).header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(sink.messages()).containsExactly("a", "b", "zipped");
    }

    @Test
    void h2cClients_areServedToo() throws Exception {
        start("t0ken", 100);
        var h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        var ok = h2.send(HttpRequest.newBuilder(uri("/v1/ingest")).header("Authorization", "Bearer t0ken")
                .POST(HttpRequest.BodyPublishers.ofString("{\"msg\":\"h2\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var denied = h2.send(HttpRequest.newBuilder(uri("/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(200))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(sink.messages()).containsExactly("h2");
    }

    @Test
    void malformedJsonArray_is400WithAReason() throws Exception {
        start(null, 1 << 20);
        var response = post("/v1/ingest", "[{\"msg\":", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("invalid JSON body");
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void textPlainBody_isLines_evenWhenItStartsLikeAnArray_andABadOrDeepLineIsAnEvent() throws Exception {
        start(null, 1 << 20);
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        var response = post("/v1/ingest", "[not, json\n{\"msg\":\"fine\"}\n" + deep + "\nplain words\n", "Content-Type", "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getInteger("accepted")).isEqualTo(4);
        assertThat(sink.messages()).containsExactly("[not, json", "fine", deep, "plain words");
    }

    @Test
    void bodyOverMaxBodyBytes_is413_whetherDeclaredOrChunked() throws Exception {
        start(null, 100);
        var declared = post("/v1/ingest", "x".repeat(101));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(error(declared)).contains("max_body_bytes");

        InputStream stream = new ByteArrayInputStream(("{\"msg\":\"" + "y".repeat(500) + "\"}\n").getBytes(StandardCharsets.UTF_8));
        var chunked = client.send(HttpRequest.newBuilder(uri("/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> stream)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);

        var fits = post("/v1/ingest", "x".repeat(100));
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(sink.events()).hasSize(1);
        assertThat(metric("sidewatch_rejected_records_total", "receiver", "http", "reason", "too_large")).isEqualTo(2.0);
    }

    @Test
    void authToken_isRequiredAsBearer() throws Exception {
        start("s3cret-token", 1 << 20);
        var missing = post("/v1/ingest", "{\"msg\":\"a\"}");
        var wrong = post("/v1/ingest", "{\"msg\":\"a\"}", "Authorization", "Bearer s3cret-tokeN");
        var otherScheme = post("/v1/ingest", "{\"msg\":\"a\"}", "Authorization", "Basic s3cret-token");
        var right = post("/v1/ingest", "{\"msg\":\"a\"}", "Authorization", "Bearer s3cret-token");

        assertThat(List.of(missing.statusCode(), wrong.statusCode(), otherScheme.statusCode(), right.statusCode()))
                .containsExactly(401, 401, 401, 200);
        assertThat(error(missing)).isEqualTo("missing or wrong bearer token");
        assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(sink.events()).hasSize(1);
        assertThat(metric("sidewatch_rejected_records_total", "receiver", "http", "reason", "unauthorized")).isEqualTo(3.0);
    }

    @Test
    void otherRoutes_answerJsonErrors_neverStackTraces() throws Exception {
        start(null, 1 << 20);
        var unknown = client.send(HttpRequest.newBuilder(uri("/nope")).GET().build(), HttpResponse.BodyHandlers.ofString());
        var wrongMethod = client.send(HttpRequest.newBuilder(uri("/v1/ingest")).GET().build(), HttpResponse.BodyHandlers.ofString());
        var otlpLogs = post("/v1/logs", "x", "Content-Type", "application/x-protobuf");
        var otlpTraces = post("/v1/traces", "x", "Content-Type", "application/x-protobuf");
        var protobufToIngest = post("/v1/ingest", "x", "Content-Type", "application/x-protobuf");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).isNotBlank();
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(error(wrongMethod)).isNotBlank();
        assertThat(otlpLogs.statusCode()).isEqualTo(400);
        assertThat(otlpTraces.statusCode()).isEqualTo(400);
        assertThat(error(otlpLogs)).startsWith("invalid OTLP protobuf");
        assertThat(protobufToIngest.statusCode()).isEqualTo(415);
        assertThat(error(protobufToIngest)).contains("unsupported content type");
    }

    @Test
    void saturatedPipeline_is429WithRetryAfter() throws Exception {
        start(null, 1 << 20);
        sink.saturate(true);
        var busy = post("/v1/ingest", "{\"msg\":\"a\"}");
        assertThat(busy.statusCode()).isEqualTo(429);
        assertThat(busy.headers().firstValue("retry-after")).hasValue("1");
        assertThat(error(busy)).contains("retry later");
        sink.saturate(false);
        assertThat(post("/v1/ingest", "{\"msg\":\"a\"}").statusCode()).isEqualTo(200);
        assertThat(metric("sidewatch_rejected_records_total", "receiver", "http", "reason", "buffer_full")).isEqualTo(1.0);
    }

    @Test
    void idleConnectionsAndASlowClient_doNotStopOtherClients() throws Exception {
        start(null, 1 << 20);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) idle.add(new Socket("127.0.0.1", receiver.actualPort()));
            Socket slow = new Socket("127.0.0.1", receiver.actualPort());
            idle.add(slow);
            OutputStream out = slow.getOutputStream();
            byte[] request = ("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n{\"msg\":\"slow\"}\n\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < request.length - 3; i++) {
                out.write(request[i]); // one byte at a time, the rest held back while others are served
                out.flush();
                if (i == 20) {
                    assertThat(post("/v1/ingest", "{\"msg\":\"fast\"}").statusCode()).isEqualTo(200);
                }
            }
            assertThat(post("/v1/ingest", "{\"msg\":\"fast again\"}").statusCode()).isEqualTo(200);
            out.write(request, request.length - 3, 3);
            out.flush();
            String answer = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 200");
            assertThat(sink.messages()).containsExactly("fast", "fast again", "slow");
        } finally {
            for (Socket s : idle) s.close();
        }
    }

    @Test
    void stop_letsARequestInFlightFinish() throws Exception {
        start(null, 1 << 20);
        try (Socket socket = new Socket("127.0.0.1", receiver.actualPort())) {
            String body = "{\"msg\":\"in flight\"}\n";
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n{\"msg\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().until(() -> metric("sidewatch_received_bytes_total", "receiver", "http") > 0);
            Future<Void> stopping = vertx.undeploy(deployment);
            out.write(body.substring(7).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 200");
            join(stopping);
        }
        assertThat(sink.messages()).containsExactly("in flight");
    }

    @Test
    void refusedAndAbandonedUploads_doNotLeakTheInFlightBudget() throws Exception {
        start(null, 1000);
        for (int i = 0; i < 20; i++) {
            assertThat(post("/v1/ingest", "z".repeat(1001)).statusCode()).isEqualTo(413);
        }
        // clients that declare a full-size body, send part of it and hang up
        for (int i = 0; i < 2 * HttpIngestReceiver.IN_FLIGHT_FACTOR; i++) {
            try (Socket socket = new Socket("127.0.0.1", receiver.actualPort())) {
                socket.getOutputStream().write("POST /v1/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"msg\":"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                double partBodies = 7.0 * (i + 1);
                await().until(() -> metric("sidewatch_received_bytes_total", "receiver", "http") >= partBodies);
            }
        }
        await().untilAsserted(() -> assertThat(post("/v1/ingest", "{\"msg\":\"" + "f".repeat(980) + "\"}").statusCode()).isEqualTo(200));
    }
}
