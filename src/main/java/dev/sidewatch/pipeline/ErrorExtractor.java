package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event.ErrorInfo;

import java.util.Map;

/**
 * Maps an error to {@code error}: pino's {@code err} ({@code type, message, stack} plus extra props),
 * bunyan's ({@code name}), the same under {@code error} or {@code exception}, a plain string, winston
 * {@code errors()} with {@code stack} hoisted to the top level, and Deno-style {@code {name, message}}
 * records, and the OpenTelemetry semantic conventions ({@code exception.type}, {@code exception.message},
 * {@code exception.stacktrace}, {@code error.code}) as OTLP log records carry them. Mapped leaves are
 * taken out; other properties (errno, syscall, …) stay as attributes.
 */
final class ErrorExtractor {
    private static final String[] HOLDERS = {"err", "error", "exception"};

    private ErrorExtractor() {
    }

    @SuppressWarnings("unchecked")
    static ErrorInfo take(Map<String, Object> fields) {
        for (String key : HOLDERS) {
            Object value = fields.get(key);
            if (value instanceof Map<?, ?> raw) {
                ErrorInfo info = fromMap((Map<String, Object>) raw);
                if (raw.isEmpty()) fields.remove(key);
                if (info != null) return info;
            } else if (value instanceof String s && !s.isBlank()) {
                fields.remove(key);
                return new ErrorInfo(null, s, null, null);
            }
        }
        ErrorInfo semconv = semconv(fields);
        if (semconv != null) return semconv;
        if (fields.get("stack") instanceof String stack && !stack.isBlank()) {
            fields.remove("stack");
            String code = takeCode(fields);
            int colon = stack.indexOf(": ");
            int newline = stack.indexOf('\n');
            String type = colon > 0 && (newline < 0 || colon < newline) && isTypeName(stack.substring(0, colon))
                    ? stack.substring(0, colon) : null;
            return new ErrorInfo(type, null, code, stack);
        }
        if (fields.get("name") instanceof String name && isTypeName(name) && fields.get("message") instanceof String) {
            fields.remove("name");
            return new ErrorInfo(name, (String) fields.remove("message"), takeCode(fields), null);
        }
        String code = Fields.string(fields.get("code"));
        if (code != null && isErrorCode(code)) {
            fields.remove("code");
            return new ErrorInfo(null, null, code, null);
        }
        return null;
    }

    /** Flat {@code exception.*} attributes (OTLP semantic conventions). */
    private static ErrorInfo semconv(Map<String, Object> fields) {
        String type = Fields.nonBlank(fields.get("exception.type"));
        String message = fields.get("exception.message") instanceof String m ? m : null;
        String stack = fields.get("exception.stacktrace") instanceof String st ? st : null;
        if (type == null && message == null && stack == null) return null;
        if (type != null) fields.remove("exception.type");
        if (message != null) fields.remove("exception.message");
        if (stack != null) fields.remove("exception.stacktrace");
        String code = Fields.nonBlank(fields.get("error.code"));
        if (code != null) fields.remove("error.code");
        else code = takeCode(fields);
        return new ErrorInfo(type, message, code, stack);
    }

    private static ErrorInfo fromMap(Map<String, Object> err) {
        String type = Fields.nonBlank(err.get("type"));
        if (type != null) err.remove("type");
        else if ((type = Fields.nonBlank(err.get("name"))) != null) err.remove("name");
        String message = err.get("message") instanceof String m ? m : null;
        if (message != null) err.remove("message");
        String stackKey = err.containsKey("stack") ? "stack" : "stacktrace";
        String stack = err.get(stackKey) instanceof String st ? st : null;
        if (stack != null) err.remove(stackKey);
        String code = takeCode(err);
        if (type == null && message == null && stack == null && code == null) return null;
        return new ErrorInfo(type, message, code, stack);
    }

    private static String takeCode(Map<String, Object> map) {
        Object code = map.get("code");
        if (code instanceof String || code instanceof Number) {
            map.remove("code");
            return Fields.string(code);
        }
        return null;
    }

    /** A top-level {@code code} is an error code only when it looks like one (ERR_…, EACCES, ENOENT). */
    private static boolean isErrorCode(String code) {
        if (code.length() < 4 || code.length() > 64) return false;
        if (!(code.startsWith("ERR_") || code.charAt(0) == 'E')) return false;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    private static boolean isTypeName(String s) {
        if (s.isEmpty() || s.length() > 64 || !Character.isUpperCase(s.charAt(0))) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '_' && c != '$' && c != '.') return false;
        }
        return s.endsWith("Error") || s.endsWith("Exception") || s.equals("NotCapable") || s.equals("PermissionDenied");
    }
}
