package dev.sidewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SmallMap must behave as the LinkedHashMap it replaces in the parser, order included. */
class SmallMapTest {
    @Test
    void randomOperations_matchLinkedHashMap() {
        var random = new Random(12);
        for (int round = 0; round < 200; round++) {
            Map<String, Object> expected = new LinkedHashMap<>();
            Map<String, Object> actual = new SmallMap();
            for (int op = 0; op < 60; op++) {
                String key = "k" + random.nextInt(20);
                Object value = random.nextInt(4) == 0 ? null : random.nextInt(100);
                switch (random.nextInt(6)) {
                    case 0, 1 -> assertThat(actual.put(key, value)).isEqualTo(expected.put(key, value));
                    case 2 -> assertThat(actual.remove(key)).isEqualTo(expected.remove(key));
                    case 3 -> assertThat(actual.putIfAbsent(key, value)).isEqualTo(expected.putIfAbsent(key, value));
                    case 4 -> {
                        actual.entrySet().removeIf(e -> e.getKey().equals(key));
                        expected.entrySet().removeIf(e -> e.getKey().equals(key));
                    }
                    default -> {
                        actual.replaceAll((k, v) -> k.equals(key) ? "x" : v);
                        expected.replaceAll((k, v) -> k.equals(key) ? "x" : v);
                    }
                }
                assertThat(actual.get(key)).isEqualTo(expected.get(key));
                assertThat(actual.containsKey(key)).isEqualTo(expected.containsKey(key));
                assertThat(new ArrayList<>(actual.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
                assertThat(actual).isEqualTo(expected).hasSameHashCodeAs(expected).hasToString(expected.toString());
                assertThat(expected).isEqualTo(actual);
            }
        }
    }

    @Test
    void entrySetValues_writeThrough_andStructuralChangesDuringIterationFail() {
        var map = new SmallMap();
        map.put("a", 1);
        map.put("b", 2);
        map.entrySet().iterator().next().setValue(3);
        assertThat(map).containsExactly(Map.entry("a", 3), Map.entry("b", 2));
        assertThatThrownBy(() -> map.forEach((k, v) -> map.put("c", 4))).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void parser_keepsSmallObjectsSmall_andLargeOnesHashed() {
        var small = JsonRecordParser.parseObject("{\"b\":1,\"a\":{\"c\":2},\"b\":3}");
        assertThat(small).isInstanceOf(SmallMap.class).containsExactly(Map.entry("b", 3L), Map.entry("a", Map.of("c", 2L)));
        var json = new StringBuilder("{");
        for (int i = 0; i <= SmallMap.MAX_PARSED; i++) json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        var large = JsonRecordParser.parseObject(json.append('}').toString());
        assertThat(large).isInstanceOf(LinkedHashMap.class).hasSize(SmallMap.MAX_PARSED + 1);
        assertThat(large.keySet()).first().isEqualTo("k0");
    }
}
