package dev.sidewatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sidewatch.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * SPEC 9's deployment files, which no test here can start (no image can be pulled): they parse, every
 * file they mount exists, and ports, paths, service names and metric endpoints agree across
 * docker-compose.yaml, the Prometheus and Alertmanager configs, the collector config, the Grafana
 * provisioning, the sidewatch config and the Dockerfile. Real checkers where the machine has them:
 * docker-compose config, promtool check config, amtool check-config, sidewatch validate.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    /** How a script that starts sidewatch sets the image's glibc arena cap. */
    private static final Pattern ARENAS = Pattern.compile("(?m)^export MALLOC_ARENA_MAX=2\\b");

    private static JsonNode yaml(String path) throws IOException {
        Path file = ROOT.resolve(path);
        assertThat(file).as(path).isRegularFile();
        return YAML.readTree(file.toFile());
    }

    private static JsonNode compose() throws IOException {
        return yaml("docker-compose.yaml").path("services");
    }

    /** The host-side path of a bind mount with the given container path, in one compose service. */
    private static String mountSource(JsonNode service, String target) {
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[1].equals(target)) return parts[0];
        }
        throw new AssertionError("no volume mounted at " + target + " in " + service);
    }

    private static String hostPort(String url) {
        return url.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
    }

    @Test
    void compose_hasTheServicesOfTheStack_withPinnedImages() throws IOException {
        JsonNode services = compose();
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("app", "sidewatch", "otel-collector", "prometheus", "alertmanager",
                "grafana", "loki", "tempo");
        services.forEach(service -> {
            String image = service.path("image").asText();
            assertThat(image).as("image of %s", service).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest");
        });
        assertThat(services.at("/otel-collector/image").asText()).startsWith("otel/opentelemetry-collector-contrib:");
    }

    @Test
    void compose_everyBindMountedFileExists() throws IOException {
        List<String> sources = new ArrayList<>();
        compose().forEach(service -> service.path("volumes").forEach(v -> sources.add(v.asText().split(":")[0])));
        List<String> binds = sources.stream().filter(s -> s.startsWith("./")).toList();
        assertThat(binds).hasSizeGreaterThanOrEqualTo(10);
        for (String source : binds) assertThat(ROOT.resolve(source)).as(source).exists();
        for (JsonNode service : compose()) {
            JsonNode build = service.path("build");
            if (!build.isMissingNode()) assertThat(ROOT.resolve(build.path("dockerfile").asText())).isRegularFile();
        }
    }

    @Test
    void sidewatch_sharesTheAppsNetworkNamespace_andReadsItsLogVolume() throws IOException {
        JsonNode services = compose();
        JsonNode sidewatch = services.path("sidewatch");
        JsonNode app = services.path("app");
        assertThat(sidewatch.path("network_mode").asText()).isEqualTo("service:app");
        assertThat(sidewatch.path("ports").isMissingNode()).as("ports of a shared namespace are published by app").isTrue();
        assertThat(app.path("ports").toString()).contains("9464:9464");
        assertThat(mountSource(sidewatch, "/var/log/app")).isEqualTo(mountSource(app, "/var/log/app")).isEqualTo("app-logs");
        assertThat(mountSource(sidewatch, "/etc/sidewatch/sidewatch.yaml")).isEqualTo("./deploy/sidewatch.yaml");
        assertThat(sidewatch.path("command").toString()).contains("/etc/sidewatch/sidewatch.yaml");

        JsonNode config = yaml("deploy/sidewatch.yaml");
        assertThat(config.at("/receivers/files/0/path").asText()).startsWith("/var/log/app/");
        assertThat(config.at("/admin/listen").asText()).endsWith(":9464");
        // the app's log file is where run-logged.sh writes it
        assertThat(Files.readString(ROOT.resolve("examples/node-service/Dockerfile"))).contains("LOG_FILE=/var/log/app/app.log");
    }

    @Test
    void sidewatchConfigs_areValid() {
        for (String config : List.of("deploy/sidewatch.yaml", "deploy/aot-training.yaml")) {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            int exit = new Cli(Map.of(), new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8),
                    Clock.systemUTC()).run(new String[] {"validate", "--config", ROOT.resolve(config).toString()});
            assertThat(exit).as("%s: %s", config, err).isZero();
        }
    }

    @Test
    void sidewatchExportsToTheCollector_whichSendsLogsToLokiAndTracesToTempo() throws IOException {
        JsonNode services = compose();
        String endpoint = services.at("/sidewatch/environment/OTEL_EXPORTER_OTLP_ENDPOINT").asText();
        assertThat(endpoint).isEqualTo("http://otel-collector:4318");
        JsonNode collector = yaml("otel-config/collector.yaml");
        assertThat(collector.at("/receivers/otlp/protocols/http/endpoint").asText()).isEqualTo("0.0.0.0:4318");
        assertThat(collector.at("/receivers/otlp/protocols/grpc/endpoint").asText()).isEqualTo("0.0.0.0:4317");
        assertThat(collector.at("/extensions/health_check/endpoint").asText()).endsWith(":13133");
        assertThat(services.at("/otel-collector/ports").toString()).contains("13133");
        assertThat(mountSource(services.path("otel-collector"), "/etc/otelcol-contrib/config.yaml")).isEqualTo("./otel-config/collector.yaml");

        JsonNode pipelines = collector.at("/service/pipelines");
        assertThat(pipelines.path("logs").path("exporters").toString()).contains("otlphttp/loki", "debug");
        assertThat(pipelines.path("traces").path("exporters").toString()).contains("otlp/tempo", "debug");
        for (JsonNode pipeline : pipelines) {
            for (String kind : List.of("receivers", "processors", "exporters")) {
                for (JsonNode name : pipeline.path(kind)) {
                    assertThat(collector.path(kind).has(name.asText())).as("%s %s is defined", kind, name).isTrue();
                }
            }
            JsonNode processors = pipeline.path("processors");
            assertThat(processors.get(0).asText()).isEqualTo("memory_limiter");
            assertThat(processors.get(processors.size() - 1).asText()).isEqualTo("batch");
        }
        assertThat(collector.at("/service/extensions").toString()).contains("health_check");

        assertThat(collector.at("/exporters/otlphttp~1loki/endpoint").asText()).isEqualTo("http://loki:3100/otlp");
        assertThat(yaml("deploy/compose/loki.yaml").at("/server/http_listen_port").asInt()).isEqualTo(3100);
        assertThat(collector.at("/exporters/otlp~1tempo/endpoint").asText()).isEqualTo("tempo:4317");
        assertThat(yaml("deploy/compose/tempo.yaml").at("/distributor/receivers/otlp/protocols/grpc/endpoint").asText())
                .endsWith(":4317");
    }

    @Test
    void prometheus_scrapesSidewatchAsJobSidewatch_loadsTheShippedRules_andAlertsToAlertmanager() throws IOException {
        JsonNode prometheus = yaml("dashboards/prometheus/prometheus.yml");
        JsonNode job = null;
        for (JsonNode j : prometheus.path("scrape_configs")) if (j.path("job_name").asText().equals("sidewatch")) job = j;
        assertThat(job).as("job sidewatch (the rules' SidewatchDown reads up{job=\"sidewatch\"})").isNotNull();
        assertThat(job.at("/static_configs/0/targets/0").asText()).isEqualTo("app:9464");
        assertThat(Files.readString(ROOT.resolve("dashboards/prometheus/alerts.yml"))).contains("up{job=\"sidewatch\"}");
        assertThat(prometheus.at("/alerting/alertmanagers/0/static_configs/0/targets/0").asText()).isEqualTo("alertmanager:9093");
        assertThat(compose().at("/alertmanager/ports").toString()).contains("9093");
        for (JsonNode rules : prometheus.path("rule_files")) {
            assertThat(ROOT.resolve("dashboards/prometheus").resolve(rules.asText())).isRegularFile();
            assertThat(mountSource(compose().path("prometheus"), "/etc/prometheus/" + rules.asText()))
                    .isEqualTo("./dashboards/prometheus/" + rules.asText());
        }
    }

    @Test
    void grafana_isProvisionedFromDashboards_withDatasourcesAtTheComposeServices() throws IOException {
        JsonNode grafana = compose().path("grafana");
        assertThat(grafana.at("/environment/GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("true");
        assertThat(grafana.at("/environment/GF_AUTH_ANONYMOUS_ORG_ROLE").asText()).isEqualTo("Viewer");
        JsonNode provider = yaml("dashboards/grafana/provisioning/dashboards/dashboards.yaml").at("/providers/0/options/path");
        assertThat(mountSource(grafana, provider.asText())).isEqualTo("./dashboards/grafana/dashboards");
        String home = grafana.at("/environment/GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertThat(ROOT.resolve("dashboards/grafana/dashboards").resolve(Path.of(home).getFileName())).isRegularFile();

        Map<String, String> ports = Map.of("prometheus", "9090", "loki", "3100", "tempo", "3200");
        for (JsonNode source : yaml("dashboards/grafana/provisioning/datasources/datasources.yaml").path("datasources")) {
            String hostPort = hostPort(source.path("url").asText());
            String service = hostPort.split(":")[0];
            assertThat(compose().has(service)).as("datasource %s names a compose service", hostPort).isTrue();
            assertThat(hostPort.split(":")[1]).isEqualTo(ports.get(service));
        }
        assertThat(yaml("deploy/compose/tempo.yaml").at("/server/http_listen_port").asInt()).isEqualTo(3200);
    }

    @Test
    void dockerfile_buildsWithMavenAndRunsAJreAsANumericUser_throughJvmOptions_withACurlFreeHealthcheck() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        List<String> from = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).contains("maven:").contains(" AS build");
        assertThat(from.get(1)).contains("-jre").doesNotContain("jdk");
        assertThat(dockerfile).containsPattern("(?m)^USER [0-9]+:[0-9]+$")
                .contains("COPY deploy/jvm.options deploy/jvm.options")
                .contains("ENTRYPOINT [\"java\", \"@deploy/jvm.options\", \"-XX:AOTCache=sidewatch.aot\", \"-jar\", \"sidewatch.jar\"]")
                .containsPattern("HEALTHCHECK[^\\n]*\\\\\\n\\s+CMD \\[\"java\", \"@deploy/jvm.options\", \"-XX:AOTCache=sidewatch.aot\", \"-jar\", \"sidewatch.jar\", \"health\"\\]")
                .containsPattern("(?m)^ENV MALLOC_ARENA_MAX=2$");
        assertThat(dockerfile.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.contains("curl") || l.contains("wget"));
        for (String copied : List.of("pom.xml", "src", "deploy/jvm.options", "deploy/aot-training.yaml", "examples/logs")) assertThat(ROOT.resolve(copied)).exists();
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).filteredOn(l -> !l.startsWith("#"))
                .noneMatch(l -> l.startsWith("deploy") || l.startsWith("src") || l.startsWith("pom") || l.startsWith("examples")
                        || l.startsWith("preload"));
    }

    @Test
    void composeSidewatch_boundsGlibcArenas_asTheImageDoes() throws IOException {
        assertThat(compose().at("/sidewatch/environment/MALLOC_ARENA_MAX").asText()).isEqualTo("2");
    }

    @Test
    void jvmOptions_isAnArgFile_withAReasonAboveEveryFlag() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("deploy/jvm.options"));
        List<String> flags = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(flags).isNotEmpty().allSatisfy(flag -> assertThat(flag).startsWith("-").doesNotContain(" "));
        for (int i = 0; i < lines.size(); i++) {
            if (flags.contains(lines.get(i))) assertThat(lines.get(i - 1)).as("comment above %s", lines.get(i)).startsWith("#");
        }
        assertThat(flags).anySatisfy(flag -> assertThat(flag).startsWith("-Xmx"));
    }

    /** Every script that starts the jar does it through deploy/jvm.options, with the image's MALLOC_ARENA_MAX. */
    @Test
    void everyScriptLaunchingTheJar_usesJvmOptions() throws IOException {
        Pattern javaJar = Pattern.compile("\\bjava\\b([^\\n]*?)-jar\\b");
        List<String> checked = new ArrayList<>();
        try (Stream<Path> files = Stream.of("examples", "bench", "scripts").flatMap(d -> list(ROOT.resolve(d)))) {
            for (Path script : files.filter(f -> f.toString().endsWith(".sh")).toList()) {
                String text = Files.readString(script);
                Matcher m = javaJar.matcher(text);
                boolean launches = false;
                while (m.find()) {
                    launches = true;
                    checked.add(script.getFileName() + ":" + m.group());
                    assertThat(m.group(1)).as("%s: %s", script, m.group()).contains("@deploy/jvm.options");
                }
                if (launches) assertThat(text).as("%s sets the image's environment", script).containsPattern(ARENAS);
            }
        }
        assertThat(checked).hasSizeGreaterThanOrEqualTo(5);
        // bench/e2e.sh starts the jar from bench/e2e.py, which passes its environment on
        assertThat(Files.readString(ROOT.resolve("bench/e2e.sh"))).containsPattern(ARENAS);
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), output).isZero();
        return output;
    }

    private static void assumeInstalled(String tool) {
        Assumptions.assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool))),
                tool + " is not installed (scripts/test.sh installs it)");
    }

    @Test
    void dockerCompose_acceptsTheFile() throws Exception {
        assumeInstalled("docker-compose");
        String config = run("docker-compose", "-f", "docker-compose.yaml", "config");
        assertThat(config).contains("network_mode: service:app");
    }

    @Test
    void promtool_andAmtool_acceptTheConfigs() throws Exception {
        assumeInstalled("promtool");
        assertThat(run("promtool", "check", "config", "dashboards/prometheus/prometheus.yml")).contains("SUCCESS");
        assumeInstalled("amtool");
        assertThat(run("amtool", "check-config", "dashboards/alertmanager/alertmanager.yml")).contains("SUCCESS");
    }
}
