package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventCodec;
import dev.sidewatch.event.EventJson;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.Normalizer;

/**
 * Coverage-guided fuzzing of the OTLP decoder behind {@code POST /v1/logs} and {@code /v1/traces}: any
 * body, as protobuf and as OTLP/JSON, is refused with a status and a reason or turned into events, never
 * an exception; every event can be written as JSON and survives the disk buffer's codec.
 */
class OtlpIngestFuzzTest {
    private static final ReceiverMetrics METRICS = new PrometheusMetrics(100).receiver("http", HttpIngestReceiver.reasons());
    private static final Normalizer NORMALIZER = Normalizer.defaults();

    @FuzzTest
    void otlpBodies_neverThrow(byte[] body) throws Exception {
        for (String type : new String[]{"application/x-protobuf", "application/json"}) {
            var sink = new RecordingSink();
            OtlpIngest.LogsResult logs = OtlpIngest.logs(body, type, NORMALIZER, sink, METRICS, new Normalizer.Origin("svc", "http", null));
            if (logs.error() != null) {
                assertThat(logs.status()).isBetween(400, 499);
                assertThat(sink.size()).isZero();
            } else {
                assertThat(sink.size()).isEqualTo(logs.accepted());
            }
            for (Event event : sink.events()) {
                EventJson.toJson(event);
                byte[] encoded = EventCodec.encode(event);
                assertThat(EventCodec.decode(encoded, 0, encoded.length)).isEqualTo(event);
            }
            OtlpIngest.TracesResult traces = OtlpIngest.traces(body, type, METRICS);
            if (traces.error() != null) assertThat(traces.status()).isBetween(400, 499);
            else assertThat(traces.protobuf()).isNotNull();
        }
    }
}
