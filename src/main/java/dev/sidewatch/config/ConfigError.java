package dev.sidewatch.config;

import java.util.Objects;

/**
 * One configuration problem.
 *
 * @param path   the key path, such as {@code receivers.http.listen} or
 *               {@code redaction.extra_patterns[1]}; for problems with the file as a whole
 *               (unreadable, malformed YAML), the file name as given
 * @param reason what is wrong, ending with {@code (from env VAR)} when an environment
 *               variable supplied the value
 */
public record ConfigError(String path, String reason) {

    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code path: reason}, the line shown to the user. */
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
