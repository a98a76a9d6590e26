package dev.sidewatch.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Lookups in a parsed record where a dotted name means either the nested path or a flat key spelled
 * that way (SPEC 4: {@code dd.trace_id} may be {@code {"dd":{"trace_id":..}}} or {@code {"dd.trace_id":..}}).
 * {@link #take} removes what it returns and prunes parents it emptied, so what is left over becomes
 * the event's attributes.
 */
final class Fields {
    private Fields() {
    }

    static Object get(Map<String, Object> map, String... path) {
        return find(map, FieldPath.of(path), 0, false);
    }

    static Object take(Map<String, Object> map, String... path) {
        return find(map, FieldPath.of(path), 0, true);
    }

    static Object get(Map<String, Object> map, FieldPath path) {
        return find(map, path, 0, false);
    }

    static Object take(Map<String, Object> map, FieldPath path) {
        return find(map, path, 0, true);
    }

    @SuppressWarnings("unchecked")
    private static Object find(Map<String, Object> map, FieldPath path, int from, boolean remove) {
        if (map == null || map.isEmpty()) return null;
        int length = path.segments.length;
        for (int end = from + 1; end <= length; end++) {
            String key = path.joined[from][end];
            Object value = map.get(key);
            if (value == null) continue;
            if (end == length) {
                if (remove) map.remove(key);
                return value;
            }
            if (value instanceof Map<?, ?> child) {
                Object found = find((Map<String, Object>) child, path, end, remove);
                if (found != null) {
                    if (remove && child.isEmpty()) map.remove(key);
                    return found;
                }
            }
        }
        return null;
    }

    /** Case-insensitive lookup of a header in a headers object. */
    static String header(Object headers, String name) {
        if (!(headers instanceof Map<?, ?> map)) return null;
        Object direct = map.get(name);
        // under C1 (deploy/jvm.options) an entry-set iterator is a real allocation, for every header not there
        if (direct == null && map instanceof SmallMap small) {
            direct = small.getIgnoreCase(name);
        } else if (direct == null) {
            for (var entry : map.entrySet()) {
                if (name.equalsIgnoreCase(String.valueOf(entry.getKey()))) {
                    direct = entry.getValue();
                    break;
                }
            }
        }
        if (direct instanceof java.util.List<?> list && !list.isEmpty()) direct = list.get(0);
        return direct instanceof String s ? s : null;
    }

    static String string(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Number n -> numberText(n);
            case Boolean b -> b.toString();
            default -> null;
        };
    }

    static String nonBlank(Object value) {
        String s = string(value);
        return s == null || s.isBlank() ? null : s;
    }

    static String numberText(Number n) {
        if (n instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
        if (n instanceof BigDecimal bd) return bd.toPlainString();
        return n.toString();
    }

    /** A number or numeric string as a double, or null. */
    static Double decimal(Object value) {
        if (value instanceof Number n) return n.doubleValue();
        if (value instanceof String s && !s.isEmpty() && s.length() < 40) {
            try {
                double d = Double.parseDouble(s.trim());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** An integral number or digit string as an int in [lo, hi], or null. */
    static Integer intIn(Object value, int lo, int hi) {
        long v;
        if (value instanceof Integer || value instanceof Long) v = ((Number) value).longValue();
        else if (value instanceof Double d && d == Math.rint(d)) v = d.longValue();
        else if (value instanceof BigInteger) return null;
        else if (value instanceof String s && s.length() <= 9 && !s.isEmpty() && s.chars().allMatch(Character::isDigit)) v = Long.parseLong(s);
        else return null;
        return v >= lo && v <= hi ? (int) v : null;
    }
}
