package dev.sidewatch.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;

/**
 * Reads a record's own timestamp: ISO 8601 / RFC 3339 strings (with or without zone; without one it is
 * taken as UTC), Apache {@code 21/Nov/2026:22:43:35 +0000}, and epoch numbers whose magnitude tells the
 * unit (seconds, milliseconds, microseconds or nanoseconds). Returns null for anything else.
 */
final class TimestampParser {
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter APACHE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
    private static final long MIN_EPOCH_SECONDS = 0;

    private TimestampParser() {
    }

    static Instant parse(Object value) {
        return switch (value) {
            case null -> null;
            case Integer i -> fromEpoch(i.longValue());
            case Long l -> fromEpoch(l);
            case Double d -> Double.isFinite(d) ? fromEpochFraction(BigDecimal.valueOf(d)) : null;
            case BigDecimal bd -> fromEpochFraction(bd);
            case BigInteger bi -> bi.bitLength() < 64 ? fromEpoch(bi.longValue()) : null;
            case String s -> parseString(s.trim());
            default -> null;
        };
    }

    private static Instant fromEpochFraction(BigDecimal value) {
        if (value.signum() < 0) return null;
        BigDecimal whole = new BigDecimal(value.toBigInteger());
        if (whole.compareTo(value) == 0) return fromEpoch(value.longValue());
        // a fractional epoch is seconds (1732231210.123) or milliseconds (1732231210123.456)
        BigDecimal nanos = value.abs().compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0
                ? value.movePointRight(9) : value.movePointRight(6);
        return fromNanos(nanos.toBigInteger());
    }

    private static Instant fromEpoch(long v) {
        if (v < MIN_EPOCH_SECONDS) return null;
        if (v < 100_000_000_000L) return Instant.ofEpochSecond(v);
        if (v < 100_000_000_000_000L) return Instant.ofEpochMilli(v);
        if (v < 100_000_000_000_000_000L) return Instant.ofEpochSecond(v / 1_000_000, (v % 1_000_000) * 1_000);
        return Instant.ofEpochSecond(v / 1_000_000_000, v % 1_000_000_000);
    }

    private static Instant fromNanos(BigInteger nanos) {
        BigInteger[] parts = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000));
        if (parts[0].bitLength() > 40) return null;
        return Instant.ofEpochSecond(parts[0].longValue(), parts[1].longValue());
    }

    private static Instant parseString(String s) {
        if (s.isEmpty() || s.length() > 64) return null;
        char first = s.charAt(0);
        if (Character.isDigit(first) && s.length() >= 8 && isNumeric(s)) {
            try {
                return parse(new BigDecimal(s));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (s.length() < 10) return null;
        try {
            if (s.charAt(2) == '/' ) return OffsetDateTime.parse(s, APACHE).toInstant();
            if (s.charAt(4) != '-') return null;
            char last = s.charAt(s.length() - 1);
            if (last == 'Z' || last == 'z' || hasOffset(s)) {
                return OffsetDateTime.parse(s.replace(' ', 'T'), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            }
            if (s.length() == 10) return LocalDateTime.parse(s + "T00:00:00").toInstant(ZoneOffset.UTC);
            return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static boolean hasOffset(String s) {
        int n = s.length();
        // ...+01:00 or ...+0100
        return n > 16 && (s.charAt(n - 6) == '+' || s.charAt(n - 6) == '-') && s.charAt(n - 3) == ':'
                || n > 16 && (s.charAt(n - 5) == '+' || s.charAt(n - 5) == '-') && s.indexOf('T') > 0
                && Character.isDigit(s.charAt(n - 1)) && s.lastIndexOf(':') < n - 5;
    }

    private static boolean isNumeric(String s) {
        boolean dot = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' && !dot) dot = true;
            else if (c < '0' || c > '9') return false;
        }
        return true;
    }

}
