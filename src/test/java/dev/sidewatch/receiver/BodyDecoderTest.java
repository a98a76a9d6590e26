package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BodyDecoderTest {

    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    private final Normalizer.Origin origin = new Normalizer.Origin("api", "http", null);

    @AfterEach
    void close() {
        prometheus.close();
    }

    private BodyDecoder.Result decode(String body) throws InterruptedException {
        return BodyDecoder.decode(body.getBytes(StandardCharsets.UTF_8), Normalizer.defaults(), sink,
                prometheus.receiver("http", HttpIngestReceiver.reasons()), origin);
    }

    private Double rejected(String reason) {
        return new Scrape(prometheus.scrape()).value("sidewatch_rejected_records_total", "receiver", "http", "reason", reason);
    }

    @Test
    void ndjson_oneEventPerLine_invalidJsonKeptAsTextAndCounted() throws Exception {
        var result = decode("{\"msg\":\"a\"}\n{oops\n\n{\"msg\":\"b\"}\r\n");
        assertThat(result).isEqualTo(new BodyDecoder.Result(3, 0, null));
        assertThat(sink.messages()).containsExactly("a", "{oops", "b");
        assertThat(rejected("invalid_json")).isEqualTo(1.0);
    }

    @Test
    void prettyPrintedObject_isOneEvent() throws Exception {
        assertThat(decode("{\n  \"level\": 50,\n  \"msg\": \"boom\"\n}\n").accepted()).isEqualTo(1);
        assertThat(sink.events()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("boom");
            assertThat(e.severity().name()).isEqualTo("ERROR");
        });
    }

    @Test
    void array_objectsAndStringsAreEvents_otherValuesAreRejected() throws Exception {
        var result = decode("[{\"msg\":\"a\"}, \"plain text\", 5, null, {\"msg\":\"b\",\"nested\":{\"x\":[1,2]}}]");
        assertThat(result).isEqualTo(new BodyDecoder.Result(3, 2, null));
        assertThat(sink.messages()).containsExactly("a", "plain text", "b");
        assertThat(sink.events().get(2).attributes()).containsKey("nested");
        assertThat(rejected("not_an_object")).isEqualTo(2.0);
    }

    @Test
    void malformedArray_isRefusedAsAWhole() throws Exception {
        var result = decode("[{\"msg\":\"a\"}, {\"msg\":");
        assertThat(result.error()).startsWith("invalid JSON array");
        assertThat(sink.events()).isEmpty();
        assertThat(rejected("invalid_json")).isEqualTo(1.0);
    }

    @Test
    void arrayElementNestedTooDeep_isKeptAsText() throws Exception {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        var result = decode("[" + deep + "]");
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(sink.events().getFirst().message()).isEqualTo(deep);
    }

    @Test
    void textLines_joinNodeErrorBlocks() throws Exception {
        String block = """
                node:fs:573
                  return binding.open(
                                 ^

                Error: Access to this API has been restricted
                    at Object.openSync (node:fs:573:18)
                    at node:internal/main/run_main_module:28:49 {
                  code: 'ERR_ACCESS_DENIED',
                  permission: 'FileSystemRead',
                  resource: '/srv/secret/token.txt'
                }

                Node.js v20.20.2
                after the block
                """;
        assertThat(decode(block).accepted()).isEqualTo(2);
        Event denial = sink.events().getFirst();
        assertThat(denial.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(denial.permission().type()).isEqualTo("FileSystemRead");
        assertThat(denial.permission().resource()).isEqualTo("/srv/secret/token.txt");
        assertThat(denial.source().offset()).as("no offsets inside a request body").isNull();
        assertThat(sink.messages().get(1)).isEqualTo("after the block");
    }

    @Test
    void emptyOrBlankBody_acceptsNothing() throws Exception {
        assertThat(decode("")).isEqualTo(new BodyDecoder.Result(0, 0, null));
        assertThat(decode(" \n\n")).isEqualTo(new BodyDecoder.Result(0, 0, null));
    }

    @Test
    void byteOrderMark_isNotContent() throws Exception {
        assertThat(decode("\uFEFF[{\"msg\":\"a\"}]").accepted()).isEqualTo(1);
        assertThat(sink.messages()).containsExactly("a");
    }

    @Test
    void aOneLineObjectOrArrayElementOverOneMebibyte_isCutAtOneMebibyteAndMarked_likeALine() throws Exception {
        String big = "{\"msg\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(decode(big + "\n").accepted()).isEqualTo(1);
        assertThat(decode("[" + big + ", \"" + "y".repeat(1536 * 1024) + "\", {\"msg\":\"small\"}]").accepted()).isEqualTo(3);
        assertThat(sink.events()).hasSize(4);
        for (int i = 0; i < 3; i++) {
            var e = sink.events().get(i);
            assertThat(e.message()).hasSize(1024 * 1024);
            assertThat(e.attributes()).containsEntry("sidewatch.truncated", true);
        }
        assertThat(sink.events().get(3).message()).isEqualTo("small");
        assertThat(sink.events().get(3).attributes()).doesNotContainKey("sidewatch.truncated");
    }
}
