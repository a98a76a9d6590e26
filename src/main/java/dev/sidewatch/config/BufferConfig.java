package dev.sidewatch.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code buffer}: the disk buffer in front of the OTLP exporter, and file receiver checkpoints.
 *
 * @param dir      directory, relative to the working directory unless absolute; default {@code ./data}
 * @param maxBytes disk budget; receivers push back when it is full; default 268435456 (256 MiB)
 */
public record BufferConfig(Path dir, long maxBytes) {

    /** {@code ./data}. */
    public static final Path DEFAULT_DIR = Path.of("./data");
    /** 268435456 bytes (256 MiB). */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    /** All defaults. */
    public static final BufferConfig DEFAULT = new BufferConfig(DEFAULT_DIR, DEFAULT_MAX_BYTES);

    public BufferConfig {
        Objects.requireNonNull(dir, "dir");
    }
}
