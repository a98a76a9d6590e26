package dev.sidewatch.app;

import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.EventMetrics;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.exporter.PrometheusMetrics;
import dev.sidewatch.receiver.EventSink;
import dev.sidewatch.receiver.PersistenceBarrier;
import dev.sidewatch.telemetry.DroppedEvents;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What receivers hand their events to: runs the export-side processor (span synthesis when OTLP traces
 * are exported), counts each event ({@link EventMetrics}) and queues it for every exporter. Saturated
 * while any exporter's queue is. With no exporter (stdout off and no OTLP), events are only counted.
 * {@link #whenPersisted} waits for every exporter's queue to have finished what was offered (stdout:
 * written; OTLP: in the disk buffer). Thread-safe and non-blocking apart from {@link #awaitWritable}.
 */
final class EventPipeline implements EventSink, PersistenceBarrier {
    private final EventMetrics metrics;
    private final List<ExportQueue> queues;
    private final PrometheusMetrics prometheus;
    private final UnaryOperator<Event> processor;

    EventPipeline(EventMetrics metrics, List<ExportQueue> queues, PrometheusMetrics prometheus) {
        this(metrics, queues, prometheus, UnaryOperator.identity());
    }

    /** @param processor applied to every event before it is counted and queued; pure, never throws */
    EventPipeline(EventMetrics metrics, List<ExportQueue> queues, PrometheusMetrics prometheus, UnaryOperator<Event> processor) {
        this.metrics = metrics;
        this.queues = List.copyOf(queues);
        this.prometheus = prometheus;
        this.processor = processor;
    }

    @Override
    public void accept(Event received, int bytes) {
        Event event = processor.apply(received);
        metrics.record(event);
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
