package dev.sidewatch.pipeline;

import dev.sidewatch.event.Event.ErrorInfo;
import dev.sidewatch.event.Event.EventInfo;
import dev.sidewatch.event.Event.HttpInfo;
import dev.sidewatch.event.Event.PermissionInfo;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises permission denials (SPEC 4.4). Sources are tried from the most specific to the least:
 * Node's {@code ERR_ACCESS_DENIED} errors and permission-model channel events, Deno's NotCapable and
 * audit records, OS {@code EACCES}/{@code EPERM}, explicit application events, and finally HTTP 403.
 */
final class PermissionDenialDetector {
    static final String NODE_CODE = "ERR_ACCESS_DENIED";
    private static final String CHANNEL_PREFIX = "node:permission-model:";
    private static final Pattern NODE_FLAG = Pattern.compile("Use --allow-([a-z-]+) to manage permissions");
    private static final Pattern DENO_REQUIRES = Pattern.compile("Requires ([a-z]+) access to (?:\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+?))(?:,|$)");
    private static final Pattern QUOTED_PATH = Pattern.compile("'(/[^']*)'");
    private static final Set<String> DENO_AUDIT_KINDS = Set.of("read", "write", "net", "env", "run", "ffi", "sys", "import");
    private static final Set<String> APP_CATEGORIES = Set.of("authorization", "access", "iam");

    private PermissionDenialDetector() {
    }

    /** Structured denials in the raw fields; takes the {@code permission}/{@code resource} leaves it used. */
    static PermissionInfo detectStructured(Map<String, Object> fields) {
        PermissionInfo node = nodeError(fields);
        if (node == null) node = nodeError(fields.get("err"));
        if (node == null) node = nodeError(fields.get("error"));
        if (node != null) return node;
        Object channel = fields.get("channel");
        if (channel instanceof String c && c.startsWith(CHANNEL_PREFIX) && !Boolean.TRUE.equals(fields.get("drop"))) {
            return node(fields.remove("permission"), fields.remove("resource"), null);
        }
        if (fields.get("v") != null && fields.get("value") instanceof String value
                && fields.get("permission") instanceof String kind && DENO_AUDIT_KINDS.contains(kind)) {
            fields.remove("permission");
            fields.remove("value");
            return new PermissionInfo("deno." + kind, value.isEmpty() ? null : value, "deno");
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static PermissionInfo nodeError(Object candidate) {
        if (!(candidate instanceof Map<?, ?> raw)) return null;
        var map = (Map<String, Object>) raw;
        if (!NODE_CODE.equals(map.get("code"))) return null;
        for (String nested : new String[]{null, "errno", "cause"}) {
            Object holder = nested == null ? map : map.get(nested);
            if (holder instanceof Map<?, ?> h && h.get("permission") instanceof String) {
                var m = (Map<String, Object>) h;
                PermissionInfo info = node(m.remove("permission"), m.remove("resource"), null);
                if (nested != null && m.isEmpty()) map.remove(nested);
                return info;
            }
        }
        return node(null, null, Fields.string(map.get("message")));
    }

    private static PermissionInfo node(Object permission, Object resource, String message) {
        String type = Fields.nonBlank(permission);
        if (type == null && message != null) type = typeFromFlag(message);
        return new PermissionInfo(type, Fields.nonBlank(resource), "node");
    }

    /** Denials seen only in the normalised parts: message text, error codes, events, status. */
    static PermissionInfo detect(ErrorInfo error, String message, HttpInfo http, EventInfo event, Map<String, Object> rest) {
        String errorType = error == null ? null : error.type();
        String errorMessage = error == null ? null : error.message();
        String code = error == null ? null : error.code();
        if (NODE_CODE.equals(code)) return new PermissionInfo(typeFromFlag(orEmpty(errorMessage) + " " + orEmpty(message)), null, "node");
        if (errorMessage != null && errorMessage.contains(NODE_CODE)) return new PermissionInfo(typeFromFlag(errorMessage), null, "node");
        if (message != null && message.contains(NODE_CODE)) return new PermissionInfo(typeFromFlag(message), null, "node");
        PermissionInfo deno = deno(errorType, errorMessage);
        if (deno == null) deno = deno(Fields.string(rest.get("name")), message);
        if (deno != null) return deno;
        if ("EACCES".equals(code) || "EPERM".equals(code)) return new PermissionInfo("os." + code, osPath(error, rest), "os");
        if (event != null && "failure".equalsIgnoreCase(event.outcome()) && isAccessEvent(event)) {
            String type = event.name() != null ? event.name() : event.category();
            return new PermissionInfo(type, Fields.nonBlank(rest.remove("resource")), "app");
        }
        // SPEC 4.4: an http_request (a status with a method or path) answered 403
        if (http != null && Integer.valueOf(403).equals(http.statusCode()) && (http.method() != null || http.path() != null)) {
            return new PermissionInfo("http.forbidden", http.path(), "http");
        }
        return null;
    }

    private static PermissionInfo deno(String type, String message) {
        if (message == null) return null;
        boolean denoType = "NotCapable".equals(type) || "PermissionDenied".equals(type);
        if (!denoType && !message.contains("run again with the --allow-")) return null;
        Matcher m = DENO_REQUIRES.matcher(message);
        if (m.find()) {
            String resource = m.group(2) != null ? m.group(2).replace("\\\"", "\"") : m.group(3);
            return new PermissionInfo("deno." + m.group(1), resource == null || resource.isEmpty() ? null : resource, "deno");
        }
        return denoType ? new PermissionInfo("deno." + type, null, "deno") : null;
    }

    private static boolean isAccessEvent(EventInfo event) {
        if (event.category() != null && APP_CATEGORIES.contains(event.category().toLowerCase(Locale.ROOT))) return true;
        String name = event.name() == null ? "" : event.name().toLowerCase(Locale.ROOT);
        return name.contains("denied") || name.contains("forbidden");
    }

    private static String osPath(ErrorInfo error, Map<String, Object> rest) {
        for (String key : new String[]{"err", "error"}) {
            String p = Fields.nonBlank(Fields.get(rest, key, "path"));
            if (p != null) return p;
        }
        String p = Fields.nonBlank(rest.get("path"));
        if (p != null) return p;
        if (error != null && error.message() != null) {
            Matcher m = QUOTED_PATH.matcher(error.message());
            if (m.find()) return m.group(1);
        }
        return null;
    }

    /** Node 22.16+ messages name the flag: {@code Use --allow-fs-read to manage permissions}. */
    static String typeFromFlag(String message) {
        Matcher m = NODE_FLAG.matcher(message);
        if (!m.find()) return null;
        return switch (m.group(1)) {
            case "fs-read" -> "FileSystemRead";
            case "fs-write" -> "FileSystemWrite";
            case "child-process" -> "ChildProcess";
            case "worker" -> "WorkerThreads";
            case "net" -> "Net";
            case "inspector" -> "Inspector";
            case "wasi" -> "WASI";
            case "addons" -> "Addon";
            case "ffi" -> "FFI";
            default -> m.group(1);
        };
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
