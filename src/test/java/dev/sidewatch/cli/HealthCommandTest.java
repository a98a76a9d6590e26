package dev.sidewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.admin.AdminServer;
import dev.sidewatch.config.HostPort;
import dev.sidewatch.exporter.PrometheusMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code health [--admin HOST:PORT]}: the container health check, against the real admin server. */
class HealthCommandTest {
    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics metrics = new PrometheusMetrics(2000);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        metrics.close();
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private int run(Map<String, String> env, String... argv) {
        var cli = new Cli(env, new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC());
        return cli.run(argv);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The sidecar's own admin server on a free loopback port; its /healthz answers 200 even while not ready. */
    private int adminServer() throws Exception {
        var server = new AdminServer(new HostPort("127.0.0.1", 0), metrics, () -> AdminServer.Readiness.notReady("starting"));
        join(vertx.deployVerticle(server));
        return server.actualPort();
    }

    @Test
    void health_exitsZero_whenHealthzAnswers200() throws Exception {
        int port = adminServer();
        assertThat(run(Map.of(), "health", "--admin", "127.0.0.1:" + port)).as(this::stderr).isZero();
        assertThat(stdout()).isEqualTo("sidewatch: healthy (http://127.0.0.1:" + port + "/healthz answered 200)\n");
    }

    @Test
    void health_asksTheLoopback_forTheConfiguredWildcardAddress(@TempDir Path dir) throws Exception {
        int port = adminServer();
        assertThat(run(Map.of("SIDEWATCH_ADMIN__LISTEN", "0.0.0.0:" + port), "health")).as(this::stderr).isZero();
        assertThat(stdout()).contains("http://127.0.0.1:" + port + "/healthz");
        out.reset();
        Path config = Files.writeString(dir.resolve("sidewatch.yaml"), "admin: {listen: \"0.0.0.0:%d\"}\n".formatted(port));
        assertThat(run(Map.of(), "health", "--config", config.toString())).as(this::stderr).isZero();
    }

    @Test
    void health_exitsOne_whenHealthzAnswersAnythingElse() throws Exception {
        HttpServer failing = join(vertx.createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(503).end("{\"status\":\"stopping\"}"))
                .listen(0, "127.0.0.1"));
        assertThat(run(Map.of(), "health", "--admin", "127.0.0.1:" + failing.actualPort())).isEqualTo(1);
        assertThat(stderr()).isEqualTo("sidewatch: unhealthy: http://127.0.0.1:" + failing.actualPort() + "/healthz answered 503\n");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void health_exitsOne_whenNothingListens() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(run(Map.of(), "health", "--admin", "127.0.0.1:" + port)).isEqualTo(1);
        assertThat(stderr()).isEqualTo("sidewatch: unhealthy: http://127.0.0.1:" + port + "/healthz: connection refused\n");
    }

    @Test
    void health_badAdminAddress_isUsageErrorTwo() {
        assertThat(run(Map.of(), "health", "--admin", "http://localhost:9464")).isEqualTo(2);
        assertThat(stderr()).contains("--admin: expected host:port without a scheme").doesNotContain("\tat ");
    }

    @Test
    void admin_isRefusedOutsideHealth() {
        assertThat(run(Map.of(), "validate", "--config", "x.yaml", "--admin", "127.0.0.1:9464")).isEqualTo(2);
        assertThat(stderr()).contains("--admin is an option of health, not of validate");
    }

    @Test
    void wildcardListenAddresses_mapToTheLoopback() {
        assertThat(HealthCommand.target(new HostPort("0.0.0.0", 9464))).isEqualTo(new HostPort("127.0.0.1", 9464));
        assertThat(HealthCommand.target(new HostPort("::", 9464))).isEqualTo(new HostPort("::1", 9464));
        assertThat(HealthCommand.target(new HostPort("sidecar.example", 9464))).isEqualTo(new HostPort("sidecar.example", 9464));
    }
}
