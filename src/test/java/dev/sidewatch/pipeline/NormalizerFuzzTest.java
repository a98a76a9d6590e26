package dev.sidewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventCodec;
import dev.sidewatch.event.EventJson;

/**
 * Coverage-guided fuzzing of the normaliser (SPEC 8: no input crashes the process). Each input is one
 * line as raw bytes, with and without the truncation mark. Checks that every line becomes exactly one
 * event, that the event can always be written as JSON, and that it survives the disk buffer's codec
 * unchanged. Regression inputs: {@code src/test/resources/dev/sidewatch/pipeline/NormalizerFuzzTestInputs/}.
 */
class NormalizerFuzzTest {
    private static final Normalizer NORMALIZER = Normalizer.defaults();
    private static final Normalizer.Origin ORIGIN = new Normalizer.Origin("svc", "file", "/var/log/app.log");

    @FuzzTest
    void normalize_neverThrows_andTheEventRoundTrips(byte[] input) throws Exception {
        for (boolean truncated : new boolean[]{false, true}) {
            Event event = NORMALIZER.normalize(LogLine.ofBytes(input.clone(), 0, truncated), ORIGIN);
            assertThat(event).isNotNull();
            assertThat(event.severity()).isNotNull();
            assertThat(event.kind()).isNotNull();
            assertThat(EventJson.toJson(event)).startsWith("{").endsWith("}");
            byte[] encoded = EventCodec.encode(event);
            assertThat(EventCodec.decode(encoded, 0, encoded.length)).isEqualTo(event);
        }
    }
}
