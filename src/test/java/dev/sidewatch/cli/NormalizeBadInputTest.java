package dev.sidewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.Redactor;
import dev.sidewatch.pipeline.StatusLevelPolicy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC 2 and 8: bad input never crashes normalize and never loses a line; each case states what comes out. */
class NormalizeBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> normalize(byte[] input) throws IOException {
        var normalizer = new Normalizer(StatusLevelPolicy.MAX, Redactor.defaults(), NormalizeGoldenTest.FIXED, r -> { });
        var out = new ByteArrayOutputStream();
        new NormalizeCommand(normalizer, "svc").normalizeStream(new ByteArrayInputStream(input), "in.log", out);
        return out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }

    private static List<JsonNode> normalize(String input) throws IOException {
        return normalize(input.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyAndWhitespaceLines_areEventsToo_normalizeNeverDropsALine() throws IOException {
        var events = normalize("\n\n   \n{\"msg\":\"a\"}\n\r\n\t\nplain\n\n");
        assertThat(events).extracting(e -> e.get("message").asText()).containsExactly("", "", "   ", "a", "", "\t", "plain", "");
        assertThat(events).extracting(e -> e.get("kind").asText()).containsOnly("log");
    }

    @Test
    void lineOfTwoMebibytes_isCutAtOneMebibyteAndMarked() throws IOException {
        String big = "x".repeat(2 * 1024 * 1024);
        var events = normalize("{\"msg\":\"before\"}\n" + big + "\n{\"msg\":\"after\"}\n");
        assertThat(events).hasSize(3);
        JsonNode cut = events.get(1);
        assertThat(cut.get("kind").asText()).isEqualTo("log");
        assertThat(cut.get("message").asText()).hasSize(1024 * 1024);
        assertThat(cut.at("/attributes/sidewatch.truncated").asBoolean()).isTrue();
        assertThat(events.get(2).get("message").asText()).isEqualTo("after");
    }

    @Test
    void jsonLineOverOneMebibyte_isKeptAsTruncatedText() throws IOException {
        String big = "{\"msg\":\"" + "y".repeat(1536 * 1024) + "\"}";
        var events = normalize(big + "\n");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("message").asText()).startsWith("{\"msg\":\"yyy").hasSize(1024 * 1024);
        assertThat(events.getFirst().at("/attributes/sidewatch.truncated").asBoolean()).isTrue();
    }

    @Test
    void invalidUtf8_becomesReplacementCharacter_inTextAndInJson() throws IOException {
        byte[] text = {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, ' ', 'x', '\n'};
        byte[] json = {'{', '"', 'm', 's', 'g', '"', ':', '"', 'a', (byte) 0xFF, 'b', '"', '}', '\n'};
        var events = normalize(concat(text, json));
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("message").asText()).isEqualTo("bad \uFFFD( x");
        assertThat(events.get(1).get("message").asText()).isEqualTo("a\uFFFDb");
    }

    @Test
    void binaryBytes_becomeOneTextEvent() throws IOException {
        byte[] binary = {0, 1, 2, (byte) 0x80, (byte) 0xFE, 0x1B, 'z', '\n'};
        var events = normalize(binary);
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("kind").asText()).isEqualTo("log");
        assertThat(events.getFirst().get("message").asText()).startsWith("\u0000\u0001\u0002\uFFFD\uFFFD");
    }

    @Test
    void jsonNested1000Deep_isKeptAsText() throws IOException {
        String deep = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        var events = normalize(deep + "\n");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().get("message").asText()).isEqualTo(deep);
        assertThat(events.getFirst().has("attributes")).isFalse();
    }

    @Test
    void jsonNested64Deep_isStillParsed() throws IOException {
        String deep = "{\"a\":".repeat(64) + "1" + "}".repeat(64);
        var events = normalize(deep + "\n");
        assertThat(events.getFirst().has("message")).isFalse();
        assertThat(events.getFirst().at("/attributes/a/a").isObject()).isTrue();
    }

    @Test
    void jsonThatIsNotAnObject_isKeptVerbatimAsMessage() throws IOException {
        var events = normalize("42\n\"just a string\"\n[1,2,{\"msg\":\"x\"}]\nnull\n");
        assertThat(events).extracting(e -> e.get("message").asText())
                .containsExactly("42", "\"just a string\"", "[1,2,{\"msg\":\"x\"}]", "null");
        assertThat(events).allSatisfy(e -> assertThat(e.get("kind").asText()).isEqualTo("log"));
    }

    @Test
    void integersBeyond64Bits_stayExact() throws IOException {
        var events = normalize("{\"msg\":\"big\",\"n\":123456789012345678901234567890,\"m\":18446744073709551615}\n");
        assertThat(events.getFirst().at("/attributes/n").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
        assertThat(events.getFirst().at("/attributes/m").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
    }

    @Test
    void duplicateKeys_lastValueWins_asInJsonParse() throws IOException {
        var events = normalize("{\"msg\":\"first\",\"a\":1,\"msg\":\"second\",\"a\":2}\n");
        assertThat(events.getFirst().get("message").asText()).isEqualTo("second");
        assertThat(events.getFirst().at("/attributes/a").asInt()).isEqualTo(2);
    }

    @Test
    void truncatedUncaughtErrorBlockAtEndOfInput_isFlushedAsOneEvent() throws IOException {
        String block = """
                {"level":30,"msg":"before"}
                node:fs:573
                  return binding.open(
                                 ^

                Error: Access to this API has been restricted
                    at Object.openSync (node:fs:573:18)
                    at Object.readFileSync (node:fs:452:35) {
                  code: 'ERR_ACCESS_DENIED',
                  permission: 'FileSystemRead',""";
        var events = normalize(block);
        assertThat(events).hasSize(2);
        JsonNode denial = events.get(1);
        assertThat(denial.get("kind").asText()).isEqualTo("permission_denied");
        assertThat(denial.at("/permission/type").asText()).isEqualTo("FileSystemRead");
        assertThat(denial.at("/error/stack").asText()).startsWith("Error: Access").endsWith("permission: 'FileSystemRead',");
    }

    @Test
    void locationLookalikeWithoutCaret_isNotSwallowed() throws IOException {
        var events = normalize("/var/log/app.log:12\nsomething else\nthird line\n");
        assertThat(events).extracting(e -> e.get("message").asText())
                .containsExactly("/var/log/app.log:12", "something else", "third line");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
