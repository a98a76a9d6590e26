package dev.sidewatch.event;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form of {@link Event} for the disk buffer, exact in both directions: every field,
 * nanosecond times, and attribute values with their Java types (Long stays Long, BigInteger and
 * BigDecimal keep every digit and the scale, doubles keep their bits, maps keep their order). Strings are
 * UTF-8, except that an unpaired surrogate (which JSON escapes such as {@code "\ud800"} can produce) is
 * written as its own three-byte sequence so that it, too, comes back unchanged.
 *
 * <p>Layout, version {@value #VERSION}: a version byte, then the fields of {@link Event} in declaration
 * order. Strings and byte arrays are a varint of length + 1 (0 for null) and the bytes; nullable
 * sub-records and numbers have a presence byte. Attribute values are a type tag and the value.
 *
 * <p>{@link #decode} checks every length against the input, so damaged bytes give a
 * {@link MalformedEventException}, never an out-of-memory error or an unchecked exception. Stateless and
 * thread-safe.
 */
public final class EventCodec {
    /** The format version written as the first byte. */
    public static final int VERSION = 1;
    /** Nesting deeper than this is refused on decode (the JSON parser keeps anything past 64 levels as text). */
    static final int MAX_DEPTH = 512;

    private static final int T_NULL = 0, T_STRING = 1, T_TRUE = 2, T_FALSE = 3, T_INT = 4, T_LONG = 5,
            T_BIG_INTEGER = 6, T_DOUBLE = 7, T_BIG_DECIMAL = 8, T_MAP = 9, T_LIST = 10, T_FLOAT = 11,
            T_SHORT = 12, T_BYTE = 13, T_OTHER_NUMBER = 14;
    private static final Severity[] SEVERITIES = Severity.values();
    private static final Kind[] KINDS = Kind.values();

    private EventCodec() {
    }

    /** Damaged or foreign bytes. */
    public static final class MalformedEventException extends Exception {
        MalformedEventException(String message) {
            super(message);
        }
    }

    /** The event's bytes. */
    public static byte[] encode(Event e) {
        var out = new Out(256);
        encode(e, out);
        return out.toByteArray();
    }

    /** Appends the event's bytes to {@code out}. */
    public static void encode(Event e, Out out) {
        out.writeByte(VERSION);
        instant(out, e.time());
        instant(out, e.observedTime());
        out.writeString(e.service());
        out.writeByte(e.severity() == null ? 0 : e.severity().ordinal() + 1);
        out.writeVarLong(zigZag(e.severityNumber()));
        out.writeByte(e.kind() == null ? 0 : e.kind().ordinal() + 1);
        out.writeString(e.message());
        out.writeString(e.traceId());
        out.writeString(e.spanId());
        Event.HttpInfo h = e.http();
        out.writeByte(h == null ? 0 : 1);
        if (h != null) {
            out.writeString(h.method());
            out.writeString(h.path());
            out.writeString(h.route());
            out.writeByte(h.statusCode() == null ? 0 : 1);
            if (h.statusCode() != null) out.writeVarLong(zigZag(h.statusCode()));
            out.writeByte(h.durationMs() == null ? 0 : 1);
            if (h.durationMs() != null) out.writeLong(Double.doubleToRawLongBits(h.durationMs()));
            out.writeString(h.clientIp());
            out.writeString(h.userAgent());
        }
        Event.PermissionInfo p = e.permission();
        out.writeByte(p == null ? 0 : 1);
        if (p != null) {
            out.writeString(p.type());
            out.writeString(p.resource());
            out.writeString(p.source());
        }
        Event.ErrorInfo err = e.error();
        out.writeByte(err == null ? 0 : 1);
        if (err != null) {
            out.writeString(err.type());
            out.writeString(err.message());
            out.writeString(err.code());
            out.writeString(err.stack());
        }
        Event.EventInfo ev = e.event();
        out.writeByte(ev == null ? 0 : 1);
        if (ev != null) {
            out.writeString(ev.category());
            out.writeString(ev.name());
            out.writeString(ev.outcome());
            if (ev.tags() == null) {
                out.writeVarLong(0);
            } else {
                out.writeVarLong(ev.tags().size() + 1L);
                for (String tag : ev.tags()) out.writeString(tag);
            }
        }
        out.writeByte(e.user() == null ? 0 : 1);
        if (e.user() != null) out.writeString(e.user().id());
        out.writeVarLong(e.attributes().size());
        for (var entry : e.attributes().entrySet()) {
            out.writeString(String.valueOf(entry.getKey()));
            value(out, entry.getValue());
        }
        Event.SourceInfo s = e.source();
        out.writeByte(s == null ? 0 : 1);
        if (s != null) {
            out.writeString(s.receiver());
            out.writeString(s.path());
            out.writeByte(s.offset() == null ? 0 : 1);
            if (s.offset() != null) out.writeVarLong(zigZag(s.offset()));
        }
    }

    /** The event in {@code bytes[offset, offset + length)}. */
    public static Event decode(byte[] bytes, int offset, int length) throws MalformedEventException {
        var in = new In(bytes, offset, length);
        int version = in.readByte();
        if (version != VERSION) throw new MalformedEventException("unknown event format version " + version);
        Instant time = readInstant(in);
        Instant observed = readInstant(in);
        String service = in.readString();
        Severity severity = enumOf(SEVERITIES, in.readByte(), "severity");
        int severityNumber = (int) unZigZag(in.readVarLong());
        Kind kind = enumOf(KINDS, in.readByte(), "kind");
        String message = in.readString();
        String traceId = in.readString();
        String spanId = in.readString();
        Event.HttpInfo http = null;
        if (in.readPresence()) {
            String method = in.readString(), path = in.readString(), route = in.readString();
            Integer status = in.readPresence() ? (int) unZigZag(in.readVarLong()) : null;
            Double duration = in.readPresence() ? Double.longBitsToDouble(in.readLong()) : null;
            http = new Event.HttpInfo(method, path, route, status, duration, in.readString(), in.readString());
        }
        Event.PermissionInfo permission = in.readPresence()
                ? new Event.PermissionInfo(in.readString(), in.readString(), in.readString()) : null;
        Event.ErrorInfo error = in.readPresence()
                ? new Event.ErrorInfo(in.readString(), in.readString(), in.readString(), in.readString()) : null;
        Event.EventInfo info = null;
        if (in.readPresence()) {
            String category = in.readString(), name = in.readString(), outcome = in.readString();
            long tagCount = in.readCount(1);
            List<String> tags = null;
            if (tagCount > 0) {
                tags = new ArrayList<>((int) tagCount - 1);
                for (long i = 1; i < tagCount; i++) tags.add(in.readString());
            }
            info = new Event.EventInfo(category, name, outcome, tags);
        }
        Event.UserInfo user = in.readPresence() ? new Event.UserInfo(in.readString()) : null;
        int attributeCount = (int) in.readCount(2);
        Map<String, Object> attributes = new LinkedHashMap<>(Math.max(4, attributeCount * 2));
        for (int i = 0; i < attributeCount; i++) attributes.put(in.readKey(), readValue(in, 1));
        Event.SourceInfo source = null;
        if (in.readPresence()) {
            String receiver = in.readString(), path = in.readString();
            Long sourceOffset = in.readPresence() ? unZigZag(in.readVarLong()) : null;
            source = new Event.SourceInfo(receiver, path, sourceOffset);
        }
        if (in.remaining() != 0) throw new MalformedEventException(in.remaining() + " bytes after the event");
        return new Event(time, observed, service, severity, severityNumber, kind, message, traceId, spanId, http,
                permission, error, info, user, attributes, source);
    }

    private static void instant(Out out, Instant t) {
        out.writeByte(t == null ? 0 : 1);
        if (t == null) return;
        out.writeVarLong(zigZag(t.getEpochSecond()));
        out.writeVarLong(t.getNano());
    }

    private static Instant readInstant(In in) throws MalformedEventException {
        if (!in.readPresence()) return null;
        long seconds = unZigZag(in.readVarLong());
        long nanos = in.readVarLong();
        if (nanos < 0 || nanos > 999_999_999) throw new MalformedEventException("bad nanoseconds");
        try {
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (java.time.DateTimeException e) {
            throw new MalformedEventException("instant out of range");
        }
    }

    private static void value(Out out, Object value) {
        switch (value) {
            case null -> out.writeByte(T_NULL);
            case String s -> {
                out.writeByte(T_STRING);
                out.writeString(s);
            }
            case Boolean b -> out.writeByte(b ? T_TRUE : T_FALSE);
            case Integer i -> {
                out.writeByte(T_INT);
                out.writeVarLong(zigZag(i));
            }
            case Long l -> {
                out.writeByte(T_LONG);
                out.writeVarLong(zigZag(l));
            }
            case Double d -> {
                out.writeByte(T_DOUBLE);
                out.writeLong(Double.doubleToRawLongBits(d));
            }
            case BigInteger bi -> {
                out.writeByte(T_BIG_INTEGER);
                out.writeBytes(bi.toByteArray());
            }
            case BigDecimal bd -> {
                out.writeByte(T_BIG_DECIMAL);
                out.writeVarLong(zigZag(bd.scale()));
                out.writeBytes(bd.unscaledValue().toByteArray());
            }
            case Map<?, ?> map -> {
                out.writeByte(T_MAP);
                out.writeVarLong(map.size());
                for (var entry : map.entrySet()) {
                    out.writeString(String.valueOf(entry.getKey()));
                    value(out, entry.getValue());
                }
            }
            case List<?> list -> {
                out.writeByte(T_LIST);
                out.writeVarLong(list.size());
                for (Object item : list) value(out, item);
            }
            case Float f -> {
                out.writeByte(T_FLOAT);
                out.writeLong(Float.floatToRawIntBits(f));
            }
            case Short s -> {
                out.writeByte(T_SHORT);
                out.writeVarLong(zigZag(s));
            }
            case Byte b -> {
                out.writeByte(T_BYTE);
                out.writeVarLong(zigZag(b));
            }
            case Number n -> {
                // what EventJson writes for a Number of another class: its decimal text, read back as BigDecimal
                out.writeByte(T_OTHER_NUMBER);
                out.writeString(n.toString());
            }
            default -> {
                // EventJson writes unknown objects as their text: do the same
                out.writeByte(T_STRING);
                out.writeString(value.toString());
            }
        }
    }

    private static Object readValue(In in, int depth) throws MalformedEventException {
        if (depth > MAX_DEPTH) throw new MalformedEventException("nested deeper than " + MAX_DEPTH);
        int tag = in.readByte();
        return switch (tag) {
            case T_NULL -> null;
            case T_STRING -> in.readString();
            case T_TRUE -> Boolean.TRUE;
            case T_FALSE -> Boolean.FALSE;
            case T_INT -> (int) unZigZag(in.readVarLong());
            case T_LONG -> unZigZag(in.readVarLong());
            case T_DOUBLE -> Double.longBitsToDouble(in.readLong());
            case T_BIG_INTEGER -> bigInteger(in.readBytes());
            case T_BIG_DECIMAL -> {
                long scale = unZigZag(in.readVarLong());
                if (scale < Integer.MIN_VALUE || scale > Integer.MAX_VALUE) throw new MalformedEventException("bad scale");
                yield new BigDecimal(bigInteger(in.readBytes()), (int) scale);
            }
            case T_MAP -> {
                int n = (int) in.readCount(2);
                Map<String, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) map.put(in.readKey(), readValue(in, depth + 1));
                yield map;
            }
            case T_LIST -> {
                int n = (int) in.readCount(1);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) list.add(readValue(in, depth + 1));
                yield list;
            }
            case T_FLOAT -> Float.intBitsToFloat((int) in.readLong());
            case T_SHORT -> (short) unZigZag(in.readVarLong());
            case T_BYTE -> (byte) unZigZag(in.readVarLong());
            case T_OTHER_NUMBER -> {
                String text = in.readString();
                try {
                    yield new BigDecimal(text);
                } catch (NumberFormatException | NullPointerException e) {
                    yield text;
                }
            }
            default -> throw new MalformedEventException("unknown value tag " + tag);
        };
    }

    private static BigInteger bigInteger(byte[] bytes) throws MalformedEventException {
        if (bytes == null || bytes.length == 0) throw new MalformedEventException("empty big integer");
        return new BigInteger(bytes);
    }

    private static <E> E enumOf(E[] values, int code, String what) throws MalformedEventException {
        if (code == 0) return null;
        if (code > values.length) throw new MalformedEventException("unknown " + what + " " + code);
        return values[code - 1];
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** A growable byte array to encode into; reusable with {@link #reset()}. Not thread-safe. */
    public static final class Out {
        private byte[] buf;
        private int size;

        public Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        public int size() {
            return size;
        }

        public byte[] array() {
            return buf;
        }

        public void reset() {
            size = 0;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int extra) {
            if (size + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }

        void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void writeLong(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) buf[size++] = (byte) (v >>> shift);
        }

        void writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        void writeBytes(byte[] bytes) {
            writeVarLong(bytes.length + 1L);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        /** UTF-8, with unpaired surrogates as three-byte sequences of their own. */
        void writeString(String s) {
            if (s == null) {
                writeByte(0);
                return;
            }
            int n = s.length();
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length == n && exact(s, utf8)) {
                writeVarLong(n + 1L);
                ensure(n);
                System.arraycopy(utf8, 0, buf, size, n);
                size += n;
                return;
            }
            int bytes = 0;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) bytes++;
                else if (c < 0x800) bytes += 2;
                else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else bytes += 3;
            }
            writeVarLong(bytes + 1L);
            ensure(bytes);
            byte[] b = buf;
            int p = size;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | c >> 6);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xF0 | cp >> 18);
                    b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                    b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | cp & 0x3F);
                } else {
                    b[p++] = (byte) (0xE0 | c >> 12);
                    b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
            }
            size = p;
        }

        /**
         * Whether {@code utf8}, the JDK's encoding of {@code s} in as many bytes as it has chars, is the
         * encoding above: every char became one byte, so each was ASCII or an unpaired surrogate, which
         * the JDK replaces with {@code '?'} where ours keeps three bytes of its own. A {@code '?'} byte that
         * was a {@code '?'} char is fine. The fast path of {@link #writeString}: the JDK's encoder is many
         * times quicker than the loop over chars (under C1 above all), and most log text is ASCII.
         */
        private static boolean exact(String s, byte[] utf8) {
            for (int i = 0; i < utf8.length; i++) {
                if (utf8[i] == '?' && s.charAt(i) != '?') return false;
            }
            return true;
        }
    }

    /** Reads what {@link Out} wrote, checking every length against the input. */
    private static final class In {
        private final byte[] buf;
        private final int end;
        private int pos;

        In(byte[] buf, int offset, int length) throws MalformedEventException {
            if (offset < 0 || length < 0 || offset + length > buf.length || offset + length < 0) {
                throw new MalformedEventException("bad bounds");
            }
            this.buf = buf;
            this.pos = offset;
            this.end = offset + length;
        }

        int remaining() {
            return end - pos;
        }

        int readByte() throws MalformedEventException {
            if (pos >= end) throw new MalformedEventException("truncated");
            return buf[pos++] & 0xFF;
        }

        boolean readPresence() throws MalformedEventException {
            int b = readByte();
            if (b > 1) throw new MalformedEventException("bad presence byte " + b);
            return b == 1;
        }

        long readLong() throws MalformedEventException {
            if (end - pos < 8) throw new MalformedEventException("truncated");
            long v = 0;
            for (int i = 0; i < 8; i++) v = v << 8 | (buf[pos++] & 0xFF);
            return v;
        }

        long readVarLong() throws MalformedEventException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new MalformedEventException("varint too long");
        }

        /** A count of items that take at least {@code minBytesEach} bytes each: bounded by what is left. */
        long readCount(int minBytesEach) throws MalformedEventException {
            long n = readVarLong();
            if (n < 0 || n > (long) remaining() / minBytesEach + 1) throw new MalformedEventException("count " + n + " exceeds the input");
            return n;
        }

        private int length() throws MalformedEventException {
            long n = readVarLong();
            if (n == 0) return -1;
            n--;
            // a varint of ten bytes can come out negative: damaged, like one longer than the input
            if (n < 0 || n > remaining()) throw new MalformedEventException("length " + n + " exceeds the input");
            return (int) n;
        }

        byte[] readBytes() throws MalformedEventException {
            int n = length();
            if (n < 0) return null;
            byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return b;
        }

        /** A map key: never null (the encoder writes every key as text). */
        String readKey() throws MalformedEventException {
            String key = readString();
            if (key == null) throw new MalformedEventException("null map key");
            return key;
        }

        String readString() throws MalformedEventException {
            int n = length();
            if (n < 0) return null;
            int stop = pos + n;
            boolean ascii = true;
            for (int i = pos; i < stop; i++) {
                if (buf[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
                pos = stop;
                return s;
            }
            char[] chars = new char[n];
            int c = 0;
            while (pos < stop) {
                int b = buf[pos++] & 0xFF;
                if (b < 0x80) {
                    chars[c++] = (char) b;
                } else if ((b & 0xE0) == 0xC0) {
                    chars[c++] = (char) ((b & 0x1F) << 6 | continuation(stop));
                } else if ((b & 0xF0) == 0xE0) {
                    int b1 = continuation(stop), b2 = continuation(stop);
                    chars[c++] = (char) ((b & 0x0F) << 12 | b1 << 6 | b2);
                } else if ((b & 0xF8) == 0xF0) {
                    int cp = (b & 0x07) << 18 | continuation(stop) << 12 | continuation(stop) << 6 | continuation(stop);
                    if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) throw new MalformedEventException("bad code point");
                    chars[c++] = Character.highSurrogate(cp);
                    chars[c++] = Character.lowSurrogate(cp);
                } else {
                    throw new MalformedEventException("bad UTF-8 lead byte");
                }
            }
            return new String(chars, 0, c);
        }

        private int continuation(int stop) throws MalformedEventException {
            if (pos >= stop) throw new MalformedEventException("truncated UTF-8");
            int b = buf[pos++] & 0xFF;
            if ((b & 0xC0) != 0x80) throw new MalformedEventException("bad UTF-8 continuation");
            return b & 0x3F;
        }
    }
}
