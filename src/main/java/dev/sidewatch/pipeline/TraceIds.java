package dev.sidewatch.pipeline;

/** Validation and conversion of trace and span ids to lowercase hex (SPEC 4.3). */
public final class TraceIds {
    private TraceIds() {
    }

    /** A 32-hex trace id, a 16-hex one left-padded, or null when malformed or all zero. */
    public static String traceHex(String value) {
        if (value == null) return null;
        String hex = value.length() == 16 ? "0000000000000000" + value : value;
        return validHex(hex, 32);
    }

    public static String spanHex(String value) {
        return value == null ? null : validHex(value, 16);
    }

    /**
     * Datadog trace ids: unsigned 64-bit decimal (never through a double), 128-bit as 32 hex digits (how
     * dd-trace prints them) or as a longer decimal; returns padded lowercase hex.
     */
    static String datadogTrace(Object value) {
        String s = Fields.string(value);
        if (s == null) return null;
        String decimal = unsignedDecimalToHex(s);
        if (decimal != null) return traceHex(decimal);
        if (s.length() == 32) return traceHex(s);
        return traceHex(unsigned128DecimalToHex(s));
    }

    /** 21 to 39 decimal digits below 2^128 as 32 hex digits; null otherwise. */
    private static String unsigned128DecimalToHex(String s) {
        if (s.length() < 21 || s.length() > 39 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        var v = new java.math.BigInteger(s);
        if (v.bitLength() > 128) return null;
        String hex = v.toString(16);
        return "0".repeat(32 - hex.length()) + hex;
    }

    static String datadogSpan(Object value) {
        String s = Fields.string(value);
        if (s == null) return null;
        String decimal = unsignedDecimalToHex(s);
        return decimal != null ? spanHex(decimal) : null;
    }

    private static String unsignedDecimalToHex(String s) {
        if (s.isEmpty() || s.length() > 20) return null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return null;
        }
        try {
            long v = Long.parseUnsignedLong(s);
            String hex = Long.toHexString(v);
            return "0".repeat(16 - hex.length()) + hex;
        } catch (NumberFormatException e) {
            return null; // beyond 64 bits
        }
    }

    private static String validHex(String value, int length) {
        if (value.length() != length) return null;
        boolean nonZero = false;
        boolean upper = false;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
                nonZero |= c != '0';
            } else if (c >= 'A' && c <= 'F') {
                nonZero = true;
                upper = true;
            } else {
                return null;
            }
        }
        if (!nonZero) return null;
        return upper ? value.toLowerCase(java.util.Locale.ROOT) : value;
    }
}
