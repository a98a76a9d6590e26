package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventJson;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;

/**
 * Coverage-guided fuzzing of HTTP ingest's body decoding (NDJSON, JSON object, JSON array, text lines)
 * and of the record decoding behind TCP and stdin: any body is either refused with a reason or turned
 * into events, never an exception; every event can be written as JSON.
 */
class BodyDecoderFuzzTest {
    private static final ReceiverMetrics METRICS = new PrometheusMetrics(100).receiver("http", HttpIngestReceiver.reasons());
    private static final Normalizer NORMALIZER = Normalizer.defaults();

    @FuzzTest
    void decode_neverThrows(byte[] body) throws Exception {
        var sink = new RecordingSink();
        BodyDecoder.Result result = BodyDecoder.decode(body, NORMALIZER, sink, METRICS, new Normalizer.Origin("svc", "http", null));
        if (result.error() != null) {
            assertThat(result.accepted()).isZero();
        } else {
            assertThat(sink.size()).isEqualTo(result.accepted());
        }
        for (Event event : sink.events()) EventJson.toJson(event);
    }
}
