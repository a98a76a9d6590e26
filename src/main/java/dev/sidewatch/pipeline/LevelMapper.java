package dev.sidewatch.pipeline;

import java.util.Locale;
import java.util.Map;

/**
 * Maps a source level to an OpenTelemetry SeverityNumber (SPEC 4.1): pino/bunyan numbers, log4js
 * numbers, and level names in any case. Syslog crit, alert and emerg keep the OpenTelemetry appendix
 * numbers 18, 19 and 21. Returns 0 when the value is not a level.
 */
final class LevelMapper {
    private static final Map<String, Integer> NAMES = Map.ofEntries(
            Map.entry("silly", 1), Map.entry("trace", 1),
            Map.entry("verbose", 5), Map.entry("debug", 5), Map.entry("http", 5),
            Map.entry("info", 9), Map.entry("information", 9), Map.entry("informational", 9),
            Map.entry("notice", 10),
            Map.entry("warn", 13), Map.entry("warning", 13),
            Map.entry("error", 17), Map.entry("err", 17),
            Map.entry("crit", 18), Map.entry("critical", 18),
            Map.entry("alert", 19),
            Map.entry("emerg", 21), Map.entry("emergency", 21), Map.entry("fatal", 21), Map.entry("panic", 21));

    private LevelMapper() {
    }

    static int severityNumber(Object level) {
        if (level instanceof String s) return fromName(s);
        if (level instanceof Number n) return fromNumber(n.doubleValue());
        if (level instanceof Map<?, ?> log4js) {
            // log4js serialises its level as {"level":20000,"levelStr":"INFO","colour":"green"}
            Object str = log4js.get("levelStr");
            int byName = str instanceof String s ? fromName(s) : 0;
            if (byName != 0) return byName;
            Object num = log4js.get("level");
            return num instanceof Number n ? fromNumber(n.doubleValue()) : 0;
        }
        return 0;
    }

    static int fromName(String name) {
        if (name.isEmpty() || name.length() > 16) return 0;
        Integer n = NAMES.get(name);
        if (n == null) n = NAMES.get(name.toLowerCase(Locale.ROOT));
        if (n != null) return n;
        char c = name.charAt(0);
        if (c >= '0' && c <= '9') {
            try {
                return fromNumber(Double.parseDouble(name));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static int fromNumber(double v) {
        if (v >= 5000) v = v / 1000 + 10; // log4js: 5000 trace, 10000 debug … 50000 fatal → 15 … 60
        if (v >= 60) return 21;
        if (v >= 50) return 17;
        if (v >= 40) return 13;
        if (v >= 30) return 9;
        if (v >= 20) return 5;
        if (v >= 1) return 1;
        return 0;
    }
}
