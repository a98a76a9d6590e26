package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.pipeline.SpanSynthesizer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The attribute sets of {@link OtlpMapping}: what the SDK's own builder would keep, without its sort. */
class OtlpMappingTest {
    private final OtlpMapping mapping = new OtlpMapping(new OtlpResources(Map.of(), "i-1", null),
            InstrumentationScopeInfo.create("sidewatch"));

    private static Event request(Map<String, Object> attributes) {
        return new Event(Instant.EPOCH, Instant.EPOCH, "api", Severity.INFO, 9, Kind.HTTP_REQUEST, "done", null, null,
                new Event.HttpInfo("GET", "/orders/7", null, 200, 12.5, null, "curl/8"), null, null, null, null,
                attributes, new Event.SourceInfo("tcp", null, null));
    }

    @Test
    void aNamedPartWinsOverALeftoverOfTheSameName_andEveryNameComesOnce() {
        var leftovers = new LinkedHashMap<String, Object>();
        leftovers.put("url.path", "/from/the/record");
        leftovers.put("http.response.status_code", "not a number");
        leftovers.put("pid", 4242);
        Attributes a = mapping.logRecord(request(leftovers)).attributes();

        assertThat(a.get(OtlpMapping.URL_PATH)).isEqualTo("/orders/7");
        assertThat(a.get(OtlpMapping.HTTP_STATUS)).isEqualTo(200L);
        assertThat(a.get(AttributeKey.stringKey("http.response.status_code"))).isNull();
        assertThat(a.get(AttributeKey.longKey("pid"))).isEqualTo(4242L);
        List<String> names = new ArrayList<>();
        a.forEach((k, v) -> names.add(k.getKey()));
        assertThat(names).doesNotHaveDuplicates().hasSize(a.size())
                .containsExactlyInAnyOrder("http.request.method", "http.response.status_code", "url.path",
                        "user_agent.original", "http.server.request.duration", "pid");
    }

    @Test
    void leavesOutWhatTheSdkBuilderLeavesOut_andTheSpanMarker() {
        var leftovers = new LinkedHashMap<String, Object>();
        leftovers.put("", "empty name");
        leftovers.put(SpanSynthesizer.MARKER, Map.of());
        leftovers.put("nothing", null);
        leftovers.put("req", Map.of("id", 1L));
        leftovers.put("tags", List.of("a", "b"));
        Attributes a = mapping.logRecord(request(leftovers)).attributes();

        assertThat(a.asMap().keySet()).extracting(AttributeKey::getKey)
                .doesNotContain("", SpanSynthesizer.MARKER).contains("nothing", "req", "tags");
        assertThat(a.get(AttributeKey.valueKey("nothing"))).isEqualTo(Value.empty());
        // the same set through the SDK's builder: equal as maps
        assertThat(Attributes.builder().putAll(a).build().asMap()).isEqualTo(sdkBuilt(leftovers));
    }

    /** What the mapping gave before it skipped the SDK builder's sort: the same puts through that builder. */
    private Map<AttributeKey<?>, Object> sdkBuilt(Map<String, Object> leftovers) {
        var b = Attributes.builder();
        leftovers.forEach((k, v) -> {
            if (!k.equals(SpanSynthesizer.MARKER)) b.put(AttributeKey.valueKey(k), OtlpMapping.value(v));
        });
        b.put(OtlpMapping.HTTP_METHOD, "GET").put(OtlpMapping.HTTP_STATUS, 200L).put(OtlpMapping.URL_PATH, "/orders/7")
                .put(OtlpMapping.USER_AGENT, "curl/8").put(OtlpMapping.HTTP_DURATION, 0.0125);
        return b.build().asMap();
    }
}
