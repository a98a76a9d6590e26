package dev.sidewatch.exporter;

import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.ExportResult;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends normalised events to an OTLP collector with the OpenTelemetry SDK's exporters: each event as a
 * log record ({@link OtlpMapping}), each synthesised request span as a SERVER span, and OTLP trace
 * payloads received from applications passed on unchanged. OTLP/HTTP protobuf by default, gRPC when
 * configured. The SDK's own retries are off: every call answers with an {@link ExportResult} saying
 * whether the caller (a buffer) should retry, and after how long.
 *
 * <p>How the result is known: the SDK completes a failed export with
 * {@code io.opentelemetry.exporter.internal.FailedExportException} — {@code HttpExportException} carries
 * the HTTP response, {@code GrpcExportException} the gRPC status, either carries no response when the
 * request failed before one (connection refused, timeout). That class sits in an internal package; if
 * a future SDK drops it, every failure is treated as retryable. The SDK's HTTP response has no headers,
 * so OTLP/HTTP goes through {@link JdkHttpSender}, whose responses keep {@code Retry-After}.
 *
 * <p>Thread-safe. {@link #export} and {@link #forwardTraces} serialise on the calling thread and never
 * wait for the network; don't call them on an event loop with large batches.
 */
public final class OtlpExporter implements AutoCloseable {
    /** The {@code exporter} label. */
    public static final String NAME = "otlp";
    /** Full gRPC method of the OTLP trace service. */
    static final String GRPC_TRACE_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";
    /** The SDK's exporters log every failure through java.util.logging; sidewatch counts them instead. */
    private static final Logger SDK_LOGGER = Logger.getLogger("io.opentelemetry.exporter");
    /**
     * The SDK's marshalers that build an object per field: its low-allocation ones (REUSABLE_DATA) halve
     * what encoding allocates but cost ~30 % more CPU per event, GC included (bench/otlp-encode-cpu.sh;
     * docs/performance.md). REUSABLE_DATA would be safe here: each export takes a marshaler of its own from
     * the SDK's pool (a ConcurrentLinkedDeque in SDK 1.67) and resets it only once that export's result
     * completes, after the body is written, and the records are built per call and never kept.
     */
    private static final MemoryMode MEMORY_MODE = MemoryMode.IMMUTABLE_DATA;
    private static final Set<GrpcStatusCode> RETRYABLE_GRPC = Set.of(GrpcStatusCode.CANCELLED, GrpcStatusCode.DEADLINE_EXCEEDED,
            GrpcStatusCode.RESOURCE_EXHAUSTED, GrpcStatusCode.ABORTED, GrpcStatusCode.OUT_OF_RANGE,
            GrpcStatusCode.UNAVAILABLE, GrpcStatusCode.DATA_LOSS);

    static {
        SDK_LOGGER.setLevel(Level.OFF);
    }

    private final OtlpSettings settings;
    private final OtlpMapping mapping;
    private final HttpClient client;
    private final LogRecordExporter logs;
    private final SpanExporter spans;
    private final JdkHttpSender httpTraces;
    private final GrpcSender grpcTraces;

    private OtlpExporter(OtlpSettings settings, OtlpMapping mapping, Clock clock) {
        this.settings = settings;
        this.mapping = mapping;
        URI traces = settings.tracesEndpoint();
        if (settings.protocol() == OtlpProtocol.GRPC) {
            client = null;
            OtlpGrpcLogRecordExporterBuilder lb = OtlpGrpcLogRecordExporter.builder().setEndpoint(settings.logsEndpoint().toString())
                    .setTimeout(settings.timeout()).setRetryPolicy(null).setMeterProvider(MeterProvider::noop).setMemoryMode(MEMORY_MODE);
            settings.logsHeaders().forEach(lb::addHeader);
            logs = lb.build();
            if (traces != null) {
                OtlpGrpcSpanExporterBuilder sb = OtlpGrpcSpanExporter.builder().setEndpoint(traces.toString())
                        .setTimeout(settings.timeout()).setRetryPolicy(null).setMeterProvider(MeterProvider::noop).setMemoryMode(MEMORY_MODE);
                settings.tracesHeaders().forEach(sb::addHeader);
                spans = sb.build();
                grpcTraces = grpcSender(traces, settings);
            } else {
                spans = null;
                grpcTraces = null;
            }
            httpTraces = null;
        } else {
            client = JdkHttpSender.newClient(connectTimeout(settings.timeout()), isHttps(settings.logsEndpoint()) || isHttps(traces));
            ComponentLoader loader = JdkHttpSender.loaderWith(JdkHttpSender.provider(client, clock));
            OtlpHttpLogRecordExporterBuilder lb = OtlpHttpLogRecordExporter.builder().setEndpoint(settings.logsEndpoint().toString())
                    .setTimeout(settings.timeout()).setRetryPolicy(null).setMeterProvider(MeterProvider::noop).setMemoryMode(MEMORY_MODE)
                    .setComponentLoader(loader);
            settings.logsHeaders().forEach(lb::addHeader);
            logs = lb.build();
            if (traces != null) {
                OtlpHttpSpanExporterBuilder sb = OtlpHttpSpanExporter.builder().setEndpoint(traces.toString())
                        .setTimeout(settings.timeout()).setRetryPolicy(null).setMeterProvider(MeterProvider::noop).setMemoryMode(MEMORY_MODE)
                        .setComponentLoader(loader);
                settings.tracesHeaders().forEach(sb::addHeader);
                spans = sb.build();
                Map<String, List<String>> headers = listValues(settings.tracesHeaders());
                httpTraces = new JdkHttpSender(client, traces, "application/x-protobuf", null, settings.timeout(), () -> headers, clock);
            } else {
                spans = null;
                httpTraces = null;
            }
            grpcTraces = null;
        }
    }

    /**
     * An exporter for {@code settings}; events of services that name none are {@code service}'s.
     *
     * @param instanceId {@code service.instance.id} of the resource (unless OTEL_RESOURCE_ATTRIBUTES names one)
     * @param hostName   {@code host.name} of the resource, or null
     * @param version    sidewatch's version, for the instrumentation scope
     */
    public static OtlpExporter create(OtlpSettings settings, String instanceId, String hostName, String version, Clock clock) {
        var resources = new OtlpResources(settings.resourceAttributes(), instanceId, hostName);
        var scope = InstrumentationScopeInfo.builder("sidewatch").setVersion(version).build();
        return new OtlpExporter(settings, new OtlpMapping(resources, scope), clock);
    }

    public OtlpSettings settings() {
        return settings;
    }

    /** True when a trace endpoint is known: synthesised spans and received traces are sent. */
    public boolean exportsTraces() {
        return spans != null;
    }

    /**
     * Sends the events as log records, and the spans synthesised for some of them, in one request per
     * signal. The result is the worse of the two; retrying repeats both (a collector may then see a log
     * record twice: delivery is at-least-once). Never throws: mapping failures are permanent results.
     */
    public CompletableFuture<ExportResult> export(List<Event> events) {
        if (events.isEmpty()) return CompletableFuture.completedFuture(ExportResult.SUCCESS);
        List<LogRecordData> records = new ArrayList<>(events.size());
        List<SpanData> synthesized = new ArrayList<>();
        try {
            for (Event e : events) {
                records.add(mapping.logRecord(e));
                if (spans != null) {
                    SpanData span = mapping.span(e);
                    if (span != null) synthesized.add(span);
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ExportResult.permanent(0, "cannot map an event: " + e));
        }
        CompletableFuture<ExportResult> logResult = toFuture(logs.export(records));
        if (synthesized.isEmpty()) return logResult;
        return logResult.thenCombine(toFuture(spans.export(synthesized)), ExportResult::worst);
    }

    /**
     * Passes an OTLP {@code ExportTraceServiceRequest} in protobuf on to the collector as it is. Without
     * a trace endpoint the payload is not sent and the result is permanent.
     */
    public CompletableFuture<ExportResult> forwardTraces(byte[] protobuf) {
        if (httpTraces != null) {
            return httpTraces.post(protobuf, "application/x-protobuf", null)
                    .handle((response, failure) -> failure != null ? noAnswer(failure) : http(response));
        }
        if (grpcTraces != null) {
            var result = new CompletableFuture<ExportResult>();
            grpcTraces.send(new BytesWriter(protobuf), response -> result.complete(grpc(response)),
                    failure -> result.complete(noAnswer(failure)));
            return result;
        }
        return CompletableFuture.completedFuture(ExportResult.permanent(0, "no trace endpoint configured"));
    }

    /** Shuts the SDK exporters down, waiting up to {@code timeout} for requests in flight. Blocks. */
    public void close(Duration timeout) {
        List<CompletableResultCode> codes = new ArrayList<>();
        codes.add(logs.shutdown());
        if (spans != null) codes.add(spans.shutdown());
        if (grpcTraces != null) codes.add(grpcTraces.shutdown());
        CompletableResultCode.ofAll(codes).join(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        if (client != null) client.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    static CompletableFuture<ExportResult> toFuture(CompletableResultCode code) {
        var future = new CompletableFuture<ExportResult>();
        code.whenComplete(() -> future.complete(classify(code)));
        return future;
    }

    /** Success, or what the SDK's failure says about retrying. */
    static ExportResult classify(CompletableResultCode code) {
        if (code.isSuccess()) return ExportResult.SUCCESS;
        Throwable failure = code.getFailureThrowable();
        if (failure instanceof FailedExportException.HttpExportException h) {
            return h.failedWithResponse() ? http(h.getResponse()) : noAnswer(h.getCause());
        }
        if (failure instanceof FailedExportException.GrpcExportException g) {
            return g.failedWithResponse() ? grpc(g.getResponse()) : noAnswer(g.getCause());
        }
        return ExportResult.retryable(0, null, failure == null ? "export failed (exporter stopped?)" : describe(failure));
    }

    /**
     * OTLP/HTTP: 429 and every 5xx are retryable (SPEC 8: a collector outage loses nothing), every
     * other failure status (400 bad data, 401, 404, 413, …) is permanent.
     */
    static ExportResult http(HttpResponse response) {
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) return ExportResult.SUCCESS;
        Duration retryAfter = response instanceof JdkHttpSender.Response r ? r.retryAfter() : null;
        String reason = "collector answered HTTP " + status;
        return status == 429 || status >= 500 && status <= 599
                ? ExportResult.retryable(status, retryAfter, reason)
                : ExportResult.permanent(status, reason);
    }

    static ExportResult grpc(GrpcResponse response) {
        GrpcStatusCode status = response.getStatusCode();
        if (status == GrpcStatusCode.OK) return ExportResult.SUCCESS;
        String reason = "collector answered gRPC " + status + (response.getStatusDescription() == null ? "" : ": " + response.getStatusDescription());
        return RETRYABLE_GRPC.contains(status) ? ExportResult.retryable(status.getValue(), null, reason)
                : ExportResult.permanent(status.getValue(), reason);
    }

    private static ExportResult noAnswer(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return ExportResult.retryable(0, null, cause == null ? "no answer" : describe(cause));
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static Duration connectTimeout(Duration timeout) {
        return timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
    }

    private static boolean isHttps(URI endpoint) {
        return endpoint != null && "https".equalsIgnoreCase(endpoint.getScheme());
    }

    private static Map<String, List<String>> listValues(Map<String, String> headers) {
        var out = new java.util.LinkedHashMap<String, List<String>>();
        headers.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    private static GrpcSender grpcSender(URI endpoint, OtlpSettings settings) {
        GrpcSenderProvider provider = null;
        for (GrpcSenderProvider p : ComponentLoader.forClassLoader(OtlpExporter.class.getClassLoader()).load(GrpcSenderProvider.class)) {
            provider = p;
            break;
        }
        if (provider == null) throw new IllegalStateException("no gRPC sender on the class path");
        Map<String, List<String>> headers = listValues(settings.tracesHeaders());
        return provider.createSender(new ForwardConfig(endpoint, settings.timeout(), () -> headers));
    }

    /** The SDK's gRPC sender configured for passing trace payloads on, without retries. */
    private record ForwardConfig(URI endpoint, Duration timeout, Supplier<Map<String, List<String>>> headers)
            implements GrpcSenderConfig {
        @Override
        public URI getEndpoint() {
            return endpoint;
        }

        @Override
        public String getFullMethodName() {
            return GRPC_TRACE_METHOD;
        }

        @Override
        public Compressor getCompressor() {
            return null;
        }

        @Override
        public Duration getTimeout() {
            return timeout;
        }

        @Override
        public Duration getConnectTimeout() {
            return connectTimeout(timeout);
        }

        @Override
        public Supplier<Map<String, List<String>>> getHeadersSupplier() {
            return headers;
        }

        @Override
        public RetryPolicy getRetryPolicy() {
            return null;
        }

        @Override
        public SSLContext getSslContext() {
            return null;
        }

        @Override
        public X509TrustManager getTrustManager() {
            return null;
        }

        @Override
        public ExecutorService getExecutorService() {
            return null;
        }
    }

    /** A ready protobuf payload as the SDK's message writer. */
    private record BytesWriter(byte[] bytes) implements MessageWriter {
        @Override
        public void writeMessage(OutputStream out) throws IOException {
            out.write(bytes);
        }

        @Override
        public int getContentLength() {
            return bytes.length;
        }
    }
}
