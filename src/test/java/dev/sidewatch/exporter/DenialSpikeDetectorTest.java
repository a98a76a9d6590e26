package dev.sidewatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenialSpikeDetectorTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T00:00:00Z"));
    private final DenialSpikeDetector detector = new DenialSpikeDetector(Duration.ofMinutes(5), 10, 3, clock);

    private void deny(String service, int times) {
        for (int i = 0; i < times; i++) detector.record(service, "FileSystemRead");
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

    @Test
    void transitions_oneStartOneEnd_withCountsBaselineAndTopTypes() {
        for (int minute = 0; minute < 60; minute++) {
            detector.record("api", "FileSystemRead");
            clock.advance(Duration.ofMinutes(1));
            assertThat(detector.transitions()).isEmpty();
        }
        DenialSpikeDetector.Transition started = null;
        for (int i = 0; i < 40 && started == null; i++) started = detector.record("api", "ChildProcess");
        assertThat(started).isNotNull();
        assertThat(started.started()).isTrue();
        assertThat(started.service()).isEqualTo("api");
        assertThat(started.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(started.topPermissions()).containsExactly("ChildProcess", "FileSystemRead");
        assertThat(started.baseline()).isBetween(4.5, 5.5);
        // reported by the denial that reached 3 times the baseline (the quiet minutes still in the window count)
        assertThat((double) started.denials()).isGreaterThanOrEqualTo(3 * started.baseline()).isLessThan(3 * started.baseline() + 1);
        assertThat(detector.record("api", "ChildProcess")).as("reported once").isNull();
        assertThat(detector.transitions()).isEmpty();

        clock.advance(Duration.ofMinutes(6));
        var ended = detector.transitions();
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().started()).isFalse();
        assertThat(ended.getFirst().denials()).isZero();
        assertThat(detector.transitions()).isEmpty();
    }

    @Test
    void topPermissions_mostDeniedFirst_atMostThree() {
        DenialSpikeDetector.Transition started = null;
        for (String type : List.of("D", "C", "C", "B", "B", "B", "A", "A", "A", "A")) started = detector.record("api", type);
        assertThat(started).isNotNull();
        assertThat(started.topPermissions()).containsExactly("A", "B", "C");
    }

    @Test
    void permissionTypesBeyondTheLimit_countAsOther() {
        var detector = new DenialSpikeDetector(Duration.ofMinutes(5), 100, 3, clock);
        for (int t = 0; t < 30; t++) assertThat(detector.record("api", "type-" + t)).isNull();
        DenialSpikeDetector.Transition started = null;
        for (int i = 0; i < 70; i++) started = detector.record("api", "late");
        assertThat(started).isNotNull();
        // 15 types are told apart; the other 15 and "late" (85 denials) are _other
        assertThat(started.topPermissions()).containsExactly("_other", "type-0", "type-1");
    }
}
