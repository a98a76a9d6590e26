package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.Arrivals;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: a pipe closed while stdin is paused for back-pressure (the exporter is held shut until the
 * writer has closed its end). A fresh pipe and receiver each round; every number must arrive.
 */
class StdinReceiverSoakTest {
    static final int ROUNDS = 20;
    /** Two 32 KiB chunks push back; the rest (about 50 KiB) waits in the pipe when it is closed. */
    static final int LINES = 2500;

    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);
    private final GatedExporter exporter = new GatedExporter();

    @AfterEach
    void close() throws Exception {
        join(vertx.close());
        exporter.close();
        prometheus.close();
    }

    @Test
    void pipeClosedWhilePaused_losesNothing() throws Exception {
        var metrics = prometheus.receiver(StdinReceiver.NAME, StdinReceiver.reasons());
        int lost = 0;
        int duplicates = 0;
        List<String> lossyRounds = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            exporter.shut();
            exporter.forget();
            String prefix = "r" + round + "n";
            Pipe pipe = Pipe.open();
            var receiver = new StdinReceiver(Channels.newInputStream(pipe.source()), Normalizer.defaults(), exporter, metrics,
                    "soak", new PrintStream(new ByteArrayOutputStream()), TcpReceiverTest.QUIET_NEVER);
            String deployment = join(vertx.deployVerticle(receiver));
            byte[] lines = Arrivals.ndjson(prefix, 0, LINES).getBytes(StandardCharsets.UTF_8);
            var writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = Channels.newOutputStream(pipe.sink())) {
                    out.write(lines);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            await().until(exporter::saturated);
            writer.get();
            assertThat(receiver.endOfInput().isComplete()).as("the pipe closed while stdin was pushed back").isFalse();
            exporter.open();
            join(receiver.endOfInput());
            int roundLost = exporter.awaitArrival(prefix, LINES, Duration.ofSeconds(10));
            if (roundLost > 0) lossyRounds.add("round %d: %s".formatted(round, Arrivals.missing(exporter.arrived(), prefix, LINES)));
            lost += roundLost;
            duplicates += Arrivals.duplicates(exporter.arrived());
            join(vertx.undeploy(deployment));
        }
        System.out.printf("soak stdin: %d rounds x %d lines: lost %d, duplicates %d, dropped %d%n",
                ROUNDS, LINES, lost, duplicates, exporter.dropped());
        var scrape = new Scrape(prometheus.scrape());
        assertThat(lost).as("lines lost, %d rounds x %d: %s", ROUNDS, LINES, lossyRounds).isZero();
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "stdin", "reason", "invalid_json"))
                .as("lines cut in half").isZero();
        exporter.assertAccounting(scrape, StdinReceiver.NAME, 0);
    }
}
