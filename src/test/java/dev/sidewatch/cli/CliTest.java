package dev.sidewatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC section 2: commands, output streams and exit codes. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String stdin, String... argv) {
        var cli = new Cli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), NormalizeGoldenTest.FIXED);
        return cli.run(argv);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void version_printsTheVersionAndExitsZero() {
        assertThat(run(Map.of(), "", "--version")).isZero();
        assertThat(stdout()).startsWith("sidewatch ").doesNotContain("unknown");
    }

    @Test
    void help_listsEveryCommand() {
        assertThat(run(Map.of(), "", "--help")).isZero();
        assertThat(stdout()).contains("run", "normalize", "validate", "--version");
    }

    @Test
    void unknownCommandOrOption_isUsageErrorTwo_withoutStackTrace() {
        assertThat(run(Map.of(), "", "frobnicate")).isEqualTo(2);
        assertThat(stderr()).contains("unknown command 'frobnicate'").doesNotContain("\tat ");
        err.reset();
        assertThat(run(Map.of(), "", "normalize", "--bogus")).isEqualTo(2);
        assertThat(stderr()).contains("unknown option --bogus");
    }

    @Test
    void normalize_readsStdinWithoutFiles_andUsesServiceFlag() {
        assertThat(run(Map.of(), "{\"level\":50,\"msg\":\"boom\"}\nplain\n", "normalize", "--service", "api"))
                .as(this::stderr).isZero();
        assertThat(stdout().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"service\":\"api\""));
        assertThat(stdout()).contains("\"source\":{\"receiver\":\"stdin\",\"offset\":0}");
    }

    @Test
    void normalize_serviceFromOtelServiceName_whenNoFlag() {
        assertThat(run(Map.of("OTEL_SERVICE_NAME", "checkout"), "x\n", "normalize")).isZero();
        assertThat(stdout()).contains("\"service\":\"checkout\"");
    }

    @Test
    void normalize_missingFile_isRuntimeFailureOne_butOtherFilesAreStillRead(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.log"), "hello\n");
        assertThat(run(Map.of(), "", "normalize", dir.resolve("missing.log").toString(), good.toString())).isEqualTo(1);
        assertThat(stderr()).contains("cannot read").contains("missing.log");
        assertThat(stdout()).contains("\"message\":\"hello\"");
    }

    @Test
    void normalize_honoursConfigLevelsAndRedaction(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("c.yaml"), "levels: {from_status: off}\nredaction: {enabled: false}\n");
        String line = "{\"level\":30,\"method\":\"GET\",\"path\":\"/x\",\"statusCode\":500,\"password\":\"p\"}\n";
        assertThat(run(Map.of(), line, "normalize", "--config", config.toString())).isZero();
        assertThat(stdout()).contains("\"severity\":\"INFO\"").contains("\"password\":\"p\"");
    }

    @Test
    void validate_goodConfig_exitsZero(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("ok.yaml"), "service: api\nmetrics: {max_series: 100}\n");
        assertThat(run(Map.of(), "", "validate", "--config", config.toString())).isZero();
    }

    @Test
    void validate_badConfig_exitsTwo_listingEveryProblemWithItsKeyPath(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yaml"),
                "receivers:\n  http: {listne: x}\nmetrics: {max_series: lots}\nshutdown: {timeout: soon}\n");
        assertThat(run(Map.of(), "", "validate", "--config", config.toString())).isEqualTo(2);
        assertThat(stderr()).contains("receivers.http.listne", "metrics.max_series", "shutdown.timeout")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void validate_withoutConfig_isUsageError() {
        assertThat(run(Map.of(), "", "validate")).isEqualTo(2);
        assertThat(stderr()).contains("validate needs --config FILE");
    }

    @Test
    void invalidEnvironmentOverride_isConfigErrorForNormalizeToo() {
        assertThat(run(Map.of("SIDEWATCH_LEVELS__FROM_STATUS", "sometimes"), "", "normalize")).isEqualTo(2);
        assertThat(stderr()).contains("levels.from_status");
    }
}
