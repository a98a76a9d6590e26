package dev.sidewatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One YAML mapping being bound to a record. Each getter reads one key, converts and checks it,
 * reports a problem and falls back to the default when the value is wrong, and remembers the key
 * as known; {@link #bind} then reports every key nobody asked for. A key that is absent, null or
 * empty takes its default. Values set from the environment arrive as text and are read as the
 * key's type.
 */
final class Section {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final UnaryOperator<String> NO_CHECK = value -> null;

    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final boolean alreadyReported;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(JsonNode node, String path, Problems problems, boolean alreadyReported) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.alreadyReported = alreadyReported;
    }

    /** Binds the top-level mapping {@code root}. */
    static <T> T bindRoot(JsonNode root, Problems problems, Function<Section, T> binder) {
        return bind(new Section(root, "", problems, false), binder);
    }

    /** Binds the mapping under {@code key}; an absent one binds as empty, so every default applies. */
    <T> T section(String key, Function<Section, T> binder) {
        return bind(child(at(key), value(key)), binder);
    }

    /** Binds each mapping of the list under {@code key}; default an empty list. */
    <T> List<T> sections(String key, Function<Section, T> binder) {
        List<T> bound = new ArrayList<>();
        JsonNode v = value(key);
        if (v != null && v.isTextual() && problems.isFromEnv(at(key))) {
            // comma-separated text cannot say which key of an entry each item is for
            String example = EnvOverrides.PREFIX + at(key).toUpperCase(Locale.ROOT).replace(".", "__") + "__0__PATH";
            problems.add(at(key), "a list of mappings cannot come from one variable;"
                    + " set each entry's keys instead, like " + example);
            return bound;
        }
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            bound.add(bind(child(Problems.index(at(key), i), list.get(i)), binder));
        }
        return bound;
    }

    /** A string, or {@code def} when unset. */
    String string(String key, String def) {
        return string(key, def, NO_CHECK);
    }

    /** A string that {@code check} accepts (it returns the reason to reject, or null), or {@code def}. */
    String string(String key, String def, UnaryOperator<String> check) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        String text = text(at(key), v, true);
        String problem = text == null ? null : check.apply(text);
        if (problem != null) {
            problems.add(at(key), problem);
        }
        return text == null || problem != null ? def : text;
    }

    /** A string whose value must never appear in a message, such as a token; or {@code def}. */
    String secret(String key, String def) {
        JsonNode v = value(key);
        return v == null ? def : orDefault(text(at(key), v, false), def);
    }

    /**
     * A string that must be present and not empty; {@code ""} after reporting when it is missing,
     * unless this section itself was already reported as not a mapping.
     */
    String required(String key, UnaryOperator<String> check) {
        if (value(key) == null) {
            if (!alreadyReported) {
                problems.add(at(key), "required");
            }
            return "";
        }
        return string(key, "", check);
    }

    boolean bool(String key, boolean def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = v.isTextual() ? v.asText().strip() : "";
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(at(key), "expected true or false, got " + Values.describe(v));
        return def;
    }

    /** An integer from {@code min} to {@link Integer#MAX_VALUE}, or {@code def}. */
    int integer(String key, int min, int def) {
        return (int) integer(key, min, Integer.MAX_VALUE, def);
    }

    /** An integer from {@code min} to {@link Long#MAX_VALUE}, or {@code def}. */
    long longInteger(String key, long min, long def) {
        return integer(key, min, Long.MAX_VALUE, def);
    }

    /** A finite number greater than 0, or {@code def}. */
    double positiveNumber(String key, double def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        double number;
        if (v.isNumber()) {
            number = v.doubleValue();
        } else {
            try {
                number = v.isTextual() ? Double.parseDouble(v.asText().strip()) : Double.NaN;
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
            if (Double.isNaN(number)) {
                problems.add(at(key), "expected a number, got " + Values.describe(v));
                return def;
            }
        }
        if (!(number > 0) || Double.isInfinite(number)) {
            problems.add(at(key), "must be a number greater than 0, got " + Values.describe(v));
            return def;
        }
        return number;
    }

    /** A byte count greater than 0 ({@code 8388608}, {@code 8MiB}), or {@code def}. */
    long size(String key, long def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        long size;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            size = v.longValue();
        } else if (v.isTextual()) {
            try {
                size = Values.parseSize(v.asText());
            } catch (IllegalArgumentException e) {
                problems.add(at(key), e.getMessage());
                return def;
            }
        } else {
            problems.add(at(key), v.isIntegralNumber() ? "size too large, got " + v
                    : "expected " + Values.SIZE_FORMS + ", got " + Values.describe(v));
            return def;
        }
        if (size <= 0) {
            problems.add(at(key), "must be greater than 0, got " + Values.describe(v));
            return def;
        }
        return size;
    }

    /** A duration greater than 0 ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}; bare = seconds), or {@code def}. */
    Duration duration(String key, Duration def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        Duration duration;
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            duration = Duration.ofSeconds(v.intValue());
        } else if (v.isTextual()) {
            try {
                duration = Values.parseDuration(v.asText());
            } catch (IllegalArgumentException e) {
                problems.add(at(key), e.getMessage());
                return def;
            }
        } else {
            problems.add(at(key), "expected " + Values.DURATION_FORMS + ", got " + Values.describe(v));
            return def;
        }
        if (!duration.isPositive()) {
            problems.add(at(key), "must be greater than 0, got " + Values.describe(v));
            return def;
        }
        return duration;
    }

    /** One of {@code choices}, written as {@code spelling} gives (any case), or {@code def}. */
    <E extends Enum<E>> E choice(String key, E[] choices, Function<E, String> spelling, E def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        // YAML 1.1 reads unquoted off/on/no/yes as booleans: `from_status: off` must still mean "off"
        List<String> spellings = v.isBoolean()
                ? (v.asBoolean() ? List.of("true", "on", "yes") : List.of("false", "off", "no"))
                : v.isTextual() ? List.of(v.asText().strip()) : List.of();
        for (E choice : choices) {
            for (String written : spellings) {
                if (spelling.apply(choice).equalsIgnoreCase(written)) {
                    return choice;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E choice : choices) {
            allowed.add(spelling.apply(choice));
        }
        problems.add(at(key), "expected one of: " + String.join(", ", allowed) + "; got " + Values.describe(v));
        return def;
    }

    /** The lower-case constant name, the spelling of most config enums. */
    static String lowerCase(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    HostPort hostPort(String key, HostPort def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            problems.add(at(key), "expected host:port, got " + Values.describe(v));
            return def;
        }
        try {
            return HostPort.parse(v.asText().strip());
        } catch (IllegalArgumentException e) {
            problems.add(at(key), e.getMessage());
            return def;
        }
    }

    Path directory(String key, Path def) {
        String text = string(key, null);
        if (text == null) {
            return def;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problems.add(at(key), "invalid path: " + e.getReason());
            return def;
        }
    }

    /** A list of non-empty strings; default empty. */
    List<String> strings(String key) {
        return strings(key, NO_CHECK);
    }

    /** A list of non-empty strings, each accepted by {@code check}; default empty. */
    List<String> strings(String key, UnaryOperator<String> check) {
        List<String> strings = new ArrayList<>();
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            String itemPath = Problems.index(at(key), i);
            String text = text(itemPath, list.get(i), true);
            String problem = text == null ? null : text.isEmpty() ? "must not be empty" : check.apply(text);
            if (problem != null) {
                problems.add(itemPath, problem);
            } else if (text != null) {
                strings.add(text);
            }
        }
        return strings;
    }

    /** A mapping of strings to strings whose values are never echoed (they may be credentials); default empty. */
    Map<String, String> secretMap(String key) {
        JsonNode v = value(key);
        Map<String, String> map = new LinkedHashMap<>();
        if (v == null) {
            return map;
        }
        if (v.isTextual() && problems.isFromEnv(at(key))) {
            try {
                v = Values.envMap(v.asText());
            } catch (IllegalArgumentException e) {
                problems.add(at(key), e.getMessage());
                return map;
            }
        }
        if (!v.isObject()) {
            problems.add(at(key), "expected a mapping, got " + Values.kind(v));
            return map;
        }
        for (Map.Entry<String, JsonNode> entry : v.properties()) {
            String entryPath = Problems.child(at(key), entry.getKey());
            if (entry.getKey().isBlank()) {
                problems.add(entryPath, "names must not be empty");
                continue;
            }
            String text = isUnset(entry.getValue()) ? "" : text(entryPath, entry.getValue(), false);
            if (text != null) {
                map.put(entry.getKey(), text);
            }
        }
        return map;
    }

    private static <T> T bind(Section section, Function<Section, T> binder) {
        T bound = binder.apply(section);
        section.reportUnknownKeys();
        return bound;
    }

    private Section child(String childPath, JsonNode value) {
        if (value == null || isUnset(value)) {
            return new Section(MissingNode.getInstance(), childPath, problems, false);
        }
        if (!value.isObject()) {
            problems.add(childPath, "expected a mapping, got " + Values.describe(value));
            return new Section(MissingNode.getInstance(), childPath, problems, true);
        }
        return new Section(value, childPath, problems, false);
    }

    /** The list under {@code key}, empty when unset or wrong; text from the environment is split. */
    private JsonNode list(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return MissingNode.getInstance();
        }
        if (v.isTextual() && problems.isFromEnv(at(key))) {
            try {
                v = Values.envList(v.asText());
            } catch (IllegalArgumentException e) {
                problems.add(at(key), e.getMessage());
                return MissingNode.getInstance();
            }
        }
        if (!v.isArray()) {
            problems.add(at(key), "expected a list, got " + Values.describe(v));
            return MissingNode.getInstance();
        }
        return v;
    }

    private long integer(String key, long min, long max, long def) {
        JsonNode v = value(key);
        if (v == null) {
            return def;
        }
        BigInteger number;
        if (v.isIntegralNumber()) {
            number = v.bigIntegerValue();
        } else if (v.isTextual() && INTEGER.matcher(v.asText().strip()).matches()) {
            number = new BigInteger(v.asText().strip());
        } else {
            problems.add(at(key), "expected an integer, got " + Values.describe(v));
            return def;
        }
        if (number.compareTo(BigInteger.valueOf(min)) < 0) {
            problems.add(at(key), "must be at least " + min + ", got " + Values.describe(v));
        } else if (number.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(at(key), "must be at most " + max + ", got " + Values.describe(v));
        } else {
            return number.longValue();
        }
        return def;
    }

    /** The text of a string value, or {@code null} after reporting a value of another kind. */
    private String text(String valuePath, JsonNode v, boolean echo) {
        if (v.isTextual()) {
            String text = v.asText();
            if (!text.isEmpty() && text.isBlank()) {
                problems.add(valuePath, "must not be blank");
                return null;
            }
            return text;
        }
        String got = echo ? Values.describe(v) : Values.kind(v);
        problems.add(valuePath, "expected a string, got " + got + (v.isValueNode() ? " (put it in quotes)" : ""));
        return null;
    }

    /** The value under {@code key}, or {@code null} when it is absent, null or empty; marks the key known. */
    private JsonNode value(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v == null || isUnset(v) ? null : v;
    }

    private static boolean isUnset(JsonNode v) {
        return v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isEmpty());
    }

    private static String orDefault(String value, String def) {
        return value == null ? def : value;
    }

    private String at(String key) {
        return Problems.child(path, key);
    }

    private void reportUnknownKeys() {
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            if (!known.contains(key)) {
                String suggestion = closest(key);
                problems.add(at(key),
                        "unknown key" + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)"));
            }
        }
    }

    /** The known key within two edits of {@code key}, if there is one: catches typos without guessing wildly. */
    private String closest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance && distance < candidate.length() / 2 + 1) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance, counting a swap of two neighbours as one edit. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
