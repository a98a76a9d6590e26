package dev.sidewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.config.LevelsConfig.FromStatus;
import dev.sidewatch.config.StdoutExporterConfig.Toggle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code SIDEWATCH_<PATH>} overrides and {@code SIDEWATCH_<PATH>_FILE} secrets. */
class ConfigLoaderEnvTest {

    @TempDir
    Path dir;

    @Test
    void envOverride_nestedKeyWins() throws Exception {
        Path file = yaml("receivers:\n  http:\n    listen: \"127.0.0.1:4318\"\n    max_body_bytes: 1024\n");

        Config config = ConfigLoader.load(file, Map.of("SIDEWATCH_RECEIVERS__HTTP__LISTEN", "0.0.0.0:4318"));

        assertThat(config.receivers().http().listen()).isEqualTo(new HostPort("0.0.0.0", 4318));
        assertThat(config.receivers().http().maxBodyBytes()).as("sibling keys from the file stay").isEqualTo(1024);
    }

    @Test
    void envOverride_appliesWithoutAConfigFile() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(
                "SIDEWATCH_SERVICE", "api",
                "SIDEWATCH_LEVELS__FROM_STATUS", "override",
                "SIDEWATCH_DENIAL_SPIKE__MIN_COUNT", "25"));

        assertThat(config.service()).isEqualTo("api");
        assertThat(config.levels().fromStatus()).isEqualTo(FromStatus.OVERRIDE);
        assertThat(config.denialSpike().minCount()).isEqualTo(25);
    }

    @Test
    void envOverride_textIsReadAsTheKeysType() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(
                "SIDEWATCH_METRICS__MAX_SERIES", "500",
                "SIDEWATCH_REDACTION__ENABLED", "FALSE",
                "SIDEWATCH_DENIAL_SPIKE__FACTOR", "2.5",
                "SIDEWATCH_SHUTDOWN__TIMEOUT", "30s",
                "SIDEWATCH_BUFFER__MAX_BYTES", "1GiB",
                "SIDEWATCH_EXPORTERS__STDOUT__ENABLED", "true",
                "SIDEWATCH_RECEIVERS__FILES__0__START_AT", "END",
                "SIDEWATCH_RECEIVERS__FILES__0__PATH", "/var/log/*.log"));

        assertThat(config.metrics().maxSeries()).isEqualTo(500);
        assertThat(config.redaction().enabled()).isFalse();
        assertThat(config.denialSpike().factor()).isEqualTo(2.5);
        assertThat(config.shutdown().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.buffer().maxBytes()).isEqualTo(1L << 30);
        assertThat(config.exporters().stdout().enabled()).isEqualTo(Toggle.TRUE);
        assertThat(config.receivers().files()).containsExactly(
                new FileReceiverConfig("/var/log/*.log", null, StartAt.END, FileReceiverConfig.DEFAULT_FORMAT));
    }

    @Test
    void envOverride_listIsCommaSeparated() throws Exception {
        Path file = yaml("redaction:\n  extra_keys: [card]\n");

        Config config = ConfigLoader.load(file, Map.of("SIDEWATCH_REDACTION__EXTRA_KEYS", "ssn, pin,"));

        assertThat(config.redaction().extraKeys()).as("the whole list is replaced").containsExactly("ssn", "pin");
    }

    @Test
    void envOverride_listInYamlFlowStyleKeepsCommas() throws Exception {
        Config config = ConfigLoader.load(null,
                Map.of("SIDEWATCH_REDACTION__EXTRA_PATTERNS", "['\\d{3,4}', 'x-[a-z]+']"));

        assertThat(config.redaction().extraPatterns()).containsExactly("\\d{3,4}", "x-[a-z]+");
    }

    @Test
    void envOverride_listEntryByIndex() throws Exception {
        Path file = yaml("receivers:\n  files:\n    - {path: /a.log}\n");

        Config config = ConfigLoader.load(file, Map.of(
                "SIDEWATCH_RECEIVERS__FILES__0__SERVICE", "api",
                "SIDEWATCH_RECEIVERS__FILES__1__PATH", "/b.log",
                "SIDEWATCH_REDACTION__ALLOW_KEYS__0", "token_type"));

        assertThat(config.receivers().files()).extracting(FileReceiverConfig::path, FileReceiverConfig::service)
                .containsExactly(tuple("/a.log", "api"),
                        tuple("/b.log", null));
        assertThat(config.redaction().allowKeys()).containsExactly("token_type");
    }

    @Test
    void envOverride_mapIsKeyValuePairs() throws Exception {
        Path file = yaml("exporters:\n  otlp:\n    headers: {x-old: \"1\"}\n");

        Config config = ConfigLoader.load(file, Map.of("SIDEWATCH_EXPORTERS__OTLP__HEADERS",
                "Authorization=Basic%20dXNlcjpwYXNz==, x-scope-orgid=tenant-1"));

        assertThat(config.exporters().otlp().headers()).as("split at the first '=', values percent-decoded")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "Authorization", "Basic dXNlcjpwYXNz==",
                        "x-scope-orgid", "tenant-1"));
    }

    @Test
    void envOverride_mapEntryByKeyIsAdded() throws Exception {
        Path file = yaml("exporters:\n  otlp:\n    headers: {x-scope-orgid: \"1\"}\n");

        Config config = ConfigLoader.load(file, Map.of("SIDEWATCH_EXPORTERS__OTLP__HEADERS__AUTHORIZATION", "Bearer t"));

        assertThat(config.exporters().otlp().headers())
                .containsExactlyInAnyOrderEntriesOf(Map.of("x-scope-orgid", "1", "authorization", "Bearer t"));
    }

    @Test
    void envOverride_emptyValueIsIgnored() throws Exception {
        Path file = yaml("service: api\n");

        Config config = ConfigLoader.load(file, Map.of("SIDEWATCH_SERVICE", "", "SIDEWATCH_NOT_A_KEY", ""));

        assertThat(config.service()).isEqualTo("api");
    }

    @Test
    void envOverride_otherVariablesAreIgnored() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(
                "PATH", "/usr/bin",
                "OTEL_SERVICE_NAME", "otel-api",
                "SIDEWATCHFOO", "1",
                "sidewatch_service", "lower-case prefix is not ours"));

        assertThat(config).isEqualTo(Config.DEFAULT);
    }

    @Test
    void envOverride_unknownKeyIsAnErrorNamingTheVariable() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_FOO", "1"));

        assertThat(e.errors()).containsExactly(new ConfigError("foo", "unknown key (from env SIDEWATCH_FOO)"));
    }

    @Test
    void envOverride_unknownNestedKeyIsAnError() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS__HTTP__LISTNE", "0.0.0.0:4318"));

        assertThat(e.getMessage()).isEqualTo(
                "receivers.http.listne: unknown key (did you mean \"listen\"?) (from env SIDEWATCH_RECEIVERS__HTTP__LISTNE)");
    }

    @Test
    void envOverride_badValueIsAnErrorNamingTheVariable() {
        ConfigException e = loadFailing(null, Map.of(
                "SIDEWATCH_METRICS__MAX_SERIES", "lots",
                "SIDEWATCH_EXPORTERS__OTLP__HEADERS", "no-equals-sign"));

        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "exporters.otlp.headers: expected key=value pairs separated by commas; entry 1 is not key=value"
                        + " (from env SIDEWATCH_EXPORTERS__OTLP__HEADERS)",
                "metrics.max_series: expected an integer, got \"lots\" (from env SIDEWATCH_METRICS__MAX_SERIES)");
    }

    @Test
    void envOverride_singleUnderscoreBetweenLevelsIsAnUnknownKey() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS_HTTP_LISTEN", "0.0.0.0:4318"));

        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("receivers_http_listen");
    }

    @Test
    void envOverride_emptyLevelIsAnError() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS____HTTP", "x"));

        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.path()).isEqualTo("SIDEWATCH_RECEIVERS____HTTP");
            assertThat(error.reason()).startsWith("not a config variable");
        });
    }

    @Test
    void envOverride_listIndexSkippingEntriesIsAnError() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS__FILES__2__PATH", "/a.log"));

        assertThat(e.getMessage()).isEqualTo("receivers.files[2].path: index 2 skips entries: receivers.files has 0,"
                + " so the next index is 0 (from env SIDEWATCH_RECEIVERS__FILES__2__PATH)");
    }

    @Test
    void envOverride_listOfMappingsFromOneVariableIsAnError() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS__FILES", "/var/log/*.log"));

        assertThat(e.getMessage()).isEqualTo("receivers.files: a list of mappings cannot come from one variable;"
                + " set each entry's keys instead, like SIDEWATCH_RECEIVERS__FILES__0__PATH"
                + " (from env SIDEWATCH_RECEIVERS__FILES)");
    }

    @Test
    void envOverride_keyInsideAScalarFromTheFileIsAnError() throws IOException {
        Path file = yaml("receivers: none\n");

        ConfigException e = loadFailing(file, Map.of("SIDEWATCH_RECEIVERS__HTTP__LISTEN", "0.0.0.0:4318"));

        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "receivers.http.listen: cannot set a key inside receivers, which the config file sets to \"none\""
                        + " (from env SIDEWATCH_RECEIVERS__HTTP__LISTEN)",
                "receivers: expected a mapping, got \"none\"");
    }

    @Test
    void envOverride_variableForAKeyAndOneInsideItIsAnError() {
        ConfigException e = loadFailing(null, Map.of(
                "SIDEWATCH_EXPORTERS__OTLP__HEADERS", "a=1",
                "SIDEWATCH_EXPORTERS__OTLP__HEADERS__B", "2"));

        assertThat(e.errors()).containsExactly(new ConfigError("exporters.otlp.headers.b",
                "set by both SIDEWATCH_EXPORTERS__OTLP__HEADERS and SIDEWATCH_EXPORTERS__OTLP__HEADERS__B; use one"));
    }

    @Test
    void fileSecret_contentsBecomeTheValue() throws Exception {
        Path token = write("token", "s3cret-token\n");

        Config config = ConfigLoader.load(null,
                Map.of("SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", token.toString()));

        assertThat(config.receivers().http().authToken()).isEqualTo("s3cret-token");
    }

    @Test
    void fileSecret_onlyTrailingNewlinesAreStripped() throws Exception {
        Path token = write("token", " two words \r\n\n");

        Config config = ConfigLoader.load(null,
                Map.of("SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", token.toString()));

        assertThat(config.receivers().http().authToken()).isEqualTo(" two words ");
    }

    @Test
    void fileSecret_winsOverTheConfigFile() throws Exception {
        Path file = yaml("receivers:\n  http:\n    auth_token: from-yaml\n");
        Path token = write("token", "from-secret\n");

        Config config = ConfigLoader.load(file,
                Map.of("SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", token.toString()));

        assertThat(config.receivers().http().authToken()).isEqualTo("from-secret");
    }

    @Test
    void fileSecret_worksForAnyKey() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(
                "SIDEWATCH_SERVICE_FILE", write("service", "billing\n").toString(),
                "SIDEWATCH_EXPORTERS__OTLP__HEADERS_FILE", write("headers", "Authorization=Bearer abc\n").toString(),
                "SIDEWATCH_METRICS__MAX_SERIES_FILE", write("series", "42").toString()));

        assertThat(config.service()).isEqualTo("billing");
        assertThat(config.exporters().otlp().headers()).containsExactlyEntriesOf(Map.of("Authorization", "Bearer abc"));
        assertThat(config.metrics().maxSeries()).isEqualTo(42);
    }

    @Test
    void fileSecret_missingFileIsAnErrorNamingTheVariable() {
        String missing = dir.resolve("nope").toString();

        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", missing));

        assertThat(e.errors()).containsExactly(new ConfigError("receivers.http.auth_token", "file \"" + missing
                + "\" does not exist (from env SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE)"));
    }

    @Test
    void fileSecret_directoryOrEmptyFileIsAnError() throws IOException {
        ConfigException e = loadFailing(null, Map.of(
                "SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", dir.toString(),
                "SIDEWATCH_SERVICE_FILE", write("empty", "\n").toString()));

        assertThat(e.errors()).extracting(ConfigError::reason).containsExactly(
                "file \"" + dir + "\" is a directory (from env SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE)",
                "file \"" + dir.resolve("empty") + "\" is empty (from env SIDEWATCH_SERVICE_FILE)");
    }

    @Test
    void fileSecret_andPlainVariableForTheSameKeyIsAnError() throws IOException {
        ConfigException e = loadFailing(null, Map.of(
                "SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN", "plain",
                "SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", write("token", "secret").toString()));

        assertThat(e.errors()).containsExactly(new ConfigError("receivers.http.auth_token",
                "set by both SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN and SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE; use one"));
    }

    @Test
    void fileSecret_forAnUnknownKeyIsAnError() throws IOException {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_FOO_FILE", write("foo", "1").toString()));

        assertThat(e.errors()).containsExactly(new ConfigError("foo", "unknown key (from env SIDEWATCH_FOO_FILE)"));
    }

    @Test
    void errors_fromFileAndEnvAreAllReportedAtOnce() throws IOException {
        Path file = yaml("receivers:\n  http:\n    listne: x\nmetrics: {max_series: 0}\n");

        ConfigException e = loadFailing(file, Map.of(
                "SIDEWATCH_FOO", "1",
                "SIDEWATCH_SHUTDOWN__TIMEOUT", "soon",
                "SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE", dir.resolve("missing").toString()));

        assertThat(e.getMessage()).isEqualTo(String.join("\n",
                "receivers.http.auth_token: file \"" + dir.resolve("missing")
                        + "\" does not exist (from env SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN_FILE)",
                "receivers.http.listne: unknown key (did you mean \"listen\"?)",
                "metrics.max_series: must be at least 1, got 0",
                "shutdown.timeout: expected a duration such as 500ms, 10s, 5m or 1h, got \"soon\""
                        + " (from env SIDEWATCH_SHUTDOWN__TIMEOUT)",
                "foo: unknown key (from env SIDEWATCH_FOO)"));
    }

    @Test
    void errors_neverEchoSecrets() throws IOException {
        Path file = yaml("receivers:\n  http:\n    auth_token: 12345678\nexporters:\n  otlp:\n"
                + "    headers: {Authorization: 98765}\n");

        ConfigException e = loadFailing(file, Map.of());

        assertThat(e.getMessage()).doesNotContain("12345678", "98765").contains(
                "receivers.http.auth_token: expected a string, got a number (put it in quotes)",
                "exporters.otlp.headers.Authorization: expected a string, got a number (put it in quotes)");
    }

    @Test
    void missingConfigFile_isAnErrorNamingTheFile() {
        Path missing = dir.resolve("sidewatch.yaml");

        ConfigException e = loadFailing(missing, Map.of());

        assertThat(e.errors()).containsExactly(
                new ConfigError(missing.toString(), "cannot read the config file: it does not exist"));
    }

    @Test
    void configException_hasNoStackTrace() {
        ConfigException e = loadFailing(null, Map.of("SIDEWATCH_FOO", "1"));

        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getCause()).isNull();
    }

    @Test
    void toString_neverShowsSecrets() throws Exception {
        Config config = ConfigLoader.load(null, Map.of(
                "SIDEWATCH_RECEIVERS__HTTP__AUTH_TOKEN", "tok-123",
                "SIDEWATCH_EXPORTERS__OTLP__HEADERS", "Authorization=Bearer hdr-456"));

        assertThat(config.toString()).doesNotContain("tok-123", "hdr-456").contains("Authorization");
    }

    private static ConfigException loadFailing(Path file, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env));
    }

    private Path yaml(String text) throws IOException {
        return write("config.yaml", text);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
