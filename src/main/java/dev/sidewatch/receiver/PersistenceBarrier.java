package dev.sidewatch.receiver;

/**
 * Tells a receiver when the events it handed on are safe: in the durable buffer (written and fsynced),
 * or written by an exporter that has no buffer. A file receiver checkpoints its offsets only then, so
 * a crash never skips a line that was not yet safe (SPEC 8).
 */
@FunctionalInterface
public interface PersistenceBarrier {
    /** Runs {@code action} once every event accepted before this call is safe; possibly at once, possibly on another thread. */
    void whenPersisted(Runnable action);

    /** For pipelines without a durable stage: everything handed on counts as safe at once. */
    PersistenceBarrier IMMEDIATE = Runnable::run;
}
