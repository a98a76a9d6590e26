package dev.sidewatch.config;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is invalid. {@link #getMessage()} lists every problem, one
 * {@code path: reason} per line, ready to print; the exception carries no stack trace because
 * none is useful to the user.
 */
public final class ConfigException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** @param errors at least one problem, in the order they should be shown */
    public ConfigException(List<ConfigError> errors) {
        super(format(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, in the order they were found; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String format(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
    }
}
