package dev.sidewatch.receiver;

import dev.sidewatch.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} that keeps what it gets, saturated when the test says so. Thread-safe. */
final class RecordingSink implements EventSink {
    private final List<Event> events = new ArrayList<>();
    private final List<Runnable> waiters = new ArrayList<>();
    private volatile boolean saturated;

    @Override
    public synchronized void accept(Event event, int bytes) {
        events.add(event);
    }

    @Override
    public boolean saturated() {
        return saturated;
    }

    @Override
    public void whenWritable(Runnable action) {
        synchronized (this) {
            if (saturated) {
                waiters.add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public synchronized boolean awaitWritable(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (saturated) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    void saturate(boolean value) {
        List<Runnable> wake;
        synchronized (this) {
            saturated = value;
            notifyAll();
            if (value) return;
            wake = new ArrayList<>(waiters);
            waiters.clear();
        }
        wake.forEach(Runnable::run);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized int size() {
        return events.size();
    }

    List<String> messages() {
        return events().stream().map(Event::message).toList();
    }
}
