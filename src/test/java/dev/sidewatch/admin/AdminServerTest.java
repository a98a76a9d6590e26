package dev.sidewatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.exporter.PrometheusMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics metrics = new PrometheusMetrics(2000);
    private final AtomicReference<AdminServer.Readiness> readiness = new AtomicReference<>(AdminServer.Readiness.READY);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private AdminServer server;

    static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void start() throws Exception {
        server = new AdminServer(new HostPort("127.0.0.1", 0), metrics, readiness::get);
        join(vertx.deployVerticle(server));
    }

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        metrics.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metrics_isThePrometheusTextFormat() throws Exception {
        metrics.redacted("jwt");
        var response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE sidewatch_redactions_total counter", "sidewatch_redactions_total{rule=\"jwt\"} 1.0");
    }

    @Test
    void healthz_is200WhileServing() throws Exception {
        readiness.set(AdminServer.Readiness.notReady("starting"));
        var response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("status")).isEqualTo("ok");
    }

    @Test
    void readyz_followsReadiness_with503AndAReason() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        readiness.set(AdminServer.Readiness.notReady("export buffer above its high-water mark"));
        var response = get("/readyz");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(response.body()).getString("reason")).isEqualTo("export buffer above its high-water mark");
    }

    @Test
    void otherPaths_areJson404() throws Exception {
        var response = get("/admin");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new JsonObject(response.body()).getString("error")).startsWith("not found");
    }
}
