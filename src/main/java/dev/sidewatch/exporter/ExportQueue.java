package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded in-memory buffer between the pipeline and one exporter's writer thread.
 *
 * <p>Back-pressure, not loss: above the high-water mark (events or bytes) the queue is
 * {@linkplain #saturated() saturated} and receivers stop reading (sockets paused, stdin not read, HTTP
 * answered 429) until it drains below half of the mark, when the {@link #whenWritable} callbacks run.
 * Producers check between small slices of input, so the queue overshoots the mark by at most one slice
 * per producer; {@link #offer} refuses only past the hard limit of {@value #HARD_LIMIT_FACTOR} times
 * the mark, which the caller counts as dropped. Thread-safe; only {@link #take} and the await methods
 * block.
 *
 * <p>{@link #whenDone} tells when every event offered so far has been finished by the consumer (written
 * to stdout, or written and fsynced by the disk buffer): the barrier file receivers checkpoint behind.
 * It relies on the single consumer reporting batches {@linkplain #done done} in the order it took them.
 */
public final class ExportQueue {
    /**
     * Default high-water mark: 2048 events, twice the disk writer's batch. An event takes ~3.5-4.5 times its
     * input on the heap (~1.1 KB for a pino-http line of 315 bytes; docs/performance.md, "Heap bounds").
     */
    public static final int DEFAULT_HIGH_WATER_EVENTS = 2048;
    /**
     * Default high-water mark: 1 MiB of input, ~5 MiB of heap; at the hard limit at most 4 MiB of input,
     * ~20 MiB of heap even at 5 times its size: what lets the sidecar run in a 64 MiB heap. More would buy
     * nothing: the queue only smooths the hand-over to the disk writer, which takes 1024 events at a time.
     */
    public static final long DEFAULT_HIGH_WATER_BYTES = 1024L * 1024;
    /**
     * The hard limit, as a multiple of the high-water mark. The room above the mark is for what producers
     * hand on before their next check: a file receiver's 64 KiB chunk of short lines is ~2,000 events.
     */
    static final int HARD_LIMIT_FACTOR = 4;

    /** One queued event and the input bytes it came from. */
    public record Item(Event event, int bytes) {
    }

    /** An action waiting until {@code target} events have been done. */
    private record Barrier(long target, Runnable action) {
    }

    private final int highWaterEvents;
    private final long highWaterBytes;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition changed = lock.newCondition();
    private final List<Runnable> waiters = new ArrayList<>();
    private final ArrayDeque<Barrier> barriers = new ArrayDeque<>();
    private long offered;
    private long completed;
    private long queuedBytes;
    private int inFlight;
    private long inFlightBytes;
    private boolean closed;
    private volatile boolean saturated;
    private volatile boolean held;

    public ExportQueue() {
        this(DEFAULT_HIGH_WATER_EVENTS, DEFAULT_HIGH_WATER_BYTES);
    }

    public ExportQueue(int highWaterEvents, long highWaterBytes) {
        if (highWaterEvents < 2 || highWaterBytes < 2) throw new IllegalArgumentException("high-water marks must be at least 2");
        this.highWaterEvents = highWaterEvents;
        this.highWaterBytes = highWaterBytes;
    }

    /** The byte high-water mark: above it {@link #saturated()} turns true and receivers push back. */
    public long highWaterBytes() {
        return highWaterBytes;
    }

    /**
     * Adds an event; never blocks. Returns false only when the queue is closed or past its hard limit,
     * i.e. when producers ignored {@link #saturated()}.
     */
    public boolean offer(Event event, int bytes) {
        lock.lock();
        try {
            if (closed || items.size() + inFlight >= (long) highWaterEvents * HARD_LIMIT_FACTOR
                    || queuedBytes + inFlightBytes >= highWaterBytes * HARD_LIMIT_FACTOR) {
                return false;
            }
            items.addLast(new Item(event, bytes));
            offered++;
            queuedBytes += bytes;
            if (!saturated && (items.size() + inFlight >= highWaterEvents || queuedBytes + inFlightBytes >= highWaterBytes)) {
                saturated = true;
            }
            if (items.size() == 1) notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True from the high-water mark until the queue has drained to half of it, and while {@linkplain #hold held}. */
    public boolean saturated() {
        return saturated || held;
    }

    /**
     * The consumer says it cannot take more for now (the disk buffer is above its high-water mark, or its
     * disk fails): the queue reports itself saturated, so receivers push back at once, until released.
     * Never blocks; waiters run on the releasing thread.
     */
    public void hold(boolean hold) {
        List<Runnable> wake = null;
        lock.lock();
        try {
            if (held == hold) return;
            held = hold;
            if (!hold && !saturated) {
                wake = new ArrayList<>(waiters);
                waiters.clear();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) wake.forEach(Runnable::run);
    }

    /**
     * Runs {@code action} once the queue is not saturated: at once on this thread if it is not now,
     * else later on the writer thread (so the action should only hand work to its own context).
     */
    public void whenWritable(Runnable action) {
        lock.lock();
        try {
            if ((saturated || held) && !closed) {
                waiters.add(action);
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /**
     * Blocks until the queue is not saturated or the timeout passes. For threads that may block
     * (stdin reader, HTTP body workers), never for an event loop.
     *
     * @return true when writable
     */
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while ((saturated || held) && !closed) {
                if (nanos <= 0) return false;
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} events for writing, waiting up to {@code timeout} for the first. The
     * caller reports them with {@link #done} once written. Returns an empty list on timeout, or
     * when the queue is closed and empty.
     */
    public List<Item> take(int max, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        List<Item> batch;
        lock.lock();
        try {
            while (items.isEmpty() && !closed) {
                if (nanos <= 0) return List.of();
                nanos = notEmpty.awaitNanos(nanos);
            }
            int n = Math.min(max, items.size());
            batch = new ArrayList<>(n);
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                Item item = items.pollFirst();
                bytes += item.bytes();
                batch.add(item);
            }
            queuedBytes -= bytes;
            inFlight += n;
            inFlightBytes += bytes;
        } finally {
            lock.unlock();
        }
        return batch;
    }

    /** Reports a batch from {@link #take} as finished (written or failed). */
    public void done(List<Item> batch) {
        long bytes = 0;
        for (Item item : batch) bytes += item.bytes();
        List<Runnable> wake = null;
        List<Runnable> passed = null;
        lock.lock();
        try {
            inFlight -= batch.size();
            inFlightBytes -= bytes;
            completed += batch.size();
            while (!barriers.isEmpty() && barriers.peekFirst().target() <= completed) {
                if (passed == null) passed = new ArrayList<>();
                passed.add(barriers.pollFirst().action());
            }
            if (saturated && items.size() + inFlight <= highWaterEvents / 2 && queuedBytes + inFlightBytes <= highWaterBytes / 2) {
                saturated = false;
            }
            if (!saturated && !held && !waiters.isEmpty()) {
                wake = new ArrayList<>(waiters);
                waiters.clear();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (passed != null) passed.forEach(Runnable::run);
        if (wake != null) wake.forEach(Runnable::run);
    }

    /**
     * Runs {@code action} once every event offered before this call has been reported {@linkplain #done
     * done}: at once on this thread if that is already so, else on the consumer's thread (so the action
     * should only hand work on). Never blocks.
     */
    public void whenDone(Runnable action) {
        lock.lock();
        try {
            if (completed < offered) {
                barriers.addLast(new Barrier(offered, action));
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /** Events queued or being written. */
    public int size() {
        lock.lock();
        try {
            return items.size() + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Input bytes of the events queued or being written. */
    public long bytes() {
        lock.lock();
        try {
            return queuedBytes + inFlightBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every event offered so far has been {@linkplain #done done}; true if so within the timeout. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!items.isEmpty() || inFlight > 0) {
                if (nanos <= 0) return false;
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting: later offers fail, {@link #take} returns what is left and then an empty list,
     * blocked producers and waiters are released.
     */
    public void close() {
        List<Runnable> wake;
        lock.lock();
        try {
            closed = true;
            saturated = false;
            wake = new ArrayList<>(waiters);
            waiters.clear();
            notEmpty.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wake.forEach(Runnable::run);
    }

    /** True once {@link #close()} was called and everything was taken. */
    public boolean finished() {
        lock.lock();
        try {
            return closed && items.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
