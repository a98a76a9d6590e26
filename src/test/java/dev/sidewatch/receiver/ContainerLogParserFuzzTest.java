package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventJson;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.pipeline.Normalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing of the container log formats: any line is a Docker record, a CRI record or
 * neither, never an exception; and a whole file of arbitrary bytes, auto-detected, read by the real
 * {@link FileReceiver} ends in events without stopping the receiver.
 */
class ContainerLogParserFuzzTest {
    @FuzzTest
    void parsers_neverThrow(byte[] input) {
        String line = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        ContainerLogParser.ContainerLine docker = ContainerLogParser.docker(line);
        ContainerLogParser.ContainerLine cri = ContainerLogParser.cri(line);
        FileFormat format = ContainerLogParser.detect(line);
        assertThat(format).isNotNull();
        if (docker != null) assertThat(docker.content()).doesNotEndWith("\n");
        if (cri != null) assertThat(cri.stream()).isIn("stdout", "stderr");
    }

    @FuzzTest(maxDuration = "30s")
    void fileReceiver_readsAnyFile(byte[] content) throws Exception {
        Path dir = Files.createTempDirectory("sidewatch-fuzz");
        try {
            Files.write(dir.resolve("app.log"), content);
            var sink = new RecordingSink();
            var metrics = new PrometheusMetrics(100);
            var receiver = new FileReceiver(new dev.sidewatch.config.FileReceiverConfig(dir + "/*.log", null,
                    dev.sidewatch.config.FileReceiverConfig.StartAt.BEGINNING, FileFormat.AUTO), Normalizer.defaults(), sink,
                    PersistenceBarrier.IMMEDIATE, metrics.receiver(FileReceiver.NAME, FileReceiver.reasons()),
                    "svc", dir.resolve("data"), System.err, 0,
                    new FileReceiver.Timing(Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(5)));
            receiver.start();
            // every byte read, then a clean stop with a checkpoint no further than the last complete line
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> new dev.sidewatch.exporter.Scrape(metrics.scrape())
                            .value("sidewatch_received_bytes_total", "receiver", "file") == content.length);
            receiver.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            if (content.length > 0) {
                String checkpoint = Files.readString(receiver.checkpointFile());
                long offset = Long.parseLong(checkpoint.replaceAll("(?s).*\"offset\":(\\d+).*", "$1"));
                int lastNewline = lastIndexOf(content, (byte) '\n');
                assertThat(offset).isLessThanOrEqualTo(lastNewline + 1L);
            }
            for (Event e : sink.events()) EventJson.toJson(e);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == b) return i;
        return -1;
    }
}
