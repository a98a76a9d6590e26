package dev.sidewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the Node error-block joiner: any sequence of lines, cut at newlines and
 * fed with a flush at the end. Checks that it never throws and loses or invents no line: the lines out
 * (a joined block counts as its lines) are exactly as many as the lines in, in order by offset.
 */
class NodeErrorJoinerFuzzTest {
    @FuzzTest
    void joiner_neverThrows_andKeepsEveryLine(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<LogLine> out = new ArrayList<>();
        var joiner = new NodeErrorJoiner(out::add);
        for (int i = 0; i < lines.length; i++) joiner.accept(new LogLine(lines[i], i, false, false));
        joiner.flush();
        assertThat(joiner.hasPending()).isFalse();
        int count = 0;
        long lastOffset = -1;
        for (LogLine line : out) {
            count += line.multiLine() ? line.text().split("\n", -1).length : 1;
            assertThat(line.offset()).isGreaterThan(lastOffset);
            lastOffset = line.offset();
        }
        assertThat(count).isEqualTo(lines.length);
    }
}
