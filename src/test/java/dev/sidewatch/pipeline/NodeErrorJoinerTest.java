package dev.sidewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeErrorJoinerTest {
    /** Found by NodeErrorJoinerFuzzTest: flush() aborted one header and left the next one pending, so end of input lost lines. */
    @Test
    void flush_emitsEveryLine_evenWhenAnAbortedHeaderStartsAnother() {
        List<LogLine> out = new ArrayList<>();
        var joiner = new NodeErrorJoiner(out::add);
        for (String line : List.of("node:f3:573", "node:f3:573", "node:fs:57")) joiner.accept(LogLine.of(line));
        joiner.flush();
        assertThat(joiner.hasPending()).isFalse();
        assertThat(out).extracting(LogLine::text).containsExactly("node:f3:573", "node:f3:573", "node:fs:57");
    }
}
