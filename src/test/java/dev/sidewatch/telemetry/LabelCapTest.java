package dev.sidewatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelCapTest {

    private final List<List<String>> registered = new ArrayList<>();

    private LabelCap<String> cap(int maxSeries, boolean... foldable) {
        return cap(maxSeries, 0, foldable);
    }

    private LabelCap<String> cap(int maxSeries, int foldReserve, boolean... foldable) {
        return new LabelCap<>(maxSeries, foldReserve, foldable, values -> {
            registered.add(List.of(values));
            return String.join("|", values);
        });
    }

    @Test
    void knownLabelSet_returnsTheSameMeterWithoutRegisteringAgain() {
        var cap = cap(10, true, false);
        assertThat(cap.get("api", "INFO")).isEqualTo("api|INFO");
        assertThat(cap.get("api", "INFO")).isEqualTo("api|INFO");
        assertThat(registered).containsExactly(List.of("api", "INFO"));
    }

    @Test
    void beyondTheCap_unboundedLabelsFoldIntoOther_boundedOnesAreKept() {
        var cap = cap(5, 2, true, false);
        cap.get("a", "INFO");
        cap.get("b", "INFO");
        assertThat(cap.get("c", "WARN")).isEqualTo("_other|WARN");
        assertThat(cap.get("d", "WARN")).isEqualTo("_other|WARN");
        assertThat(cap.get("e", "INFO")).isEqualTo("_other|INFO");
        assertThat(cap.size()).isEqualTo(4);
    }

    @Test
    void lastSlot_isReservedForTheAllOtherSet_soTheCapHolds() {
        var cap = cap(3, true, false);
        cap.get("a", "INFO");
        cap.get("b", "INFO");
        assertThat(cap.get("c", "WARN")).isEqualTo("_other|_other");
        assertThat(cap.get("d", "ERROR")).isEqualTo("_other|_other");
        assertThat(cap.size()).isEqualTo(3);
    }

    @Test
    void defaultReserve_isATenthOfTheCap_whenSomeLabelsAreBounded() {
        var registeredHere = new ArrayList<List<String>>();
        var cap = new LabelCap<>(100, new boolean[]{true, false}, values -> {
            registeredHere.add(List.of(values));
            return String.join("|", values);
        });
        for (int i = 0; i < 1000; i++) cap.get("s" + i, i % 2 == 0 ? "INFO" : "WARN");
        assertThat(registeredHere).filteredOn(set -> !set.getFirst().equals("_other")).hasSize(100 - 1 - 9);
        assertThat(registeredHere).contains(List.of("_other", "INFO"), List.of("_other", "WARN"));
        assertThat(cap.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void maxSeriesOne_keepsOnlyTheAllOtherSet() {
        var cap = cap(1, true);
        assertThat(cap.get("a")).isEqualTo("_other");
        assertThat(cap.get("b")).isEqualTo("_other");
        assertThat(cap.size()).isEqualTo(1);
    }

    @Test
    void tenThousandDistinctValues_neverExceedMaxSeries() {
        var cap = cap(2000, 0, true, true, false);
        for (int i = 0; i < 10_000; i++) cap.get("service-" + i, "perm-" + i, i % 2 == 0 ? "node" : "app");
        assertThat(cap.size()).isEqualTo(2000);
        assertThat(registered).contains(List.of("_other", "_other", "_other"));
    }

    @Test
    void wrongNumberOfValues_isAProgrammingError() {
        var cap = cap(5, true, false);
        assertThatThrownBy(() -> cap.get("only-one")).isInstanceOf(IllegalArgumentException.class);
    }
}
