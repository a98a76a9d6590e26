package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.HttpReceiverConfig;
import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.pipeline.Normalizer;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SPEC 8: at-least-once from the moment a client gets its 200, so the answer waits until the events are persisted. */
class HttpIngestPersistenceTest {
    private final Vertx vertx = Vertx.vertx();
    private final PrometheusMetrics prometheus = new PrometheusMetrics(2000);

    /** A sink whose events are persisted only when the test says so. */
    private static final class HeldSink implements EventSink {
        final List<Event> events = new ArrayList<>();
        final List<Runnable> held = new ArrayList<>();

        @Override
        public synchronized void accept(Event event, int bytes) {
            events.add(event);
        }

        @Override
        public boolean saturated() {
            return false;
        }

        @Override
        public void whenWritable(Runnable action) {
            action.run();
        }

        @Override
        public boolean awaitWritable(Duration timeout) {
            return true;
        }

        @Override
        public synchronized void whenPersisted(Runnable action) {
            held.add(action);
        }

        synchronized int heldCount() {
            return held.size();
        }

        void persist() {
            List<Runnable> now;
            synchronized (this) {
                now = new ArrayList<>(held);
                held.clear();
            }
            now.forEach(Runnable::run);
        }
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        prometheus.close();
    }

    @Test
    void theAnswerWaitsUntilTheEventsArePersisted() throws Exception {
        var sink = new HeldSink();
        var receiver = new HttpIngestReceiver(new HttpReceiverConfig(new HostPort("127.0.0.1", 0), null, 1 << 20),
                Normalizer.defaults(), sink, prometheus.receiver(HttpIngestReceiver.NAME, HttpIngestReceiver.reasons()), "svc",
                Duration.ofSeconds(10));
        vertx.deployVerticle(receiver).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + receiver.actualPort() + "/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"msg\":\"one\"}\n{\"msg\":\"two\"}\n")).build(), HttpResponse.BodyHandlers.ofString());

        await().until(() -> sink.heldCount() == 1);
        assertThat(sink.events).hasSize(2);
        assertThat(answer).as("no 200 before the events are safe").isNotDone();
        sink.persist();
        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // the accounting invariant with a sink that has no exporter behind it: everything received is held
        var scrape = new Scrape(prometheus.scrape());
        assertThat(scrape.value("sidewatch_received_records_total", "receiver", "http")).isEqualTo(sink.events.size());
        assertThat(scrape.series("sidewatch_rejected_records_total").values()).allMatch(v -> v == 0);
    }
}
