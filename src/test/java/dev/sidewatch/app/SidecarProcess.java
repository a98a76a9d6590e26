package dev.sidewatch.app;

import static org.awaitility.Awaitility.await;

import dev.sidewatch.exporter.Scrape;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * sidewatch as a separate process, for the delivery fault tests: {@code run --config} with the given
 * YAML (HTTP, TCP and admin listeners on free loopback ports are added), stdout and stderr in files
 * under {@code dir}, killed with SIGKILL or stopped with SIGTERM. Runs {@code dev.sidewatch.Main} on the
 * test class path, or {@code java -jar} on {@code -Dsidewatch.jar=...}. The retry backoff is capped at
 * 1 s ({@code -Dsidewatch.export.max_backoff}) so that recovery is quick; {@code -Dsidewatch.fault.max_backoff=30s}
 * runs with the production ceiling.
 */
final class SidecarProcess implements AutoCloseable {
    static final String MAX_BACKOFF = System.getProperty("sidewatch.fault.max_backoff", "1s");

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final Process process;
    final int httpPort;
    final int tcpPort;
    final int adminPort;
    final Path stdout;
    final Path stderr;

    private SidecarProcess(Process process, int httpPort, int tcpPort, int adminPort, Path stdout, Path stderr) {
        this.process = process;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
        this.adminPort = adminPort;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts one process and waits until {@code /healthz} answers (not {@code /readyz}: some tests start
     * it not ready on purpose).
     *
     * @param name    names the config and output files (a restart uses a new name)
     * @param yaml    the config without the listeners
     * @param env     extra environment, e.g. {@code OTEL_EXPORTER_OTLP_ENDPOINT}
     * @param files   globs for {@code receivers.files}; may be empty
     * @param wrapper a command the JVM runs under, e.g. {@code prlimit --fsize=...}; may be empty
     */
    static SidecarProcess start(Path dir, String name, String yaml, Map<String, String> env, List<String> files,
                                List<String> wrapper) throws Exception {
        int http = freePort(), tcp = freePort(), admin = freePort();
        Path config = dir.resolve(name + ".yaml");
        var receivers = new StringBuilder("""
                receivers:
                  http: {listen: "127.0.0.1:%d"}
                  tcp: {listen: "127.0.0.1:%d"}
                """.formatted(http, tcp));
        if (!files.isEmpty()) {
            receivers.append("  files:\n");
            for (String glob : files) receivers.append("    - {path: \"").append(glob).append("\"}\n");
        }
        Files.writeString(config, receivers + "admin: {listen: \"127.0.0.1:%d\"}\n".formatted(admin) + yaml);
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the production flags; C1 only, to spend less of a shared machine's CPU on JIT in short runs
        command.addAll(List.of(JvmOptions.argFile(), "-XX:TieredStopAtLevel=1", "-Dsidewatch.export.max_backoff=" + MAX_BACKOFF));
        String jar = System.getProperty("sidewatch.jar");
        if (jar != null && !jar.isBlank()) {
            command.addAll(List.of("-jar", jar));
        } else {
            command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    "dev.sidewatch.Main"));
        }
        command.addAll(List.of("run", "--config", config.toString(), "--service", "fault"));
        Path out = dir.resolve(name + ".stdout");
        Path err = dir.resolve(name + ".stderr");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        builder.environment().putAll(env);
        var sidecar = new SidecarProcess(builder.start(), http, tcp, admin, out, err);
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> !sidecar.process.isAlive() || sidecar.get("/healthz").statusCode() == 200);
            if (!sidecar.process.isAlive()) throw new IllegalStateException("sidewatch exited: " + sidecar.stderr());
        } catch (RuntimeException e) {
            sidecar.close();
            throw e;
        }
        return sidecar;
    }

    HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /v1/ingest} with an NDJSON body. */
    HttpResponse<String> ingest(String ndjson) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/ingest"))
                        .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Posts the body until it is accepted, as a well-behaved client does: on 429 or 503 it waits for
     * {@code Retry-After} (so the pause is the server's, not the test's), counting each refusal in
     * {@code refused} as it happens.
     */
    void ingestWithRetries(String ndjson, java.util.concurrent.atomic.AtomicInteger refused) throws Exception {
        while (true) {
            HttpResponse<String> answer = ingest(ndjson);
            if (answer.statusCode() == 200) return;
            if (answer.statusCode() != 429 && answer.statusCode() != 503) {
                throw new IllegalStateException("ingest answered " + answer.statusCode() + ": " + answer.body());
            }
            refused.incrementAndGet();
            long seconds = answer.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
            TimeUnit.SECONDS.sleep(Math.min(seconds, 5)); // honouring Retry-After is the client's contract, not synchronisation
        }
    }

    Scrape metrics() throws Exception {
        return new Scrape(get("/metrics").body());
    }

    /** A counter or gauge value, 0 when the series is absent. */
    double metric(String name, String... labels) throws Exception {
        Double v = metrics().value(name, labels);
        return v == null ? 0 : v;
    }

    String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }

    long pid() {
        return process.pid();
    }

    /** kill -9. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // before @TempDir removes the files it writes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
