package dev.sidewatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Parsing and describing single config values: durations, sizes, env lists and maps, URLs, regexes. */
final class Values {

    static final String DURATION_FORMS = "a duration such as 500ms, 10s, 5m or 1h";
    static final String SIZE_FORMS = "a size in bytes such as 8388608 or 8MiB (units KiB, MiB, GiB)";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(KiB|MiB|GiB)?");
    private static final int MAX_SHOWN_CHARS = 60;
    private static final ObjectMapper YAML = new YAMLMapper();

    private Values() {
    }

    /**
     * {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}; a bare integer is seconds.
     *
     * @throws IllegalArgumentException if the text is none of these
     */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + DURATION_FORMS + ", got " + quote(text));
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too long, got " + quote(text));
        }
    }

    /**
     * A byte count: an integer, optionally followed by {@code KiB}, {@code MiB} or {@code GiB}.
     *
     * @throws IllegalArgumentException if the text is not one
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + SIZE_FORMS + ", got " + quote(text));
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            default -> 30;
        };
        try {
            long amount = Long.parseLong(m.group(1));
            if (amount > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return amount << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large, got " + quote(text));
        }
    }

    /**
     * Reads a list given as an environment value: a YAML flow list ({@code [a, "b,c"]}) when it
     * starts with {@code [}, else comma-separated items, trimmed, empty ones dropped.
     */
    static JsonNode envList(String text) {
        if (text.strip().startsWith("[")) {
            return flow(text, "a list");
        }
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                list.add(item.strip());
            }
        }
        return list;
    }

    /**
     * Reads a map given as an environment value: a YAML flow mapping ({@code {k: v}}) when it
     * starts with <code>{</code>, else {@code k=v,k2=v2} as in {@code OTEL_EXPORTER_OTLP_HEADERS}:
     * split at the first {@code =}, trimmed, values percent-decoded.
     *
     * @throws IllegalArgumentException without echoing the value, which may hold credentials
     */
    static JsonNode envMap(String text) {
        if (text.strip().startsWith("{")) {
            return flow(text, "a mapping");
        }
        ObjectNode map = JsonNodeFactory.instance.objectNode();
        String[] entries = text.split(",");
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].isBlank()) {
                continue;
            }
            int eq = entries[i].indexOf('=');
            if (eq <= 0 || entries[i].substring(0, eq).isBlank()) {
                throw new IllegalArgumentException(
                        "expected key=value pairs separated by commas; entry " + (i + 1) + " is not key=value");
            }
            map.put(entries[i].substring(0, eq).strip(), percentDecode(entries[i].substring(eq + 1).strip()));
        }
        return map;
    }

    /** The reason {@code regex} is not a valid Java regular expression, or {@code null} if it is. */
    static String regexProblem(String regex) {
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
        }
    }

    /** The reason {@code glob} is not a valid file glob, or {@code null} if it is. */
    static String globProblem(String glob) {
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid glob: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
        }
    }

    /** The reason {@code url} is not an absolute http(s) URL with a host, or {@code null} if it is. */
    static String httpUrlProblem(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // same answer as a URL of the wrong shape
        }
        return "expected an http:// or https:// URL such as http://collector:4318, got " + quote(url);
    }

    /** How a value reads in a "got ..." clause: quoted text, numbers and booleans as written, else its kind. */
    static String describe(JsonNode value) {
        return value.isTextual() ? quote(value.asText()) : value.isValueNode() ? value.asText() : kind(value);
    }

    /** The kind of a value, for reasons that must not echo it: {@code a string}, {@code a number}, ... */
    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT, POJO -> "a mapping";
            case ARRAY -> "a list";
            case STRING, BINARY -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "nothing";
        };
    }

    /** JSON-quoted, escaped and shortened so any value prints on one readable line. */
    static String quote(String text) {
        String shown = text.length() > MAX_SHOWN_CHARS ? text.substring(0, MAX_SHOWN_CHARS) + "..." : text;
        return new TextNode(shown).toString();
    }

    private static JsonNode flow(String text, String expected) {
        try {
            JsonNode node = YAML.readTree(text);
            if (node != null) {
                return node;
            }
        } catch (Exception e) {
            // reported below; the parser's message would echo the value
        }
        throw new IllegalArgumentException("expected " + expected + " in YAML flow style, but it does not parse");
    }

    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            int hi = text.charAt(i) == '%' && i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                out.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
