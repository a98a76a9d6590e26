package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sidewatch.pipeline.LogLine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the byte framing used by every line receiver (TCP and NDJSON bodies, stdin,
 * files), with a small line limit so the cut is reached: arbitrary bytes in arbitrary chunk sizes.
 * Checks that the lines do not depend on the chunking, that no line exceeds the limit, that a line is
 * marked truncated exactly when it was cut, and that offsets point at each line's first byte.
 */
class LineFramerFuzzTest {
    private static final int LIMIT = 64;

    @FuzzTest
    void framer_linesDoNotDependOnChunking_andRespectTheLimit(FuzzedDataProvider data) {
        int[] chunkSizes = new int[data.consumeInt(1, 8)];
        for (int i = 0; i < chunkSizes.length; i++) chunkSizes[i] = data.consumeInt(1, 200);
        byte[] input = data.consumeRemainingAsBytes();

        List<LogLine> whole = frame(input, new int[]{Math.max(1, input.length)});
        List<LogLine> chunked = frame(input, chunkSizes);
        assertThat(chunked).hasSameSizeAs(whole);
        for (int i = 0; i < whole.size(); i++) {
            assertThat(chunked.get(i).text()).isEqualTo(whole.get(i).text());
            assertThat(chunked.get(i).offset()).isEqualTo(whole.get(i).offset());
            assertThat(chunked.get(i).truncated()).isEqualTo(whole.get(i).truncated());
        }

        // the reference: split on LF, drop one CR before it, cut at the limit
        List<byte[]> expected = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        var line = new ByteArrayOutputStream();
        long start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                expected.add(line.toByteArray());
                offsets.add(start);
                line.reset();
                start = i + 1;
            } else {
                line.write(input[i]);
            }
        }
        if (line.size() > 0) {
            expected.add(line.toByteArray());
            offsets.add(start);
        }
        assertThat(whole).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            byte[] raw = expected.get(i);
            boolean cut = raw.length > LIMIT;
            int length = cut ? LIMIT : raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            String want = new String(raw, 0, length, StandardCharsets.UTF_8);
            assertThat(whole.get(i).text()).isEqualTo(want);
            assertThat(whole.get(i).truncated()).isEqualTo(cut);
            assertThat(whole.get(i).offset()).isEqualTo(offsets.get(i));
        }
    }

    private static List<LogLine> frame(byte[] input, int[] chunkSizes) {
        List<LogLine> out = new ArrayList<>();
        var framer = new LineFramer(out::add, LIMIT);
        int at = 0;
        for (int i = 0; at < input.length; i++) {
            int n = Math.min(chunkSizes[i % chunkSizes.length], input.length - at);
            framer.feed(input, at, n);
            at += n;
            assertThat(framer.pendingBytes()).isLessThanOrEqualTo(LIMIT);
        }
        framer.finish();
        return out;
    }
}
