package dev.sidewatch.exporter;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP collector for tests: OTLP/HTTP protobuf on {@code /v1/logs} and {@code /v1/traces} (gzip
 * accepted), and OTLP/gRPC (h2c) on the same port, decoding with {@code io.opentelemetry.proto}. It
 * records every request ({@link #requests()}) and what it accepted ({@link #logs()}, {@link #spans()}),
 * and answers as scripted: {@link #enqueue} answers are used in order, then the {@link #setDefault}
 * answer (200). An {@link Answer} sets the status (503, 429, 400 …), headers such as
 * {@code Retry-After}, a delay before answering, or a gRPC status. Only requests answered with success
 * count as delivered. Runs on its own Vert.x; thread-safe.
 *
 * <pre>{@code
 * try (var collector = OtlpTestEndpoint.start()) {
 *     collector.enqueue(Answer.status(503).retryAfter("1"), Answer.status(429));
 *     ... export to collector.url() ...
 *     await().until(() -> collector.logs().size() == 3);
 * }
 * }</pre>
 */
public final class OtlpTestEndpoint implements AutoCloseable {
    public static final String GRPC_LOGS = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
    public static final String GRPC_TRACES = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    /**
     * How to answer one request.
     *
     * @param status     HTTP status; 200 for gRPC answers
     * @param headers    extra response headers
     * @param delay      wait this long before answering (no answer at all within a client's timeout
     *                   makes it time out)
     * @param grpcStatus the gRPC status code for gRPC requests (0 = OK, 14 = UNAVAILABLE …)
     */
    public record Answer(int status, Map<String, String> headers, Duration delay, int grpcStatus) {
        public static Answer ok() {
            return status(200);
        }

        public static Answer status(int status) {
            return new Answer(status, Map.of(), Duration.ZERO, 0);
        }

        public static Answer grpc(int grpcStatus) {
            return new Answer(200, Map.of(), Duration.ZERO, grpcStatus);
        }

        public Answer retryAfter(String value) {
            return header("Retry-After", value);
        }

        public Answer header(String name, String value) {
            var copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Answer(status, Map.copyOf(copy), delay, grpcStatus);
        }

        public Answer delayed(Duration by) {
            return new Answer(status, headers, by, grpcStatus);
        }

        boolean success() {
            return status >= 200 && status < 300 && grpcStatus == 0;
        }
    }

    /** One request as it arrived, with the answer it got. */
    public record Request(String path, Map<String, String> headers, byte[] body, Answer answer) {
        public boolean grpc() {
            return headers.getOrDefault("content-type", "").startsWith("application/grpc");
        }
    }

    /** An accepted log record with its resource and instrumentation scope. */
    public record ReceivedLog(Resource resource, InstrumentationScope instrumentationScope, LogRecord record) {
        /** The instrumentation scope's name. */
        public String scope() {
            return instrumentationScope.getName();
        }

        public String service() {
            return OtlpTestEndpoint.attribute(resource.getAttributesList(), "service.name");
        }

        /** A string, int, bool or double attribute as text; null when absent. */
        public String attribute(String key) {
            return OtlpTestEndpoint.attribute(record.getAttributesList(), key);
        }

        public String traceId() {
            return hex(record.getTraceId().toByteArray());
        }

        public String spanId() {
            return hex(record.getSpanId().toByteArray());
        }

        public String body() {
            return record.getBody().getStringValue();
        }
    }

    /** An accepted span with its resource and instrumentation scope. */
    public record ReceivedSpan(Resource resource, InstrumentationScope instrumentationScope, Span span) {
        /** The instrumentation scope's name. */
        public String scope() {
            return instrumentationScope.getName();
        }

        public String service() {
            return OtlpTestEndpoint.attribute(resource.getAttributesList(), "service.name");
        }

        public String attribute(String key) {
            return OtlpTestEndpoint.attribute(span.getAttributesList(), key);
        }

        public String traceId() {
            return hex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return hex(span.getSpanId().toByteArray());
        }

        public String parentSpanId() {
            return hex(span.getParentSpanId().toByteArray());
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final ArrayDeque<Answer> script = new ArrayDeque<>();
    private volatile Answer fallback = Answer.ok();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<ExportLogsServiceRequest> logRequests = new CopyOnWriteArrayList<>();
    private final List<ExportTraceServiceRequest> traceRequests = new CopyOnWriteArrayList<>();

    private OtlpTestEndpoint(int port) throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setDecompressionSupported(true).setHttp2ClearTextEnabled(true))
                .requestHandler(this::handle);
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Starts on a free loopback port. */
    public static OtlpTestEndpoint start() throws Exception {
        return new OtlpTestEndpoint(0);
    }

    /** Starts on a given loopback port: a collector that comes back where it was (fault tests). */
    public static OtlpTestEndpoint start(int port) throws Exception {
        return new OtlpTestEndpoint(port);
    }

    public int port() {
        return server.actualPort();
    }

    /** The base URL, as for {@code OTEL_EXPORTER_OTLP_ENDPOINT} (HTTP) or a gRPC endpoint. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Answers for the next requests, in order. */
    public synchronized void enqueue(Answer... answers) {
        script.addAll(List.of(answers));
    }

    /** The answer once the script is used up; 200 at first. */
    public void setDefault(Answer answer) {
        fallback = answer;
    }

    /** Every request, delivered or not, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<ExportLogsServiceRequest> logRequests() {
        return List.copyOf(logRequests);
    }

    public List<ExportTraceServiceRequest> traceRequests() {
        return List.copyOf(traceRequests);
    }

    /** Every accepted log record, flattened. */
    public List<ReceivedLog> logs() {
        return logRequests.stream().flatMap(r -> r.getResourceLogsList().stream())
                .flatMap(rl -> rl.getScopeLogsList().stream().flatMap(sl -> sl.getLogRecordsList().stream()
                        .map(lr -> new ReceivedLog(rl.getResource(), sl.getScope(), lr)))).toList();
    }

    /** Every accepted span, flattened. */
    public List<ReceivedSpan> spans() {
        return traceRequests.stream().flatMap(r -> r.getResourceSpansList().stream())
                .flatMap(rs -> rs.getScopeSpansList().stream().flatMap(ss -> ss.getSpansList().stream()
                        .map(s -> new ReceivedSpan(rs.getResource(), ss.getScope(), s)))).toList();
    }

    private synchronized Answer nextAnswer() {
        Answer next = script.poll();
        return next != null ? next : fallback;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Answer answer = nextAnswer();
            var headers = new LinkedHashMap<String, String>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            var recorded = new Request(request.path(), Map.copyOf(headers), body.getBytes(), answer);
            requests.add(recorded);
            Runnable respond = () -> {
                if (recorded.grpc()) answerGrpc(request, recorded, answer);
                else answerHttp(request, recorded, answer);
            };
            if (answer.delay().isZero()) respond.run();
            else vertx.setTimer(answer.delay().toMillis(), id -> respond.run());
        });
    }

    private void answerHttp(HttpServerRequest request, Request recorded, Answer answer) {
        var response = request.response();
        answer.headers().forEach(response::putHeader);
        if (!recorded.headers().getOrDefault("content-type", "").startsWith("application/x-protobuf")) {
            response.setStatusCode(415).end("protobuf only");
            return;
        }
        if (!answer.success()) {
            response.setStatusCode(answer.status()).end();
            return;
        }
        try {
            byte[] reply = switch (recorded.path()) {
                case "/v1/logs" -> {
                    logRequests.add(ExportLogsServiceRequest.parseFrom(recorded.body()));
                    yield ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                }
                case "/v1/traces" -> {
                    traceRequests.add(ExportTraceServiceRequest.parseFrom(recorded.body()));
                    yield ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                }
                default -> null;
            };
            if (reply == null) {
                response.setStatusCode(404).end();
                return;
            }
            response.setStatusCode(answer.status()).putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer(reply));
        } catch (InvalidProtocolBufferException e) {
            response.setStatusCode(400).end(e.getMessage());
        }
    }

    private void answerGrpc(HttpServerRequest request, Request recorded, Answer answer) {
        var response = request.response().putHeader("content-type", "application/grpc");
        answer.headers().forEach(response::putHeader);
        int code = answer.grpcStatus();
        if (code == 0) {
            try {
                byte[] body = recorded.body();
                if (body.length < 5 || body[0] != 0) throw new InvalidProtocolBufferException("bad gRPC frame");
                int length = (body[1] & 0xff) << 24 | (body[2] & 0xff) << 16 | (body[3] & 0xff) << 8 | body[4] & 0xff;
                var message = java.util.Arrays.copyOfRange(body, 5, 5 + length);
                switch (recorded.path()) {
                    case GRPC_LOGS -> logRequests.add(ExportLogsServiceRequest.parseFrom(message));
                    case GRPC_TRACES -> traceRequests.add(ExportTraceServiceRequest.parseFrom(message));
                    default -> code = 12; // UNIMPLEMENTED
                }
            } catch (InvalidProtocolBufferException e) {
                code = 13; // INTERNAL
            }
        }
        if (code == 0) response.write(Buffer.buffer(new byte[]{0, 0, 0, 0, 0}));
        response.putTrailer("grpc-status", Integer.toString(code));
        response.end();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A string, int, bool or double attribute as text; null when absent. */
    public static String attribute(List<KeyValue> attributes, String key) {
        for (KeyValue kv : attributes) {
            if (kv.getKey().equals(key)) {
                AnyValue v = kv.getValue();
                return switch (v.getValueCase()) {
                    case STRING_VALUE -> v.getStringValue();
                    case INT_VALUE -> Long.toString(v.getIntValue());
                    case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                    case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                    default -> v.toString();
                };
            }
        }
        return null;
    }

    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
