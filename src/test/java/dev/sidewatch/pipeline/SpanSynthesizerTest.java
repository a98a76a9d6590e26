package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC 6 span synthesis on records shaped like the real loggers' (FORMATS.md 2.3, 3.1). */
class SpanSynthesizerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    private static final Normalizer.Origin ORIGIN = new Normalizer.Origin("api", null, null);
    private static final String CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN = "b7ad6b7169203331";
    private static final String PINO_HTTP_WITH_TRACEPARENT = "{\"level\":30,\"time\":1795301014153,\"pid\":7495,\"hostname\":\"vm\","
            + "\"req\":{\"id\":1,\"method\":\"GET\",\"url\":\"/ok?x=1\",\"headers\":{\"host\":\"127.0.0.1\",\"user-agent\":\"curl/8.0\","
            + "\"traceparent\":\"00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01\"},\"remoteAddress\":\"127.0.0.1\"},"
            + "\"res\":{\"statusCode\":200},\"responseTime\":14,\"msg\":\"request completed\"}";
    private static final String PINO_HTTP_PLAIN = "{\"level\":30,\"time\":1795301014168,\"pid\":7495,\"hostname\":\"vm\","
            + "\"req\":{\"id\":2,\"method\":\"GET\",\"url\":\"/orders/7\"},\"res\":{\"statusCode\":200},\"responseTime\":1,\"msg\":\"request completed\"}";
    private static final String PINO_HTTP_INSTRUMENTED = "{\"level\":30,\"time\":1795301090363,\"pid\":16166,\"hostname\":\"vm\","
            + "\"trace_id\":\"" + CALLER_TRACE + "\",\"span_id\":\"04df4524ea9b232f\",\"trace_flags\":\"01\","
            + "\"req\":{\"id\":7,\"method\":\"GET\",\"url\":\"/orders/7\",\"headers\":{\"traceparent\":\"00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01\"}},"
            + "\"res\":{\"statusCode\":200},\"responseTime\":3,\"msg\":\"request completed\"}";

    private final Normalizer normalizer = new Normalizer(StatusLevelPolicy.MAX, Redactor.defaults(), CLOCK, rule -> { });
    private final AtomicLong ids = new AtomicLong(0x1000);

    private Event line(String text) {
        return normalizer.normalize(LogLine.of(text), ORIGIN);
    }

    private SpanSynthesizer synthesizer(SpanSynthesizer.Mode mode) {
        return new SpanSynthesizer(mode, ids::incrementAndGet);
    }

    @Test
    void auto_requestWithCallerTraceparent_getsNewSpanChildOfTheCaller() {
        Event in = line(PINO_HTTP_WITH_TRACEPARENT);
        assertThat(in.spanId()).as("the normaliser copied the caller's ids").isEqualTo(CALLER_SPAN);

        Event out = synthesizer(SpanSynthesizer.Mode.AUTO).apply(in);

        assertThat(out.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(out.spanId()).isEqualTo("0000000000001001").isNotEqualTo(CALLER_SPAN);
        assertThat(SpanSynthesizer.isSynthesized(out)).isTrue();
        assertThat(SpanSynthesizer.parentSpanId(out)).isEqualTo(CALLER_SPAN);
        assertThat(in.attributes()).as("input untouched").doesNotContainKey(SpanSynthesizer.MARKER);
    }

    @Test
    void auto_requestWithATraceparentFieldOfItsOwn_getsNewSpanChildOfTheCaller() {
        Event in = line("{\"level\":30,\"req\":{\"method\":\"GET\",\"url\":\"/a\"},\"res\":{\"statusCode\":200},"
                + "\"traceparent\":\"00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01\",\"msg\":\"request completed\"}");
        assertThat(in.spanId()).isEqualTo(CALLER_SPAN);
        assertThat(in.attributes()).as("kept, as headers are").containsKey("traceparent");

        Event out = synthesizer(SpanSynthesizer.Mode.AUTO).apply(in);

        assertThat(out.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(out.spanId()).isNotEqualTo(CALLER_SPAN);
        assertThat(SpanSynthesizer.parentSpanId(out)).isEqualTo(CALLER_SPAN);
    }

    @Test
    void auto_requestWithoutAnyIds_getsRootSpanInNewTrace() {
        Event out = synthesizer(SpanSynthesizer.Mode.AUTO).apply(line(PINO_HTTP_PLAIN));

        assertThat(out.traceId()).isEqualTo("00000000000010010000000000001002");
        assertThat(out.spanId()).isEqualTo("0000000000001003");
        assertThat(SpanSynthesizer.isSynthesized(out)).isTrue();
        assertThat(SpanSynthesizer.parentSpanId(out)).isNull();
        assertThat(out.attributes().get(SpanSynthesizer.MARKER)).isEqualTo(Map.of());
    }

    @Test
    void auto_requestWithItsOwnSpan_isLeftAlone() {
        Event in = line(PINO_HTTP_INSTRUMENTED);
        assertThat(in.spanId()).isEqualTo("04df4524ea9b232f");

        assertThat(synthesizer(SpanSynthesizer.Mode.AUTO).apply(in)).isSameAs(in);
    }

    @Test
    void always_requestWithItsOwnSpan_getsChildOfThatSpan() {
        Event out = synthesizer(SpanSynthesizer.Mode.ALWAYS).apply(line(PINO_HTTP_INSTRUMENTED));

        assertThat(out.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(out.spanId()).isEqualTo("0000000000001001");
        assertThat(SpanSynthesizer.parentSpanId(out)).isEqualTo("04df4524ea9b232f");
    }

    @Test
    void never_synthesizesNothing() {
        Event in = line(PINO_HTTP_PLAIN);
        assertThat(synthesizer(SpanSynthesizer.Mode.NEVER).apply(in)).isSameAs(in);
    }

    @Test
    void b3SingleHeader_isTheParent() {
        Event in = line("{\"req\":{\"method\":\"POST\",\"url\":\"/pay\",\"headers\":{\"b3\":\"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1\"}},"
                + "\"res\":{\"statusCode\":502},\"msg\":\"request errored\"}");
        Event out = synthesizer(SpanSynthesizer.Mode.AUTO).apply(in);

        assertThat(out.traceId()).isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(SpanSynthesizer.parentSpanId(out)).isEqualTo("e457b5a2e4d86bd1");
        assertThat(out.spanId()).isNotEqualTo("e457b5a2e4d86bd1");
    }

    @Test
    void forbiddenAndUnauthorisedRequests_areRequestsToo() {
        Event denied = line("{\"req\":{\"method\":\"GET\",\"url\":\"/secret\"},\"res\":{\"statusCode\":403},\"msg\":\"request completed\"}");
        Event unauthorised = line("{\"req\":{\"method\":\"GET\",\"url\":\"/me\"},\"res\":{\"statusCode\":401},\"msg\":\"request completed\"}");
        assertThat(denied.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(unauthorised.kind()).isEqualTo(Kind.AUTH_FAILURE);

        var synthesizer = synthesizer(SpanSynthesizer.Mode.AUTO);
        assertThat(SpanSynthesizer.isSynthesized(synthesizer.apply(denied))).isTrue();
        assertThat(SpanSynthesizer.isSynthesized(synthesizer.apply(unauthorised))).isTrue();
    }

    @Test
    void nonRequestEvents_areLeftAlone() {
        var synthesizer = synthesizer(SpanSynthesizer.Mode.ALWAYS);
        Event log = line("{\"level\":30,\"msg\":\"hello\"}");
        Event statusOnly = line("{\"status\":200,\"msg\":\"health ok\"}");
        assertThat(synthesizer.apply(log)).isSameAs(log);
        assertThat(synthesizer.apply(statusOnly)).isSameAs(statusOnly);
    }

    @Test
    void appliedTwice_keepsTheFirstSpan() {
        var synthesizer = synthesizer(SpanSynthesizer.Mode.ALWAYS);
        Event once = synthesizer.apply(line(PINO_HTTP_PLAIN));
        assertThat(synthesizer.apply(once)).isSameAs(once);
    }

    @Test
    void zeroIdsFromTheSource_areSkipped() {
        var zeros = new AtomicLong(-2);
        Event out = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO, () -> Math.max(0, zeros.incrementAndGet()))
                .apply(line(PINO_HTTP_PLAIN));
        assertThat(out.spanId()).isNotEqualTo("0000000000000000");
        assertThat(out.traceId()).doesNotStartWith("0000000000000000");
    }

    @Test
    void theMarkerTravelsWithTheEvent_butIsNeverPrintedAsAnAttribute() {
        Event plain = line("{\"msg\":\"GET /a\",\"req\":{\"method\":\"GET\",\"url\":\"/a\"},\"res\":{\"statusCode\":200},\"extra\":1}");
        Event marked = new SpanSynthesizer(SpanSynthesizer.Mode.ALWAYS).apply(plain);
        assertThat(marked.attributes()).containsKey(SpanSynthesizer.MARKER);
        String json = dev.sidewatch.event.EventJson.toJson(marked);
        assertThat(json).doesNotContain(SpanSynthesizer.MARKER).contains("\"attributes\":{\"extra\":1}")
                .contains("\"span_id\":\"" + marked.spanId() + "\"");
    }
}
