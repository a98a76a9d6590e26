package dev.sidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidewatch.exporter.Scrape;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sidecar as a separate process, as it runs in a container: real captured logs in over HTTP, TCP and
 * stdin, {@code /metrics} scraped, exact counter values asserted, then end of stdin, SIGTERM and SIGINT. Runs
 * {@code java -jar} on the jar named by {@code -Dsidewatch.jar=...}, else {@code dev.sidewatch.Main}
 * on the test class path (so {@code mvn test} does not depend on a previously packaged jar). An
 * integration test, named {@code *Test} so the default surefire run includes it.
 */
class SidecarProcessIT {
    static final Path TESTDATA = Path.of("src/test/resources/testdata/sidecar");
    static final Path GUIDE_CAPTURES = Path.of("src/test/resources/testdata/normalize");

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();
    private int httpPort;
    private int tcpPort;
    private int adminPort;

    @AfterEach
    void kill() throws InterruptedException {
        for (Process p : processes) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code java @deploy/jvm.options -jar sidewatch.jar ARGS...}, or {@code dev.sidewatch.Main} on the test class path. */
    private static List<String> sidewatch(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(JvmOptions.argFile());
        String jar = System.getProperty("sidewatch.jar");
        if (jar != null && !jar.isBlank()) {
            command.addAll(List.of("-jar", jar));
        } else {
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            command.addAll(List.of("-cp", classpath, "dev.sidewatch.Main"));
        }
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code run --config <yaml> ARGS...} with stdout and stderr going to files in the temp dir. */
    private Process start(String extraYaml, String... args) throws Exception {
        httpPort = freePort();
        tcpPort = freePort();
        adminPort = freePort();
        Path config = dir.resolve("sidewatch.yaml");
        Files.writeString(config, """
                receivers:
                  http: {listen: "127.0.0.1:%d"}
                  tcp: {listen: "127.0.0.1:%d"}
                admin: {listen: "127.0.0.1:%d"}
                shutdown: {timeout: 20s}
                """.formatted(httpPort, tcpPort, adminPort) + extraYaml);
        List<String> command = sidewatch("run", "--config", config.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.jsonl").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        processes.add(process);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("/readyz").statusCode() == 200);
        return process;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> ingest(byte[] body, String service) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/ingest"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (service != null) request.header("X-Service-Name", service);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scrape scrape() throws Exception {
        return new Scrape(get("/metrics").body());
    }

    private List<String> stdoutLines() throws IOException {
        return Files.readAllLines(dir.resolve("stdout.jsonl"));
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    @Test
    void capturedLogs_overHttpTcpAndStdin_giveTheExactCountersOfSpec5() throws Exception {
        Process process = start("denial_spike: {min_count: 5}\n", "--stdin", "--service", "payments");
        byte[] http = Files.readAllBytes(TESTDATA.resolve("http.ndjson"));
        byte[] tcp = Files.readAllBytes(TESTDATA.resolve("tcp.log"));
        byte[] stdin = Files.readAllBytes(TESTDATA.resolve("stdin.log"));

        var answer = ingest(http, "web");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"accepted\":9}");
        try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
            socket.getOutputStream().write(tcp);
        }
        OutputStream toStdin = process.getOutputStream();
        toStdin.write(stdin);
        toStdin.flush();

        await().untilAsserted(() -> {
            Scrape s = scrape();
            assertThat(s.value("sidewatch_received_records_total", "receiver", "http")).isEqualTo(9.0);
            assertThat(s.value("sidewatch_received_records_total", "receiver", "tcp")).isEqualTo(7.0);
            assertThat(s.value("sidewatch_received_records_total", "receiver", "stdin")).isEqualTo(6.0);
            // the 22 records and the one permission.denial_spike event of "payments" (SPEC 5)
            assertThat(s.value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs")).isEqualTo(23.0);
            // the queue lets go of a batch just after counting it exported
            assertThat(s.value("sidewatch_buffer_events", "exporter", "stdout")).isZero();
            assertThat(s.value("sidewatch_buffer_bytes", "exporter", "stdout")).isZero();
        });
        Scrape s = scrape();

        // receivers
        assertThat(s.value("sidewatch_received_bytes_total", "receiver", "http")).isEqualTo(http.length);
        assertThat(s.value("sidewatch_received_bytes_total", "receiver", "tcp")).isEqualTo(tcp.length);
        assertThat(s.value("sidewatch_received_bytes_total", "receiver", "stdin")).isEqualTo(stdin.length);
        assertThat(s.value("sidewatch_rejected_records_total", "receiver", "http", "reason", "invalid_json")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_rejected_records_total", "receiver", "tcp", "reason", "invalid_json")).isZero();
        assertThat(s.value("sidewatch_rejected_records_total", "receiver", "stdin", "reason", "invalid_json")).isZero();

        // events: pino-http over HTTP as service "web"
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "INFO", "kind", "log")).isEqualTo(3.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "INFO", "kind", "http_request")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "NOTICE", "kind", "http_request")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "WARN", "kind", "http_request")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "ERROR", "kind", "http_request")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "WARN", "kind", "permission_denied")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "web", "severity", "WARN", "kind", "auth_failure")).isEqualTo(1.0);
        // Node 20 uncaught blocks (TCP) and pino-logged denials (stdin) as "payments"; winston names its own "auth"
        assertThat(s.value("sidewatch_events_total", "service", "payments", "severity", "ERROR", "kind", "permission_denied")).isEqualTo(6.0);
        assertThat(s.value("sidewatch_events_total", "service", "payments", "severity", "WARN", "kind", "permission_denied")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "payments", "severity", "INFO", "kind", "log")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "auth", "severity", "WARN", "kind", "auth_failure")).isEqualTo(3.0);
        assertThat(s.value("sidewatch_events_total", "service", "auth", "severity", "WARN", "kind", "permission_denied")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_events_total", "service", "auth", "severity", "ERROR", "kind", "permission_denied")).isEqualTo(1.0);
        double events = s.series("sidewatch_events_total").values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(s.value("sidewatch_events_total", "service", "payments", "severity", "WARN", "kind", "log"))
                .as("the permission.denial_spike event").isEqualTo(1.0);
        assertThat(events).isEqualTo(23.0);

        // permission denials
        assertThat(s.series("sidewatch_permission_denials_total")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                Scrape.series("sidewatch_permission_denials_total", "service", "web", "permission", "http.forbidden", "source", "http"), 1.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "payments", "permission", "FileSystemRead", "source", "node"), 5.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "payments", "permission", "ChildProcess", "source", "node"), 2.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "auth", "permission", "permission_denied", "source", "app"), 1.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "auth", "permission", "accessDenied", "source", "app"), 1.0));
        assertThat(s.value("sidewatch_permission_denial_spike", "service", "payments")).as("7 denials >= min_count 5").isEqualTo(1.0);
        assertThat(s.value("sidewatch_permission_denial_spike", "service", "auth")).isZero();
        assertThat(s.value("sidewatch_permission_denial_spike", "service", "web")).isZero();

        // auth failures and HTTP requests (a 403 counts as a request too)
        assertThat(s.value("sidewatch_auth_failures_total", "service", "web")).isEqualTo(1.0);
        assertThat(s.value("sidewatch_auth_failures_total", "service", "auth")).isEqualTo(3.0);
        assertThat(s.value("sidewatch_auth_failures_total", "service", "payments")).isZero();
        assertThat(s.series("sidewatch_http_requests_total")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                Scrape.series("sidewatch_http_requests_total", "service", "web", "method", "GET", "status_class", "2xx"), 1.0,
                Scrape.series("sidewatch_http_requests_total", "service", "web", "method", "GET", "status_class", "3xx"), 1.0,
                Scrape.series("sidewatch_http_requests_total", "service", "web", "method", "GET", "status_class", "4xx"), 3.0,
                Scrape.series("sidewatch_http_requests_total", "service", "web", "method", "GET", "status_class", "5xx"), 1.0,
                Scrape.series("sidewatch_http_requests_total", "service", "auth", "method", "POST", "status_class", "4xx"), 3.0));
        assertThat(s.type("sidewatch_http_request_duration_seconds")).isEqualTo("histogram");
        assertThat(s.value("sidewatch_http_request_duration_seconds_count", "service", "web", "method", "GET", "status_class", "4xx")).isEqualTo(3.0);
        assertThat(s.value("sidewatch_http_request_duration_seconds_sum", "service", "web", "method", "GET", "status_class", "4xx")).isEqualTo(0.004);
        assertThat(s.value("sidewatch_http_request_duration_seconds_bucket", "service", "web", "method", "GET", "status_class", "2xx", "le", "0.01")).isZero();
        assertThat(s.value("sidewatch_http_request_duration_seconds_bucket", "service", "web", "method", "GET", "status_class", "2xx", "le", "0.025")).isEqualTo(1.0);

        // redaction, export, buffers
        assertThat(s.value("sidewatch_redactions_total", "rule", "key")).isEqualTo(2.0);
        assertThat(s.value("sidewatch_export_failures_total", "exporter", "stdout", "signal", "logs")).isZero();
        assertThat(s.value("sidewatch_dropped_events_total", "reason", "buffer_overflow")).isZero();
        assertThat(s.names()).contains("process_cpu_usage", "process_uptime_seconds").anyMatch(n -> n.startsWith("jvm_memory_used_bytes"));

        // end of stdin ends the run, with every event written
        toStdin.close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        List<String> lines = stdoutLines();
        assertThat(lines).hasSize(23);
        var mapper = new ObjectMapper();
        assertThat(lines).filteredOn(line -> line.contains("\"permission.denial_spike\"")).singleElement()
                .satisfies(line -> assertThat(mapper.readTree(line).get("service").asText()).isEqualTo("payments"));
        for (String line : lines) assertThat(mapper.readTree(line).get("severity_number").isInt()).isTrue();
        assertThat(String.join("\n", lines)).doesNotContain("hunter2", "6e41880c453d8949ad26a3f2fecaf0c6");
        assertThat(stderr()).contains("stopping (end of input)").doesNotContain("Exception");
    }

    /** True when this process ignores SIGINT (a background job's): its children then ignore it too. */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
        }
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void stopSignal_duringSteadyIngest_exitsZero_withEveryAcceptedEventWritten(String signal) throws Exception {
        if (signal.equals("INT")) Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored here, as for a background job");
        Process process = start("");
        Set<Long> accepted = java.util.Collections.synchronizedSet(new HashSet<>());
        var stop = new AtomicBoolean();
        var batches = new java.util.concurrent.atomic.AtomicInteger();
        Thread sender = Thread.ofPlatform().start(() -> {
            long seq = 0;
            while (!stop.get()) {
                var body = new StringBuilder();
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 100; i++, seq++) {
                    body.append("{\"level\":30,\"msg\":\"steady\",\"seq\":").append(seq).append("}\n");
                    ids.add(seq);
                }
                try {
                    if (ingest(body.toString().getBytes(StandardCharsets.UTF_8), "steady").statusCode() == 200) {
                        accepted.addAll(ids);
                        batches.incrementAndGet();
                    }
                } catch (Exception e) {
                    if (!process.isAlive()) return; // refused or reset once the receiver has stopped
                }
            }
        });
        await().until(() -> batches.get() >= 20);
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        sender.join();

        assertThat(process.exitValue()).isZero();
        var mapper = new ObjectMapper();
        Set<Long> written = new HashSet<>();
        for (String line : stdoutLines()) {
            JsonNode event = mapper.readTree(line);
            written.add(event.get("attributes").get("seq").asLong());
        }
        assertThat(written).containsAll(accepted);
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(2000);
        assertThat(stderr()).contains("stopping (SIG" + signal + ")", "sidewatch: stopped\n").doesNotContain("Exception");
    }

    /**
     * The logging guide's recipe as captured under Node 22 and 24 ({@code testdata/normalize/node*-guide}, from
     * {@code src/test/node/guide}), each file over its own TCP connection: every authentication failure (the
     * auth middleware's {@code evt} authFailed and the routeLogger's 401) and every denial (the caught and the
     * uncaught denied read, the authorization {@code evt}, the 403) is counted as SPEC 5 says.
     */
    @Test
    void guideCaptures_overTcp_countEveryAuthFailureAndDenial() throws Exception {
        start("", "--service", "nodeserver");
        long bytes = 0;
        for (String node : List.of("node22-guide", "node24-guide")) {
            byte[] capture = Files.readAllBytes(GUIDE_CAPTURES.resolve(node).resolve("input.log"));
            bytes += capture.length;
            try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
                socket.getOutputStream().write(capture);
            }
        }
        // 44 lines a file; Express's printed error and Node's two-line warnings are joined: 28 events a file
        await().untilAsserted(() -> assertThat(scrape().value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs")).isEqualTo(56.0));
        Scrape s = scrape();
        assertThat(s.value("sidewatch_received_records_total", "receiver", "tcp")).isEqualTo(56.0);
        assertThat(s.value("sidewatch_received_bytes_total", "receiver", "tcp")).isEqualTo(bytes);

        assertThat(s.value("sidewatch_auth_failures_total", "service", "nodeserver")).as("2 authFailed + 2 401 per Node").isEqualTo(8.0);
        assertThat(s.series("sidewatch_permission_denials_total")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                Scrape.series("sidewatch_permission_denials_total", "service", "nodeserver", "permission", "FileSystemRead", "source", "node"), 4.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "nodeserver", "permission", "brandDenied", "source", "app"), 2.0,
                Scrape.series("sidewatch_permission_denials_total", "service", "nodeserver", "permission", "http.forbidden", "source", "http"), 2.0));
        assertThat(s.value("sidewatch_events_total", "service", "nodeserver", "severity", "WARN", "kind", "auth_failure")).isEqualTo(8.0);
        assertThat(s.value("sidewatch_events_total", "service", "nodeserver", "severity", "ERROR", "kind", "permission_denied")).isEqualTo(4.0);
        assertThat(s.value("sidewatch_events_total", "service", "nodeserver", "severity", "WARN", "kind", "permission_denied")).isEqualTo(4.0);
        // 200 201 403 401 401 404 500 500 500 200 per Node; the 301 never reaches the log (routeLogger throws)
        assertThat(s.series("sidewatch_http_requests_total")).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "GET", "status_class", "2xx"), 2.0,
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "POST", "status_class", "2xx"), 4.0,
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "POST", "status_class", "4xx"), 6.0,
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "GET", "status_class", "4xx"), 2.0,
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "POST", "status_class", "5xx"), 2.0,
                Scrape.series("sidewatch_http_requests_total", "service", "nodeserver", "method", "GET", "status_class", "5xx"), 4.0));

        List<JsonNode> events = new ArrayList<>();
        var json = new ObjectMapper();
        for (String line : stdoutLines()) if (line.startsWith("{")) events.add(json.readTree(line));
        assertThat(events).filteredOn(e -> e.path("event").path("name").asText().equals("authFailed"))
                .hasSize(4).allSatisfy(e -> assertThat(e.get("kind").asText()).isEqualTo("auth_failure"));
        assertThat(events).filteredOn(e -> e.path("user").path("id").asText().equals("u-42")).as("routeLogger's userId, usr.id, user.id").hasSize(16);
    }

    @Test
    void portInUse_exitsOneWithTheReasonOnStderr() throws Exception {
        try (var taken = new ServerSocket(0)) {
            Path config = dir.resolve("taken.yaml");
            Files.writeString(config, "receivers: {http: {listen: \"127.0.0.1:" + taken.getLocalPort() + "\"}, tcp: {listen: \"127.0.0.1:0\"}}\n"
                    + "admin: {listen: \"127.0.0.1:0\"}\n");
            Process process = new ProcessBuilder(sidewatch("run", "--config", config.toString()))
                    .redirectOutput(dir.resolve("stdout.jsonl").toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
            processes.add(process);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(stderr()).contains("cannot start the HTTP receiver on 127.0.0.1:" + taken.getLocalPort())
                    .doesNotContain("\tat ");
        }
    }

    /** The image's HEALTHCHECK: {@code sidewatch health} exits 0 against the running process, 1 once it is gone. */
    @Test
    void healthCommand_exitsZeroWhileTheSidecarServes_andOneAfterItStopped() throws Exception {
        Process sidecar = start("");
        String admin = "127.0.0.1:" + adminPort;
        Process healthy = new ProcessBuilder(sidewatch("health", "--admin", admin)).redirectErrorStream(true).start();
        processes.add(healthy);
        assertThat(healthy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(healthy.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("sidewatch: healthy (http://" + admin + "/healthz answered 200)\n");
        assertThat(healthy.exitValue()).isZero();

        sidecar.destroy();
        assertThat(sidecar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Process unhealthy = new ProcessBuilder(sidewatch("health", "--admin", admin)).redirectErrorStream(true).start();
        processes.add(unhealthy);
        assertThat(unhealthy.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(unhealthy.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("sidewatch: unhealthy: http://" + admin + "/healthz: connection refused\n");
        assertThat(unhealthy.exitValue()).isEqualTo(1);
    }
}
