package dev.sidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sidewatch.cli.Cli;
import dev.sidewatch.config.Config;
import dev.sidewatch.config.ConfigLoader;
import dev.sidewatch.exporter.Scrape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Sidecar sidecar;

    @AfterEach
    void stop() throws Exception {
        if (sidecar != null) sidecar.stop();
    }

    private Config config(String yaml) throws Exception {
        Path file = dir.resolve("sidewatch.yaml");
        Files.writeString(file, """
                receivers:
                  http: {listen: "127.0.0.1:0"}
                  tcp: {listen: "127.0.0.1:0"}
                admin: {listen: "127.0.0.1:0"}
                """ + yaml);
        return ConfigLoader.load(file, Map.of());
    }

    private Sidecar.Settings settings(Config config, String stdin, Map<String, String> env) {
        Clock clock = Clock.systemUTC();
        return new Sidecar.Settings(config, "svc", stdin == null ? null : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                stdout, new PrintStream(log, true), env, clock, onRedact -> Cli.normalizer(config, clock, onRedact));
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> ingest(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stop_writesEveryAcceptedEvent_beforeItReturns() throws Exception {
        sidecar = Sidecar.start(settings(config(""), null, Map.of()));
        var body = new StringBuilder();
        for (int i = 0; i < 500; i++) body.append("{\"msg\":\"event ").append(i).append("\"}\n");
        for (int batch = 0; batch < 10; batch++) assertThat(ingest(body.toString()).statusCode()).isEqualTo(200);

        assertThat(sidecar.stop()).isTrue();
        assertThat(stdout.toString(StandardCharsets.UTF_8).lines()).hasSize(5000)
                .allSatisfy(line -> assertThat(line).startsWith("{").contains("\"observed_time\":", "\"service\":\"svc\""));
        assertThat(new Scrape(sidecar.metrics().registry().scrape()).value("sidewatch_exported_total", "exporter", "stdout", "signal", "logs"))
                .isEqualTo(5000.0);
    }

    @Test
    void readiness_isReadyWhileRunning_andNotWhileStopping() throws Exception {
        sidecar = Sidecar.start(settings(config(""), null, Map.of()));
        assertThat(get(sidecar.adminPort(), "/readyz").statusCode()).isEqualTo(200);
        assertThat(get(sidecar.adminPort(), "/healthz").statusCode()).isEqualTo(200);
        assertThat(sidecar.readiness().ready()).isTrue();
        sidecar.stop();
        assertThat(sidecar.readiness().ready()).isFalse();
        assertThat(sidecar.readiness().reason()).isEqualTo("shutting down");
    }

    @Test
    void endOfStdin_requestsTheStop_afterEverythingWasHandedOn() throws Exception {
        sidecar = Sidecar.start(settings(config(""), "{\"msg\":\"one\"}\nlast line", Map.of()));
        assertThat(sidecar.awaitStopRequest()).isEqualTo("end of input");
        sidecar.stop();
        assertThat(stdout.toString(StandardCharsets.UTF_8).lines()).hasSize(2);
    }

    @Test
    void portInUse_failsTheStart_namingTheComponentAndAddress() throws Exception {
        try (var taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("taken.yaml");
            Files.writeString(file, "admin: {listen: \"127.0.0.1:" + taken.getLocalPort() + "\"}\n"
                    + "receivers: {http: {listen: \"127.0.0.1:0\"}, tcp: {listen: \"127.0.0.1:0\"}}\n");
            Config takenConfig = ConfigLoader.load(file, Map.of());
            assertThatThrownBy(() -> Sidecar.start(settings(takenConfig, null, Map.of())))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("admin server on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void stdoutAuto_isOnWithoutAnOtlpEndpoint_only() throws Exception {
        Config auto = config("");
        assertThat(Sidecar.stdoutEnabled(auto, Map.of())).isTrue();
        assertThat(Sidecar.stdoutEnabled(auto, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isFalse();
        assertThat(Sidecar.stdoutEnabled(auto, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).isTrue();
        assertThat(Sidecar.stdoutEnabled(config("exporters: {otlp: {endpoint: \"http://collector:4318\"}}\n"), Map.of())).isFalse();
        assertThat(Sidecar.stdoutEnabled(config("exporters: {stdout: {enabled: true}, otlp: {endpoint: \"http://c:4318\"}}\n"), Map.of())).isTrue();
        assertThat(Sidecar.stdoutEnabled(config("exporters: {stdout: {enabled: false}}\n"), Map.of())).isFalse();
    }

    @Test
    void withoutAnyExporter_eventsAreOnlyCounted() throws Exception {
        sidecar = Sidecar.start(settings(config("exporters: {stdout: {enabled: false}}\n"), null, Map.of()));
        assertThat(ingest("{\"msg\":\"counted\"}\n").statusCode()).isEqualTo(200);
        sidecar.stop();
        assertThat(stdout.size()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("events are only counted in /metrics");
        assertThat(new Scrape(sidecar.metrics().registry().scrape()).value("sidewatch_events_total", "service", "svc", "severity", "INFO", "kind", "log"))
                .isEqualTo(1.0);
    }

    @Test
    void fileReceiver_tailsConfiguredFiles_andAfterARestartResumesWithoutRepeats() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("app.log"), "{\"msg\":\"first\"}\n{\"msg\":\"second\"}\n");
        sidecar = Sidecar.start(settings(configWithFiles(logs), null, Map.of()));
        org.awaitility.Awaitility.await().until(() -> stdout.toString(StandardCharsets.UTF_8).lines().count() == 2);
        assertThat(sidecar.stop()).isTrue();
        try (var checkpoints = Files.list(dir.resolve("data/checkpoints"))) {
            assertThat(checkpoints.toList()).hasSize(1);
        }

        Files.writeString(logs.resolve("app.log"), "{\"msg\":\"third\"}\n", java.nio.file.StandardOpenOption.APPEND);
        sidecar = Sidecar.start(settings(configWithFiles(logs), null, Map.of()));
        org.awaitility.Awaitility.await().until(() -> stdout.toString(StandardCharsets.UTF_8).lines().count() == 3);
        assertThat(stdout.toString(StandardCharsets.UTF_8).lines().toList())
                .allSatisfy(line -> assertThat(line).contains("\"service\":\"files-svc\"", "\"receiver\":\"file\""))
                .anySatisfy(line -> assertThat(line).contains("\"message\":\"third\""));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("files " + logs + "/*.log");
    }

    private Config configWithFiles(Path logs) throws Exception {
        Path file = dir.resolve("sidewatch-files.yaml");
        Files.writeString(file, """
                receivers:
                  http: {listen: "127.0.0.1:0"}
                  tcp: {listen: "127.0.0.1:0"}
                  files:
                    - {path: "%s/*.log", service: files-svc}
                admin: {listen: "127.0.0.1:0"}
                buffer: {dir: "%s"}
                """.formatted(logs, dir.resolve("data")));
        return ConfigLoader.load(file, Map.of());
    }
}
