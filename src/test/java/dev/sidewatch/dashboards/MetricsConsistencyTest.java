package dev.sidewatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.app.Sidecar;
import dev.sidewatch.cli.Cli;
import dev.sidewatch.config.Config;
import dev.sidewatch.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric and label a dashboard, an alert rule or a runbook uses exists in a live {@code /metrics}
 * scrape of a running sidecar fed a permission denial, a 401, requests with 200 and 500 and an exception,
 * and every label value a query filters on is one that scrape has.
 */
class MetricsConsistencyTest {
    /** Labels Prometheus adds at scrape time, and the histogram bucket label. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "le");

    @TempDir
    static Path dir;
    private static Sidecar sidecar;
    /** Per metric series name, the label sets of the scrape. */
    private static final Map<String, List<Map<String, String>>> SERIES = new HashMap<>();

    @BeforeAll
    static void startFeedAndScrape() throws Exception {
        Path file = dir.resolve("sidewatch.yaml");
        Files.writeString(file, """
                receivers:
                  http: {listen: "127.0.0.1:0"}
                  tcp: {listen: "127.0.0.1:0"}
                admin: {listen: "127.0.0.1:0"}
                """);
        Config config = ConfigLoader.load(file, Map.of());
        Clock clock = Clock.systemUTC();
        sidecar = Sidecar.start(new Sidecar.Settings(config, "sidecar", null, new ByteArrayOutputStream(),
                new PrintStream(new ByteArrayOutputStream(), true), Map.of(), clock, onRedact -> Cli.normalizer(config, clock, onRedact)));
        var client = HttpClient.newHttpClient();
        String records = String.join("\n",
                "{\"level\":50,\"service\":\"checkout\",\"err\":{\"type\":\"Error\",\"message\":\"Access to this API has been restricted\",\"code\":\"ERR_ACCESS_DENIED\",\"permission\":\"FileSystemRead\",\"resource\":\"/srv/secret\"},\"msg\":\"denied\"}",
                "{\"level\":30,\"service\":\"checkout\",\"req\":{\"method\":\"GET\",\"url\":\"/a\"},\"res\":{\"statusCode\":200},\"responseTime\":12,\"msg\":\"request completed\"}",
                "{\"level\":40,\"service\":\"checkout\",\"req\":{\"method\":\"POST\",\"url\":\"/login\"},\"res\":{\"statusCode\":401},\"responseTime\":3,\"msg\":\"request completed\"}",
                "{\"level\":50,\"service\":\"checkout\",\"req\":{\"method\":\"GET\",\"url\":\"/b\"},\"res\":{\"statusCode\":500},\"responseTime\":40,\"msg\":\"request errored\"}",
                "{\"level\":50,\"service\":\"checkout\",\"err\":{\"type\":\"TypeError\",\"message\":\"x is undefined\",\"stack\":\"TypeError: x is undefined\\n    at f (/app/a.js:1:1)\"},\"msg\":\"boom\"}") + "\n";
        var ingest = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + "/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(records)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).isEqualTo(200);
        System.gc(); // the JVM's GC pause meter appears with its first collection
        String text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.adminPort() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String l : text.split("\n")) {
            Matcher m = line.matcher(l);
            if (l.startsWith("#") || !m.matches()) continue;
            var labels = new HashMap<String, String>();
            if (m.group(2) != null) {
                Matcher lm = label.matcher(m.group(2));
                while (lm.find()) labels.put(lm.group(1), lm.group(2));
            }
            SERIES.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (sidecar != null) sidecar.stop();
    }

    @Test
    void theFeedReachedTheMetrics() {
        assertThat(SERIES).containsKeys("sidewatch_permission_denials_total", "sidewatch_auth_failures_total",
                "sidewatch_http_request_duration_seconds_bucket", "sidewatch_buffer_capacity_bytes", "jvm_gc_pause_seconds_sum");
        assertThat(SERIES.get("sidewatch_http_requests_total")).anySatisfy(l -> assertThat(l).containsEntry("status_class", "5xx"));
    }

    @Test
    void everyDashboardQuery_usesOnlyMetricsLabelsAndValuesSidewatchEmits() throws Exception {
        var problems = new ArrayList<String>();
        for (Dashboards.Query q : Dashboards.prometheusQueries()) check(q.dashboard() + " / " + q.panel(), q.expr(), problems);
        for (JsonNodeRule rule : rules()) check("alert " + rule.name(), rule.expr(), problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyMetricAndSelectorOfTheRunbooks_exists() throws Exception {
        var problems = new ArrayList<String>();
        Matcher code = Pattern.compile("`([^`]+)`").matcher(Files.readString(AlertRulesTest.RUNBOOKS));
        int seen = 0;
        while (code.find()) {
            if (!code.group(1).matches("(sidewatch|jvm|process)_[a-z_]+(\\{.*})?")) continue;
            seen++;
            check("runbooks", code.group(1), problems);
        }
        assertThat(seen).isGreaterThanOrEqualTo(8);
        assertThat(problems).isEmpty();
    }

    record JsonNodeRule(String name, String expr) {
    }

    private static List<JsonNodeRule> rules() throws Exception {
        var result = new ArrayList<JsonNodeRule>();
        for (var rule : AlertRulesTest.rules()) result.add(new JsonNodeRule(rule.path("alert").asText(), rule.path("expr").asText()));
        return result;
    }

    private static void check(String where, String expr, List<String> problems) {
        Set<String> labelsInExpr = new HashSet<>(TARGET_LABELS);
        for (Dashboards.Selector s : Dashboards.selectors(expr)) {
            if (s.metric().equals("up")) continue; // made by Prometheus, not by sidewatch
            List<Map<String, String>> series = SERIES.get(s.metric());
            if (series == null) {
                problems.add(where + ": metric " + s.metric() + " is not in the scrape");
                continue;
            }
            series.forEach(l -> labelsInExpr.addAll(l.keySet()));
            for (Dashboards.LabelMatcher m : s.matchers()) {
                if (TARGET_LABELS.contains(m.label())) continue;
                if (series.stream().noneMatch(l -> l.containsKey(m.label()))) {
                    problems.add(where + ": " + s.metric() + " has no label " + m.label());
                } else if (!m.value().contains("$") && (m.op().equals("=") || m.op().equals("=~"))
                        && series.stream().noneMatch(l -> m.op().equals("=") ? m.value().equals(l.get(m.label()))
                                : l.get(m.label()) != null && l.get(m.label()).matches(m.value()))) {
                    problems.add(where + ": no " + s.metric() + " series has " + m.label() + m.op() + "\"" + m.value() + "\"");
                }
            }
        }
        for (String label : Dashboards.groupingLabels(expr)) {
            if (!labelsInExpr.contains(label)) problems.add(where + ": groups by " + label + ", which none of its metrics has");
        }
    }
}
