package dev.sidewatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.exporter.DenialSpikeDetector;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.exporter.ManualClock;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.exporter.Scrape;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC 5's spike events through {@link EventPipeline}, with a clock the test moves: one
 * {@code permission.denial_spike} per start and one {@code permission.denial_spike.ended} per end, into
 * every exporter's queue, with the service, the counts and the top permission types.
 */
class DenialSpikeEventsTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T12:00:00Z"));
    private final List<ExportQueue> queues = List.of(new ExportQueue(), new ExportQueue()); // as stdout and OTLP
    private PrometheusMetrics prometheus;
    private EventPipeline pipeline;

    private EventPipeline pipeline(int maxSeries) {
        prometheus = new PrometheusMetrics(maxSeries);
        var metrics = prometheus.events(new DenialSpikeDetector(
                new dev.sidewatch.config.DenialSpikeConfig(Duration.ofMinutes(5), 10, 3), clock), "sidecar");
        return new EventPipeline(metrics, queues, prometheus, UnaryOperator.identity(), clock);
    }

    @AfterEach
    void close() {
        if (prometheus != null) prometheus.close();
    }

    private void deny(String service, String type, int times) {
        for (int i = 0; i < times; i++) {
            pipeline.accept(new Event(clock.instant(), clock.instant(), service, Severity.WARN, 13, Kind.PERMISSION_DENIED,
                    "Access to this API has been restricted", null, null, null,
                    new Event.PermissionInfo(type, "/etc/secret", "node"), null, null, null, Map.of(), null), 100);
        }
    }

    /** The spike events each queue received since the last call (other events are taken too); asserts all queues agree. */
    private List<Event> spikeEvents() throws InterruptedException {
        List<Event> first = null;
        for (ExportQueue queue : queues) {
            var spikes = new ArrayList<Event>();
            List<ExportQueue.Item> batch;
            while (!(batch = queue.take(10_000, Duration.ZERO)).isEmpty()) {
                for (ExportQueue.Item item : batch) {
                    Event e = item.event();
                    if (e.event() != null && e.event().name().startsWith("permission.denial_spike")) spikes.add(e);
                }
                queue.done(batch);
            }
            if (first == null) first = spikes;
            else assertThat(spikes).as("every exporter gets the same spike events").isEqualTo(first);
        }
        return first;
    }

    /** An hour of 1 denial a minute: 5 per window, under min_count, so never a spike. */
    private void quietHour(String service) throws InterruptedException {
        for (int minute = 0; minute < 60; minute++) {
            deny(service, "FileSystemRead", 1);
            clock.advance(Duration.ofMinutes(1));
            pipeline.checkSpikes();
        }
        assertThat(spikeEvents()).isEmpty();
    }

    @Test
    void quietHistoryThenSpike_oneEvent_sustained_noRepeat_subsides_ended() throws Exception {
        pipeline = pipeline(2000);
        quietHour("api");

        deny("api", "ChildProcess", 12);
        deny("api", "FileSystemRead", 6);
        List<Event> started = spikeEvents();
        assertThat(started).hasSize(1);
        Event spike = started.getFirst();
        assertThat(spike.service()).isEqualTo("api");
        assertThat(spike.severity()).isEqualTo(Severity.WARN);
        assertThat(spike.kind()).isEqualTo(Kind.LOG);
        assertThat(spike.event()).isEqualTo(new Event.EventInfo("sidewatch", "permission.denial_spike", "unknown", List.of()));
        assertThat(spike.attributes()).containsEntry("window_seconds", 300L)
                .containsEntry("top_permissions", List.of("ChildProcess", "FileSystemRead"));
        long denials = (Long) spike.attributes().get("denials");
        double baseline = (Double) spike.attributes().get("baseline");
        assertThat(baseline).isBetween(4.0, 5.5); // the quiet hour: 1 a minute
        // reported by the denial that made it a spike: 3 times the baseline, counting the quiet ones still in the window
        assertThat((double) denials).isGreaterThanOrEqualTo(3 * baseline).isLessThan(3 * baseline + 1);
        assertThat(spike.message()).contains("api", denials + " denials", String.format(java.util.Locale.ROOT, "%.1f", baseline));
        assertThat(spike.time()).isEqualTo(clock.instant());
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_permission_denial_spike", "service", "api")).isEqualTo(1.0);

        // sustained for two more minutes: still one spike, no repeat
        for (int i = 0; i < 12; i++) {
            deny("api", "ChildProcess", 5);
            clock.advance(Duration.ofSeconds(10));
            pipeline.checkSpikes();
        }
        assertThat(spikeEvents()).isEmpty();

        // subsides: no denials for a window
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofSeconds(10));
            pipeline.checkSpikes();
        }
        List<Event> ended = spikeEvents();
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().service()).isEqualTo("api");
        assertThat(ended.getFirst().severity()).isEqualTo(Severity.INFO);
        assertThat(ended.getFirst().event().name()).isEqualTo("permission.denial_spike.ended");
        assertThat(ended.getFirst().attributes()).containsKeys("denials", "baseline", "window_seconds");
        assertThat(new Scrape(prometheus.scrape()).value("sidewatch_permission_denial_spike", "service", "api")).isZero();

        // and it stays ended
        clock.advance(Duration.ofMinutes(10));
        pipeline.checkSpikes();
        assertThat(spikeEvents()).isEmpty();
    }

    @Test
    void underMinCount_noEvent() throws Exception {
        pipeline = pipeline(2000);
        deny("api", "FileSystemRead", 9);
        pipeline.checkSpikes();
        assertThat(spikeEvents()).isEmpty();
    }

    @Test
    void serviceSeenForTheFirstTime_itsFirstBurstIsASpikeWithBaselineZero() throws Exception {
        pipeline = pipeline(2000);
        quietHour("api");
        deny("fresh", "Net", 10);
        List<Event> events = spikeEvents();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().service()).isEqualTo("fresh");
        assertThat(events.getFirst().attributes()).containsEntry("denials", 10L).containsEntry("baseline", 0.0)
                .containsEntry("top_permissions", List.of("Net"));
    }

    @Test
    void manyServices_theCapFoldsSomeIntoOther_oneEventPerGaugeSeries() throws Exception {
        pipeline = pipeline(10);
        for (int i = 0; i < 20; i++) deny("svc-" + i, "FileSystemRead", 10);
        pipeline.checkSpikes();
        List<String> services = spikeEvents().stream().map(Event::service).toList();

        var gauge = new Scrape(prometheus.scrape()).series("sidewatch_permission_denial_spike");
        var spiking = gauge.entrySet().stream().filter(e -> e.getValue() == 1.0)
                .map(e -> e.getKey().replaceAll(".*service=\"([^\"]*)\".*", "$1")).toList();
        assertThat(services).doesNotHaveDuplicates().contains("_other").hasSizeLessThan(20)
                .containsExactlyInAnyOrderElementsOf(spiking);
        assertThat(gauge).hasSizeLessThanOrEqualTo(10);
    }
}
