package dev.sidewatch.exporter.buffer;

import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.BatchExporter;
import dev.sidewatch.event.ExportResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A {@link BatchExporter} whose answers the test scripts; keeps every event it confirmed. Thread-safe. */
final class FakeExporter implements BatchExporter {
    private final List<Event> delivered = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final List<Integer> attemptSizes = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile Function<List<Event>, CompletableFuture<ExportResult>> behaviour = batch -> CompletableFuture.completedFuture(ExportResult.SUCCESS);

    static CompletableFuture<ExportResult> answer(ExportResult result) {
        return CompletableFuture.completedFuture(result);
    }

    void answerAlways(ExportResult result) {
        behaviour = batch -> answer(result);
    }

    /** The first {@code n} calls get {@code result}, later ones succeed. */
    void answerFirst(int n, ExportResult result) {
        behaviour = batch -> answer(calls.get() <= n ? result : ExportResult.SUCCESS);
    }

    @Override
    public CompletableFuture<ExportResult> export(List<Event> batch) {
        calls.incrementAndGet();
        synchronized (this) {
            attemptSizes.add(batch.size());
        }
        CompletableFuture<ExportResult> result = behaviour.apply(batch);
        return result.thenApply(r -> {
            if (r != null && r.outcome() == ExportResult.Outcome.SUCCESS) {
                synchronized (this) {
                    delivered.addAll(batch);
                    batchSizes.add(batch.size());
                }
            }
            return r;
        });
    }

    synchronized List<Event> delivered() {
        return List.copyOf(delivered);
    }

    synchronized int deliveredCount() {
        return delivered.size();
    }

    synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    /** The size of every batch offered, confirmed or not. */
    synchronized List<Integer> attemptSizes() {
        return List.copyOf(attemptSizes);
    }

    List<String> messages() {
        return delivered().stream().map(Event::message).toList();
    }
}
