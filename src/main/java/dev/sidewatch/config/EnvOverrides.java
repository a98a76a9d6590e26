package dev.sidewatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code SIDEWATCH_*} environment variables onto the YAML tree before binding.
 *
 * <p>{@code SIDEWATCH_A__B_C=v} sets key {@code a.b_c} to the text {@code v} (a numeric level
 * such as {@code __0__} names a list entry); {@code SIDEWATCH_A__B_C_FILE=/path} sets it to the
 * file's contents without trailing newlines. Empty variables are ignored. Whether the key exists
 * and what the text means is left to the binder, which knows the schema; this class records
 * which variable set which key so that every later problem can name the variable.
 */
final class EnvOverrides {

    static final String PREFIX = "SIDEWATCH_";
    static final String FILE_SUFFIX = "_FILE";
    static final String LEVEL_SEPARATOR = "__";
    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final int MAX_INDEX_DIGITS = 4;

    private EnvOverrides() {
    }

    /** One variable: the key it sets, as levels of the tree and as a key path. */
    private record Assignment(String variable, List<String> levels, String path, boolean fromFile, String value) {
    }

    /** Applies every {@code SIDEWATCH_*} variable of {@code env} to {@code root}; may read secret files. */
    static void apply(ObjectNode root, Map<String, String> env, Problems problems) {
        List<Assignment> overrides = new ArrayList<>();
        new TreeMap<>(env).forEach((variable, value) -> {
            if (variable.startsWith(PREFIX) && value != null && !value.isEmpty()) {
                Assignment o = parse(variable, value, problems);
                if (o != null) {
                    overrides.add(o);
                }
            }
        });
        // parents before children and list entries in index order, so __1__ can follow __0__
        overrides.sort(Comparator.comparing(Assignment::levels, EnvOverrides::compareLevels)
                .thenComparing(Assignment::variable));
        Map<String, String> claimed = new LinkedHashMap<>();
        for (Assignment o : overrides) {
            if (!claim(o, claimed, problems)) {
                continue;
            }
            problems.setByEnv(o.path(), o.variable());
            String value = o.fromFile() ? readSecret(o, problems) : o.value();
            if (value != null) {
                put(root, o, value, problems);
            }
        }
    }

    private static Assignment parse(String variable, String value, Problems problems) {
        boolean fromFile = variable.endsWith(FILE_SUFFIX) && variable.length() > PREFIX.length() + FILE_SUFFIX.length();
        String name = variable.substring(PREFIX.length(), variable.length() - (fromFile ? FILE_SUFFIX.length() : 0));
        List<String> levels = new ArrayList<>();
        String path = "";
        for (String level : name.split(LEVEL_SEPARATOR, -1)) {
            if (level.isEmpty()) {
                problems.addExactly(variable, "not a config variable: expected SIDEWATCH_<KEY>, with __ between levels"
                        + " (like SIDEWATCH_RECEIVERS__HTTP__LISTEN)");
                return null;
            }
            String key = level.toLowerCase(Locale.ROOT);
            levels.add(key);
            path = isIndex(key) && !path.isEmpty()
                    ? Problems.index(path, Integer.parseInt(key))
                    : Problems.child(path, key);
        }
        return new Assignment(variable, List.copyOf(levels), path, fromFile, value);
    }

    /** Two variables for the same key, or for a key and a key inside it, are ambiguous: the later one is refused. */
    private static boolean claim(Assignment o, Map<String, String> claimed, Problems problems) {
        for (Map.Entry<String, String> earlier : claimed.entrySet()) {
            if (Problems.isAtOrBelow(o.path(), earlier.getKey()) || Problems.isAtOrBelow(earlier.getKey(), o.path())) {
                problems.addExactly(o.path(),
                        "set by both " + earlier.getValue() + " and " + o.variable() + "; use one");
                return false;
            }
        }
        claimed.put(o.path(), o.variable());
        return true;
    }

