package dev.sidewatch.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects every configuration problem instead of stopping at the first, and remembers which
 * environment variable set which key so a problem with that value names the variable.
 */
final class Problems {

    private final List<ConfigError> errors = new ArrayList<>();
    private final Map<String, String> variables = new LinkedHashMap<>();

    /** Records that {@code variable} supplied the value at {@code path}. */
    void setByEnv(String path, String variable) {
        variables.put(path, variable);
    }

    /** Whether the value at exactly {@code path} came from the environment (and so is text to interpret). */
    boolean isFromEnv(String path) {
        return variables.containsKey(path);
    }

    /** Adds a problem; if an environment variable set this key or one above it, the reason names it. */
    void add(String path, String reason) {
        String variable = variableFor(path);
        addExactly(path, variable == null ? reason : reason + " (from env " + variable + ")");
    }

    /** Adds a problem whose reason already says where it came from. */
    void addExactly(String path, String reason) {
        errors.add(new ConfigError(path, reason));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    /** {@code parent.key}, or {@code key} at the top level. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** Whether {@code path} is {@code ancestor} or lies below it. */
    static boolean isAtOrBelow(String path, String ancestor) {
        return path.equals(ancestor) || path.startsWith(ancestor + ".") || path.startsWith(ancestor + "[");
    }

    private String variableFor(String path) {
        String found = null;
        for (Map.Entry<String, String> e : variables.entrySet()) {
            if (isAtOrBelow(path, e.getKey()) && (found == null || e.getKey().length() > found.length())) {
                found = e.getKey();
            }
        }
        return found == null ? null : variables.get(found);
    }
}
