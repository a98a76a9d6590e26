package dev.sidewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.config.LevelsConfig.FromStatus;
import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import dev.sidewatch.config.StdoutExporterConfig.Toggle;
import dev.sidewatch.config.TracesConfig.Synthesize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every case under {@code src/test/resources/testdata/config/<case>/}: {@code config.yaml}
 * must load, or fail with exactly the lines of {@code errors.txt}, where {@code ${file}} stands
 * for the config file's path. Run with {@code -Dsidewatch.golden.update=true} to rewrite the
 * {@code errors.txt} files from the actual output; the run then fails so that an update is
 * always reviewed, never passed silently.
 */
class ConfigTestdataTest {

    static final Path TESTDATA = Path.of("src/test/resources/testdata/config");
    private static final boolean UPDATE = Boolean.getBoolean("sidewatch.golden.update");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(TESTDATA)) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void testdataCase_reportsExactlyTheExpectedErrors(String name) throws IOException {
        Path dir = TESTDATA.resolve(name);
        Path config = dir.resolve("config.yaml");
        Path expectedFile = dir.resolve("errors.txt");

        List<String> actual = errorLines(config);

        if (UPDATE) {
            if (actual.isEmpty()) {
                Files.deleteIfExists(expectedFile);
            } else {
                Files.writeString(expectedFile, String.join("\n", actual) + "\n");
            }
            fail("updated " + expectedFile + "; review the diff and run again without sidewatch.golden.update");
        }
        List<String> expected = Files.exists(expectedFile)
                ? Files.readAllLines(expectedFile).stream().filter(line -> !line.isBlank()).toList()
                : List.of();
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void full_equalsSpecSection7() throws ConfigException {
        Config config = ConfigLoader.load(TESTDATA.resolve("full/config.yaml"), Map.of());

        assertThat(config).isEqualTo(new Config(
                "api",
                new ReceiversConfig(
                        new HttpReceiverConfig(new HostPort("127.0.0.1", 4318), null, 8388608),
                        new TcpReceiverConfig(new HostPort("127.0.0.1", 5170)),
                        List.of(new FileReceiverConfig("/var/log/app/*.log", "api", StartAt.BEGINNING, FileFormat.AUTO))),
                new AdminConfig(new HostPort("0.0.0.0", 9464)),
                new LevelsConfig(FromStatus.MAX),
                new RedactionConfig(true, List.of(), List.of(), List.of()),
                new TracesConfig(Synthesize.AUTO),
                new ExportersConfig(
                        new OtlpExporterConfig(null, OtlpProtocol.HTTP_PROTOBUF, Map.of(), Duration.ofSeconds(10)),
                        new StdoutExporterConfig(Toggle.AUTO)),
                new BufferConfig(Path.of("./data"), 268435456),
                new DenialSpikeConfig(Duration.ofMinutes(5), 10, 3),
                new MetricsConfig(2000),
                new ShutdownConfig(Duration.ofSeconds(10))));
    }

    @Test
    void full_differsFromDefaultsOnlyInServiceAndFiles() throws ConfigException {
        Config config = ConfigLoader.load(TESTDATA.resolve("full/config.yaml"), Map.of());

        assertThat(new Config(null, new ReceiversConfig(config.receivers().http(), config.receivers().tcp(), List.of()),
                config.admin(), config.levels(), config.redaction(), config.traces(), config.exporters(),
                config.buffer(), config.denialSpike(), config.metrics(), config.shutdown()))
                .isEqualTo(Config.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"empty", "comments_only", "empty_sections"})
    void emptyOrMissingValues_giveAllDefaults(String name) throws ConfigException {
        assertThat(ConfigLoader.load(TESTDATA.resolve(name).resolve("config.yaml"), Map.of())).isEqualTo(Config.DEFAULT);
    }

    @Test
    void noFile_givesAllDefaults() throws ConfigException {
        assertThat(ConfigLoader.load(null, Map.of())).isEqualTo(Config.DEFAULT);
    }

    @Test
    void everyForm_readsEachSpelling() throws ConfigException {
        Config config = ConfigLoader.load(TESTDATA.resolve("every_form/config.yaml"), Map.of());

        assertThat(config.service()).isEqualTo("checkout");
        assertThat(config.receivers().http()).isEqualTo(
                new HttpReceiverConfig(new HostPort("::1", 4318), "s3cret", 8L << 20));
        assertThat(config.receivers().tcp().listen()).isEqualTo(new HostPort("localhost", 0));
        assertThat(config.receivers().files()).containsExactly(
                new FileReceiverConfig("/var/log/app/*.log", null, StartAt.BEGINNING, FileFormat.AUTO),
                new FileReceiverConfig("/var/log/containers/*_checkout_*.log", "checkout", StartAt.END, FileFormat.CRI));
        assertThat(config.levels().fromStatus()).isEqualTo(FromStatus.OVERRIDE);
        assertThat(config.redaction()).isEqualTo(new RedactionConfig(false, List.of("session_id"),
                List.of("ssn", "pin"), List.of("\\b\\d{3}-\\d{2}-\\d{4}\\b")));
        assertThat(config.traces().synthesize()).isEqualTo(Synthesize.NEVER);
        assertThat(config.exporters()).isEqualTo(new ExportersConfig(
                new OtlpExporterConfig("https://collector.example:4318", OtlpProtocol.GRPC,
                        Map.of("Authorization", "Bearer abc", "x-scope-orgid", "1"), Duration.ofMillis(500)),
                new StdoutExporterConfig(Toggle.FALSE)));
        assertThat(config.buffer()).isEqualTo(new BufferConfig(Path.of("/var/lib/sidewatch"), 1L << 30));
        assertThat(config.denialSpike()).isEqualTo(new DenialSpikeConfig(Duration.ofHours(1), 1, 1.5));
        assertThat(config.metrics().maxSeries()).isEqualTo(1);
        assertThat(config.shutdown().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    private static List<String> errorLines(Path config) {
        try {
            ConfigLoader.load(config, Map.of());
            return List.of();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors().stream().map(ConfigError::toString).toList()));
            assertThat(e.getStackTrace()).isEmpty();
            return e.errors().stream().map(error -> error.toString().replace(config.toString(), "${file}")).toList();
        }
    }
}
