package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class BodyDecoderTest {

    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final RecordingSink sink = new RecordingSink();
    private final Normalizer.Origin origin = new Normalizer.Origin("api", "http", null);

    @AfterEach
    void close() {
        prometheus.close();
    }

    /** A body sent without a Content-Type: lines. */
    private BodyDecoder.Result decode(String body) throws InterruptedException {
        return decode(body, null);
    }

    private BodyDecoder.Result decodeJson(String body) throws InterruptedException {
        return decode(body, "application/json; charset=utf-8");
    }

    private BodyDecoder.Result decode(String body, String contentType) throws InterruptedException {
        return BodyDecoder.decode(body.getBytes(StandardCharsets.UTF_8), contentType, Normalizer.defaults(), sink,
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
        assertThat(decodeJson("{\n  \"level\": 50,\n  \"msg\": \"boom\"\n}\n").accepted()).isEqualTo(1);
        assertThat(sink.events()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("boom");
            assertThat(e.severity().name()).isEqualTo("ERROR");
        });
    }

    @Test
    void array_objectsAndStringsAreEvents_otherValuesAreRejected() throws Exception {
        var result = decodeJson("[{\"msg\":\"a\"}, \"plain text\", 5, null, {\"msg\":\"b\",\"nested\":{\"x\":[1,2]}}]");
        assertThat(result).isEqualTo(new BodyDecoder.Result(3, 2, null));
        assertThat(sink.messages()).containsExactly("a", "plain text", "b");
        assertThat(sink.events().get(2).attributes()).containsKey("nested");
        assertThat(rejected("not_an_object")).isEqualTo(2.0);
    }

    @Test
    void malformedArray_isRefusedAsAWhole() throws Exception {
        var result = decodeJson("[{\"msg\":\"a\"}, {\"msg\":");
        assertThat(result.error()).startsWith("invalid JSON body");
        assertThat(sink.events()).isEmpty();
        assertThat(rejected("invalid_json")).isEqualTo(1.0);
    }

    @Test
    void arrayElementNestedTooDeep_isKeptAsText() throws Exception {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        var result = decodeJson("[" + deep + "]");
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
        assertThat(decodeJson("\uFEFF[{\"msg\":\"a\"}]").accepted()).isEqualTo(1);
        assertThat(sink.messages()).containsExactly("a");
    }

    @Test
    void aOneLineObjectOrArrayElementOverOneMebibyte_isCutAtOneMebibyteAndMarked_likeALine() throws Exception {
        String big = "{\"msg\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(decode(big + "\n").accepted()).isEqualTo(1);
        assertThat(decodeJson("[" + big + ", \"" + "y".repeat(1536 * 1024) + "\", {\"msg\":\"small\"}]").accepted()).isEqualTo(3);
        assertThat(sink.events()).hasSize(4);
        for (int i = 0; i < 3; i++) {
            var e = sink.events().get(i);
            assertThat(e.message()).hasSize(1024 * 1024);
            assertThat(e.attributes()).containsEntry("sidewatch.truncated", true);
        }
        assertThat(sink.events().get(3).message()).isEqualTo("small");
        assertThat(sink.events().get(3).attributes()).doesNotContainKey("sidewatch.truncated");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "text/plain; charset=utf-8", "application/x-ndjson", "application/x-www-form-urlencoded"})
    @NullSource
    void linesBody_isNeverSniffedAsOneJsonDocument_andABadOrDeepLineNeverFailsIt(String contentType) throws Exception {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        var result = decode("[{\"msg\":\"looks like an array\"}]\n{\"msg\":\"ok\"}\n{broken\n" + deep + "\n[1, 2\n", contentType);
        assertThat(result).isEqualTo(new BodyDecoder.Result(5, 0, null));
        assertThat(sink.messages()).containsExactly("[{\"msg\":\"looks like an array\"}]", "ok", "{broken", deep, "[1, 2");
        assertThat(sink.events()).extracting(Event::kind).containsOnly(Kind.LOG);
        assertThat(rejected("invalid_json")).isEqualTo(2.0);
    }

    @Test
    void prettyPrintedObjectSentAsText_isLines() throws Exception {
        assertThat(decode("{\n  \"msg\": \"boom\"\n}\n", "text/plain").accepted()).isEqualTo(3);
        assertThat(sink.messages()).containsExactly("{", "  \"msg\": \"boom\"", "}");
    }

    @Test
    void jsonObjectOverSeveralLines_orOnOne_isOneEvent() throws Exception {
        assertThat(decodeJson("{\"msg\":\"one\",\"statusCode\":401,\"method\":\"GET\",\"url\":\"/x\"}").accepted()).isEqualTo(1);
        assertThat(sink.events()).singleElement().extracting(Event::kind).isEqualTo(Kind.AUTH_FAILURE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"msg\":\"a\"}\n{\"msg\":\"b\"}\n", "42", "\"text\"", "{\"msg\":", "[{\"msg\":\"a\"}] trailing"})
    void jsonBodyThatIsNotOneObjectOrArray_isRefusedWithAReason(String body) throws Exception {
        var result = decodeJson(body);
        assertThat(result.error()).startsWith("invalid JSON body: ");
        assertThat(result.accepted()).isZero();
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void jsonObjectNestedTooDeep_isKeptAsText() throws Exception {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        assertThat(decodeJson(deep).accepted()).isEqualTo(1);
        assertThat(sink.messages()).containsExactly(deep);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"application/json|true", "Application/JSON; charset=UTF-8|true", "application/vnd.api+json|true",
            "application/x-ndjson|false", "text/plain|false", "application/jsonl|false", "text/json-ish|false"})
    void jsonContentTypes(String contentType, boolean json) {
        assertThat(BodyDecoder.isJson(contentType)).isEqualTo(json);
    }

    /** Saturated throughout; notes how many input bytes each back-pressure check came after. */
    private static final class SaturatedSink extends ForwardingEventSink {
        final List<Long> bytesBeforeEachCheck = new ArrayList<>();
        private long bytes;

        SaturatedSink(EventSink sink) {
            super(sink);
        }

        @Override
        public void accept(Event event, int size) {
            bytes += size;
            sink.accept(event, size);
        }

        @Override
        public boolean saturated() {
            return true;
        }

        @Override
        public boolean awaitWritable(Duration timeout) {
            bytesBeforeEachCheck.add(bytes);
            bytes = 0;
            return true;
        }
    }

    @Test
    void largeRecords_areCheckedForBackPressureByBytes_notOnlyEvery256Records() throws Exception {
        var saturated = new SaturatedSink(sink);
        String record = "{\"msg\":\"" + "r".repeat(20 * 1024) + "\"}";
        String body = "[" + String.join(",", Collections.nCopies(40, record)) + "]";
        var result = BodyDecoder.decode(body.getBytes(StandardCharsets.UTF_8), "application/json", Normalizer.defaults(), saturated,
                prometheus.receiver("http", HttpIngestReceiver.reasons()), origin);
        assertThat(result.accepted()).isEqualTo(40);
        // 40 records of 20 KiB: 256 records per check alone would hand on all 800 KiB before the first
        assertThat(saturated.bytesBeforeEachCheck).hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(BodyDecoder.CHECK_BYTES + record.length()));
    }
}
