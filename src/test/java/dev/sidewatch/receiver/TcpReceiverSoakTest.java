package dev.sidewatch.receiver;

import static dev.sidewatch.receiver.HttpIngestReceiverTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.telemetry.Arrivals;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: many connections, each a burst that ends with half-close and close while the receiver is paused
 * for back-pressure (the exporter is held shut until every client has closed). Every number must arrive.
 */
class TcpReceiverSoakTest {
    static final int ROUNDS = 20;
    static final int CONNECTIONS = 8;
    static final int LINES = 1500;

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
    void burstsEndingWithHalfCloseAndCloseWhilePaused_loseNothing() throws Exception {
        var receiver = new TcpReceiver(new HostPort("127.0.0.1", 0), Normalizer.defaults(), exporter,
                prometheus.receiver(TcpReceiver.NAME, TcpReceiver.reasons()), "soak", TcpReceiverTest.QUIET_NEVER);
        join(vertx.deployVerticle(receiver));
        int lost = 0;
        int duplicates = 0;
        List<String> lossyRounds = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            exporter.shut();
            exporter.forget();
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                byte[] burst = Arrivals.ndjson("r" + round + "c" + c + "n", 0, LINES).getBytes(StandardCharsets.UTF_8);
                clients.add(CompletableFuture.runAsync(() -> burst(receiver.actualPort(), burst)));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get();
            // every client has closed; a burst is far more than the shut exporter's queue takes, so each
            // connection's end is read while the receiver is pushed back
            await().until(exporter::saturated);
            exporter.open();
            // one deadline for the whole round: a busy core can hold the last connection's tail back for
            // a while, and a line still missing when the round's 10 s are over counts as lost
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int c = 0; c < CONNECTIONS; c++) {
                String prefix = "r" + round + "c" + c + "n";
                int roundLost = exporter.awaitArrival(prefix, LINES,
                        Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(100).toNanos())));
                if (roundLost > 0) lossyRounds.add("round %d connection %d: %s".formatted(round, c, Arrivals.missing(exporter.arrived(), prefix, LINES)));
                lost += roundLost;
            }
            duplicates += Arrivals.duplicates(exporter.arrived());
        }
        System.out.printf("soak tcp: %d rounds x %d connections x %d lines: lost %d, duplicates %d, dropped %d%n",
                ROUNDS, CONNECTIONS, LINES, lost, duplicates, exporter.dropped());
        var scrape = new Scrape(prometheus.scrape());
        assertThat(lost).as("lines lost, %d rounds x %d x %d: %s", ROUNDS, CONNECTIONS, LINES, lossyRounds).isZero();
        assertThat(scrape.value("sidewatch_rejected_records_total", "receiver", "tcp", "reason", "invalid_json"))
                .as("lines cut in half").isZero();
        exporter.assertAccounting(scrape, TcpReceiver.NAME, 0);
    }

    /** Writes the whole burst, half-closes, then closes. */
    private static void burst(int port, byte[] burst) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(burst);
            out.flush();
            socket.shutdownOutput();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
