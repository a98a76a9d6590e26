package dev.sidewatch.config;

import java.util.Objects;

/**
 * One entry of {@code receivers.files}: tail the files matching a glob.
 *
 * @param path    glob of the files to read, such as {@code /var/log/app/*.log}; required
 * @param service service name for records that carry none, or {@code null} (the default) for the
 *                process-wide service name
 * @param startAt where to start in a file seen for the first time; default {@link StartAt#BEGINNING}
 * @param format  line format; default {@link FileFormat#AUTO}
 */
public record FileReceiverConfig(String path, String service, StartAt startAt, FileFormat format) {

    /** {@link StartAt#BEGINNING}. */
    public static final StartAt DEFAULT_START_AT = StartAt.BEGINNING;
    /** {@link FileFormat#AUTO}. */
    public static final FileFormat DEFAULT_FORMAT = FileFormat.AUTO;

    public FileReceiverConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(startAt, "startAt");
        Objects.requireNonNull(format, "format");
    }

    /** {@code start_at}: {@code beginning} or {@code end}. Checkpointed files resume where they stopped. */
    public enum StartAt { BEGINNING, END }

    /** {@code format}: {@code auto}, {@code raw}, {@code docker} (json-file) or {@code cri}. */
    public enum FileFormat { AUTO, RAW, DOCKER, CRI }
}
