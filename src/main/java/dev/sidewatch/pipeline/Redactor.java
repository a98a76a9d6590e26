package dev.sidewatch.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets by {@code "[REDACTED]"} (SPEC 4.5): values of sensitive keys at any depth, and
 * JWTs, Bearer tokens, AWS access key ids and PEM private keys inside any string. Immutable and
 * thread-safe; each replacement is reported to the listener with its rule name (bounded set).
 */
public final class Redactor {
    public static final String REDACTED = "[REDACTED]";

    private static final Pattern DEFAULT_KEYS = Pattern.compile(
            "password|passwd|secret|token|api[-_]?key|authorization|cookie|set-cookie|session|credential",
            Pattern.CASE_INSENSITIVE);
    private static final Rule JWT = new Rule("jwt", "eyJ",
            Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"));
    private static final Rule BEARER = new Rule("bearer", "earer",
            Pattern.compile("\\b[Bb]earer\\s+[A-Za-z0-9._~+/=-]{8,}"));
    private static final Rule AWS_KEY = new Rule("aws_access_key", "AKIA",
            Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"));
    private static final Rule PEM = new Rule("pem_private_key", "-----BEGIN",
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"));
    private static final int MAX_CACHED_KEYS = 4096;
    public static final Redactor DISABLED = new Redactor(false, List.of(), List.of(), List.of());

    private final boolean enabled;
    private final Set<String> allowKeys;
    private final Pattern extraKeys;
    /** An array: a List's iterator is an allocation per string under C1 (deploy/jvm.options), which has no escape analysis. */
    private final Rule[] valueRules;
    private final Map<String, Boolean> keyCache = new ConcurrentHashMap<>();

    record Rule(String name, String hint, Pattern pattern) {
    }

    public Redactor(boolean enabled, List<String> allowKeys, List<String> extraKeys, List<String> extraPatterns) {
        this.enabled = enabled;
        this.allowKeys = Set.copyOf(allowKeys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList());
        this.extraKeys = extraKeys.isEmpty() ? null : Pattern.compile(
                String.join("|", extraKeys.stream().map(Pattern::quote).toList()), Pattern.CASE_INSENSITIVE);
        var rules = new ArrayList<>(List.of(PEM, BEARER, JWT, AWS_KEY));
        for (int i = 0; i < extraPatterns.size(); i++) {
            rules.add(new Rule("extra_pattern", null, Pattern.compile(extraPatterns.get(i))));
        }
        this.valueRules = rules.toArray(Rule[]::new);
    }

    public static Redactor defaults() {
        return new Redactor(true, List.of(), List.of(), List.of());
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when the value under this key is a secret. */
    public boolean sensitiveKey(String key) {
        if (!enabled) return false;
        Boolean cached = keyCache.get(key);
        if (cached != null) return cached;
        boolean sensitive = !allowKeys.contains(key.toLowerCase(Locale.ROOT))
                && (DEFAULT_KEYS.matcher(key).find() || extraKeys != null && extraKeys.matcher(key).find());
        if (keyCache.size() < MAX_CACHED_KEYS) keyCache.put(key, sensitive);
        return sensitive;
    }

    /** The string with every secret-looking part replaced; the same instance when nothing matched. */
    public String redactString(String value, Consumer<String> onRedact) {
        if (!enabled || value == null || value.length() < 8) return value;
        String result = value;
        for (Rule rule : valueRules) {
            if (rule.hint() != null && !result.contains(rule.hint())) continue;
            Matcher m = rule.pattern().matcher(result);
            if (!m.find()) continue;
            var out = new StringBuilder(result.length());
            int last = 0;
            do {
                out.append(result, last, m.start()).append(REDACTED);
                last = m.end();
                onRedact.accept(rule.name());
            } while (m.find());
            result = out.append(result, last, result.length()).toString();
        }
        return result;
    }

    /** Redacts a parsed JSON value in place (maps and lists are the parser's own, mutable). */
    public Object redactValue(Object value, Consumer<String> onRedact) {
        if (!enabled) return value;
        return new InPlace(onRedact).apply(value);
    }

    /** One redaction pass; {@code replaceAll} walks each map without allocating an iterator for it. */
    private final class InPlace implements BiFunction<String, Object, Object> {
        private final Consumer<String> onRedact;

        InPlace(Consumer<String> onRedact) {
            this.onRedact = onRedact;
        }

        @SuppressWarnings("unchecked")
        Object apply(Object value) {
            if (value instanceof String s) return redactString(s, onRedact);
            if (value instanceof Map<?, ?> map) {
                if (!map.isEmpty()) ((Map<String, Object>) map).replaceAll(this);
            } else if (value instanceof List<?> list) {
                var l = (List<Object>) list;
                for (int i = 0; i < l.size(); i++) {
                    Object v = l.get(i);
                    Object r = apply(v);
                    if (r != v) l.set(i, r);
                }
            }
            return value;
        }

        @Override
        public Object apply(String key, Object value) {
            if (!sensitiveKey(key)) return apply(value);
            if (value == null || REDACTED.equals(value)) return value;
            onRedact.accept("key");
            return REDACTED;
        }
    }
}
