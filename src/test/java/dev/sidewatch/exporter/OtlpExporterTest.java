package dev.sidewatch.exporter;

import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import dev.sidewatch.config.OtlpExporterConfig;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.ExportResult;
import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.OtlpTestEndpoint.Answer;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedLog;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedSpan;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.SpanSynthesizer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SPEC 6 mapping as a collector sees it, and the export results a retrying buffer relies on. */
class OtlpExporterTest {
    private static final Normalizer NORMALIZER = Normalizer.defaults();
    private static final Normalizer.Origin ORIGIN = new Normalizer.Origin("api", "stdin", null);
    private OtlpTestEndpoint collector;
    private OtlpExporter exporter;

    @BeforeEach
    void startCollector() throws Exception {
        collector = OtlpTestEndpoint.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (exporter != null) exporter.close();
        collector.close();
    }

    private OtlpExporter exporter(Map<String, String> extraEnv, OtlpProtocol protocol, Duration timeout) {
        var env = new HashMap<>(Map.of(OtlpSettings.ENDPOINT, collector.url()));
        env.putAll(extraEnv);
        var settings = OtlpSettings.resolve(new OtlpExporterConfig(null, protocol, Map.of(), timeout), env);
        exporter = OtlpExporter.create(settings, "instance-1", "host-a", "9.9.9", Clock.systemUTC());
        return exporter;
    }

    private OtlpExporter exporter() {
        return exporter(Map.of(), OtlpProtocol.HTTP_PROTOBUF, Duration.ofSeconds(10));
    }

    private static Event line(String json) {
        return NORMALIZER.normalize(LogLine.of(json), ORIGIN);
    }

