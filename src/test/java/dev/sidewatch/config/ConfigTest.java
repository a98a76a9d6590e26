package dev.sidewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service name precedence of SPEC section 3: --service, OTEL_SERVICE_NAME, config, unknown_service. */
class ConfigTest {

    private static final Config WITH_SERVICE = withService("from-config");
    private static final Map<String, String> OTEL_ENV = Map.of("OTEL_SERVICE_NAME", "from-otel");

    @Test
    void resolveService_cliFlagWinsOverEverything() {
        assertThat(WITH_SERVICE.resolveService("from-cli", OTEL_ENV)).isEqualTo("from-cli");
    }

    @Test
    void resolveService_otelServiceNameWinsOverConfig() {
        assertThat(WITH_SERVICE.resolveService(null, OTEL_ENV)).isEqualTo("from-otel");
    }

    @Test
    void resolveService_configWinsOverTheFallback() {
        assertThat(WITH_SERVICE.resolveService(null, Map.of())).isEqualTo("from-config");
    }

    @Test
    void resolveService_fallsBackToUnknownService() {
        assertThat(Config.DEFAULT.resolveService(null, Map.of())).isEqualTo("unknown_service");
    }

    @Test
    void resolveService_blankValuesCountAsAbsent() {
        assertThat(WITH_SERVICE.resolveService("  ", Map.of("OTEL_SERVICE_NAME", ""))).isEqualTo("from-config");
        assertThat(withService(" ").resolveService("", Map.of())).isEqualTo("unknown_service");
    }

    @Test
    void resolveService_trimsTheWinner() {
        assertThat(Config.DEFAULT.resolveService(" api ", Map.of())).isEqualTo("api");
    }

    @Test
    void resolveService_sidewatchServiceVariableIsTheConfigLevel() throws ConfigException {
        Map<String, String> env = Map.of("SIDEWATCH_SERVICE", "from-sidewatch-env");

        Config config = ConfigLoader.load(null, env);

        assertThat(config.resolveService(null, env)).isEqualTo("from-sidewatch-env");
        assertThat(config.resolveService(null, Map.of("OTEL_SERVICE_NAME", "from-otel"))).isEqualTo("from-otel");
    }

    @Test
    void defaults_matchSpecSection3() {
        assertThat(Config.DEFAULT.service()).isNull();
        assertThat(Config.DEFAULT.receivers().http().listen()).hasToString("127.0.0.1:4318");
        assertThat(Config.DEFAULT.receivers().tcp().listen()).hasToString("127.0.0.1:5170");
        assertThat(Config.DEFAULT.receivers().files()).isEmpty();
        assertThat(Config.DEFAULT.admin().listen()).hasToString("0.0.0.0:9464");
        assertThat(Config.DEFAULT.exporters().otlp().endpoint()).isNull();
    }

    private static Config withService(String service) {
        Config d = Config.DEFAULT;
        return new Config(service, d.receivers(), d.admin(), d.levels(), d.redaction(), d.traces(), d.exporters(),
                d.buffer(), d.denialSpike(), d.metrics(), d.shutdown());
    }
}
