package dev.sidewatch.admin;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.exporter.PrometheusMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin endpoints (SPEC 3, default {@code 0.0.0.0:9464}): {@code GET /metrics} in the Prometheus
 * text format, rendered on a worker thread; {@code GET /healthz}, 200 while the process serves;
 * {@code GET /readyz}, 200 when the receivers listen and the buffers are below their high-water mark,
 * else 503 with {@code {"status": "not ready", "reason": "..."}}. Anything else is a JSON 404.
 */
public final class AdminServer extends VerticleBase {
    static final int IDLE_TIMEOUT_SECONDS = 60;

    /** The answer of {@code /readyz}. */
    public record Readiness(boolean ready, String reason) {
        public static final Readiness READY = new Readiness(true, null);

        public static Readiness notReady(String reason) {
            return new Readiness(false, reason);
        }
    }

    private final HostPort listen;
    private final PrometheusMetrics metrics;
    private final Supplier<Readiness> readiness;
    private HttpServer server;
    private volatile int actualPort = -1;

    /** @param readiness asked on every {@code /readyz}; must not block */
    public AdminServer(HostPort listen, PrometheusMetrics metrics, Supplier<Readiness> readiness) {
        this.listen = listen;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /** The port bound, once started (useful with port 0). */
    public int actualPort() {
        return actualPort;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(this::metrics);
        router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
        router.get("/readyz").handler(this::ready);
        router.errorHandler(404, ctx -> json(ctx, 404, new JsonObject().put("error", "not found; try /metrics, /healthz or /readyz")));
        router.errorHandler(405, ctx -> json(ctx, 405, new JsonObject().put("error", "method not allowed")));
        router.errorHandler(500, ctx -> json(ctx, 500, new JsonObject().put("error", "internal error")));
        var options = new HttpServerOptions().setIdleTimeout(IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS);
        server = vertx.createHttpServer(options).requestHandler(router);
        return server.listen(listen.port(), listen.host()).onSuccess(s -> actualPort = s.actualPort());
    }

    @Override
    public Future<?> stop() {
        return server.close();
    }

    private void metrics(RoutingContext ctx) {
        vertx.executeBlocking(metrics::scrape, false).onComplete(result -> {
            if (result.failed()) {
                json(ctx, 500, new JsonObject().put("error", "scrape failed"));
            } else {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE).end(result.result());
            }
        });
    }

    private void ready(RoutingContext ctx) {
        Readiness r = readiness.get();
        if (r.ready()) json(ctx, 200, new JsonObject().put("status", "ready"));
        else json(ctx, 503, new JsonObject().put("status", "not ready").put("reason", r.reason()));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
