package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.pipeline.Normalizer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailedFileTest {
    @TempDir
    Path dir;

    private final RecordingSink sink = new RecordingSink();

    private TailedFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new TailedFile(file, file.toString(), channel, TailedFile.readHead(channel, TailedFile.FINGERPRINT_BYTES), 0,
                FileFormat.RAW, Normalizer.defaults(), sink,
                new PrometheusMetrics(100).receiver(FileReceiver.NAME, FileReceiver.reasons()), "api");
    }

    private static String lines(String prefix, int n) {
        var out = new StringBuilder();
        for (int i = 0; i < n; i++) out.append(prefix).append(i).append('\n');
        return out.toString();
    }

    @Test
    void aFileEmptiedAndRefilledBetweenTwoReads_isNotReadAtTheOldOffset() throws Exception {
        Path file = dir.resolve("app.log");
        Files.writeString(file, lines("old ", 100));
        TailedFile tailed = open(file);
        assertThat(tailed.read(1 << 20, new byte[64 * 1024], () -> true)).isEqualTo(Files.size(file));
        long offset = tailed.readOffset();

        // copytruncate, then the service writes more than before, all before the next read
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(0);
        }
        Files.writeString(file, lines("new ", 300), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(tailed.read(1 << 20, new byte[64 * 1024], () -> true)).as("bytes taken from the new content").isZero();
        assertThat(tailed.readOffset()).isEqualTo(offset);
        assertThat(tailed.sameContent()).isFalse();
        assertThat(sink.messages()).hasSize(100).allMatch(m -> m.startsWith("old "));
        tailed.close();
    }
}
