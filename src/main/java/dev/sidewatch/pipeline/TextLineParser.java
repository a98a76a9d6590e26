package dev.sidewatch.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives structure to a single non-JSON line: morgan access logs (combined, common, dev, short,
 * tiny), winston {@code simple()} and {@code printf} lines, log4js basic and pattern layouts. Anything
 * else is a plain message. Each pattern is tried only after a cheap check says it may apply.
 */
final class TextLineParser {
    private static final String TS = "(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})?)";
    private static final Pattern APACHE = Pattern.compile(
            "(\\S+) (\\S+) (\\S+) \\[([^\\]]+)] \"([A-Z]+) (\\S+)(?: (HTTP/[\\d.]+))?\" (\\d{3}) (\\S+)(?: \"([^\"]*)\" \"([^\"]*)\")?.*");
    private static final Pattern MORGAN_SHORT = Pattern.compile(
            "(\\S+) (\\S+) ([A-Z]+) (\\S+) (HTTP/[\\d.]+) (\\d{3}) (\\S+) - ([\\d.]+|-) ms");
    private static final Pattern MORGAN_TINY = Pattern.compile("([A-Z]+) (\\S+) (\\d{3}) (\\S+) - ([\\d.]+|-) ms");
    private static final Pattern MORGAN_DEV = Pattern.compile("([A-Z]+) (\\S+) (\\d{3}) ([\\d.]+|-) ms - (\\S+)");
    private static final Pattern LEVEL_PREFIX = Pattern.compile("([A-Za-z]{3,11}): (.*)", Pattern.DOTALL);
    private static final Pattern PRINTF = Pattern.compile(TS + " \\[([A-Za-z]+)]:? (.*)", Pattern.DOTALL);
    private static final Pattern LOG4JS_BASIC = Pattern.compile("\\[" + TS + "] \\[([A-Za-z]+)] (\\S+) - (.*)", Pattern.DOTALL);
    private static final Pattern TS_LEVEL = Pattern.compile(
            TS + " (?i:(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRIT|CRITICAL)) (.*)", Pattern.DOTALL);

    private TextLineParser() {
    }

    static Map<String, Object> parse(String line) {
        String s = Ansi.strip(line);
        Map<String, Object> f = new LinkedHashMap<>();
        if (s.isEmpty()) {
            f.put("message", s);
            return f;
        }
        char first = s.charAt(0);
        Matcher m;
        if (s.contains("] \"") && (m = APACHE.matcher(s)).matches()) return apache(m, f);
        if (s.endsWith(" ms")) {
            if ((m = MORGAN_SHORT.matcher(s)).matches()) return morganShort(m, f);
            if ((m = MORGAN_TINY.matcher(s)).matches()) return morganTiny(m, f);
        }
        if (s.contains(" ms - ") && (m = MORGAN_DEV.matcher(s)).matches()) {
            request(f, m.group(1), m.group(2), m.group(3));
            duration(f, m.group(4));
            bytes(f, m.group(5));
            f.put("message", s);
            return f;
        }
        if (Character.isDigit(first)) {
            if ((m = PRINTF.matcher(s)).matches() || (m = TS_LEVEL.matcher(s)).matches()) {
                f.put("timestamp", m.group(1).replace(',', '.'));
                f.put("level", m.group(2));
                f.put("message", m.group(3));
                return f;
            }
        } else if (first == '(' && s.startsWith("(node:")) {
            return NodeErrorBlockParser.parse(s);
        } else if (first == '[') {
            if ((m = LOG4JS_BASIC.matcher(s)).matches()) {
                f.put("timestamp", m.group(1).replace(',', '.'));
                f.put("level", m.group(2));
                f.put("logger", m.group(3));
                f.put("message", m.group(4));
                return f;
            }
        } else if (Character.isLetter(first) && (m = LEVEL_PREFIX.matcher(s)).matches()
                && LevelMapper.fromName(m.group(1)) > 0) {
            f.put("level", m.group(1));
            winstonSimpleMessage(m.group(2), f);
            return f;
        }
        f.put("message", s);
        return f;
    }

    /** winston simple(): {@code level: message {"meta":...}}; the JSON suffix becomes fields. */
    private static void winstonSimpleMessage(String rest, Map<String, Object> f) {
        if (rest.endsWith("}")) {
            int brace = rest.indexOf(" {");
            for (int tries = 0; brace >= 0 && tries < 4; tries++) {
                Map<String, Object> meta = JsonRecordParser.parseObject(rest.substring(brace + 1));
                if (meta != null) {
                    f.put("message", rest.substring(0, brace));
                    meta.forEach(f::putIfAbsent);
                    return;
                }
                brace = rest.indexOf(" {", brace + 1);
            }
        }
        f.put("message", rest);
    }

    private static Map<String, Object> apache(Matcher m, Map<String, Object> f) {
        f.put("client.address", m.group(1));
        if (!"-".equals(m.group(3))) f.put("user.id", m.group(3));
        f.put("timestamp", m.group(4));
        request(f, m.group(5), m.group(6), m.group(8));
        if (m.group(7) != null) f.put("network.protocol.version", m.group(7).substring(5));
        bytes(f, m.group(9));
        if (m.group(10) != null && !"-".equals(m.group(10))) f.put("http.request.header.referer", m.group(10));
        if (m.group(11) != null && !"-".equals(m.group(11))) f.put("user_agent.original", m.group(11));
        f.put("message", m.group(0));
        return f;
    }

    private static Map<String, Object> morganShort(Matcher m, Map<String, Object> f) {
        f.put("client.address", m.group(1));
        if (!"-".equals(m.group(2))) f.put("user.id", m.group(2));
        request(f, m.group(3), m.group(4), m.group(6));
        f.put("network.protocol.version", m.group(5).substring(5));
        bytes(f, m.group(7));
        duration(f, m.group(8));
        f.put("message", m.group(0));
        return f;
    }

    private static Map<String, Object> morganTiny(Matcher m, Map<String, Object> f) {
        request(f, m.group(1), m.group(2), m.group(3));
        bytes(f, m.group(4));
        duration(f, m.group(5));
        f.put("message", m.group(0));
        return f;
    }

    private static void request(Map<String, Object> f, String method, String url, String status) {
        f.put("http.request.method", method);
        f.put("url", url);
        f.put("http.response.status_code", Long.valueOf(status));
        f.putIfAbsent("message", method + " " + url + " " + status);
    }

    private static void duration(Map<String, Object> f, String ms) {
        if (!"-".equals(ms)) f.put("duration_ms", Double.valueOf(ms));
    }

    private static void bytes(Map<String, Object> f, String bytes) {
        if (!"-".equals(bytes) && bytes.chars().allMatch(Character::isDigit) && bytes.length() < 18) {
            f.put("http.response.body.size", Long.valueOf(bytes));
        }
    }
}