    private static ExportResult await(java.util.concurrent.CompletableFuture<ExportResult> result) throws Exception {
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void logRecord_keepsItsOwnTimeSeverityBodyAndTraceContext() throws Exception {
        Event e = line("{\"level\":50,\"time\":1795301090283,\"trace_id\":\"022f9e6758e14ecf7d8ee44e2f57f414\","
                + "\"span_id\":\"0caf4fb83d2e8c74\",\"msg\":\"pino error inside span\"}");

        assertThat(await(exporter().export(List.of(e))).isSuccess()).isTrue();

        ReceivedLog log = collector.logs().getFirst();
        assertThat(log.record().getTimeUnixNano()).isEqualTo(1795301090283_000_000L);
        assertThat(log.record().getObservedTimeUnixNano()).isEqualTo(OtlpMapping.nanos(e.observedTime()));
        assertThat(log.record().getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR);
        assertThat(log.record().getSeverityText()).isEqualTo("ERROR");
        assertThat(log.body()).isEqualTo("pino error inside span");
        assertThat(log.traceId()).isEqualTo("022f9e6758e14ecf7d8ee44e2f57f414");
        assertThat(log.spanId()).isEqualTo("0caf4fb83d2e8c74");
        assertThat(log.record().getFlags()).isEqualTo(1);
        assertThat(log.record().getEventName()).as("plain logs are not events").isEmpty();
        assertThat(log.record().getAttributesList()).extracting(KeyValue::getKey).doesNotContain("level", "msg", "time");
    }

    @Test
    void recordWithoutItsOwnTime_takesTheObservedTime_asTheEventDoes() throws Exception {
        await(exporter().export(List.of(line("{\"message\":\"no time here\"}"))));
        var record = collector.logs().getFirst().record();
        assertThat(record.getObservedTimeUnixNano()).isPositive();
        assertThat(record.getTimeUnixNano()).isEqualTo(record.getObservedTimeUnixNano());
    }

    @Test
    void eventName_followsTheKind_andALogIsNamedByItsOwnEvent() throws Exception {
        List<Event> events = List.of(
                line("{\"msg\":\"plain\"}"),
                line("{\"message\":\"Item created\",\"evt\":{\"category\":\"catalog\",\"name\":\"itemCreated\",\"outcome\":\"success\"},\"usr\":{\"id\":\"u-42\"}}"),
                line("{\"err\":{\"type\":\"TypeError\",\"message\":\"x is undefined\",\"stack\":\"TypeError: x is undefined\\n    at f (a.js:1:1)\"},\"msg\":\"boom\"}"),
                line("{\"req\":{\"method\":\"GET\",\"url\":\"/ok\"},\"res\":{\"statusCode\":200},\"msg\":\"request completed\"}"),
                line("{\"req\":{\"method\":\"GET\",\"url\":\"/me\"},\"res\":{\"statusCode\":401},\"msg\":\"request completed\"}"),
                line("{\"level\":50,\"err\":{\"type\":\"Error\",\"message\":\"Access to this API has been restricted\",\"code\":\"ERR_ACCESS_DENIED\","
                        + "\"permission\":\"FileSystemRead\",\"resource\":\"/etc/passwd\"},\"msg\":\"read failed\"}"));
        assertThat(events).extracting(Event::kind).containsExactly(Kind.LOG, Kind.LOG, Kind.EXCEPTION, Kind.HTTP_REQUEST, Kind.AUTH_FAILURE, Kind.PERMISSION_DENIED);

        await(exporter().export(events));

        assertThat(collector.logs()).extracting(l -> l.record().getEventName())
                .containsExactly("", "itemCreated", "exception", "http.request", "auth.failure", "permission.denied");
        assertThat(collector.logs().get(1).record().getAttributesList()).contains(
                KeyValue.newBuilder().setKey("enduser.id").setValue(AnyValue.newBuilder().setStringValue("u-42")).build());
    }

    @Test
    void namedParts_becomeSemanticConventionAttributes() throws Exception {
        Event request = line("{\"level\":30,\"req\":{\"method\":\"GET\",\"url\":\"/orders/7?full=1\",\"headers\":{\"user-agent\":\"curl/8.5\"},"
                + "\"remoteAddress\":\"10.0.0.7\"},\"route\":\"/orders/:id\",\"res\":{\"statusCode\":503},\"responseTime\":250,"
                + "\"err\":{\"type\":\"Error\",\"message\":\"db down\",\"stack\":\"Error: db down\\n    at q (db.js:9:9)\",\"code\":\"ECONNREFUSED\"},"
                + "\"userId\":\"u-42\",\"msg\":\"request errored\"}");
        Event denial = line("{\"level\":50,\"err\":{\"type\":\"Error\",\"message\":\"Access to this API has been restricted\","
                + "\"code\":\"ERR_ACCESS_DENIED\",\"permission\":\"FileSystemRead\",\"resource\":\"/etc/passwd\"},\"msg\":\"read failed\"}");

        await(exporter().export(List.of(request, denial)));

        ReceivedLog r = collector.logs().get(0);
        assertThat(r.attribute("http.request.method")).isEqualTo("GET");
        assertThat(r.attribute("http.response.status_code")).isEqualTo("503");
        assertThat(r.attribute("url.path")).isEqualTo("/orders/7");
        assertThat(r.attribute("url.query")).isEqualTo("full=1");
        assertThat(r.attribute("http.route")).isEqualTo("/orders/:id");
        assertThat(r.attribute("client.address")).isEqualTo("10.0.0.7");
        assertThat(r.attribute("user_agent.original")).isEqualTo("curl/8.5");
        assertThat(r.attribute("http.server.request.duration")).isEqualTo("0.25");
        assertThat(r.attribute("exception.type")).isEqualTo("Error");
        assertThat(r.attribute("exception.message")).isEqualTo("db down");
        assertThat(r.attribute("exception.stacktrace")).startsWith("Error: db down\n");
        assertThat(r.attribute("error.code")).isEqualTo("ECONNREFUSED");
        assertThat(r.attribute("enduser.id")).isEqualTo("u-42");
        assertThat(r.record().getSeverityNumber()).as("5xx is ERROR").isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR);

        ReceivedLog d = collector.logs().get(1);
        assertThat(d.attribute("permission.type")).isEqualTo("FileSystemRead");
        assertThat(d.attribute("permission.resource")).isEqualTo("/etc/passwd");
        assertThat(d.attribute("permission.source")).isEqualTo("node");
        assertThat(d.attribute("error.code")).isEqualTo("ERR_ACCESS_DENIED");
    }

