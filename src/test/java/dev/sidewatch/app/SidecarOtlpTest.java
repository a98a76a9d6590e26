package dev.sidewatch.app;

import dev.sidewatch.cli.Cli;
import dev.sidewatch.config.Config;
import dev.sidewatch.config.ConfigLoader;
import dev.sidewatch.exporter.OtlpTestEndpoint;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedLog;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedSpan;
import dev.sidewatch.exporter.Scrape;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The sidecar with an OTLP endpoint: events as log records, synthesised spans, traces passed on, counters. */
class SidecarOtlpTest {
    private static final String PINO_HTTP_WITH_CALLER = "{\"level\":30,\"time\":1795301014153,\"pid\":7495,\"hostname\":\"vm\","
            + "\"req\":{\"id\":1,\"method\":\"GET\",\"url\":\"/ok?x=1\",\"headers\":{\"traceparent\":"
            + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}},\"res\":{\"statusCode\":200},\"responseTime\":14,\"msg\":\"request completed\"}";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private OtlpTestEndpoint collector;
    private Sidecar sidecar;

    @BeforeEach
    void startCollector() throws Exception {
        collector = OtlpTestEndpoint.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (sidecar != null) sidecar.stop();
        collector.close();
    }

    private Sidecar.Settings settings(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("sidewatch.yaml");
        Files.writeString(file, """
                receivers:
                  http: {listen: "127.0.0.1:0"}
                  tcp: {listen: "127.0.0.1:0"}
                admin: {listen: "127.0.0.1:0"}
                buffer: {dir: "%s"}
                """.formatted(dir.resolve("buffer")) + yaml);
        Config config = ConfigLoader.load(file, Map.of());
        Clock clock = Clock.systemUTC();
        return new Sidecar.Settings(config, "svc", null, stdout, new PrintStream(log, true), env, clock,
                onRedact -> Cli.normalizer(config, clock, onRedact));
    }

    private HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Double metric(String name, String... labels) {
        return new Scrape(sidecar.metrics().registry().scrape()).value(name, labels);
    }

    @Test
    void requestLogWithoutItsOwnSpan_arrivesWithASynthesisedSpan_andNothingOnStdout() throws Exception {
        sidecar = Sidecar.start(settings("", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url(), "HOSTNAME", "pod-1")));
        assertThat(post("/v1/ingest", (PINO_HTTP_WITH_CALLER + "\n{\"msg\":\"plain\"}\n").getBytes(StandardCharsets.UTF_8),
                "application/x-ndjson").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> collector.logs().size() == 2 && collector.spans().size() == 1);
        ReceivedSpan span = collector.spans().getFirst();
        ReceivedLog request = collector.logs().stream().filter(l -> l.body().equals("request completed")).findFirst().orElseThrow();
        assertThat(span.span().getName()).isEqualTo("GET /ok");
        assertThat(span.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.parentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(request.traceId()).isEqualTo(span.traceId());
        assertThat(request.spanId()).isEqualTo(span.spanId());
        assertThat(request.record().getEventName()).isEqualTo("http.request");
        assertThat(request.service()).isEqualTo("svc");
        assertThat(OtlpTestEndpoint.attribute(request.resource().getAttributesList(), "host.name")).isEqualTo("pod-1");

        assertThat(sidecar.stop()).isTrue();
        assertThat(stdout.size()).as("stdout is off when OTLP is on (auto)").isZero();
        assertThat(metric("sidewatch_exported_total", "exporter", "otlp", "signal", "logs")).isEqualTo(2.0);
        assertThat(metric("sidewatch_exported_total", "exporter", "otlp", "signal", "traces")).isEqualTo(1.0);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("exporting to otlp " + collector.url() + "/v1/logs");
    }

    @Test
    void tracesPostedToTheSidecar_arePassedOnToTheCollector() throws Exception {
        sidecar = Sidecar.start(settings("exporters: {otlp: {endpoint: \"" + collector.url() + "\"}}\n", Map.of()));
        byte[] body = traceRequest("app span");

        assertThat(post("/v1/traces", body, "application/x-protobuf").statusCode()).isEqualTo(200);

        await().until(() -> metric("sidewatch_exported_total", "exporter", "otlp", "signal", "traces") == 1.0);
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactly("app span");
        assertThat(collector.requests().getFirst().body()).isEqualTo(body);
    }

    private static byte[] traceRequest(String name) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(
                ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName(name)))).build().toByteArray();
    }

    @Test
    void tracesWhileTheCollectorRefuses_areTaken_keptOnDisk_andArriveOnceItAcceptsAgain() throws Exception {
        collector.enqueue(OtlpTestEndpoint.Answer.status(503), OtlpTestEndpoint.Answer.status(503), OtlpTestEndpoint.Answer.status(429));
        sidecar = Sidecar.start(settings("exporters: {otlp: {endpoint: \"" + collector.url() + "\"}}\n", Map.of()));
        byte[] body = traceRequest("during the outage");

        assertThat(post("/v1/traces", body, "application/x-protobuf").statusCode()).as("on disk, so accepted").isEqualTo(200);

        await().until(() -> metric("sidewatch_exported_total", "exporter", "otlp", "signal", "traces") == 1.0);
        assertThat(collector.requests()).hasSize(4).allSatisfy(r -> assertThat(r.body()).isEqualTo(body));
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactly("during the outage");
        assertThat(metric("sidewatch_export_failures_total", "exporter", "otlp", "signal", "traces")).isEqualTo(3.0);
    }

    @Test
    void tracesUnsentAtStop_stayOnDisk_andAreSentAfterTheNextStart() throws Exception {
        int nobody = SidecarProcess.freePort(); // connection refused
        sidecar = Sidecar.start(settings("exporters: {otlp: {endpoint: \"http://127.0.0.1:" + nobody + "\"}}\nshutdown: {timeout: 1s}\n", Map.of()));
        assertThat(post("/v1/traces", traceRequest("before the restart"), "application/x-protobuf").statusCode()).isEqualTo(200);
        sidecar.stop();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("1 trace requests stay in the buffer");

        sidecar = Sidecar.start(settings("exporters: {otlp: {endpoint: \"" + collector.url() + "\"}}\n", Map.of()));
        await().untilAsserted(() -> assertThat(collector.spans()).as(log.toString(StandardCharsets.UTF_8)).hasSize(1));
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactly("before the restart");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("1 trace requests from the last run are sent first");
    }

    @Test
    void tracesTheCollectorRefusesForGood_goToTheDeadLetterFile_andTheNextOnesFlow() throws Exception {
        collector.enqueue(OtlpTestEndpoint.Answer.status(400));
        sidecar = Sidecar.start(settings("exporters: {otlp: {endpoint: \"" + collector.url() + "\"}}\n", Map.of()));
        byte[] refused = traceRequest("refused");
        assertThat(post("/v1/traces", refused, "application/x-protobuf").statusCode()).isEqualTo(200);
        assertThat(post("/v1/traces", traceRequest("accepted"), "application/x-protobuf").statusCode()).isEqualTo(200);

        await().until(() -> metric("sidewatch_exported_total", "exporter", "otlp", "signal", "traces") == 1.0);
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactly("accepted");
        Path dead = dir.resolve("buffer/dead-letter/otlp-traces.ndjson");
        await().until(() -> Files.exists(dead));
        assertThat(Files.readString(dead)).contains("\"exporter\":\"otlp-traces\"", "\"spans\":1",
                "\"request_base64\":\"" + java.util.Base64.getEncoder().encodeToString(refused) + "\"");
        assertThat(metric("sidewatch_export_failures_total", "exporter", "otlp", "signal", "traces")).isEqualTo(1.0);
    }

    @Test
    void synthesizeNever_sendsNoSpans() throws Exception {
        sidecar = Sidecar.start(settings("traces: {synthesize: never}\n", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())));
        post("/v1/ingest", PINO_HTTP_WITH_CALLER.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        sidecar.stop();

        assertThat(collector.logs()).singleElement().satisfies(l -> assertThat(l.spanId()).as("the caller's, as normalised")
                .isEqualTo("b7ad6b7169203331"));
        assertThat(collector.spans()).isEmpty();
    }

    @Test
    void malformedOtelVariable_failsTheStart_namingIt() {
        assertThatThrownBy(() -> Sidecar.start(settings("", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url(),
                "OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"))))
                .isInstanceOf(StartupException.class).hasMessageStartingWith("OTEL_EXPORTER_OTLP_HEADERS:");
    }
}
