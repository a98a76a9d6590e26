package dev.sidewatch.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.exporter.ExportQueue;
import dev.sidewatch.exporter.Scrape;
import dev.sidewatch.telemetry.Arrivals;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real {@link ExportQueue} with small high-water marks in front of an exporter the test holds shut and
 * opens at will: while shut nothing leaves the queue, so it fills and receivers are pushed back for
 * certain rather than by timing. Keeps how often each message arrived, and checks the accounting
 * invariant against the receiver's own meters. Thread-safe.
 */
final class GatedExporter implements EventSink, AutoCloseable {
    /**
     * Small, so a few thousand lines are certain to push back, yet above what the receivers may add past it
     * once saturated (a slice of 128 lines per connection): the hard limit (4x) is never reached.
     */
    static final int HIGH_WATER_EVENTS = 1024;

    private final ExportQueue queue = new ExportQueue(HIGH_WATER_EVENTS, 1024 * 1024);
    private final Map<String, Integer> arrived = new HashMap<>();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean open;
    private volatile boolean running = true;

    GatedExporter() {
        thread = Thread.ofPlatform().name("gated-exporter").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running) {
                synchronized (this) {
                    while (!open && running) wait();
                }
                List<ExportQueue.Item> batch = queue.take(512, Duration.ofMillis(50));
                if (batch.isEmpty()) continue;
                synchronized (this) {
                    while (!open && running) wait(); // shut while taking: the batch stays in flight
                }
                synchronized (arrived) {
                    for (ExportQueue.Item item : batch) arrived.merge(item.event().message(), 1, Integer::sum);
                }
                exported.addAndGet(batch.size());
                queue.done(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void shut() {
        open = false;
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    /** True while the queue is above its high-water mark: receivers are being pushed back. */
    @Override
    public boolean saturated() {
        return queue.saturated();
    }

    Map<String, Integer> arrived() {
        synchronized (arrived) {
            return new HashMap<>(arrived);
        }
    }

    /** Forgets what arrived (between rounds); the counters of the invariant keep running. */
    void forget() {
        synchronized (arrived) {
            arrived.clear();
        }
    }

    /** Waits until {@code n} distinct messages {@code prefix0 ..} arrived, or {@code atMost}; returns the losses. */
    int awaitArrival(String prefix, int n, Duration atMost) {
        try {
            org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                    .until(() -> Arrivals.lost(arrived(), prefix, n) == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // counted and reported by the caller
        }
        return Arrivals.lost(arrived(), prefix, n);
    }

    /**
     * received = exported + buffered + rejected-and-not-forwarded + dropped, from the receiver's meters.
     * Line receivers keep a rejected line (invalid JSON, cut at 1 MiB) as a text event, so it is counted
     * as received and exported too; {@code rejectedNotForwarded} is what a receiver refused outright.
     */
    void assertAccounting(Scrape scrape, String receiver, long rejectedNotForwarded) {
        double received = scrape.value("sidewatch_received_records_total", "receiver", receiver);
        assertThat((long) received).as("received = exported %d + buffered %d + rejected %d + dropped %d",
                        exported.get(), queue.size(), rejectedNotForwarded, dropped.get())
                .isEqualTo(exported.get() + queue.size() + rejectedNotForwarded + dropped.get());
        assertThat(dropped.get()).as("dropped past the queue's hard limit").isZero();
    }

    /** Events the queue refused past its hard limit. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void accept(Event event, int bytes) {
        if (!queue.offer(event, bytes)) dropped.incrementAndGet();
    }

    /** Once every event offered so far has left through the gate: a file receiver checkpoints behind this. */
    @Override
    public void whenPersisted(Runnable action) {
        queue.whenDone(action);
    }

    @Override
    public void whenWritable(Runnable action) {
        queue.whenWritable(action);
    }

    @Override
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        return queue.awaitWritable(timeout);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        open();
        thread.join();
    }
}