    @Test
    void remainingAttributes_keepTheirJsonTypes_objectsAsMaps() throws Exception {
        Event e = line("{\"msg\":\"typed\",\"pid\":4121,\"ratio\":0.5,\"ok\":true,\"big\":18446744073709551615,"
                + "\"nothing\":null,\"tags2\":[\"a\",1],\"order\":{\"id\":\"o-1\",\"lines\":[{\"sku\":\"x\"}]}}");

        await(exporter().export(List.of(e)));

        Map<String, AnyValue> attributes = new HashMap<>();
        collector.logs().getFirst().record().getAttributesList().forEach(kv -> attributes.put(kv.getKey(), kv.getValue()));
        assertThat(attributes.get("pid").getIntValue()).isEqualTo(4121);
        assertThat(attributes.get("ratio").getDoubleValue()).isEqualTo(0.5);
        assertThat(attributes.get("ok").getBoolValue()).isTrue();
        assertThat(attributes.get("big").getStringValue()).as("beyond 64 bits").isEqualTo("18446744073709551615");
        assertThat(attributes.get("nothing").getValueCase()).isEqualTo(AnyValue.ValueCase.VALUE_NOT_SET);
        assertThat(attributes.get("tags2").getArrayValue().getValuesList()).extracting(AnyValue::toString)
                .containsExactly(AnyValue.newBuilder().setStringValue("a").build().toString(), AnyValue.newBuilder().setIntValue(1).build().toString());
        var order = attributes.get("order").getKvlistValue().getValuesList();
        assertThat(order).extracting(KeyValue::getKey).containsExactly("id", "lines");
        assertThat(order.get(1).getValue().getArrayValue().getValues(0).getKvlistValue().getValues(0).getValue().getStringValue()).isEqualTo("x");
    }

