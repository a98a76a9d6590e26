package dev.sidewatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes/: every manifest parses, and what each references exists and agrees. */
class DeploymentManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path DIR = ROOT.resolve("deploy/kubernetes");
    private static final Map<String, JsonNode> BY_KIND_AND_NAME = new HashMap<>();

    @BeforeAll
    static void parseEveryManifest() throws IOException {
        for (JsonNode resource : YAML.readTree(DIR.resolve("kustomization.yaml").toFile()).path("resources")) {
            Path file = DIR.resolve(resource.asText());
            assertThat(file).isRegularFile();
            try (var parser = YAML.getFactory().createParser(file.toFile())) {
                for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                    assertThat(doc.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
                    BY_KIND_AND_NAME.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
                }
            }
        }
        assertThat(BY_KIND_AND_NAME).containsKeys("Deployment/demo-api", "Service/demo-api", "ConfigMap/sidewatch-config",
                "Deployment/otel-gateway", "Service/otel-gateway", "HorizontalPodAutoscaler/otel-gateway",
                "ConfigMap/otel-gateway-config", "PodMonitor/sidewatch", "PrometheusRule/sidewatch");
    }

    private static JsonNode get(String key) {
        return BY_KIND_AND_NAME.get(key);
    }

    private static JsonNode sidecar() {
        return get("Deployment/demo-api").at("/spec/template/spec/initContainers/0");
    }

    @Test
    void sidewatch_isANativeSidecar_withProbesOnHealthzAndReadyz_andResources() {
        JsonNode sidecar = sidecar();
        assertThat(sidecar.path("name").asText()).isEqualTo("sidewatch");
        assertThat(sidecar.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(sidecar.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(sidecar.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(sidecar.at("/ports/0/containerPort").asInt()).isEqualTo(9464);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(sidecar.at("/" + probe + "/httpGet/port").asText()).isEqualTo(sidecar.at("/ports/0/name").asText());
        }
        assertThat(sidecar.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(sidecar.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(sidecar.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
        Map<String, String> env = new HashMap<>();
        sidecar.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(env).as("as the image sets it").containsEntry("MALLOC_ARENA_MAX", "2");
    }

    @Test
    void sidecarAndApp_shareTheLogEmptyDir_andTheConfigMapIsTheSidewatchConfig() throws IOException {
        JsonNode pod = get("Deployment/demo-api").at("/spec/template/spec");
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        for (JsonNode container : containers) {
            for (JsonNode mount : container.path("volumeMounts")) {
                assertThat(volumes).as("volume %s of %s", mount.path("name"), container.path("name")).containsKey(mount.path("name").asText());
            }
        }
        assertThat(volumes.get("app-logs").has("emptyDir")).isTrue();
        assertThat(containers).allSatisfy(c -> assertThat(c.path("volumeMounts").toString()).contains("/var/log/app"));
        assertThat(sidecar().path("args").toString()).contains("/etc/sidewatch/sidewatch.yaml");
        assertThat(volumes.get("sidewatch-config").at("/configMap/name").asText()).isEqualTo("sidewatch-config");
        assertThat(get("ConfigMap/sidewatch-config").at("/data/sidewatch.yaml").asText())
                .isEqualTo(Files.readString(ROOT.resolve("deploy/sidewatch.yaml")));
        assertThat(get("ConfigMap/otel-gateway-config").at("/data/config.yaml").asText())
                .isEqualTo(Files.readString(ROOT.resolve("otel-config/collector.yaml")));
        // the app's labels are what the Service and the PodMonitor select
        JsonNode labels = get("Deployment/demo-api").at("/spec/template/metadata/labels");
        get("PodMonitor/sidewatch").at("/spec/selector/matchLabels").fields()
                .forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
        get("Service/demo-api").at("/spec/selector").fields()
                .forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }

    @Test
    void podMonitor_scrapesTheSidecarsAdminPort_asJobSidewatch() {
        JsonNode endpoint = get("PodMonitor/sidewatch").at("/spec/podMetricsEndpoints/0");
        assertThat(endpoint.path("port").asText()).isEqualTo(sidecar().at("/ports/0/name").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        assertThat(endpoint.path("relabelings").toString()).contains("\"targetLabel\":\"job\"", "\"replacement\":\"sidewatch\"");
    }

    @Test
    void prometheusRule_hasExactlyTheShippedRuleGroups() throws IOException {
        JsonNode shipped = YAML.readTree(ROOT.resolve("dashboards/prometheus/alerts.yml").toFile());
        assertThat(shipped.path("groups").size()).isPositive();
        assertThat(get("PrometheusRule/sidewatch").at("/spec/groups")).isEqualTo(shipped.path("groups"));
    }

    @Test
    void sidecarsExportToTheGateway_whichScalesWithAnHpa() {
        String endpoint = sidecar().path("env").findValues("value").get(0).asText();
        assertThat(endpoint).isEqualTo("http://otel-gateway:4318");
        assertThat(get("Service/otel-gateway").at("/spec/ports").toString()).contains("\"port\":4318");
        JsonNode gateway = get("Deployment/otel-gateway").at("/spec/template/spec/containers/0");
        assertThat(gateway.path("image").asText()).startsWith("otel/opentelemetry-collector-contrib:");
        assertThat(gateway.at("/resources/requests/cpu").asText()).as("the HPA's utilisation needs a CPU request").isNotEmpty();
        assertThat(gateway.at("/readinessProbe/httpGet/port").asText()).isEqualTo("health");
        JsonNode hpa = get("HorizontalPodAutoscaler/otel-gateway");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("otel-gateway");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void generatedManifests_areWhatGenerateShWrites() throws Exception {
        Map<String, String> committed = new HashMap<>();
        for (String file : List.of("prometheusrule.yaml", "configmaps.yaml")) committed.put(file, Files.readString(DIR.resolve(file)));
        Process process = new ProcessBuilder("bash", DIR.resolve("generate.sh").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        for (var e : committed.entrySet()) {
            assertThat(Files.readString(DIR.resolve(e.getKey()))).as("%s is stale: run bash deploy/kubernetes/generate.sh", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }
}
