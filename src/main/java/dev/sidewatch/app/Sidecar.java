package dev.sidewatch.app;

import dev.sidewatch.admin.AdminServer;
import dev.sidewatch.admin.AdminServer.Readiness;
import dev.sidewatch.cli.VersionInfo;
import dev.sidewatch.config.Config;
import dev.sidewatch.config.FileReceiverConfig;
import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.StdoutExporterConfig.Toggle;
import dev.sidewatch.config.TracesConfig;
import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.DenialSpikeDetector;
import dev.sidewatch.exporter.EventMetrics;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.exporter.OtlpExporter;
import dev.sidewatch.exporter.OtlpSettings;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.StdoutExporter;
import dev.sidewatch.exporter.buffer.BufferedExporter;
import dev.sidewatch.exporter.buffer.TraceSpool;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.SpanSynthesizer;
import dev.sidewatch.receiver.FileReceiver;
import dev.sidewatch.receiver.HttpIngestReceiver;
import dev.sidewatch.receiver.StdinReceiver;
import dev.sidewatch.receiver.TcpReceiver;
import dev.sidewatch.receiver.TraceForwarder;
import dev.sidewatch.telemetry.DroppedEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The running sidecar: receivers → pipeline → exporters, plus the admin server. Like the OpenTelemetry
 * Collector's service graph, it starts the exporters first and the receivers last, and stops in reverse:
 * receivers stop accepting and hand on what they hold, then the exporters drain, then the admin server
 * and Vert.x close — all within {@code shutdown.timeout}.
 *
 * <p>{@link #start} and {@link #stop} block; call them from a plain thread (the CLI's main thread), never
 * from an event loop. {@link #requestStop} may be called from anywhere (signal handlers, end of stdin).
 */
public final class Sidecar {
    /** The longest start-up may wait for one component to bind. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What the sidecar runs with.
     *
     * @param config      the loaded configuration
     * @param service     the process-wide service name (already resolved from --service, env, config)
     * @param stdinInput  {@code run --stdin}: read this stream; null for no stdin receiver
     * @param stdout      where the stdout exporter writes
     * @param log         where start/stop lines and warnings go (stderr)
     * @param env         the environment, for {@code OTEL_EXPORTER_OTLP_*}
     * @param clock       for {@code observed_time} and the denial-spike windows
     * @param normalizers builds the normaliser given the listener for redaction rule names
     */
    public record Settings(Config config, String service, InputStream stdinInput, OutputStream stdout, PrintStream log,
                           Map<String, String> env, Clock clock, Function<Consumer<String>, Normalizer> normalizers) {
    }

    private enum State { STARTING, RUNNING, STOPPING, STOPPED }

    private final Settings settings;
    private final PrometheusMetrics metrics;
    private final List<StdoutExporter> exporters = new ArrayList<>();
    private final OtlpExporter otlpExporter;
    private final BufferedExporter otlp;
    private final TraceSpool traceSpool;
    private final EventPipeline pipeline;
    private final Normalizer normalizer;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final List<String> receiverDeployments = new ArrayList<>();
    private volatile State state = State.STARTING;
    private volatile String stopReason;
    private Vertx vertx;
    private AdminServer admin;
    private HttpIngestReceiver http;
    private TcpReceiver tcp;
    private StdinReceiver stdin;

    private Sidecar(Settings settings) {
        this.settings = settings;
        Config config = settings.config();
        this.metrics = new PrometheusMetrics(config.metrics().maxSeries());
        EventMetrics eventMetrics = metrics.events(new DenialSpikeDetector(config.denialSpike(), settings.clock()), settings.service());
        this.normalizer = settings.normalizers().apply(metrics::redacted);
        List<ExportQueue> queues = new ArrayList<>();
        if (stdoutEnabled(config, settings.env())) {
            var queue = new ExportQueue();
            exporters.add(new StdoutExporter(settings.stdout(), queue, metrics.exporter(StdoutExporter.NAME, queue), settings.log()));
            queues.add(queue);
        }
        OtlpSettings otlpSettings = OtlpSettings.resolve(config.exporters().otlp(), settings.env());
        UnaryOperator<Event> processor = UnaryOperator.identity();
        if (otlpSettings != null) {
            var queue = new ExportQueue();
            var exporter = OtlpExporter.create(otlpSettings, UUID.randomUUID().toString(), hostName(settings.env()),
                    VersionInfo.version(), settings.clock());
            // the durable buffer in front of OTLP (SPEC 8): memory queue → disk under buffer.dir → exporter
            var buffer = BufferedExporter.Settings.of(OtlpExporter.NAME, config.buffer().dir(), config.buffer().maxBytes(),
                    otlpSettings.timeout());
            otlpExporter = exporter;
            otlp = new BufferedExporter(buffer, exporter::export, queue, metrics, settings.log(), settings.clock(), null, null,
                    exporter.exportsTraces() ? batch -> batch.stream().filter(SpanSynthesizer::isSynthesized).count() : null);
            queues.add(queue);
            // traces received on /v1/traces go through a disk buffer of their own, passed on unchanged
            traceSpool = exporter.exportsTraces() ? new TraceSpool(config.buffer().dir(), config.buffer().maxBytes(),
                    exporter::forwardTraces, buffer.exportTimeout(), buffer.retry(), otlp.metrics(), settings.log(), settings.clock()) : null;
            SpanSynthesizer.Mode mode = synthesize(config.traces().synthesize());
            // spans are only made when they can be sent: otherwise log records would name spans nobody has
            if (exporter.exportsTraces() && mode != SpanSynthesizer.Mode.NEVER) processor = new SpanSynthesizer(mode)::apply;
        } else {
            otlpExporter = null;
            otlp = null;
            traceSpool = null;
        }
        this.pipeline = new EventPipeline(eventMetrics, queues, metrics, processor);
    }

    /** Starts everything, exporters first and receivers last; blocks until all listen. */
    public static Sidecar start(Settings settings) throws StartupException, InterruptedException {
        Sidecar sidecar;
        try {
            sidecar = new Sidecar(settings);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
        try {
            sidecar.startAll();
        } catch (StartupException | InterruptedException | RuntimeException e) {
            sidecar.stop();
            throw e;
        }
        return sidecar;
    }

    private void startAll() throws StartupException, InterruptedException {
        Config config = settings.config();
        PrintStream log = settings.log();
        exporters.forEach(StdoutExporter::start);
        if (otlp != null) otlp.start();
        if (traceSpool != null) traceSpool.start();
        vertx = Vertx.vertx();

        admin = new AdminServer(config.admin().listen(), metrics, this::readiness);
        deploy(admin, "admin server", config.admin().listen());

        Duration drain = config.shutdown().timeout().dividedBy(2);
        http = new HttpIngestReceiver(config.receivers().http(), normalizer, pipeline,
                metrics.receiver(HttpIngestReceiver.NAME, HttpIngestReceiver.reasons()), settings.service(), drain, traceForwarder());
        receiverDeployments.add(deploy(http, "HTTP receiver", config.receivers().http().listen()));
        tcp = new TcpReceiver(config.receivers().tcp().listen(), normalizer, pipeline,
                metrics.receiver(TcpReceiver.NAME, TcpReceiver.reasons()), settings.service());
        receiverDeployments.add(deploy(tcp, "TCP receiver", config.receivers().tcp().listen()));
        if (settings.stdinInput() != null) {
            stdin = new StdinReceiver(settings.stdinInput(), normalizer, pipeline,
                    metrics.receiver(StdinReceiver.NAME, StdinReceiver.reasons()), settings.service(), log);
            receiverDeployments.add(deploy(stdin, "stdin receiver", null));
            stdin.endOfInput().onComplete(v -> requestStop("end of input"));
        }
        List<FileReceiverConfig> files = config.receivers().files();
        for (int i = 0; i < files.size(); i++) {
            var file = new FileReceiver(files.get(i), normalizer, pipeline, pipeline,
                    metrics.receiver(FileReceiver.NAME, FileReceiver.reasons()), settings.service(), config.buffer().dir(), log, i);
            receiverDeployments.add(deploy(file, "file receiver for " + files.get(i).path(), null));
        }
        state = State.RUNNING;

        if (exporters.isEmpty() && otlp == null) {
            log.println("sidewatch: warning: exporters.stdout is off and no OTLP endpoint is set: events are only counted in /metrics");
        }
        if (otlp != null && !otlpExporter.exportsTraces()) {
            log.println("sidewatch: warning: no OTLP trace endpoint (" + OtlpSettings.TRACES_ENDPOINT
                    + "): no spans are synthesised and traces received on /v1/traces are not passed on");
        }
        List<String> targets = new ArrayList<>();
        if (!exporters.isEmpty()) targets.add("stdout");
        if (otlp != null) targets.add("otlp " + otlpExporter.settings().logsEndpoint()
                + (otlpExporter.exportsTraces() ? " and " + otlpExporter.settings().tracesEndpoint() : "")
                + " (buffered in " + otlp.directory() + ")");
        log.println("sidewatch: running (service " + settings.service() + "): http " + bound(config.receivers().http().listen(), http.actualPort())
                + ", tcp " + bound(config.receivers().tcp().listen(), tcp.actualPort())
                + (stdin != null ? ", stdin" : "")
                + (files.isEmpty() ? "" : ", files " + String.join(" ", files.stream().map(FileReceiverConfig::path).toList()))
                + ", admin " + bound(config.admin().listen(), admin.actualPort())
                + "; exporting to " + (targets.isEmpty() ? "nothing" : String.join(", ", targets)));
    }

    private String deploy(io.vertx.core.Deployable component, String what, HostPort listen)
            throws StartupException, InterruptedException {
        try {
            return await(vertx.deployVerticle(component), START_TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String where = listen == null ? "" : " on " + listen;
            throw new StartupException("cannot start the " + what + where + ": " + describe(cause), cause);
        }
    }

    /** Asks the sidecar to stop; the thread blocked in {@link #awaitStopRequest} then calls {@link #stop}. */
    public void requestStop(String reason) {
        if (stopReason == null) stopReason = reason;
        stopRequested.countDown();
    }

    /** True once {@link #requestStop} was called. */
    public boolean isStopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Blocks until {@link #requestStop} is called; returns its reason. */
    public String awaitStopRequest() throws InterruptedException {
        stopRequested.await();
        return stopReason;
    }

    /**
     * Stops in reverse order of start within {@code shutdown.timeout}: receivers (each hands on what it
     * holds), then exporters (drained), then the admin server and Vert.x. Blocks; idempotent.
     *
     * @return true when every accepted event was written
     */
    public synchronized boolean stop() throws InterruptedException {
        if (state == State.STOPPED) return true;
        state = State.STOPPING;
        requestStop("stopped");
        long deadline = System.nanoTime() + settings.config().shutdown().timeout().toNanos();
        if (vertx != null) {
            List<Future<Void>> undeploying = new ArrayList<>();
            for (String id : receiverDeployments.reversed()) undeploying.add(vertx.undeploy(id));
            try {
                await(Future.join(undeploying), remaining(deadline));
            } catch (ExecutionException | TimeoutException e) {
                settings.log().println("sidewatch: warning: receivers did not stop cleanly: " + describe(e));
            }
        }
        int unwritten = 0;
        for (StdoutExporter exporter : exporters) unwritten += exporter.drainAndStop(remaining(deadline));
        if (otlp != null) {
            // what is not delivered by the deadline stays on disk and is sent after the next start
            unwritten += otlp.drainAndStop(remaining(deadline));
            if (traceSpool != null) {
                long left = traceSpool.drainAndStop(remaining(deadline));
                if (left > 0) settings.log().println("sidewatch: " + left + " trace requests stay in the buffer and are sent after the next start");
            }
            otlpExporter.close(Duration.ofMillis(Math.max(remaining(deadline).toMillis(), 1000)));
        }
        if (unwritten > 0) {
            metrics.dropped(DroppedEvents.SHUTDOWN_TIMEOUT, unwritten);
            settings.log().println("sidewatch: warning: shutdown.timeout passed with " + unwritten + " events unwritten");
        }
        if (vertx != null) {
            try {
                await(vertx.close(), Duration.ofMillis(Math.max(remaining(deadline).toMillis(), 2000)));
            } catch (ExecutionException | TimeoutException e) {
                settings.log().println("sidewatch: warning: Vert.x did not close cleanly: " + describe(e));
            }
        }
        metrics.close();
        state = State.STOPPED;
        return unwritten == 0;
    }

    /** What {@code /readyz} says. */
    Readiness readiness() {
        return switch (state) {
            case STARTING -> Readiness.notReady("starting");
            case STOPPING, STOPPED -> Readiness.notReady("shutting down");
            case RUNNING -> {
                String buffer = otlp == null ? null : otlp.problem();
                if (buffer != null) yield Readiness.notReady(buffer);
                yield pipeline.saturated() ? Readiness.notReady("export buffer above its high-water mark") : Readiness.READY;
            }
        };
    }

    public PrometheusMetrics metrics() {
        return metrics;
    }

    /** Bound ports, for tests and the start-up line (the configured port unless it was 0). */
    public int httpPort() {
        return http.actualPort();
    }

    public int tcpPort() {
        return tcp.actualPort();
    }

    public int adminPort() {
        return admin.actualPort();
    }

    /** Where {@code /v1/traces} payloads go: the trace spool; null without an OTLP trace endpoint. */
    private TraceForwarder traceForwarder() {
        return traceSpool == null ? null : traceSpool::forward;
    }

    static SpanSynthesizer.Mode synthesize(TracesConfig.Synthesize synthesize) {
        return switch (synthesize) {
            case AUTO -> SpanSynthesizer.Mode.AUTO;
            case ALWAYS -> SpanSynthesizer.Mode.ALWAYS;
            case NEVER -> SpanSynthesizer.Mode.NEVER;
        };
    }

    /** {@code host.name}: {@code HOSTNAME} (set in containers), else the local host name, else null. */
    static String hostName(Map<String, String> env) {
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.strip();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code exporters.stdout.enabled}: {@code auto} means on exactly when no OTLP endpoint is set. */
    static boolean stdoutEnabled(Config config, Map<String, String> env) {
        Toggle toggle = config.exporters().stdout().enabled();
        return toggle == Toggle.TRUE || toggle == Toggle.AUTO && otlpEndpoint(config, env) == null;
    }

    /** The configured OTLP endpoint, or the one from {@code OTEL_EXPORTER_OTLP_[LOGS_]ENDPOINT}, or null. */
    static String otlpEndpoint(Config config, Map<String, String> env) {
        for (String candidate : new String[]{config.exporters().otlp().endpoint(),
                env.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"), env.get("OTEL_EXPORTER_OTLP_ENDPOINT")}) {
            if (candidate != null && !candidate.isBlank()) return candidate.strip();
        }
        return null;
    }

    private static String bound(HostPort configured, int actual) {
        return new HostPort(configured.host(), actual < 0 ? configured.port() : actual).toString();
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static <T> T await(Future<T> future, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        return future.toCompletionStage().toCompletableFuture().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
