package dev.sidewatch.exporter;

import dev.sidewatch.config.OtlpExporterConfig;
import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which endpoint, headers and resource attributes the OTLP exporter uses (docs/otlp.md, "Configuration"). */
class OtlpSettingsTest {
    private static OtlpExporterConfig config(String endpoint, OtlpProtocol protocol, Map<String, String> headers) {
        return new OtlpExporterConfig(endpoint, protocol, headers, Duration.ofSeconds(3));
    }

    @Test
    void nothingConfigured_meansNoOtlpExport() {
        assertThat(OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of())).isNull();
    }

    @Test
    void otelEndpoint_getsTheSignalPathsAppended() {
        var s = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"));
        assertThat(s.logsEndpoint()).isEqualTo(URI.create("http://collector:4318/v1/logs"));
        assertThat(s.tracesEndpoint()).isEqualTo(URI.create("http://collector:4318/v1/traces"));
        assertThat(s.protocol()).isEqualTo(OtlpProtocol.HTTP_PROTOBUF);
    }

    @Test
    void signalEndpoints_areUsedAsGiven_andWinOverTheBase() {
        var s = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://logs.example/ingest",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example/otlp/v1/traces"));
        assertThat(s.logsEndpoint()).isEqualTo(URI.create("https://logs.example/ingest"));
        assertThat(s.tracesEndpoint()).isEqualTo(URI.create("https://traces.example/otlp/v1/traces"));
    }

    @Test
    void onlyALogsEndpoint_leavesTracesOff() {
        var s = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://c:4318/v1/logs"));
        assertThat(s.tracesEndpoint()).isNull();
    }

    @Test
    void configEndpoint_winsOverTheEnvironment() {
        var s = OtlpSettings.resolve(config("http://configured:4318", OtlpProtocol.HTTP_PROTOBUF, Map.of()),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4318", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://env-logs:4318/v1/logs"));
        assertThat(s.logsEndpoint()).isEqualTo(URI.create("http://configured:4318/v1/logs"));
        assertThat(s.tracesEndpoint()).isEqualTo(URI.create("http://configured:4318/v1/traces"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void grpcEndpoints_areUsedWithoutPaths() {
        var s = OtlpSettings.resolve(config("http://collector:4317", OtlpProtocol.GRPC, Map.of()), Map.of());
        assertThat(s.logsEndpoint()).isEqualTo(URI.create("http://collector:4317"));
        assertThat(s.tracesEndpoint()).isEqualTo(URI.create("http://collector:4317"));
    }

    @Test
    void headers_envThenSignalEnvThenConfig_laterWinning() {
        var s = OtlpSettings.resolve(config(null, OtlpProtocol.HTTP_PROTOBUF, Map.of("x-team", "from-config")), Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Basic%20dXNlcjpwYXNz, x-team=env ,x-plus=a+b",
                "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-signal=logs"));
        assertThat(s.logsHeaders()).containsExactlyInAnyOrderEntriesOf(Map.of("authorization", "Basic dXNlcjpwYXNz",
                "x-team", "from-config", "x-plus", "a+b", "x-signal", "logs"));
        assertThat(s.tracesHeaders()).doesNotContainKey("x-signal").containsEntry("x-team", "from-config");
        assertThat(s.toString()).doesNotContain("dXNlcjpwYXNz");
    }

    @Test
    void resourceAttributes_arePercentDecoded() {
        var s = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_RESOURCE_ATTRIBUTES", "service.namespace=shop,k8s.pod.name=api-7f9c,note=a%3Db%2Cc"));
        assertThat(s.resourceAttributes()).containsExactlyInAnyOrderEntriesOf(
                Map.of("service.namespace", "shop", "k8s.pod.name", "api-7f9c", "note", "a=b,c"));
    }

    @Test
    void malformedVariables_areNamed_withoutEchoingHeaderValues() {
        assertThatThrownBy(() -> OtlpSettings.resolve(OtlpExporterConfig.DEFAULT,
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS", "authorization secret-token")))
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_HEADERS: expected key=value").hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_ENDPOINT: expected an http:// or https:// URL");
        assertThatThrownBy(() -> OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "ftp://x/v1/logs")))
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT:");
    }

    @Test
    void otelProtocolAndTimeout_applyWhereTheConfigKeepsItsDefault_signalVariableFirst() {
        var s = OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "2500"));
        assertThat(s.protocol()).isEqualTo(OtlpProtocol.GRPC);
        assertThat(s.logsEndpoint()).as("gRPC takes the base as it is").hasToString("http://c:4317");
        assertThat(s.timeout()).isEqualTo(java.time.Duration.ofMillis(2500));

        var configured = OtlpSettings.resolve(new OtlpExporterConfig("http://c:4317", OtlpProtocol.GRPC, Map.of(), java.time.Duration.ofSeconds(3)),
                Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_TIMEOUT", "2500"));
        assertThat(configured.protocol()).as("the config wins").isEqualTo(OtlpProtocol.GRPC);
        assertThat(configured.timeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    }

    @Test
    void malformedOtelProtocolOrTimeout_isAnErrorNamingTheVariable() {
        assertThatThrownBy(() -> OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_PROTOCOL:").hasMessageContaining("OTLP/JSON");
        assertThatThrownBy(() -> OtlpSettings.resolve(OtlpExporterConfig.DEFAULT, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "10s"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT:");
    }
}
