package dev.sidewatch.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EventJsonTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2026-11-21T22:40:10Z, 2026-11-21T22:40:10.000Z",
            "2026-11-21T22:40:10.123Z, 2026-11-21T22:40:10.123Z",
            "2026-11-21T22:40:10.123456Z, 2026-11-21T22:40:10.123456Z",
            "2026-11-21T22:40:10.000000001Z, 2026-11-21T22:40:10.000000001Z",
            "1970-01-01T00:00:00Z, 1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z, 2000-02-29T23:59:59.999Z"})
    void formatTime_isRfc3339UtcWithAtLeastMilliseconds(String instant, String expected) {
        assertThat(EventJson.formatTime(Instant.parse(instant))).isEqualTo(expected);
    }
}