    @Test
    void resources_onePerService_withInstanceHostAndOtelResourceAttributes() throws Exception {
        exporter(Map.of(OtlpSettings.RESOURCE_ATTRIBUTES, "deployment.environment.name=prod,team=pay%2Cments"),
                OtlpProtocol.HTTP_PROTOBUF, Duration.ofSeconds(10));
        List<Event> events = List.of(line("{\"msg\":\"a1\"}"), line("{\"service\":\"billing\",\"msg\":\"b1\"}"), line("{\"msg\":\"a2\"}"));

        await(exporter.export(events));

        var request = collector.logRequests().getFirst();
        assertThat(request.getResourceLogsCount()).as("one Resource per service").isEqualTo(2);
        assertThat(collector.logs()).extracting(ReceivedLog::service, ReceivedLog::body)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("api", "a1"), org.assertj.core.groups.Tuple.tuple("api", "a2"),
                        org.assertj.core.groups.Tuple.tuple("billing", "b1"));
        var resource = collector.logs().getFirst().resource().getAttributesList();
        assertThat(OtlpTestEndpoint.attribute(resource, "service.instance.id")).isEqualTo("instance-1");
        assertThat(OtlpTestEndpoint.attribute(resource, "host.name")).isEqualTo("host-a");
        assertThat(OtlpTestEndpoint.attribute(resource, "deployment.environment.name")).isEqualTo("prod");
        assertThat(OtlpTestEndpoint.attribute(resource, "team")).isEqualTo("pay,ments");
        assertThat(collector.logRequests().getFirst().getResourceLogs(0).getScopeLogs(0).getScope().getName()).isEqualTo("sidewatch");
    }

    @Test
    void serviceNameInOtelResourceAttributes_namesEventsWithoutAService() throws Exception {
        exporter(Map.of(OtlpSettings.RESOURCE_ATTRIBUTES, "service.name=from-env"), OtlpProtocol.HTTP_PROTOBUF, Duration.ofSeconds(10));
        Event unnamed = NORMALIZER.normalize(LogLine.of("{\"msg\":\"x\"}"), new Normalizer.Origin(null, null, null));
        await(exporter.export(List.of(unnamed)));
        assertThat(collector.logs().getFirst().service()).isEqualTo("from-env");
    }

    @Test
    void synthesizedSpan_isAServerSpanChildOfTheCaller_andTheLogCarriesItsIds() throws Exception {
        var ids = new AtomicLong(0xabc0);
        var synthesizer = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO, ids::incrementAndGet);
        Event e = synthesizer.apply(line("{\"level\":30,\"time\":1795301014224,\"req\":{\"method\":\"GET\",\"url\":\"/orders/7\","
                + "\"headers\":{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}},"
                + "\"route\":\"/orders/:id\",\"res\":{\"statusCode\":500},\"responseTime\":12.5,\"msg\":\"request errored\"}"));

        await(exporter().export(List.of(e)));

        ReceivedSpan span = collector.spans().getFirst();
        assertThat(span.span().getName()).isEqualTo("GET /orders/:id");
        assertThat(span.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(span.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.parentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(span.spanId()).isEqualTo("000000000000abc1");
        assertThat(span.span().getEndTimeUnixNano()).isEqualTo(1795301014224_000_000L);
        assertThat(span.span().getEndTimeUnixNano() - span.span().getStartTimeUnixNano()).isEqualTo(12_500_000L);
        assertThat(span.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(span.attribute("http.response.status_code")).isEqualTo("500");
        assertThat(span.attribute("error.type")).isEqualTo("500");
        assertThat(span.service()).isEqualTo("api");

        ReceivedLog log = collector.logs().getFirst();
        assertThat(log.traceId()).isEqualTo(span.traceId());
        assertThat(log.spanId()).isEqualTo(span.spanId());
        assertThat(log.record().getAttributesList()).extracting(KeyValue::getKey).doesNotContain(SpanSynthesizer.MARKER);
    }

    @Test
    void synthesizedRootSpan_hasNoParent_andOkStatusBelow500() throws Exception {
        Event e = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO).apply(
                line("{\"req\":{\"method\":\"POST\",\"url\":\"/pay\"},\"res\":{\"statusCode\":404},\"msg\":\"request completed\"}"));
        await(exporter().export(List.of(e)));

        ReceivedSpan span = collector.spans().getFirst();
        assertThat(span.span().getName()).isEqualTo("POST /pay");
        assertThat(span.span().getParentSpanId().isEmpty()).isTrue();
        assertThat(span.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        assertThat(span.span().getStartTimeUnixNano()).isEqualTo(span.span().getEndTimeUnixNano());
    }

    @Test
    void traceIdWithoutSpanId_isKept() throws Exception {
        await(exporter().export(List.of(line("{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"msg\":\"trace only\"}"))));
        ReceivedLog log = collector.logs().getFirst();
        assertThat(log.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(log.record().getSpanId().isEmpty()).as("no span id").isTrue();
    }

    @Test
    void headersFromTheEnvironment_areSent() throws Exception {
        exporter(Map.of(OtlpSettings.HEADERS, "authorization=Bearer%20abc,x-tenant=t1"), OtlpProtocol.HTTP_PROTOBUF, Duration.ofSeconds(10));
        await(exporter.export(List.of(line("{\"msg\":\"x\"}"))));
        assertThat(collector.requests().getFirst().headers())
                .containsEntry("authorization", "Bearer abc").containsEntry("x-tenant", "t1")
                .containsEntry("content-type", "application/x-protobuf");
        assertThat(collector.requests().getFirst().path()).isEqualTo("/v1/logs");
    }

    @Test
    void unavailableWithRetryAfter_isRetryableAfterThatDelay() throws Exception {
        collector.enqueue(Answer.status(503).retryAfter("7"));
        ExportResult result = await(exporter().export(List.of(line("{\"msg\":\"x\"}"))));
        assertThat(result.outcome()).isEqualTo(ExportResult.Outcome.RETRYABLE);
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(collector.logs()).isEmpty();
    }

    @ParameterizedTest(name = "HTTP {0} is retryable")
    @ValueSource(ints = {429, 500, 502, 503, 504})
    void throttlingAndServerErrors_areRetryable(int status) throws Exception {
        collector.enqueue(Answer.status(status));
        ExportResult result = await(exporter().export(List.of(line("{\"msg\":\"x\"}"))));
        assertThat(result.outcome()).isEqualTo(ExportResult.Outcome.RETRYABLE);
        assertThat(result.status()).isEqualTo(status);
        assertThat(result.retryAfter()).isNull();
    }

    @ParameterizedTest(name = "HTTP {0} is permanent")
    @ValueSource(ints = {400, 401, 404, 413})
    void otherFailureStatuses_arePermanent(int status) throws Exception {
        collector.enqueue(Answer.status(status));
        ExportResult result = await(exporter().export(List.of(line("{\"msg\":\"x\"}"))));
        assertThat(result.outcome()).isEqualTo(ExportResult.Outcome.PERMANENT);
        assertThat(result.status()).isEqualTo(status);
    }

    @Test
    void connectionRefused_isRetryableWithoutStatus() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var settings = OtlpSettings.resolve(new OtlpExporterConfig("http://127.0.0.1:" + closedPort, OtlpProtocol.HTTP_PROTOBUF,
                Map.of(), Duration.ofSeconds(5)), Map.of());
        exporter = OtlpExporter.create(settings, "i", null, "v", Clock.systemUTC());

        ExportResult result = await(exporter.export(List.of(line("{\"msg\":\"x\"}"))));

        assertThat(result.outcome()).isEqualTo(ExportResult.Outcome.RETRYABLE);
        assertThat(result.status()).isZero();
        assertThat(result.reason()).containsIgnoringCase("connect");
    }

    @Test
    void collectorSlowerThanTheTimeout_isRetryable() throws Exception {
        collector.enqueue(Answer.ok().delayed(Duration.ofSeconds(20)));
        ExportResult result = await(exporter(Map.of(), OtlpProtocol.HTTP_PROTOBUF, Duration.ofMillis(300)).export(List.of(line("{\"msg\":\"x\"}"))));
        assertThat(result.outcome()).isEqualTo(ExportResult.Outcome.RETRYABLE);
        assertThat(result.status()).isZero();
    }

    @Test
    void receivedTraces_areForwardedByteForByte() throws Exception {
        byte[] payload = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("GET /orders/:id")
                        .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[16]).concat(com.google.protobuf.ByteString.EMPTY))
                        .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}))))).build().toByteArray();

        assertThat(await(exporter().forwardTraces(payload)).isSuccess()).isTrue();

        var request = collector.requests().getFirst();
        assertThat(request.path()).isEqualTo("/v1/traces");
        assertThat(request.body()).isEqualTo(payload);
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactly("GET /orders/:id");
    }

    @Test
    void withoutATraceEndpoint_onlyLogsAreSent() throws Exception {
        var settings = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of(OtlpSettings.LOGS_ENDPOINT, collector.url() + "/v1/logs"));
        exporter = OtlpExporter.create(settings, "i", null, "v", Clock.systemUTC());
        Event request = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO).apply(
                line("{\"req\":{\"method\":\"GET\",\"url\":\"/\"},\"res\":{\"statusCode\":200}}"));

        assertThat(exporter.exportsTraces()).isFalse();
        assertThat(await(exporter.export(List.of(request))).isSuccess()).isTrue();
        assertThat(await(exporter.forwardTraces(new byte[0])).outcome()).isEqualTo(ExportResult.Outcome.PERMANENT);
        assertThat(collector.requests()).extracting(OtlpTestEndpoint.Request::path).containsExactly("/v1/logs");
    }

    @Test
    void grpc_exportsLogsSpansAndForwardedTraces() throws Exception {
        exporter(Map.of(OtlpSettings.HEADERS, "x-tenant=t1"), OtlpProtocol.GRPC, Duration.ofSeconds(10));
        Event request = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO).apply(
                line("{\"req\":{\"method\":\"GET\",\"url\":\"/grpc\"},\"res\":{\"statusCode\":200},\"msg\":\"request completed\"}"));
        byte[] payload = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("forwarded")))).build().toByteArray();

        assertThat(await(exporter.export(List.of(request))).isSuccess()).isTrue();
        assertThat(await(exporter.forwardTraces(payload)).isSuccess()).isTrue();

        assertThat(collector.logs()).extracting(ReceivedLog::body).containsExactly("request completed");
        assertThat(collector.spans()).extracting(s -> s.span().getName()).containsExactlyInAnyOrder("GET /grpc", "forwarded");
        assertThat(collector.requests()).allSatisfy(r -> {
            assertThat(r.grpc()).isTrue();
            assertThat(r.headers()).containsEntry("x-tenant", "t1");
        });
    }

    @Test
    void grpc_unavailableIsRetryable_invalidArgumentPermanent() throws Exception {
        exporter(Map.of(), OtlpProtocol.GRPC, Duration.ofSeconds(10));
        collector.enqueue(Answer.grpc(14), Answer.grpc(3));

        ExportResult unavailable = await(exporter.export(List.of(line("{\"msg\":\"x\"}"))));
        ExportResult invalid = await(exporter.export(List.of(line("{\"msg\":\"y\"}"))));

        assertThat(unavailable.outcome()).isEqualTo(ExportResult.Outcome.RETRYABLE);
        assertThat(unavailable.status()).isEqualTo(14);
        assertThat(invalid.outcome()).isEqualTo(ExportResult.Outcome.PERMANENT);
    }

    @Test
    void emptyBatch_sendsNothing() throws Exception {
        assertThat(await(exporter().export(List.of())).isSuccess()).isTrue();
        assertThat(collector.requests()).isEmpty();
    }

    @Test
    void worst_prefersPermanentThenTheLongerRetryAfter() {
        var shortWait = ExportResult.retryable(503, Duration.ofSeconds(1), "a");
        var longWait = ExportResult.retryable(429, Duration.ofSeconds(5), "b");
        var permanent = ExportResult.permanent(400, "c");
        assertThat(ExportResult.SUCCESS.worst(shortWait)).isSameAs(shortWait);
        assertThat(shortWait.worst(longWait)).isSameAs(longWait);
        assertThat(longWait.worst(shortWait)).isSameAs(longWait);
        assertThat(shortWait.worst(permanent)).isSameAs(permanent);
        assertThat(permanent.worst(ExportResult.SUCCESS)).isSameAs(permanent);
    }

    @Test
    void retryAfter_readsSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), java.time.ZoneOffset.UTC);
        assertThat(JdkHttpSender.retryAfter("120", clock)).isEqualTo(Duration.ofMinutes(2));
        assertThat(JdkHttpSender.retryAfter("Sun, 22 Nov 2026 10:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(JdkHttpSender.retryAfter("Sun, 22 Nov 2026 09:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(JdkHttpSender.retryAfter("soon", clock)).isNull();
        assertThat(JdkHttpSender.retryAfter(null, clock)).isNull();
    }
    @Test
    void plainHttpClient_neverBuildsTheDefaultSslContext_anHttpsOneUsesIt() throws Exception {
        HttpClient plain = JdkHttpSender.newClient(Duration.ofSeconds(1), false);
        HttpClient tls = JdkHttpSender.newClient(Duration.ofSeconds(1), true);
        assertThat(plain.sslContext()).isNotSameAs(javax.net.ssl.SSLContext.getDefault());
        assertThatThrownBy(() -> plain.sslContext().createSSLEngine()).isInstanceOf(IllegalStateException.class);
        assertThat(tls.sslContext()).isSameAs(javax.net.ssl.SSLContext.getDefault());
    }
}
