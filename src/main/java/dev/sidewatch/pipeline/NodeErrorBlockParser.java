package dev.sidewatch.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a block joined by {@link NodeErrorJoiner} into record fields: the error's type, message and
 * stack, and from Node's inspect tail {@code code}, {@code permission}, {@code resource} (the first of
 * each, so a nested {@code errno}/{@code [cause]} error fills what the outer one lacks), plus
 * {@code syscall}, {@code address}, {@code port} and {@code path}.
 */
final class NodeErrorBlockParser {
    private static final Pattern ERROR_LINE = Pattern.compile(
            "(?:Uncaught )?([A-Z][A-Za-z0-9_$]*)(?: \\[([A-Z0-9_]+)])?(?:: (.*))?");
    private static final Pattern BRACKET_ERROR_LINE = Pattern.compile("\\[([A-Z][A-Za-z0-9_$]*)(?:: (.*))?](?: \\{)?");
    private static final Pattern TAIL_FIELD = Pattern.compile(
            "\\s*(code|permission|resource|syscall|address|port|path): (?:'((?:[^'\\\\]|\\\\.)*)'|(\\d+)),?\\s*");
    private static final Pattern NODE_WARNING = Pattern.compile("\\(node:(\\d+)\\) (?:\\[([A-Z0-9]+)] )?([A-Za-z]*Warning): (.*)");

    private NodeErrorBlockParser() {
    }

    static Map<String, Object> parse(String block) {
        String[] lines = block.split("\n", -1);
        Map<String, Object> fields = new LinkedHashMap<>();
        if (lines[0].startsWith("(node:")) return warning(lines, fields);
        int errorIndex = 0;
        String first = lines[0];
        if (first.startsWith("error: Uncaught ")) {
            first = first.substring("error: Uncaught ".length());
            if (first.startsWith("(in promise) ")) first = first.substring("(in promise) ".length());
        } else if (lines.length > 3 && !isErrorLine(first)) {
            fields.put("error.location", first);
            errorIndex = 3;
            while (errorIndex < lines.length && lines[errorIndex].isBlank()) errorIndex++;
            if (errorIndex >= lines.length) errorIndex = lines.length - 1;
            first = lines[errorIndex];
        }
        int end = lines.length;
        if (end > errorIndex + 1 && lines[end - 1].startsWith("Node.js v")) {
            fields.put("node.version", lines[end - 1].substring("Node.js ".length()).trim());
            end--;
        }
        while (end > errorIndex + 1 && lines[end - 1].isBlank()) end--;

        Map<String, Object> error = new LinkedHashMap<>();
        Matcher m = BRACKET_ERROR_LINE.matcher(first);
        if (m.matches()) {
            error.put("type", m.group(1));
            if (m.group(2) != null) error.put("message", m.group(2));
        } else if ((m = ERROR_LINE.matcher(first)).matches()) {
            error.put("type", m.group(1));
            if (m.group(3) != null) error.put("message", m.group(3));
            if (m.group(2) != null) error.put("code", m.group(2));
        } else {
            error.put("message", first);
        }
        var stack = new StringBuilder(first);
        for (int i = errorIndex + 1; i < end; i++) {
            stack.append('\n').append(lines[i]);
            Matcher f = TAIL_FIELD.matcher(lines[i]);
            if (f.matches()) {
                Object value = f.group(2) != null ? unescape(f.group(2)) : Long.valueOf(f.group(3));
                error.putIfAbsent(f.group(1), value);
            }
        }
        error.put("stack", stack.toString());
        fields.put("level", "error");
        if (error.get("message") != null) fields.put("message", error.get("message"));
        fields.put("error", error);
        return fields;
    }

    private static Map<String, Object> warning(String[] lines, Map<String, Object> fields) {
        Matcher m = NODE_WARNING.matcher(lines[0]);
        fields.put("level", "warn");
        if (m.matches()) {
            fields.put("message", m.group(4));
            fields.put("pid", Long.valueOf(m.group(1)));
            fields.put("warning.type", m.group(3));
            if (m.group(2) != null) fields.put("warning.code", m.group(2));
        } else {
            fields.put("message", lines[0]);
        }
        if (lines.length > 1) fields.put("hint", String.join("\n", java.util.Arrays.copyOfRange(lines, 1, lines.length)));
        return fields;
    }

    private static boolean isErrorLine(String line) {
        return BRACKET_ERROR_LINE.matcher(line).matches() || ERROR_LINE.matcher(line).matches();
    }

    private static String unescape(String s) {
        return s.indexOf('\\') < 0 ? s : s.replace("\\'", "'").replace("\\\\", "\\");
    }
}
