package dev.sidewatch.receiver;

import com.google.protobuf.ByteString;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** OTLP log and trace ingest on payloads shaped like the Node SDK's (FORMATS.md 5.2). */
class OtlpIngestTest {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    /** FORMATS.md 5.2: a pino record outside any span, as @opentelemetry/exporter-logs-otlp-http 0.223.1 sent it. */
    private static final String CAPTURED_JSON = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"host.name\",\"value\":{\"stringValue\":\"vm\"}},"
            + "{\"key\":\"process.pid\",\"value\":{\"intValue\":16166}},{\"key\":\"process.command_args\",\"value\":{\"arrayValue\":{\"values\":"
            + "[{\"stringValue\":\"node\"},{\"stringValue\":\"/srv/app/app.js\"}]}}},{\"key\":\"service.name\",\"value\":{\"stringValue\":\"orders\"}}],"
            + "\"droppedAttributesCount\":0},\"scopeLogs\":[{\"scope\":{\"name\":\"@opentelemetry/instrumentation-pino\",\"version\":\"0.69.0\"},"
            + "\"logRecords\":[{\"timeUnixNano\":\"1795301090278000000\",\"observedTimeUnixNano\":\"1795301090278000000\",\"severityNumber\":9,"
            + "\"severityText\":\"info\",\"body\":{\"stringValue\":\"outside any span\"},\"attributes\":[],\"droppedAttributesCount\":0}]}]}]}";
    /** FORMATS.md 5.2: a pino error inside a span, with hex ids. */
    private static final String CAPTURED_ERROR_JSON = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
            + "{\"stringValue\":\"orders\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"@opentelemetry/instrumentation-pino\"},\"logRecords\":[{"
            + "\"timeUnixNano\":\"1795301090283000000\",\"observedTimeUnixNano\":\"1795301090283000000\",\"severityNumber\":17,\"severityText\":\"error\","
            + "\"body\":{\"stringValue\":\"pino error inside span\"},\"attributes\":[{\"key\":\"exception.type\",\"value\":{\"stringValue\":\"Error\"}},"
            + "{\"key\":\"exception.message\",\"value\":{\"stringValue\":\"db down\"}},{\"key\":\"exception.stacktrace\",\"value\":{\"stringValue\":"
            + "\"Error: db down\\n    at /srv/app/app.js:27:21\"}}],\"droppedAttributesCount\":0,\"flags\":1,"
            + "\"traceId\":\"022f9e6758e14ecf7d8ee44e2f57f414\",\"spanId\":\"0caf4fb83d2e8c74\"}]}]}]}";

    private static final java.util.List<String> REASONS = java.util.stream.Stream.concat(HttpIngestReceiver.reasons().stream(),
            java.util.stream.Stream.of(OtlpIngest.INVALID_OTLP)).distinct().toList();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    private final Normalizer.Origin origin = new Normalizer.Origin("sidecar-default", "http", null);

    @AfterEach
    void close() {
        prometheus.close();
    }

    private OtlpIngest.LogsResult logs(byte[] body, String type) throws InterruptedException {
        return OtlpIngest.logs(body, type, Normalizer.defaults(), sink, prometheus.receiver("http", REASONS), origin);
    }

