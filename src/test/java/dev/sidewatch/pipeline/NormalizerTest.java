package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC section 4, one behaviour per test, on lines printed by the real loggers (FORMATS.md). */
class NormalizerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    private static final Normalizer.Origin ORIGIN = new Normalizer.Origin("api", null, null);
    private final List<String> redactions = new ArrayList<>();
    private final Normalizer normalizer = new Normalizer(StatusLevelPolicy.MAX, Redactor.defaults(), CLOCK, redactions::add);

    private Event line(String text) {
        return normalizer.normalize(LogLine.of(text), ORIGIN);
    }

    private Event block(String text) {
        var out = new ArrayList<LogLine>();
        var joiner = new NodeErrorJoiner(out::add);
        text.lines().forEach(l -> joiner.accept(LogLine.of(l)));
        joiner.flush();
        assertThat(out).as("joined into one record").hasSize(1);
        return normalizer.normalize(out.getFirst(), ORIGIN);
    }

    @Test
    void pinoDefault_mapsLevelTimeMessageAndKeepsTheRest() {
        Event e = line("{\"level\":40,\"time\":1795303183874,\"pid\":4025,\"hostname\":\"vm\",\"msg\":\"disk 91% full\"}");
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.severityNumber()).isEqualTo(13);
        assertThat(e.time()).isEqualTo(Instant.ofEpochMilli(1795303183874L));
        assertThat(e.observedTime()).isEqualTo(CLOCK.instant());
        assertThat(e.message()).isEqualTo("disk 91% full");
        assertThat(e.kind()).isEqualTo(Kind.LOG);
        assertThat(e.service()).isEqualTo("api");
        assertThat(e.attributes()).containsExactly(Map.entry("pid", 4025L), Map.entry("hostname", "vm"));
    }

    @ParameterizedTest(name = "level {0} -> {1} ({2})")
    @CsvSource({"10,TRACE,1", "20,DEBUG,5", "30,INFO,9", "40,WARN,13", "50,ERROR,17", "60,FATAL,21",
            "'\"silly\"',TRACE,1", "'\"verbose\"',DEBUG,5", "'\"http\"',DEBUG,5", "'\"information\"',INFO,9",
            "'\"notice\"',NOTICE,10", "'\"warning\"',WARN,13", "'\"err\"',ERROR,17", "'\"crit\"',ERROR,18",
            "'\"critical\"',ERROR,18", "'\"alert\"',ERROR,19", "'\"emerg\"',FATAL,21", "'\"panic\"',FATAL,21",
            "'\"WARN\"',WARN,13", "'{\"level\":40000,\"levelStr\":\"ERROR\",\"colour\":\"red\"}',ERROR,17",
            "'{\"level\":5000}',TRACE,1"})
    void sourceLevels_mapToSeverity(String level, Severity severity, int number) {
        Event e = line("{\"level\":" + level + ",\"msg\":\"x\"}");
        assertThat(e.severity()).isEqualTo(severity);
        assertThat(e.severityNumber()).isEqualTo(number);
        assertThat(e.attributes()).doesNotContainKey("level");
    }

    @Test
    void noLevelNoStatus_isInfo() {
        assertThat(line("{\"message\":\"hello\"}").severity()).isEqualTo(Severity.INFO);
        assertThat(line("plain text").severityNumber()).isEqualTo(9);
    }

    @ParameterizedTest(name = "status {0} -> {1}")
    @CsvSource({"200,INFO", "302,NOTICE", "404,WARN", "503,ERROR"})
    void statusRaisesLevel_getLogLevel(int status, Severity severity) {
        Event e = line("{\"level\":30,\"req\":{\"method\":\"GET\",\"url\":\"/x\"},\"res\":{\"statusCode\":" + status + "},\"responseTime\":3}");
        assertThat(e.severity()).isEqualTo(severity);
        assertThat(e.http().statusCode()).isEqualTo(status);
    }

    @Test
    void statusPolicy_maxKeepsTheMoreSevere_overrideReplaces_offIgnores() {
        String fatal404 = "{\"level\":60,\"method\":\"GET\",\"path\":\"/x\",\"statusCode\":404}";
        String debug500 = "{\"level\":20,\"method\":\"GET\",\"path\":\"/x\",\"statusCode\":500}";
        assertThat(line(fatal404).severity()).isEqualTo(Severity.FATAL);
        var override = new Normalizer(StatusLevelPolicy.OVERRIDE, Redactor.defaults(), CLOCK, r -> { });
        assertThat(override.normalize(LogLine.of(fatal404), ORIGIN).severity()).isEqualTo(Severity.WARN);
        var off = new Normalizer(StatusLevelPolicy.OFF, Redactor.defaults(), CLOCK, r -> { });
        assertThat(off.normalize(LogLine.of(debug500), ORIGIN).severity()).isEqualTo(Severity.DEBUG);
    }

    @Test
    void pinoHttp5xxWithErr_isHttpRequestWithError() {
        Event e = line("{\"level\":30,\"time\":1795301014224,\"req\":{\"id\":5,\"method\":\"GET\",\"url\":\"/boom\",\"remoteAddress\":\"127.0.0.1\",\"headers\":{\"user-agent\":\"curl/8.0\"}},\"res\":{\"statusCode\":500},\"err\":{\"type\":\"Error\",\"message\":\"failed with status code 500\",\"stack\":\"Error: failed\"},\"responseTime\":6,\"msg\":\"request errored\"}");
        assertThat(e.kind()).isEqualTo(Kind.HTTP_REQUEST);
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
        assertThat(e.http()).isEqualTo(new Event.HttpInfo("GET", "/boom", null, 500, 6.0, "127.0.0.1", "curl/8.0"));
        assertThat(e.error().message()).isEqualTo("failed with status code 500");
        assertThat(e.attributes()).containsEntry("req", Map.of("id", 5L));
    }

    @Test
    void durationMayBeAString() {
        Event e = line("{\"method\":\"POST\",\"path\":\"/orders\",\"status\":201,\"durationMs\":\"12.34\"}");
        assertThat(e.http().durationMs()).isEqualTo(12.34);
    }

    @Test
    void nonNumericStatus_isNotAnHttpStatus() {
        Event e = line("{\"msg\":\"job\",\"status\":\"done\"}");
        assertThat(e.http()).isNull();
        assertThat(e.attributes()).containsEntry("status", "done");
    }

    @Test
    void response401_isAuthFailure_andAuthenticationEventFailureToo() {
        assertThat(line("{\"method\":\"POST\",\"path\":\"/login\",\"statusCode\":401}").kind()).isEqualTo(Kind.AUTH_FAILURE);
        Event e = line("{\"level\":\"warn\",\"message\":\"login failed\",\"event\":{\"category\":\"authentication\",\"action\":\"login\",\"outcome\":\"failure\"},\"user\":{\"id\":\"u-42\"}}");
        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILURE);
        assertThat(e.event()).isEqualTo(new Event.EventInfo("authentication", "login", "failure", null));
        assertThat(e.user().id()).isEqualTo("u-42");
    }

    @Test
    void forbidden403_isHttpPermissionDenial() {
        Event e = line("{\"level\":30,\"req\":{\"method\":\"GET\",\"url\":\"/secret-check?x=1\"},\"res\":{\"statusCode\":403}}");
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("http.forbidden", "/secret-check", "http"));
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.attributes()).containsEntry("url.query", "x=1");
    }

    @Test
    void status403WithoutMethodOrPath_isNotARequest_soNotAnHttpDenial() {
        Event e = line("{\"msg\":\"upstream said no\",\"statusCode\":403}");
        assertThat(e.kind()).isEqualTo(Kind.LOG);
        assertThat(e.permission()).isNull();
        assertThat(e.severity()).isEqualTo(Severity.WARN);
    }

    @Test
    void pinoLoggedNodeDenial_isNodePermissionDenied() {
        Event e = line("{\"level\":50,\"err\":{\"type\":\"Error\",\"message\":\"Access to this API has been restricted\",\"stack\":\"Error: Access\",\"code\":\"ERR_ACCESS_DENIED\",\"permission\":\"FileSystemRead\",\"resource\":\"/srv/secret/token.txt\"},\"msg\":\"failed to read token\"}");
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("FileSystemRead", "/srv/secret/token.txt", "node"));
        assertThat(e.error().code()).isEqualTo("ERR_ACCESS_DENIED");
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void winstonHoistedDenialWithoutMessage_andErrorKeyVariant() {
        Event winston = line("{\"code\":\"ERR_ACCESS_DENIED\",\"level\":\"error\",\"permission\":\"FileSystemRead\",\"resource\":\"/srv/secret/token.txt\"}");
        assertThat(winston.permission()).isEqualTo(new Event.PermissionInfo("FileSystemRead", "/srv/secret/token.txt", "node"));
        Event pinoError = line("{\"level\":40,\"error\":{\"code\":\"ERR_ACCESS_DENIED\",\"permission\":\"ChildProcess\",\"resource\":\"\"},\"msg\":\"non-standard key\"}");
        assertThat(pinoError.permission()).isEqualTo(new Event.PermissionInfo("ChildProcess", null, "node"));
        assertThat(pinoError.severity()).isEqualTo(Severity.WARN);
    }

    @Test
    void node26NetDenial_readsPermissionFromErrno() {
        Event e = line("{\"level\":50,\"err\":{\"type\":\"Error\",\"message\":\"connect ERR_ACCESS_DENIED Access to this API has been restricted. Use --allow-net to manage permissions.\",\"errno\":{\"type\":\"Error\",\"code\":\"ERR_ACCESS_DENIED\",\"permission\":\"Net\",\"resource\":\"127.0.0.1\"},\"code\":\"ERR_ACCESS_DENIED\",\"syscall\":\"connect\",\"address\":\"127.0.0.1\",\"port\":59999},\"msg\":\"http denied\"}");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("Net", "127.0.0.1", "node"));
    }

    @Test
    void fetchDenialWithOnlyMessageText_isRecognisedFromTheFlag() {
        Event e = line("{\"level\":50,\"err\":{\"type\":\"TypeError\",\"message\":\"fetch failed: connect ERR_ACCESS_DENIED Access to this API has been restricted. Use --allow-net to manage permissions.\"},\"msg\":\"fetch denied\"}");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("Net", null, "node"));
    }

    @Test
    void uncaughtNode20Block_isOneDenialWithStack() {
        Event e = block("""
                node:internal/child_process:1109
                  const result = spawn_sync.spawn(options);
                                            ^

                Error: Access to this API has been restricted
                    at Object.spawnSync (node:internal/child_process:1109:29)
                    at node:internal/main/run_main_module:28:49 {
                  code: 'ERR_ACCESS_DENIED',
                  permission: 'ChildProcess',
                  resource: ''
                }

                Node.js v20.20.2""");
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("ChildProcess", null, "node"));
        assertThat(e.error().type()).isEqualTo("Error");
        assertThat(e.error().stack()).startsWith("Error: Access to this API has been restricted\n    at Object.spawnSync");
        assertThat(e.attributes()).containsEntry("node.version", "v20.20.2");
    }

    @Test
    void uncaughtNode26FetchBlock_takesPermissionFromNestedCause() {
        Event e = block("""
                node:internal/modules/run_main:111
                    triggerUncaughtException(
                    ^

                [TypeError: fetch failed] {
                  [cause]: Error: connect ERR_ACCESS_DENIED Access to this API has been restricted. Use --allow-net to manage permissions.
                      at internalConnect (node:net:1468:16) {
                    errno: Error: Access to this API has been restricted. Use --allow-net to manage permissions.
                        at internalConnect (node:net:1449:26) {
                      code: 'ERR_ACCESS_DENIED',
                      permission: 'Net',
                      resource: '127.0.0.1'
                    },
                    code: 'ERR_ACCESS_DENIED',
                    syscall: 'connect',
                    address: '127.0.0.1',
                    port: 59999
                  }
                }

                Node.js v26.10.0""");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("Net", "127.0.0.1", "node"));
        assertThat(e.error().type()).isEqualTo("TypeError");
        assertThat(e.message()).isEqualTo("fetch failed");
    }

    @Test
    void denoUncaughtColouredBlock_isDenoDenial() {
        Event e = block("\u001B[0m\u001B[1m\u001B[31merror\u001B[0m: Uncaught (in promise) NotCapable: Requires read access to \"/srv/secret/token.txt\", run again with the --allow-read flag\n"
                + "Deno.readTextFileSync(\"/srv/secret/token.txt\");\n"
                + "\u001B[0m\u001B[31m     ^\u001B[0m\n"
                + "    at \u001B[0m\u001B[1m\u001B[3mObject.<anonymous>\u001B[0m (file:///srv/app/deno_read.ts:1:6)\n");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("deno.read", "/srv/secret/token.txt", "deno"));
        assertThat(e.error().type()).isEqualTo("NotCapable");
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void denoCaughtJsonAndAuditRecord_areDenoDenials() {
        Event caught = line("{\"name\":\"NotCapable\",\"message\":\"Requires run access to \\\"ls\\\", run again with the --allow-run flag\"}");
        assertThat(caught.permission()).isEqualTo(new Event.PermissionInfo("deno.run", "ls", "deno"));
        assertThat(caught.service()).isEqualTo("api");
        Event audit = line("{\"v\":1,\"datetime\":\"2026-11-21T23:20:12Z\",\"permission\":\"env\",\"value\":\"HOME\"}");
        assertThat(audit.permission()).isEqualTo(new Event.PermissionInfo("deno.env", "HOME", "deno"));
        assertThat(audit.time()).isEqualTo(Instant.parse("2026-11-21T23:20:12Z"));
    }

    @Test
    void permissionModelChannelEvent_fromThePreload_isNodeDenial() {
        Event e = line("{\"channel\":\"node:permission-model:fs\",\"permission\":\"FileSystemRead\",\"resource\":\"/srv/secret/token.txt\"}");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("FileSystemRead", "/srv/secret/token.txt", "node"));
        assertThat(e.severity()).isEqualTo(Severity.WARN);
    }

    @Test
    void eaccesError_isOsDenialWithPath() {
        Event e = line("{\"level\":50,\"err\":{\"type\":\"Error\",\"message\":\"EACCES: permission denied, open '/etc/shadow'\",\"errno\":-13,\"code\":\"EACCES\",\"syscall\":\"open\",\"path\":\"/etc/shadow\"},\"msg\":\"open failed\"}");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("os.EACCES", "/etc/shadow", "os"));
    }

    @Test
    void appAuthorizationEventWithFailure_isAppDenial() {
        Event e = line("{\"level\":\"warn\",\"message\":\"no\",\"event\":{\"category\":\"iam\",\"action\":\"permission_denied\",\"outcome\":\"failure\"},\"resource\":\"orders/7\"}");
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("permission_denied", "orders/7", "app"));
        Event success = line("{\"event\":{\"category\":\"iam\",\"action\":\"grant\",\"outcome\":\"success\"}}");
        assertThat(success.permission()).isNull();
    }

    @Test
    void otelTraceFields_areTakenAsIs() {
        Event e = line("{\"level\":30,\"trace_id\":\"022f9e6758e14ecf7d8ee44e2f57f414\",\"span_id\":\"0caf4fb83d2e8c74\",\"trace_flags\":\"01\",\"msg\":\"pino inside span\"}");
        assertThat(e.traceId()).isEqualTo("022f9e6758e14ecf7d8ee44e2f57f414");
        assertThat(e.spanId()).isEqualTo("0caf4fb83d2e8c74");
        assertThat(e.attributes()).containsOnlyKeys("trace_flags");
    }

    @Test
    void datadogDecimalIdsAbove2pow53_areConvertedExactly() {
        Event e = line("{\"msg\":\"x\",\"dd\":{\"trace_id\":\"7302765747776730887\",\"span_id\":\"18446744073709551615\",\"service\":\"orders\"}}");
        assertThat(e.traceId()).isEqualTo("00000000000000006558a2c1821f3707");
        assertThat(e.spanId()).isEqualTo("ffffffffffffffff");
        assertThat(e.service()).isEqualTo("orders");
    }

    @Test
    void datadog128BitHexTraceId() {
        Event e = line("{\"msg\":\"x\",\"dd.trace_id\":\"6b022722000000007f137e5324defb06\",\"dd.span_id\":\"9156801362940328710\"}");
        assertThat(e.traceId()).isEqualTo("6b022722000000007f137e5324defb06");
        assertThat(e.spanId()).isEqualTo("7f137e5324defb06");
    }

    @Test
    void datadog128BitDecimalTraceId_isConvertedExactly_andOneBeyond128BitsIsKeptAsAnAttribute() {
        Event e = line("{\"msg\":\"x\",\"dd.trace_id\":\"142238573850435135965255229928890104582\",\"dd.span_id\":\"9156801362940328710\"}");
        assertThat(e.traceId()).isEqualTo("6b022722000000007f137e5324defb06");
        Event beyond = line("{\"msg\":\"x\",\"dd.trace_id\":\"340282366920938463463374607431768211456\"}");
        assertThat(beyond.traceId()).isNull();
        assertThat(beyond.attributes()).containsKey("dd.trace_id");
    }

    @Test
    void ecsTraceFields_andMalformedIdsStayAsAttributes() {
        assertThat(line("{\"trace\":{\"id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\"},\"span\":{\"id\":\"00f067aa0ba902b7\"}}").traceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        Event zero = line("{\"trace_id\":\"00000000000000000000000000000000\",\"span_id\":\"xyz\"}");
        assertThat(zero.traceId()).isNull();
        assertThat(zero.attributes()).containsKeys("trace_id", "span_id");
    }

    @Test
    void traceparentB3AndAwsHeaders_inRequestHeaders() {
        String tp = "{\"req\":{\"method\":\"GET\",\"url\":\"/\",\"headers\":{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}}}";
        assertThat(line(tp).traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(line(tp).spanId()).isEqualTo("b7ad6b7169203331");
        String b3 = "{\"req\":{\"headers\":{\"b3\":\"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90\"}}}";
        assertThat(line(b3).spanId()).isEqualTo("e457b5a2e4d86bd1");
        String b3multi = "{\"req\":{\"headers\":{\"X-B3-TraceId\":\"a3ce929d0e0e4736\",\"X-B3-SpanId\":\"00f067aa0ba902b7\"}}}";
        assertThat(line(b3multi).traceId()).isEqualTo("0000000000000000a3ce929d0e0e4736");
        String aws = "{\"req\":{\"headers\":{\"x-amzn-trace-id\":\"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1\"}}}";
        assertThat(line(aws).traceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(line(aws).spanId()).isEqualTo("53995c3f42cd8ad8");
    }

    @Test
    void recordServiceFieldsWin_overTheStreamDefault() {
        assertThat(line("{\"service\":\"orders\",\"message\":\"x\"}").service()).isEqualTo("orders");
        assertThat(line("{\"service\":{\"name\":\"billing\"},\"message\":\"x\"}").service()).isEqualTo("billing");
        assertThat(line("{\"name\":\"orders\",\"hostname\":\"vm\",\"pid\":1,\"level\":30,\"msg\":\"bunyan\",\"v\":0}").service()).isEqualTo("orders");
        assertThat(line("{\"message\":\"x\"}").service()).isEqualTo("api");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"time\":\"2026-11-21T23:19:43.880Z\"}|2026-11-21T23:19:43.880Z",
            "{\"timestamp\":\"2026-11-21T23:19:44.269+01:00\"}|2026-11-21T22:19:44.269Z",
            "{\"@timestamp\":\"2026-11-21T23:19:44.278Z\"}|2026-11-21T23:19:44.278Z",
            "{\"ts\":1795303183.5}|2026-11-21T23:19:43.500Z",
            "{\"time\":1795303183}|2026-11-21T23:19:43Z",
            "{\"time\":1795303183874123456}|2026-11-21T23:19:43.874123456Z",
            "{\"startTime\":\"2026-11-21T23:19:44.673\"}|2026-11-21T23:19:44.673Z"})
    void timestampForms(String json, String expected) {
        assertThat(line(json).time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void unparseableTime_staysAnAttribute_andObservedTimeIsUsed() {
        Event e = line("{\"time\":\"yesterday\",\"msg\":\"x\"}");
        assertThat(e.time()).isNull();
        assertThat(e.effectiveTime()).isEqualTo(CLOCK.instant());
        assertThat(e.attributes()).containsEntry("time", "yesterday");
    }

    @Test
    void morganCombined_isParsedIntoHttpRequest() {
        Event e = line("127.0.0.1 - - [21/Nov/2026:22:43:35 +0000] \"GET /boom HTTP/1.1\" 500 897 \"-\" \"curl/8.0\"");
        assertThat(e.kind()).isEqualTo(Kind.HTTP_REQUEST);
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-21T22:43:35Z"));
        assertThat(e.http()).isEqualTo(new Event.HttpInfo("GET", "/boom", null, 500, null, "127.0.0.1", "curl/8.0"));
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void morganDevWithAnsi_isStrippedAndParsed() {
        Event e = line("\u001B[0mGET /forbidden \u001B[33m403\u001B[0m 0.636 ms - 2\u001B[0m");
        assertThat(e.http()).isEqualTo(new Event.HttpInfo("GET", "/forbidden", null, 403, 0.636, null, null));
        assertThat(e.message()).isEqualTo("GET /forbidden 403 0.636 ms - 2");
    }

    @Test
    void winstonTextFormats() {
        Event simple = line("info: simple line {\"userId\":42}");
        assertThat(simple.message()).isEqualTo("simple line");
        assertThat(simple.user().id()).isEqualTo("42");
        Event colour = line("\u001B[33mwarn\u001B[39m: colored line");
        assertThat(colour.severity()).isEqualTo(Severity.WARN);
        Event printf = line("2026-11-21 23:19:44 [info]: printf line");
        assertThat(printf.time()).isEqualTo(Instant.parse("2026-11-21T23:19:44Z"));
        assertThat(printf.message()).isEqualTo("printf line");
    }

    @Test
    void redaction_sensitiveKeysAtAnyDepth_andSecretsInsideStrings() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        Event e = line("{\"msg\":\"Authorization: Bearer " + jwt + " from AKIAIOSFODNN7EXAMPLE\",\"password\":\"hunter2\","
                + "\"req\":{\"headers\":{\"cookie\":\"sid=1\",\"x-api-key\":\"k\"}},\"client_secret\":\"s\",\"authToken\":42,"
                + "\"nested\":[{\"sessionId\":\"abc\"}],\"pem\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----\"}");
        assertThat(e.message()).isEqualTo("Authorization: [REDACTED] from [REDACTED]");
        assertThat(e.attributes()).containsEntry("password", "[REDACTED]").containsEntry("client_secret", "[REDACTED]")
                .containsEntry("authToken", "[REDACTED]").containsEntry("pem", "[REDACTED]");
        assertThat(e.attributes().get("req")).isEqualTo(Map.of("headers", Map.of("cookie", "[REDACTED]", "x-api-key", "[REDACTED]")));
        assertThat(e.attributes().get("nested")).isEqualTo(List.of(Map.of("sessionId", "[REDACTED]")));
        assertThat(redactions).contains("key", "bearer", "aws_access_key", "pem_private_key");
    }

    @Test
    void redaction_allowKeysExtraKeysAndPatterns() {
        var custom = new Normalizer(StatusLevelPolicy.MAX,
                new Redactor(true, List.of("session"), List.of("ssn"), List.of("card-\\d{4}")), CLOCK, r -> { });
        Event e = custom.normalize(LogLine.of("{\"msg\":\"paid with card-1234\",\"session\":\"keep\",\"user_ssn\":\"123\"}"), ORIGIN);
        assertThat(e.message()).isEqualTo("paid with [REDACTED]");
        assertThat(e.attributes()).containsEntry("session", "keep").containsEntry("user_ssn", "[REDACTED]");
        var off = new Normalizer(StatusLevelPolicy.MAX, Redactor.DISABLED, CLOCK, r -> { });
        assertThat(off.normalize(LogLine.of("{\"password\":\"p\"}"), ORIGIN).attributes()).containsEntry("password", "p");
    }

    @Test
    void otlpSemconvException_flatAttributes_becomeTheError() {
        // instrumentation-pino sends a pino err as exception.* attributes (FORMATS.md 5.2)
        Event e = normalizer.normalizeFields(new java.util.LinkedHashMap<>(Map.of("level", "error", "message", "pino error inside span",
                "exception.type", "Error", "exception.message", "db down", "exception.stacktrace", "Error: db down\n    at /srv/app/app.js:27:21",
                "error.code", "ECONNREFUSED")), ORIGIN, null);
        assertThat(e.kind()).isEqualTo(Kind.EXCEPTION);
        assertThat(e.error()).isEqualTo(new Event.ErrorInfo("Error", "db down", "ECONNREFUSED", "Error: db down\n    at /srv/app/app.js:27:21"));
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void otlpSemconvException_nestedStacktrace_isTheStack() {
        Event e = line("{\"msg\":\"x\",\"exception\":{\"type\":\"TypeError\",\"message\":\"y\",\"stacktrace\":\"TypeError: y\"}}");
        assertThat(e.error()).isEqualTo(new Event.ErrorInfo("TypeError", "y", null, "TypeError: y"));
    }

    @Test
    void otlpSemconvHttpAttributes_makeAnHttpRequest() {
        Event e = normalizer.normalizeFields(new java.util.LinkedHashMap<>(Map.of("message", "GET /orders/7",
                "http.request.method", "GET", "http.response.status_code", 503L, "url.path", "/orders/7", "http.route", "/orders/:id",
                "client.address", "10.0.0.7", "user_agent.original", "curl/8.5", "enduser.id", "u-42")), ORIGIN, null);
        assertThat(e.kind()).isEqualTo(Kind.HTTP_REQUEST);
        assertThat(e.severity()).isEqualTo(Severity.ERROR);
        assertThat(e.http()).isEqualTo(new Event.HttpInfo("GET", "/orders/7", "/orders/:id", 503, null, "10.0.0.7", "curl/8.5"));
        assertThat(e.user()).isEqualTo(new Event.UserInfo("u-42"));
        assertThat(e.attributes()).isEmpty();
    }

    // --- the logging guide's recipe (shared/seeds/004 sections 5 and 8), as captured in testdata/normalize/node*-guide

    @Test
    void guideAuthFailed_evtIsTheEventAndMakesAnAuthFailureWithItsHttp() {
        Event e = line("{\"env\":\"production\",\"evt\":{\"category\":\"authentication\",\"name\":\"authFailed\",\"outcome\":\"failure\"},"
                + "\"hostname\":\"vm\",\"ip\":\"203.0.113.9, 10.0.0.1\",\"level\":\"warn\",\"message\":\"Auth failed\",\"service\":\"nodeserver\","
                + "\"timestamp\":\"2026-12-04T13:09:15.075Z\",\"url\":\"/api/getData?page=2\",\"userAgent\":\"guide-client/1.0\",\"version\":\"unknown\"}");
        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILURE);
        assertThat(e.event()).isEqualTo(new Event.EventInfo("authentication", "authFailed", "failure", null));
        assertThat(e.http()).isEqualTo(new Event.HttpInfo(null, "/api/getData", null, null, null, "203.0.113.9", "guide-client/1.0"));
        assertThat(e.service()).isEqualTo("nodeserver");
        assertThat(e.attributes()).containsOnlyKeys("env", "hostname", "version", "url.query").containsEntry("url.query", "page=2");
    }

    @Test
    void guideRouteLogger401_isAnAuthFailureWithUserAndStringDuration() {
        Event e = line("{\"contentType\":\"text/plain; charset=utf-8\",\"durationMs\":\"0.96\",\"ip\":\"::ffff:127.0.0.1\",\"level\":\"warn\","
                + "\"message\":\"Request completed\",\"method\":\"POST\",\"statusCode\":401,\"url\":\"/api/getData\",\"userAgent\":\"curl/8.5\",\"userId\":\"u-42\"}");
        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILURE);
        assertThat(e.severity()).isEqualTo(Severity.WARN);
        assertThat(e.http().durationMs()).isEqualTo(0.96);
        assertThat(e.http().clientIp()).isEqualTo("::ffff:127.0.0.1");
        assertThat(e.user()).isEqualTo(new Event.UserInfo("u-42"));
        assertThat(e.attributes()).containsOnlyKeys("contentType");
    }

    @Test
    void evtAuthorizationFailure_isAnAppDenialNamedByTheEvent() {
        Event e = line("{\"level\":\"warn\",\"message\":\"Brand check failed\",\"evt\":{\"tags\":[\"security\"],\"category\":\"authorization\","
                + "\"name\":\"brandDenied\",\"outcome\":\"failure\"},\"usr\":{\"id\":\"u-42\",\"brand\":\"other\"}}");
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("brandDenied", null, "app"));
        assertThat(e.event().tags()).containsExactly("security");
        assertThat(e.user()).isEqualTo(new Event.UserInfo("u-42"));
        assertThat(e.attributes()).containsOnly(Map.entry("usr", Map.of("brand", "other")));
    }

    @Test
    void evtSuccess_isALogEventWithItsUserAndTheRestOfUsrKept() {
        Event e = line("{\"level\":\"info\",\"message\":\"Survey completed\",\"evt\":{\"tags\":[\"survey\",\"customer-feedback\"],"
                + "\"category\":\"survey\",\"name\":\"surveyCompleted\",\"outcome\":\"success\",\"extra\":1},\"usr\":{\"email\":\"a@b.c\",\"caseId\":\"c-1\"}}");
        assertThat(e.kind()).isEqualTo(Kind.LOG);
        assertThat(e.event()).isEqualTo(new Event.EventInfo("survey", "surveyCompleted", "success", List.of("survey", "customer-feedback")));
        assertThat(e.user()).isNull();
        assertThat(e.attributes()).containsOnly(Map.entry("evt", Map.of("extra", 1L)), Map.entry("usr", Map.of("email", "a@b.c", "caseId", "c-1")));
    }

    @Test
    void guideCaughtDenial_errorMessageStackCodeIsANodeDenial() {
        Event e = line("{\"context\":{\"orderId\":\"o-1\",\"userId\":\"u-42\"},\"error\":{\"code\":\"ERR_ACCESS_DENIED\",\"message\":\"Access to this API has been restricted. "
                + "Use --allow-fs-read to manage permissions.\",\"stack\":\"Error: Access to this API has been restricted.\\n    at Object.openSync (node:fs:560:18)\"},"
                + "\"evt\":{\"category\":\"system\",\"name\":\"operationFailed\",\"outcome\":\"failure\"},\"level\":\"error\",\"message\":\"Operation failed\"}");
        assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(e.permission()).isEqualTo(new Event.PermissionInfo("FileSystemRead", null, "node"));
        assertThat(e.error().code()).isEqualTo("ERR_ACCESS_DENIED");
        assertThat(e.error().stack()).startsWith("Error: Access");
        assertThat(e.event().name()).isEqualTo("operationFailed");
        assertThat(e.attributes()).containsOnlyKeys("context");
    }

    @Test
    void ecsEventAction_countsAsTheName() {
        Event e = line("{\"message\":\"login\",\"event\":{\"category\":[\"authentication\"],\"action\":\"user-login\",\"outcome\":\"failure\"}}");
        assertThat(e.event()).isEqualTo(new Event.EventInfo("authentication", "user-login", "failure", null));
        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILURE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'\"user\":{\"id\":\"u-1\"}'", "'\"usr\":{\"id\":\"u-1\"}'", "'\"userId\":\"u-1\"'", "'\"user_id\":\"u-1\"'",
            "'\"enduser.id\":\"u-1\"'", "'\"enduser\":{\"id\":\"u-1\"}'"})
    void userId_isReadFromEveryNameTheLoggersUse(String field) {
        Event e = line("{\"msg\":\"x\"," + field + "}");
        assertThat(e.user()).isEqualTo(new Event.UserInfo("u-1"));
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void originalUrlAndForwardedForHeader_giveThePathAndTheFirstHop() {
        Event e = line("{\"msg\":\"done\",\"statusCode\":200,\"originalUrl\":\"/a/b?x=1\",\"req\":{\"headers\":{\"x-forwarded-for\":\"198.51.100.4, 10.0.0.2\",\"User-Agent\":\"k6/0.50\"}}}");
        assertThat(e.kind()).isEqualTo(Kind.HTTP_REQUEST);
        assertThat(e.http().path()).isEqualTo("/a/b");
        assertThat(e.http().clientIp()).isEqualTo("198.51.100.4");
        assertThat(e.http().userAgent()).isEqualTo("k6/0.50");
        assertThat(e.attributes()).containsEntry("url.query", "x=1");
    }

    @Test
    void barePathWithoutStatusOrMethod_staysAnAttribute() {
        Event e = line("{\"msg\":\"open failed\",\"path\":\"/etc/app.conf\"}");
        assertThat(e.http()).isNull();
        assertThat(e.attributes()).containsEntry("path", "/etc/app.conf");
    }
    @Test
    void aRecordOfMoreTokensThanTheCap_isKeptAsText_oneUnderItIsParsed() {
        String many = "{\"a\":[" + "{},".repeat(20_000) + "{}]}";
        Event text = line(many);
        assertThat(text.message()).isEqualTo(many);
        assertThat(text.attributes()).doesNotContainKey("a");
        int under = (int) (JsonRecordParser.MAX_TOKENS - 8) / 2;
        Event parsed = line("{\"msg\":\"ok\",\"a\":[" + "{},".repeat(under - 1) + "{}]}");
        assertThat(parsed.message()).isEqualTo("ok");
        assertThat((List<?>) parsed.attributes().get("a")).hasSize(under);
    }
}
