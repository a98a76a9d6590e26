package dev.sidewatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DenialSpikeDetectorTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final DenialSpikeDetector detector = new DenialSpikeDetector(Duration.ofMinutes(5), 10, 3, clock);

    private void deny(String service, int times) {
        for (int i = 0; i < times; i++) detector.record(service);
    }

    @Test
    void noDenials_isZero() {
        assertThat(detector.value("api")).isZero();
    }

    @Test
    void belowMinCount_isZero() {
        deny("api", 9);
        assertThat(detector.value("api")).isZero();
    }

    @Test
    void minCountWithinAWindowWithoutHistory_isASpike() {
        deny("api", 10);
        assertThat(detector.value("api")).isOne();
        assertThat(detector.value("other")).isZero();
    }

    @Test
    void spike_endsOnceTheWindowHasPassed() {
        deny("api", 10);
        clock.advance(Duration.ofMinutes(6));
        assertThat(detector.value("api")).isZero();
    }

    @Test
    void steadyRate_isNotASpike_butThreeTimesTheUsualRateIs() {
        // an hour of 20 denials per 5 minutes
        for (int window = 0; window < 12; window++) {
            for (int step = 0; step < 10; step++) {
                deny("api", 2);
                clock.advance(Duration.ofSeconds(30));
            }
        }
        assertThat(detector.value("api")).as("18 in the current window, 20 usual").isZero();
        deny("api", 30);
        assertThat(detector.value("api")).as("48 < 3 x 20").isZero();
        deny("api", 20);
        assertThat(detector.value("api")).as("68 >= 3 x 20").isOne();
    }
}
