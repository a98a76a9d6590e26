package dev.sidewatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboards and provisioning files as SPEC 9 and the issue describe them (their queries run in AlertingLiveIT). */
class DashboardsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void threeDashboards_withUidTitleAndTheDatasourceAndServiceVariables() throws Exception {
        for (String uid : Dashboards.UIDS) {
            JsonNode d = Dashboards.load(uid);
            assertThat(d.path("uid").asText()).isEqualTo(uid).startsWith("sidewatch-");
            assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
            var variables = new ArrayList<String>();
            for (JsonNode v : d.path("templating").path("list")) variables.add(v.path("name").asText());
            assertThat(variables).as(uid).contains("datasource", "service");
            JsonNode datasource = variable(d, "datasource");
            assertThat(datasource.path("type").asText()).isEqualTo("datasource");
            assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
            JsonNode service = variable(d, "service");
            assertThat(service.path("query").path("query").asText()).matches("label_values\\(sidewatch_[a-z_]+, service\\)");
            assertThat(service.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            for (JsonNode panel : d.path("panels")) {
                String type = panel.path("datasource").path("type").asText();
                assertThat(type).as(uid + " " + panel.path("title")).isIn("prometheus", "loki");
                assertThat(panel.path("datasource").path("uid").asText()).isIn("${datasource}", "${logs}");
                assertThat(panel.path("targets")).as(uid + " " + panel.path("title")).isNotEmpty();
                assertThat(panel.path("type").asText()).isIn("timeseries", "stat", "table", "logs");
            }
        }
    }

    @Test
    void thePanelsTheIssueAsksFor() throws Exception {
        assertThat(titles("sidewatch-permission-denials")).contains("Denials by service", "Denials by permission type",
                "Denials by source", "Spike state", "Top services", "Auth failures by service", "Recent denials");
        assertThat(titles("sidewatch-service-health")).contains("Requests by status class", "5xx ratio",
                "Latency p50, p95, p99", "Log volume by severity", "Exceptions");
        assertThat(titles("sidewatch-pipeline")).contains("Received", "Rejected by reason", "Exported", "Export failures",
                "Buffer fill against capacity", "Dropped events", "JVM heap", "GC pauses", "Process memory and CPU");
        var loki = Dashboards.lokiQueries();
        assertThat(loki).filteredOn(q -> q.panel().equals("Recent denials")).singleElement()
                .satisfies(q -> assertThat(q.expr()).contains("event_name=\"permission.denied\"", "permission_resource",
                        "permission_type", "trace_id=", "{{__line__}}"));
    }

    @Test
    void datasources_fixedUids_traceIdsLinkToTempo_andTempoLinksBackToLoki() throws Exception {
        JsonNode file = YAML.readTree(Path.of("dashboards/grafana/provisioning/datasources/datasources.yaml").toFile());
        JsonNode prometheus = datasource(file, "prometheus");
        JsonNode loki = datasource(file, "loki");
        JsonNode tempo = datasource(file, "tempo");
        assertThat(prometheus.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(loki.path("url").asText()).isEqualTo("http://loki:3100");
        assertThat(tempo.path("url").asText()).isEqualTo("http://tempo:3200");
        assertThat(loki.path("jsonData").path("derivedFields")).isNotEmpty().allSatisfy(field -> {
            assertThat(field.path("datasourceUid").asText()).isEqualTo("tempo");
            assertThat(field.path("url").asText()).isEqualTo("$${__value.raw}");
        });
        // the regex field matches what the log panels print
        String regex = loki.path("jsonData").path("derivedFields").get(1).path("matcherRegex").asText();
        assertThat(java.util.regex.Pattern.compile(regex).matcher("FileSystemRead /etc/x trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg").find()).isTrue();
        JsonNode toLogs = tempo.path("jsonData").path("tracesToLogsV2");
        assertThat(toLogs.path("datasourceUid").asText()).isEqualTo("loki");
        assertThat(toLogs.path("query").asText()).contains("trace_id", "${__trace.traceId}");

        JsonNode providers = YAML.readTree(Path.of("dashboards/grafana/provisioning/dashboards/dashboards.yaml").toFile());
        JsonNode provider = providers.path("providers").get(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) if (v.path("name").asText().equals(name)) return v;
        throw new AssertionError("no variable " + name);
    }

    private static JsonNode datasource(JsonNode file, String uid) {
        for (JsonNode d : file.path("datasources")) if (d.path("uid").asText().equals(uid)) return d;
        throw new AssertionError("no datasource with uid " + uid);
    }

    private static List<String> titles(String uid) throws Exception {
        var titles = new ArrayList<String>();
        for (JsonNode panel : Dashboards.load(uid).path("panels")) titles.add(panel.path("title").asText());
        return titles;
    }
}
