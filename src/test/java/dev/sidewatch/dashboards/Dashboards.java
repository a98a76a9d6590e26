package dev.sidewatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped Grafana dashboards and the PromQL in them, for the static, consistency and live tests. */
final class Dashboards {
    static final Path DIR = Path.of("dashboards/grafana/dashboards");
    static final List<String> UIDS = List.of("sidewatch-permission-denials", "sidewatch-service-health", "sidewatch-pipeline");

    /** One Prometheus query of a panel. */
    record Query(String dashboard, String panel, String expr) {
        /** The expression with Grafana's variables filled in: {@code service} a regex, the intervals fixed. */
        String filled(String serviceRegex, String rateInterval, String range) {
            return expr.replace("${service:regex}", serviceRegex).replace("$service", serviceRegex)
                    .replace("$__rate_interval", rateInterval).replace("$__range", range).replace("$__interval", rateInterval);
        }
    }

    private Dashboards() {
    }

    static JsonNode load(String uid) throws IOException {
        return new ObjectMapper().readTree(Files.readString(DIR.resolve(uid + ".json")));
    }

    /** Every target of a panel whose datasource is the {@code datasource} (Prometheus) variable. */
    static List<Query> prometheusQueries() throws IOException {
        var result = new ArrayList<Query>();
        for (String uid : UIDS) {
            for (JsonNode panel : load(uid).path("panels")) {
                if (!panel.path("datasource").path("uid").asText().equals("${datasource}")) continue;
                for (JsonNode target : panel.path("targets")) {
                    result.add(new Query(uid, panel.path("title").asText(), target.path("expr").asText()));
                }
            }
        }
        return result;
    }

    /** The LogQL of every logs panel. */
    static List<Query> lokiQueries() throws IOException {
        var result = new ArrayList<Query>();
        for (String uid : UIDS) {
            for (JsonNode panel : load(uid).path("panels")) {
                if (!panel.path("datasource").path("type").asText().equals("loki")) continue;
                for (JsonNode target : panel.path("targets")) result.add(new Query(uid, panel.path("title").asText(), target.path("expr").asText()));
            }
        }
        return result;
    }

    private static final Pattern METRIC = Pattern.compile("\\b((?:sidewatch|jvm|process)_[a-z0-9_]+|up)\\b(\\{[^}]*})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern BY = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");

    /** A metric name in an expression with its label matchers. */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /** {@code label op "value"}. */
    record LabelMatcher(String label, String op, String value) {
    }

    static List<Selector> selectors(String expr) {
        var result = new ArrayList<Selector>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            var matchers = new ArrayList<LabelMatcher>();
            if (m.group(2) != null) {
                Matcher l = MATCHER.matcher(m.group(2));
                while (l.find()) matchers.add(new LabelMatcher(l.group(1), l.group(2), l.group(3)));
            }
            result.add(new Selector(m.group(1), matchers));
        }
        return result;
    }

    /** The labels of every {@code by (...)} / {@code without (...)} clause. */
    static List<String> groupingLabels(String expr) {
        var result = new ArrayList<String>();
        Matcher m = BY.matcher(expr);
        while (m.find()) {
            for (String label : m.group(1).split(",")) if (!label.isBlank()) result.add(label.strip());
        }
        return result;
    }
}
