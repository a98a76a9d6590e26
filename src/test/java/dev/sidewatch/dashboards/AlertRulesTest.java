package dev.sidewatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules: valid for promtool, named and labelled as SPEC 9 says, every runbook link
 * naming a section of docs/runbooks.md, and {@code promtool test rules} passing alerts_test.yml.
 */
class AlertRulesTest {
    static final Path RULES = Path.of("dashboards/prometheus/alerts.yml");
    static final Path RULE_TESTS = Path.of("dashboards/prometheus/alerts_test.yml");
    static final Path RUNBOOKS = Path.of("docs/runbooks.md");
    static final List<String> ALERTS = List.of("PermissionDenialSpike", "AuthFailureSpike", "HighServerErrorRatio",
            "SidewatchExportFailing", "SidewatchBufferFilling", "SidewatchDroppingEvents", "SidewatchDown");

    @Test
    void promtoolChecksTheRules() throws Exception {
        var result = Promtool.run("check", "rules", RULES.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 7 rules found");
    }

    @Test
    void promtoolRuleTestsPass() throws Exception {
        var result = Promtool.run("test", "rules", RULE_TESTS.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertOfSpec9WithItsLabelsAnnotationsAndRunbook() throws Exception {
        JsonNode rules = rules();
        String runbooks = Files.readString(RUNBOOKS);
        var names = new ArrayList<String>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            names.add(name);
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("page", "ticket");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                assertThat(rule.path("annotations").path(annotation).asText()).as(name + " " + annotation).isNotBlank();
            }
            String anchor = name.toLowerCase();
            assertThat(rule.path("annotations").path("runbook_url").asText()).isEqualTo("docs/runbooks.md#" + anchor);
            // a GitHub-style anchor: the heading is the alert name
            assertThat(runbooks).as("runbook section for " + name).containsPattern("(?m)^## " + Pattern.quote(name) + "$");
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(severity(rules, "SidewatchExportFailing")).isEqualTo("ticket");
        assertThat(severity(rules, "SidewatchBufferFilling")).isEqualTo("ticket");
        assertThat(severity(rules, "PermissionDenialSpike")).isEqualTo("page");
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        JsonNode tests = new ObjectMapper(new YAMLFactory()).readTree(RULE_TESTS.toFile()).path("tests");
        var fired = new ArrayList<String>();
        var quiet = new ArrayList<String>();
        for (JsonNode test : tests) {
            for (JsonNode eval : test.path("alert_rule_test")) {
                (eval.path("exp_alerts").isEmpty() ? quiet : fired).add(eval.path("alertname").asText());
            }
        }
        assertThat(fired).containsAll(ALERTS);
        assertThat(quiet).containsAll(ALERTS);
    }

    /** Every rule of every group of alerts.yml. */
    static JsonNode rules() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        var all = new ObjectMapper().createArrayNode();
        for (JsonNode group : doc.path("groups")) all.addAll((ArrayNode) group.path("rules"));
        return all;
    }

    private static String severity(JsonNode rules, String alert) {
        for (JsonNode rule : rules) if (rule.path("alert").asText().equals(alert)) return rule.path("labels").path("severity").asText();
        return null;
    }
}
