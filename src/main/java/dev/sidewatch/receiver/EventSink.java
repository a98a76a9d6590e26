package dev.sidewatch.receiver;

import dev.sidewatch.event.Event;

import java.time.Duration;

/**
 * Where receivers hand normalised events: the pipeline in front of the exporters. Receivers must honour
 * back-pressure: check {@link #saturated()} between small slices of input and stop reading until
 * {@link #whenWritable} fires (event loops) or {@link #awaitWritable} returns (threads that may block).
 */
public interface EventSink extends PersistenceBarrier {
    /** Takes one event; never blocks. {@code bytes}: the size of the input it came from. */
    void accept(Event event, int bytes);

    /** True while downstream buffers are above their high-water mark. */
    boolean saturated();

    /** Runs {@code action} once not saturated, possibly at once and possibly on another thread. */
    void whenWritable(Runnable action);

    /** Blocks until not saturated or the timeout passes; true when writable. Never call on an event loop. */
    boolean awaitWritable(Duration timeout) throws InterruptedException;

    /**
     * Runs {@code action} once every event accepted so far is safe (in the durable buffer, or written by
     * an exporter without one). By default at once: a sink that holds nothing itself.
     */
    @Override
    default void whenPersisted(Runnable action) {
        action.run();
    }
}