    private static String readSecret(Assignment o, Problems problems) {
        String reason;
        try {
            Path file = Path.of(o.value());
            if (Files.isDirectory(file)) {
                reason = "is a directory";
            } else {
                byte[] bytes;
                try (InputStream in = Files.newInputStream(file)) {
                    bytes = in.readNBytes(MAX_FILE_BYTES + 1);
                }
                String text = new String(bytes, StandardCharsets.UTF_8).replaceFirst("[\\r\\n]+$", "");
                if (bytes.length > MAX_FILE_BYTES) {
                    reason = "is larger than 1 MiB";
                } else if (text.isEmpty()) {
                    reason = "is empty";
                } else {
                    return text;
                }
            }
        } catch (NoSuchFileException e) {
            reason = "does not exist";
        } catch (AccessDeniedException e) {
            reason = "is not readable (permission denied)";
        } catch (IOException | InvalidPathException e) {
            reason = "cannot be read: " + e.getMessage();
        }
        problems.add(o.path(), "file " + Values.quote(o.value()) + " " + reason);
        return null;
    }

    /** Sets the value, creating missing mappings and list entries on the way; a scalar in the way is a problem. */
    private static void put(ObjectNode root, Assignment o, String value, Problems problems) {
        JsonNode parent = root;
        String parentPath = "";
        List<String> levels = o.levels();
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            boolean last = i == levels.size() - 1;
            JsonNode next = last ? null : isIndex(levels.get(i + 1))
                    ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
            JsonNode child;
            if (parent instanceof ObjectNode object) {
                child = object.get(level);
                if (last) {
                    object.put(level, value);
                    return;
                }
                if (child == null || child.isNull() || (child.isTextual() && child.asText().isEmpty())) {
                    object.set(level, next);
                    child = next;
                }
                parentPath = Problems.child(parentPath, level);
            } else {
                ArrayNode list = (ArrayNode) parent;
                if (!isIndex(level)) {
                    problems.add(o.path(), parentPath + " is a list: name an entry by its index, like "
                            + exampleWithIndex(o, i));
                    return;
                }
                int index = Integer.parseInt(level);
                if (index > list.size()) {
                    problems.add(o.path(), "index " + index + " skips entries: " + parentPath + " has "
                            + list.size() + ", so the next index is " + list.size());
                    return;
                }
                if (last) {
                    if (index == list.size()) {
                        list.add(value);
                    } else {
                        list.set(index, value);
                    }
                    return;
                }
                child = index < list.size() ? list.get(index) : null;
                if (child == null || child.isNull() || (child.isTextual() && child.asText().isEmpty())) {
                    child = next;
                    if (index == list.size()) {
                        list.add(child);
                    } else {
                        list.set(index, child);
                    }
                }
                parentPath = Problems.index(parentPath, index);
            }
            if (!child.isContainerNode()) {
                problems.add(o.path(), "cannot set a key inside " + parentPath + ", which the config file sets to "
                        + Values.describe(child));
                return;
            }
            parent = child;
        }
    }

    private static String exampleWithIndex(Assignment o, int level) {
        List<String> upper = o.levels().stream().map(l -> l.toUpperCase(Locale.ROOT)).toList();
        return PREFIX + String.join(LEVEL_SEPARATOR, upper.subList(0, level)) + LEVEL_SEPARATOR + "0"
                + LEVEL_SEPARATOR + String.join(LEVEL_SEPARATOR, upper.subList(level, upper.size()))
                + (o.fromFile() ? FILE_SUFFIX : "");
    }

    private static boolean isIndex(String level) {
        return !level.isEmpty() && level.length() <= MAX_INDEX_DIGITS
                && level.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int compareLevels(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = isIndex(a.get(i)) && isIndex(b.get(i))
                    ? Integer.compare(Integer.parseInt(a.get(i)), Integer.parseInt(b.get(i)))
                    : a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