    private Double rejected(String reason) {
        return new Scrape(prometheus.scrape()).value("sidewatch_rejected_records_total", "receiver", "http", "reason", reason);
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static AnyValue str(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    private static AnyValue integer(long v) {
        return AnyValue.newBuilder().setIntValue(v).build();
    }

    private static AnyValue map(KeyValue... entries) {
        return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(java.util.List.of(entries))).build();
    }

    private static byte[] request(String service, LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", str(service))))
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("@opentelemetry/instrumentation-pino"))
                        .addAllLogRecords(java.util.List.of(records)))).build().toByteArray();
    }

    private static ByteString hex(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    @Test
    void capturedNodeJson_becomesAnEventWithTheResourceServiceAndOwnTime() throws Exception {
        var result = logs(CAPTURED_JSON.getBytes(StandardCharsets.UTF_8), JSON);

        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.error()).isNull();
        Event e = sink.events().getFirst();
        assertThat(e.service()).isEqualTo("orders");
        assertThat(e.message()).isEqualTo("outside any span");
        assertThat(e.severity()).isEqualTo(Severity.INFO);
        assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(1795301090278L));
        assertThat(e.kind()).isEqualTo(Kind.LOG);
        assertThat(e.source().receiver()).isEqualTo("http");
        assertThat(e.attributes()).as("resource attributes other than service.name are not copied").isEmpty();
    }

    @Test
    void capturedNodeJsonError_hexIdsAreDecodedAsHex_notBase64() throws Exception {
        logs(CAPTURED_ERROR_JSON.getBytes(StandardCharsets.UTF_8), JSON);

        Event e = sink.events().getFirst();
        assertThat(e.traceId()).isEqualTo("022f9e6758e14ecf7d8ee44e2f57f414");
        assertThat(e.spanId()).isEqualTo("0caf4fb83d2e8c74");
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
        assertThat(e.kind()).isEqualTo(Kind.EXCEPTION);
        assertThat(e.error()).isEqualTo(new Event.ErrorInfo("Error", "db down", null, "Error: db down\n    at /srv/app/app.js:27:21"));
    }

    @Test
    void protobufAndJson_ofTheSameRecord_giveTheSameEvent() throws Exception {
        LogRecord record = LogRecord.newBuilder().setTimeUnixNano(1795301090283000000L).setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
                .setSeverityText("error").setBody(str("pino error inside span"))
                .addAttributes(kv("exception.type", str("Error"))).addAttributes(kv("exception.message", str("db down")))
                .addAttributes(kv("exception.stacktrace", str("Error: db down\n    at /srv/app/app.js:27:21")))
                .setFlags(1).setTraceId(hex("022f9e6758e14ecf7d8ee44e2f57f414")).setSpanId(hex("0caf4fb83d2e8c74")).build();
        logs(request("orders", record), PROTOBUF);
        logs(CAPTURED_ERROR_JSON.getBytes(StandardCharsets.UTF_8), JSON);

        var events = sink.events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).usingRecursiveComparison().ignoringFields("observedTime").isEqualTo(events.get(1));
    }

    @Test
    void json_int64AsNumbersOrStrings_upperCaseHex_unknownFieldsIgnored() throws Exception {
        String json = "{\"resourceLogs\":[{\"futureField\":{\"x\":1},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":1795301090278000000,"
                + "\"severity_number\":13,\"body\":{\"stringValue\":\"disk 91% full\"},\"traceId\":\"4BF92F3577B34DA6A3CE929D0E0E4736\","
                + "\"span_id\":\"00F067AA0BA902B7\",\"attributes\":[{\"key\":\"pid\",\"value\":{\"intValue\":\"4025\"}},"
                + "{\"key\":\"ratio\",\"value\":{\"doubleValue\":0.5}}]}]}]}]}";
        var result = logs(json.getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");

        assertThat(result.error()).isNull();
        Event e = sink.events().getFirst();
        assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(1795301090278L));
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(e.spanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(e.service()).as("no resource service: the request's").isEqualTo("sidecar-default");
        assertThat(e.attributes()).containsEntry("pid", 4025L).containsEntry("ratio", 0.5);
    }

    @Test
    void sdkDefaultServiceName_namesNothing() throws Exception {
        logs(request("unknown_service:/usr/bin/node", LogRecord.newBuilder().setBody(str("x")).build()), PROTOBUF);
        assertThat(sink.events().getFirst().service()).isEqualTo("sidecar-default");
    }

    @Test
    void requestRecordWithStatus_isAnHttpRequestAtTheStatusLevel() throws Exception {
        LogRecord record = LogRecord.newBuilder().setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setBody(str("request errored"))
                .addAttributes(kv("req", map(kv("method", str("GET")), kv("url", str("/boom")))))
                .addAttributes(kv("res", map(kv("statusCode", integer(500)))))
                .addAttributes(kv("responseTime", integer(6))).build();
        logs(request("api", record), PROTOBUF);

        Event e = sink.events().getFirst();
        assertThat(e.kind()).isEqualTo(Kind.HTTP_REQUEST);
        assertThat(e.severity()).as("status 500 raises info to ERROR").isEqualTo(Severity.ERROR);
        assertThat(e.http().statusCode()).isEqualTo(500);
        assertThat(e.http().durationMs()).isEqualTo(6.0);
    }

    @Test
    void nodeDenialInAttributes_isAPermissionDenial() throws Exception {
        LogRecord record = LogRecord.newBuilder().setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR).setBody(str("read failed"))
                .addAttributes(kv("err", map(kv("type", str("Error")), kv("message", str("Access to this API has been restricted")),
                        kv("code", str("ERR_ACCESS_DENIED")), kv("permission", str("FileSystemRead")), kv("resource", str("/etc/passwd")))))
                .build();
        logs(request("api", record), PROTOBUF);

        Event e = sink.events().getFirst();
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("FileSystemRead", "/etc/passwd", "node"));
    }

    @Test
    void attributes_areRedacted() throws Exception {
        LogRecord record = LogRecord.newBuilder().setBody(str("login"))
                .addAttributes(kv("authorization", str("Bearer abc.def"))).addAttributes(kv("user", map(kv("password", str("hunter2")))))
                .build();
        logs(request("api", record), PROTOBUF);

        Event e = sink.events().getFirst();
        assertThat(e.attributes()).containsEntry("authorization", "[REDACTED]").containsEntry("user", Map.of("password", "[REDACTED]"));
    }

    @Test
    void mapBody_isTheRecordItself() throws Exception {
        LogRecord record = LogRecord.newBuilder().setBody(map(kv("level", integer(40)), kv("msg", str("disk 91% full")), kv("pid", integer(7))))
                .build();
        logs(request("api", record), PROTOBUF);

        Event e = sink.events().getFirst();
        assertThat(e.message()).isEqualTo("disk 91% full");
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.attributes()).containsEntry("pid", 7L);
    }

    @Test
    void severityText_isUsedWhenTheNumberIsUnset_eventNameKept() throws Exception {
        LogRecord record = LogRecord.newBuilder().setSeverityText("warning").setBody(str("x")).setEventName("cart.abandoned").build();
        logs(request("api", record), PROTOBUF);

        Event e = sink.events().getFirst();
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.event().name()).isEqualTo("cart.abandoned");
    }

    @ParameterizedTest(name = "severity number {0}")
    @ValueSource(ints = {1, 5, 7, 9, 10, 13, 17, 18, 19, 21, 23})
    void severityNumbers_keepTheirRange(int number) throws Exception {
        LogRecord record = LogRecord.newBuilder().setSeverityNumberValue(number).setBody(str("x")).build();
        logs(request("api", record), PROTOBUF);
        assertThat(sink.events().getFirst().severity()).isEqualTo(Severity.ofNumber(number));
    }

    @Test
    void emptyRequest_acceptsNothing() throws Exception {
        assertThat(logs(new byte[0], PROTOBUF)).isEqualTo(new OtlpIngest.LogsResult(0, 200, null, OtlpLogDecoder.Encoding.PROTOBUF));
        assertThat(logs("{}".getBytes(StandardCharsets.UTF_8), JSON).accepted()).isZero();
    }

    @Test
    void malformedPayloads_are400WithAReason_andCounted() throws Exception {
        assertThat(logs(new byte[]{0x0a, 0x7f, 0x01}, PROTOBUF)).satisfies(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.error()).startsWith("invalid OTLP protobuf");
        });
        assertThat(logs("{\"resourceLogs\":[".getBytes(StandardCharsets.UTF_8), JSON).error()).startsWith("invalid JSON");
        assertThat(logs("[1,2]".getBytes(StandardCharsets.UTF_8), JSON).error()).contains("not a JSON object");
        assertThat(logs("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"traceId\":\"xyz\"}]}]}]}".getBytes(StandardCharsets.UTF_8), JSON).error())
                .isEqualTo("resourceLogs[0].scopeLogs[0].logRecords[0].traceId: not a hex id");
        assertThat(logs("{\"resourceLogs\":{}}".getBytes(StandardCharsets.UTF_8), JSON).error()).isEqualTo("resourceLogs: expected an array");
        assertThat(logs("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"soon\"}]}]}]}".getBytes(StandardCharsets.UTF_8), JSON).error())
                .isEqualTo("resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: not a valid number");
        assertThat(sink.events()).isEmpty();
        assertThat(rejected(OtlpIngest.INVALID_OTLP)).isEqualTo(6.0);
    }

    @Test
    void otherContentTypes_are415() throws Exception {
        var result = logs("a line".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(result.status()).isEqualTo(415);
        assertThat(result.error()).contains("text/plain");
    }

    @Test
    void deeplyNestedJson_isRefused() throws Exception {
        String deep = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":".repeat(200) + "{}" + "}]}}".repeat(200);
        String json = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":" + deep + "}]}]}]}";
        assertThat(logs(json.getBytes(StandardCharsets.UTF_8), JSON).status()).isEqualTo(400);
    }

    @Test
    void protobufTraces_arePassedOnAsTheyCame() {
        byte[] body = ExportTraceServiceRequest.newBuilder().addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
                .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName("a"))
                        .addSpans(Span.newBuilder().setName("b")))).build().toByteArray();
        var result = OtlpIngest.traces(body, PROTOBUF, prometheus.receiver("http", REASONS));
        assertThat(result.protobuf()).isSameAs(body);
        assertThat(result.spans()).isEqualTo(2);
    }

    @Test
    void jsonTraces_becomeProtobufWithHexIds() throws Exception {
        // FORMATS.md 5.2: the HTTP server span of a request that carried a traceparent
        String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"orders\"}}]},"
                + "\"scopeSpans\":[{\"scope\":{\"name\":\"@opentelemetry/instrumentation-http\",\"version\":\"0.223.0\"},\"spans\":[{"
                + "\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"ef115d7b799b5773\",\"parentSpanId\":\"b7ad6b7169203331\","
                + "\"name\":\"GET /orders/:id\",\"kind\":2,\"startTimeUnixNano\":\"1795301090361000000\",\"endTimeUnixNano\":\"1795301090368246480\","
                + "\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":200}}],\"droppedAttributesCount\":0,\"events\":[],"
                + "\"droppedEventsCount\":0,\"status\":{\"code\":0},\"links\":[],\"droppedLinksCount\":0,\"flags\":769}]}]}]}";
        var result = OtlpIngest.traces(json.getBytes(StandardCharsets.UTF_8), JSON, prometheus.receiver("http", REASONS));

        Span span = ExportTraceServiceRequest.parseFrom(result.protobuf()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertThat(span.getTraceId()).isEqualTo(hex("0af7651916cd43dd8448eb211c80319c"));
        assertThat(span.getSpanId()).isEqualTo(hex("ef115d7b799b5773"));
        assertThat(span.getParentSpanId()).isEqualTo(hex("b7ad6b7169203331"));
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(span.getEndTimeUnixNano()).isEqualTo(1795301090368246480L);
        assertThat(span.getFlags()).isEqualTo(769);
        assertThat(span.getAttributes(0).getValue().getIntValue()).isEqualTo(200);
    }

    @Test
    void malformedTraces_are400() {
        var result = OtlpIngest.traces("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"parentSpanId\":\"nothex!!\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), JSON, prometheus.receiver("http", REASONS));
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.error()).isEqualTo("resourceSpans[0].scopeSpans[0].spans[0].parentSpanId: not a hex id");
    }
}
