package dev.sidewatch.receiver;

import com.google.protobuf.ByteString;
import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.HttpReceiverConfig;
import dev.sidewatch.event.ExportResult;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/logs} and {@code POST /v1/traces} over real HTTP (SPEC 3, 8). */
class OtlpHttpIngestTest {
    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<byte[]> forwarded = new CopyOnWriteArrayList<>();
    private volatile ExportResult collectorSays = ExportResult.SUCCESS;
    private HttpIngestReceiver receiver;

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        prometheus.close();
    }

    private void start(String token, boolean withTraceEndpoint) throws Exception {
        var config = new HttpReceiverConfig(new HostPort("127.0.0.1", 0), token, 1 << 20);
        TraceForwarder forwarder = withTraceEndpoint ? (protobuf, spans) -> {
            forwarded.add(protobuf);
            return CompletableFuture.completedFuture(collectorSays);
        } : null;
        receiver = new HttpIngestReceiver(config, Normalizer.defaults(), sink,
                prometheus.receiver(HttpIngestReceiver.NAME, HttpIngestReceiver.reasons()), "default-svc", Duration.ofSeconds(10), forwarder);
        join(vertx.deployVerticle(receiver));
    }

    private HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.actualPort() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) request.headers(headers);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String error(HttpResponse<byte[]> response) {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        return new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error");
    }

    private static byte[] logs(String... messages) {
        var scope = ScopeLogs.newBuilder();
        for (String m : messages) scope.addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(m)));
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build().toByteArray();
    }

    private static byte[] traces(String... names) {
        var scope = ScopeSpans.newBuilder();
        for (String n : names) scope.addSpans(Span.newBuilder().setName(n).setTraceId(ByteString.copyFrom(new byte[16])));
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build().toByteArray();
    }

    private static byte[] gzip(String text) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void protobufLogs_areAccepted_withAnOtlpProtobufAnswer() throws Exception {
        start(null, true);
        var response = post("/v1/logs", logs("one", "two"), "Content-Type", "application/x-protobuf", "X-Service-Name", "named");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-protobuf");
        assertThat(sink.messages()).containsExactly("one", "two");
        assertThat(sink.events()).allSatisfy(e -> assertThat(e.service()).isEqualTo("named"));
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_received_records_total", "receiver", "http")).isEqualTo(2.0);
    }

    @Test
    void gzippedJsonLogs_areAccepted_withAJsonAnswer() throws Exception {
        start(null, true);
        String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"zipped\"},"
                + "\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\"}]}]}]}";
        var response = post("/v1/logs", gzip(json), "Content-Type", "application/json", "Content-Encoding", "gzip");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(sink.events()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("zipped");
            assertThat(e.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        });
    }

    @Test
    void malformedLogs_are400_otherTypes415_withJsonErrors() throws Exception {
        start(null, true);
        var malformed = post("/v1/logs", "{\"resourceLogs\":7}".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        var text = post("/v1/logs", "a line".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(error(malformed)).isEqualTo("resourceLogs: expected an array");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(error(text)).contains("application/x-protobuf");
        assertThat(sink.events()).isEmpty();
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_otlp"))
                .isEqualTo(1.0);
    }

    @Test
    void saturatedPipeline_answers429ToLogs_butTracesStillPass() throws Exception {
        start(null, true);
        sink.saturate(true);
        var logs = post("/v1/logs", logs("x"), "Content-Type", "application/x-protobuf");
        var traces = post("/v1/traces", traces("span"), "Content-Type", "application/x-protobuf");

        assertThat(logs.statusCode()).isEqualTo(429);
        assertThat(logs.headers().firstValue("retry-after")).isPresent();
        assertThat(traces.statusCode()).isEqualTo(200);
    }

    @Test
    void bearerToken_isRequiredForOtlpToo() throws Exception {
        start("s3cret", true);
        assertThat(post("/v1/logs", logs("x"), "Content-Type", "application/x-protobuf").statusCode()).isEqualTo(401);
        assertThat(post("/v1/logs", logs("x"), "Content-Type", "application/x-protobuf", "Authorization", "Bearer s3cret").statusCode())
                .isEqualTo(200);
    }

    @Test
    void protobufTraces_arePassedOnByteForByte() throws Exception {
        start(null, true);
        byte[] body = traces("GET /orders/:id", "db query");
        var response = post("/v1/traces", body, "Content-Type", "application/x-protobuf");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
        assertThat(forwarded).singleElement().isEqualTo(body);
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_received_records_total", "receiver", "http")).isEqualTo(2.0);
    }

    @Test
    void jsonTraces_arePassedOnAsProtobufWithHexIds() throws Exception {
        start(null, true);
        String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
                + "\"spanId\":\"ef115d7b799b5773\",\"parentSpanId\":\"b7ad6b7169203331\",\"name\":\"GET /\",\"kind\":2}]}]}]}";
        var response = post("/v1/traces", json.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        Span span = ExportTraceServiceRequest.parseFrom(forwarded.getFirst()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertThat(java.util.HexFormat.of().formatHex(span.getParentSpanId().toByteArray())).isEqualTo("b7ad6b7169203331");
    }

    @Test
    void collectorUnavailable_isPassedBackAs503WithRetryAfter() throws Exception {
        start(null, true);
        collectorSays = ExportResult.retryable(503, Duration.ofSeconds(7), "collector answered HTTP 503");
        var unavailable = post("/v1/traces", traces("a"), "Content-Type", "application/x-protobuf");
        collectorSays = ExportResult.retryable(429, null, "collector answered HTTP 429");
        var throttled = post("/v1/traces", traces("a"), "Content-Type", "application/x-protobuf");
        collectorSays = ExportResult.permanent(400, "collector answered HTTP 400");
        var refused = post("/v1/traces", traces("a"), "Content-Type", "application/x-protobuf");
        collectorSays = ExportResult.permanent(401, "collector answered HTTP 401");
        var misconfigured = post("/v1/traces", traces("a"), "Content-Type", "application/x-protobuf");

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("retry-after")).hasValue("7");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("retry-after")).hasValue("1");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(error(refused)).contains("HTTP 400");
        assertThat(misconfigured.statusCode()).isEqualTo(500);
    }

    @Test
    void withoutATraceEndpoint_spansAreRefusedAsPartialSuccess() throws Exception {
        start(null, false);
        var response = post("/v1/traces", traces("a", "b"), "Content-Type", "application/x-protobuf");
        var json = post("/v1/traces", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"c\"}]}]}]}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        var partial = ExportTraceServiceResponse.parseFrom(response.body()).getPartialSuccess();
        assertThat(partial.getRejectedSpans()).isEqualTo(2);
        assertThat(partial.getErrorMessage()).contains("no OTLP trace endpoint");
        assertThat(new JsonObject(new String(json.body(), StandardCharsets.UTF_8)).getJsonObject("partialSuccess").getString("rejectedSpans"))
                .isEqualTo("1");
    }

    @Test
    void malformedTraces_are400() throws Exception {
        start(null, true);
        var response = post("/v1/traces", new byte[]{0x0a, 0x05, 0x01}, "Content-Type", "application/x-protobuf");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).startsWith("invalid OTLP protobuf");
        assertThat(forwarded).isEmpty();
    }
}
