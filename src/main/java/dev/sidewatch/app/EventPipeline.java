package dev.sidewatch.app;

import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.DenialSpikeDetector;
import dev.sidewatch.exporter.EventMetrics;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.receiver.EventSink;
import dev.sidewatch.receiver.PersistenceBarrier;
import dev.sidewatch.telemetry.DroppedEvents;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What receivers hand their events to: runs the export-side processor (span synthesis when OTLP traces
 * are exported), counts each event ({@link EventMetrics}) and queues it for every exporter. Saturated
 * while any exporter's queue is. With no exporter (stdout off and no OTLP), events are only counted.
 * {@link #whenPersisted} waits for every exporter's queue to have finished what was offered (stdout:
 * written; OTLP: in the disk buffer). Emits the denial spike events (SPEC 5) the same way: a start right
 * after the denial that caused it, an end found by {@link #checkSpikes}, which the sidecar calls every
 * second. Thread-safe and non-blocking apart from {@link #awaitWritable}.
 */
final class EventPipeline implements EventSink, PersistenceBarrier {
    private final EventMetrics metrics;
    private final List<ExportQueue> queues;
    private final PrometheusMetrics prometheus;
    private final UnaryOperator<Event> processor;
    private final Clock clock;
    private boolean spikeChecksStopped;

    /**
     * @param processor applied to every event before it is counted and queued; pure, never throws
     * @param clock     the time of the spike events
     */
    EventPipeline(EventMetrics metrics, List<ExportQueue> queues, PrometheusMetrics prometheus, UnaryOperator<Event> processor,
                  Clock clock) {
        this.metrics = metrics;
        this.queues = List.copyOf(queues);
        this.prometheus = prometheus;
        this.processor = processor;
        this.clock = clock;
    }

    @Override
    public void accept(Event received, int bytes) {
        Event event = processor.apply(received);
        DenialSpikeDetector.Transition started = metrics.record(event);
        offer(event, bytes);
        if (started != null) emit(started);
    }

    /** Emits an event for every spike that started or ended since the last report; nothing once stopped. */
    synchronized void checkSpikes() {
        if (spikeChecksStopped) return;
        for (DenialSpikeDetector.Transition transition : metrics.spikeTransitions()) emit(transition);
    }

    /**
     * Ends {@link #checkSpikes} before the exporters' queues close; when it returns, no check is running,
     * so no spike event meets a closed queue (which would count as dropped).
     */
    synchronized void stopSpikeChecks() {
        spikeChecksStopped = true;
    }

    private void emit(DenialSpikeDetector.Transition transition) {
        Event event = DenialSpikeEvents.of(transition, clock.instant());
        metrics.record(event);
        offer(event, event.message().getBytes(StandardCharsets.UTF_8).length);
    }

    private void offer(Event event, int bytes) {
        for (ExportQueue queue : queues) {
            if (!queue.offer(event, bytes)) prometheus.dropped(DroppedEvents.BUFFER_OVERFLOW, 1);
        }
    }

    @Override
    public boolean saturated() {
        for (ExportQueue queue : queues) if (queue.saturated()) return true;
        return false;
    }

    @Override
    public void whenWritable(Runnable action) {
        whenWritable(0, action);
    }

    private void whenWritable(int index, Runnable action) {
        if (index == queues.size()) action.run();
        else queues.get(index).whenWritable(() -> whenWritable(index + 1, action));
    }

    @Override
    public void whenPersisted(Runnable action) {
        whenPersisted(0, action);
    }

    private void whenPersisted(int index, Runnable action) {
        if (index == queues.size()) action.run();
        else queues.get(index).whenDone(() -> whenPersisted(index + 1, action));
    }

    @Override
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ExportQueue queue : queues) {
            if (!queue.awaitWritable(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) return false;
        }
        return true;
    }
}
