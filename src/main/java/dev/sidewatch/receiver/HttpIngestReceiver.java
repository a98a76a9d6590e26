package dev.sidewatch.receiver;

import dev.sidewatch.config.HttpReceiverConfig;
import dev.sidewatch.event.ExportResult;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP ingest (SPEC 3, default {@code 127.0.0.1:4318}). {@code POST /v1/ingest} takes NDJSON, a JSON
 * object, a JSON array of objects or {@code text/plain} lines; the service comes from the
 * {@code X-Service-Name} header or {@code ?service=}. {@code POST /v1/logs} takes OTLP log requests
 * (protobuf or OTLP/JSON), normalised like any other record ({@link OtlpIngest}); {@code POST /v1/traces}
 * takes OTLP trace requests and passes them on to the OTLP exporter, answering with what the collector
 * answered (503 with {@code Retry-After} while it cannot be reached, so the client retries); without a
 * trace endpoint the spans are refused as an OTLP partial success.
 *
 * <p>SPEC 8: a body over {@code max_body_bytes} gets 413 (checked against {@code Content-Length} before
 * reading, and while reading chunked or compressed bodies); a configured {@code auth_token} is required
 * as {@code Authorization: Bearer <token>} (401 otherwise, compared in constant time); a saturated
 * pipeline, or more than {@value #IN_FLIGHT_FACTOR} × {@code max_body_bytes} of bodies in flight (read or
 * being decoded; one body alone is always let in), gets 429 with {@code Retry-After}. Every error body is {@code {"error": "..."}}. Bodies are collected on the
 * event loop and decoded on the {@code sidewatch-ingest} worker pool, so a large body never blocks other
 * clients; connections idle for {@value #IDLE_TIMEOUT_SECONDS} s are closed. On stop, the server stops
 * accepting and requests in flight get their answer, within the drain timeout.
 */
public final class HttpIngestReceiver extends VerticleBase {
    /** The {@code receiver} label. */
    public static final String NAME = "http";
    /** Request header naming the service of records that name none. */
    public static final String SERVICE_HEADER = "X-Service-Name";
    /**
     * Body bytes in flight (read or being decoded), as a multiple of {@code max_body_bytes}: one full-size
     * body at a time (8 MiB by default, held once on the heap), or smaller ones up to that sum, so the HTTP
     * receiver's part of a 64 MiB heap stays bounded whatever the clients send at once.
     */
    static final int IN_FLIGHT_FACTOR = 1;
    static final int IDLE_TIMEOUT_SECONDS = 60;
    static final String TOO_LARGE = "too_large";
    static final String UNAUTHORIZED = "unauthorized";
    static final String BUFFER_FULL = "buffer_full";
    static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    /** The longest an accepted body's answer waits for its events to be persisted before 200 is sent anyway. */
    static final Duration PERSIST_WAIT = Duration.ofSeconds(10);

    private final HttpReceiverConfig config;
    private final Normalizer normalizer;
    private final EventSink sink;
    private final ReceiverMetrics metrics;
    private final String service;
    private final Duration drainTimeout;
    private final byte[] tokenDigest;
    private final long inFlightLimit;
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final TraceForwarder traceForwarder;
    private Context context;
    private HttpServer server;
    private WorkerExecutor workers;
    private Router router;
    private volatile boolean stopping;
    private volatile int actualPort = -1;

    /**
     * @param service      the service of records that name none and requests that name none
     * @param drainTimeout how long stop waits for requests in flight
     */
    public HttpIngestReceiver(HttpReceiverConfig config, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics,
                              String service, Duration drainTimeout) {
        this(config, normalizer, sink, metrics, service, drainTimeout, null);
    }

    /** @param traceForwarder where {@code /v1/traces} payloads go, or null when there is no trace endpoint */
    public HttpIngestReceiver(HttpReceiverConfig config, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics,
                              String service, Duration drainTimeout, TraceForwarder traceForwarder) {
        this.traceForwarder = traceForwarder;
        this.config = config;
        this.normalizer = normalizer;
        this.sink = sink;
        this.metrics = metrics;
        this.service = service;
        this.drainTimeout = drainTimeout;
        this.tokenDigest = config.authToken() == null ? null : sha256(config.authToken().getBytes(StandardCharsets.UTF_8));
        this.inFlightLimit = Math.max(config.maxBodyBytes(), 1) * IN_FLIGHT_FACTOR;
    }

    /** Rejection reasons this receiver reports. */
    public static List<String> reasons() {
        return List.of(RecordDecoder.INVALID_JSON, RecordDecoder.TRUNCATED, BodyDecoder.NOT_AN_OBJECT, TOO_LARGE,
                UNAUTHORIZED, BUFFER_FULL, UNSUPPORTED_MEDIA_TYPE, OtlpIngest.INVALID_OTLP);
    }

    /** The port bound, once started (useful with port 0). */
    public int actualPort() {
        return actualPort;
    }

    /** The routes; handlers added here run after the bearer-token check. */
    Router router() {
        return router;
    }

    @Override
    public Future<?> start() {
        workers = vertx.createSharedWorkerExecutor("sidewatch-ingest", Math.max(2, Runtime.getRuntime().availableProcessors()));
        context = vertx.getOrCreateContext();
        router = Router.router(vertx);
        router.route().handler(this::authorize);
        router.post("/v1/ingest").handler(this::ingest);
        router.post("/v1/logs").handler(ctx -> otlp(ctx, true, this::otlpLogs));
        router.post("/v1/traces").handler(ctx -> otlp(ctx, false, this::otlpTraces));
        router.errorHandler(404, ctx -> fail(ctx, 404, "no such endpoint; POST to /v1/ingest"));
        router.errorHandler(405, ctx -> fail(ctx, 405, "method not allowed"));
        router.errorHandler(500, ctx -> fail(ctx, 500, "internal error"));
        var options = new HttpServerOptions().setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setDecompressionSupported(true);
        server = vertx.createHttpServer(options).requestHandler(router);
        return server.listen(config.listen().port(), config.listen().host()).onSuccess(s -> actualPort = s.actualPort());
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        return server.shutdown(drainTimeout).eventually(() -> workers.close());
    }

    private void authorize(RoutingContext ctx) {
        if (tokenDigest != null) {
            String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
            // digests have one length, so the comparison time says nothing about the token's length either
            if (!MessageDigest.isEqual(sha256(presented.getBytes(StandardCharsets.UTF_8)), tokenDigest)) {
                metrics.rejected(UNAUTHORIZED);
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                fail(ctx, 401, "missing or wrong bearer token");
                return;
            }
        }
        ctx.next();
    }

    /** What is done with one collected body; the future completes once the request is answered. */
    @FunctionalInterface
    private interface BodyHandler {
        Future<?> handle(RoutingContext ctx, byte[] body);
    }

    private void ingest(RoutingContext ctx) {
        if (refuseWhileStopping(ctx)) return;
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && unsupported(contentType)) {
            metrics.rejected(UNSUPPORTED_MEDIA_TYPE);
            fail(ctx, 415, "unsupported content type " + contentType.strip() + "; send NDJSON, JSON or text/plain");
            return;
        }
        collect(ctx, true, this::decodeIngest);
    }

    /** {@code /v1/logs} and {@code /v1/traces}: protobuf or OTLP/JSON only. */
    private void otlp(RoutingContext ctx, boolean intoPipeline, BodyHandler handler) {
        if (refuseWhileStopping(ctx)) return;
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (OtlpLogDecoder.encoding(contentType) == null) {
            metrics.rejected(UNSUPPORTED_MEDIA_TYPE);
            fail(ctx, 415, "unsupported content type " + contentType.strip() + "; send application/x-protobuf or application/json");
            return;
        }
        collect(ctx, intoPipeline, handler);
    }

    private boolean refuseWhileStopping(RoutingContext ctx) {
        if (!stopping) return false;
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        fail(ctx, 503, "shutting down");
        return true;
    }

    /**
     * Reads the body within {@code max_body_bytes} and the in-flight budget, then hands it to
     * {@code handler}. Bodies whose records go into the pipeline are refused with 429 while it is saturated.
     */
    private void collect(RoutingContext ctx, boolean intoPipeline, BodyHandler handler) {
        HttpServerRequest request = ctx.request();
        long declared = contentLength(request);
        if (declared > config.maxBodyBytes()) {
            tooLarge(ctx);
            return;
        }
        if (intoPipeline && sink.saturated()) {
            busy(ctx, "buffer full");
            return;
        }
        var body = new BodyCollector(ctx, Math.max(declared, 0), handler);
        if (!body.reserve(Math.max(declared, 0))) {
            busy(ctx, "too many request bodies in flight");
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) request.response().writeContinue();
        request.handler(body::chunk);
        request.endHandler(v -> body.end());
        request.exceptionHandler(e -> body.release());
    }

    /**
     * Collects one body within {@code max_body_bytes} and the in-flight budget, then hands it to a worker.
     * The chunks are copied into one array sized by {@code Content-Length}, which is handed on as it is: the
     * body is held on the heap once (a {@link Buffer} and its {@code getBytes()} copy would hold it twice).
     */
    private final class BodyCollector {
        private final RoutingContext ctx;
        private final BodyHandler handler;
        private final long declared;
        private byte[] bytes;
        private int length;
        private long reserved;
        private boolean failed;

        BodyCollector(RoutingContext ctx, long declared, BodyHandler handler) {
            this.ctx = ctx;
            this.handler = handler;
            this.declared = declared;
        }

        boolean reserve(long more) {
            if (more <= 0) return true;
            long now = inFlightBytes.addAndGet(more);
            if (now > inFlightLimit && now != more) {
                inFlightBytes.addAndGet(-more);
                return false;
            }
            reserved += more;
            return true;
        }

        void release() {
            inFlightBytes.addAndGet(-reserved);
            reserved = 0;
            if (failed) bytes = null;
        }

        void chunk(Buffer chunk) {
            if (failed) return;
            metrics.bytes(chunk.length());
            long size = (long) length + chunk.length();
            if (size > config.maxBodyBytes()) {
                failed = true;
                release();
                tooLarge(ctx);
                return;
            }
            if (size > reserved && !reserve(size - reserved)) {
                failed = true;
                release();
                busy(ctx, "too many request bodies in flight");
                return;
            }
            // allocated at the first chunk, once the budget is reserved: a refused request allocates nothing
            if (bytes == null) bytes = new byte[(int) Math.min(Math.max(declared, Math.max(size, 256)), config.maxBodyBytes())];
            if (size > bytes.length) bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max(size, 2L * bytes.length), config.maxBodyBytes()));
            chunk.getBytes(0, chunk.length(), bytes, length);
            length = (int) size;
        }

        void end() {
            if (failed) return;
            byte[] body = bytes == null ? new byte[0] : length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
            bytes = null;
            Future<?> answered;
            try {
                answered = handler.handle(ctx, body);
            } catch (RuntimeException e) {
                answered = Future.failedFuture(e);
            }
            answered.onComplete(result -> {
                release();
                if (result.failed()) fail(ctx, 500, "internal error");
            });
        }
    }

    private Future<?> decodeIngest(RoutingContext ctx, byte[] bytes) {
        Normalizer.Origin origin = new Normalizer.Origin(serviceOf(ctx.request()), NAME, null);
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return workers.executeBlocking(() -> BodyDecoder.decode(bytes, contentType, normalizer, sink, metrics, origin), false)
                .compose(this::persisted)
                .onSuccess(result -> {
                    if (result.error() != null) {
                        fail(ctx, 400, result.error());
                    } else {
                        var answer = new JsonObject().put("accepted", result.accepted());
                        if (result.rejected() > 0) answer.put("rejected", result.rejected());
                        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer.encode());
                    }
                });
    }

    /**
     * {@code value} once the events handed on so far are persisted (SPEC 8: at-least-once from the moment
     * the client gets its 200), or after {@link #PERSIST_WAIT} when the buffer cannot say (a broken disk):
     * the events are accepted and held either way.
     */
    private <T> Future<T> persisted(T value) {
        Promise<T> answered = Promise.promise();
        long timer = vertx.setTimer(PERSIST_WAIT.toMillis(), id -> answered.tryComplete(value));
        sink.whenPersisted(() -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            answered.tryComplete(value);
        }));
        return answered.future();
    }

    private Future<?> otlpLogs(RoutingContext ctx, byte[] bytes) {
        Normalizer.Origin origin = new Normalizer.Origin(serviceOf(ctx.request()), NAME, null);
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return workers.executeBlocking(() -> OtlpIngest.logs(bytes, type, normalizer, sink, metrics, origin), false)
                .compose(this::persisted)
                .onSuccess(result -> {
                    if (result.error() != null) fail(ctx, result.status(), result.error());
                    else otlpAnswer(ctx, result.encoding(), ExportLogsServiceResponse.getDefaultInstance().toByteArray(), "{}");
                });
    }

    private Future<?> otlpTraces(RoutingContext ctx, byte[] bytes) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return workers.executeBlocking(() -> OtlpIngest.traces(bytes, type, metrics), false).compose(checked -> {
            if (checked.error() != null) {
                fail(ctx, checked.status(), checked.error());
                return Future.succeededFuture();
            }
            metrics.records(checked.spans());
            if (traceForwarder == null) {
                String why = "sidewatch has no OTLP trace endpoint; the spans were dropped";
                var response = ExportTraceServiceResponse.newBuilder().setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(checked.spans()).setErrorMessage(why)).build();
                otlpAnswer(ctx, checked.encoding(), response.toByteArray(), new JsonObject().put("partialSuccess",
                        new JsonObject().put("rejectedSpans", Integer.toString(checked.spans())).put("errorMessage", why)).encode());
                return Future.succeededFuture();
            }
            return Future.fromCompletionStage(traceForwarder.forward(checked.protobuf(), checked.spans()), context)
                    .onSuccess(result -> answerForwarded(ctx, checked.encoding(), result));
        });
    }

    /** The trace spool's verdict, in terms an OTLP client acts on: 503/429 retry, 400 bad data, 500 give up. */
    private static void answerForwarded(RoutingContext ctx, OtlpLogDecoder.Encoding encoding, ExportResult result) {
        switch (result.outcome()) {
            case SUCCESS -> otlpAnswer(ctx, encoding, ExportTraceServiceResponse.getDefaultInstance().toByteArray(), "{}");
            case RETRYABLE -> {
                long seconds = result.retryAfter() == null ? 1 : Math.max(1, result.retryAfter().toSeconds());
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                fail(ctx, result.status() == 429 ? 429 : 503, "sidewatch cannot take the traces now (" + result.reason() + "); retry later");
            }
            case PERMANENT -> fail(ctx, result.status() == 400 ? 400 : 500, "the traces were refused: " + result.reason());
        }
    }

    /** An OTLP success answer in the request's encoding. */
    private static void otlpAnswer(RoutingContext ctx, OtlpLogDecoder.Encoding encoding, byte[] protobuf, String json) {
        if (encoding == OtlpLogDecoder.Encoding.JSON) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
        } else {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/x-protobuf").end(Buffer.buffer(protobuf));
        }
    }

    private String serviceOf(HttpServerRequest request) {
        String named = request.getHeader(SERVICE_HEADER);
        if (named == null || named.isBlank()) named = request.getParam("service");
        return named == null || named.isBlank() ? service : named.strip();
    }

    private void tooLarge(RoutingContext ctx) {
        metrics.rejected(TOO_LARGE);
        fail(ctx, 413, "body larger than max_body_bytes (" + config.maxBodyBytes() + ")");
    }

    private void busy(RoutingContext ctx, String why) {
        metrics.rejected(BUFFER_FULL);
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        fail(ctx, 429, why + "; retry later");
    }

    private static boolean unsupported(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        // curl -d labels everything form-urlencoded, so that label is read as lines like any other text
        return type.contains("protobuf") || type.startsWith("multipart/");
    }

    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) return -1;
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers with {@code {"error": message}}, unless an answer was already sent. */
    static void fail(RoutingContext ctx, int status, String message) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) return;
        // an unread body would otherwise have to be read and thrown away before the next request
        if (!ctx.request().isEnded() && ctx.request().version() != HttpVersion.HTTP_2) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
