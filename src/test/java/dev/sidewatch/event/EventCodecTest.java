package dev.sidewatch.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.Normalizer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    static Event full() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", 1L);
        nested.put("a", List.of("x", 2.5, Boolean.FALSE));
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("pid", 4121L);
        attributes.put("int", 7);
        attributes.put("big", new BigInteger("123456789012345678901234567890"));
        attributes.put("negativeBig", new BigInteger("-18446744073709551617"));
        attributes.put("decimal", new BigDecimal("1.2300"));
        attributes.put("double", -0.0);
        attributes.put("nan", Double.NaN);
        attributes.put("null", null);
        attributes.put("nested", nested);
        attributes.put("emptyList", new ArrayList<>());
        attributes.put("unicode", "naïve ☃ 😀 \u0000 end");
        attributes.put("loneSurrogate", "a\ud800b\udc00");
        attributes.put("sidewatch.truncated", Boolean.TRUE);
        return new Event(Instant.ofEpochSecond(1_795_300_000L, 123_456_789), Instant.ofEpochSecond(-5, 1),
                "api", Severity.WARN, 13, Kind.PERMISSION_DENIED, "Access to this API has been restricted",
                "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                new Event.HttpInfo("GET", "/secret-check", "/secret-check", 403, 3.2, "10.0.0.7", "curl/8.5"),
                new Event.PermissionInfo("FileSystemRead", "/etc/passwd", "node"),
                new Event.ErrorInfo("Error", "m", "ERR_ACCESS_DENIED", "Error: m\n    at x"),
                new Event.EventInfo("authentication", "authFailed", "failure", List.of("auth", "")),
                new Event.UserInfo("u-42"), attributes, new Event.SourceInfo("file", "/var/log/app/app.log", 81920L));
    }

    @Test
    void roundTrip_everyFieldAndAttributeTypeComesBackEqual() throws Exception {
        Event event = full();
        Event back = EventCodec.decode(EventCodec.encode(event), 0, EventCodec.encode(event).length);
        assertThat(back).isEqualTo(event);
        assertThat(back.attributes().get("big")).isInstanceOf(BigInteger.class);
        assertThat(back.attributes().get("decimal")).isEqualTo(new BigDecimal("1.2300")); // scale kept
        assertThat(back.attributes().get("pid")).isInstanceOf(Long.class);
        assertThat(back.attributes().get("int")).isInstanceOf(Integer.class);
        assertThat(Double.doubleToRawLongBits((Double) back.attributes().get("double"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(back.attributes().keySet()).containsExactlyElementsOf(event.attributes().keySet());
        assertThat(back.time().getNano()).isEqualTo(123_456_789);
        assertThat(EventJson.toJson(back)).isEqualTo(EventJson.toJson(event));
    }

    @Test
    void strings_asciiWithQuestionMarksAndLoneSurrogatesComeBackUnchanged() throws Exception {
        // one char per byte in the JDK's UTF-8, where it writes '?' for a lone surrogate: the codec must not
        for (String text : List.of("why?", "?\ud800", "\udc00?x", "a?b\ud800?", "", "?")) {
            Event event = new Event(null, Instant.EPOCH, "api", Severity.INFO, 9, Kind.LOG, text, null, null, null, null,
                    null, null, null, Map.of("k?", text), null);
            byte[] bytes = EventCodec.encode(event);
            assertThat(EventCodec.decode(bytes, 0, bytes.length)).as(text).isEqualTo(event);
        }
        byte[] bytes = EventCodec.encode(new Event(null, Instant.EPOCH, "api", Severity.INFO, 9, Kind.LOG, "x?\ud800",
                null, null, null, null, null, null, null, Map.of(), null));
        assertThat(indexOf(bytes, new byte[] {6, 'x', '?', (byte) 0xED, (byte) 0xA0, (byte) 0x80})).isNotNegative();
        bytes = EventCodec.encode(new Event(null, Instant.EPOCH, "api", Severity.INFO, 9, Kind.LOG, "why?",
                null, null, null, null, null, null, null, Map.of(), null));
        assertThat(indexOf(bytes, new byte[] {5, 'w', 'h', 'y', '?'})).isNotNegative();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) return i;
        }
        return -1;
    }

    @Test
    void roundTrip_minimalEventWithAbsentParts() throws Exception {
        Event event = new Event(null, Instant.EPOCH, null, Severity.INFO, 9, Kind.LOG, null, null, null, null, null,
                null, new Event.EventInfo(null, null, null, null), null, Map.of(), null);
        byte[] bytes = EventCodec.encode(event);
        assertThat(EventCodec.decode(bytes, 0, bytes.length)).isEqualTo(event);
    }

    @Test
    void roundTrip_allGoldenNormalizerOutputs() throws Exception {
        Normalizer normalizer = Normalizer.defaults();
        Path root = Path.of("src/test/resources/testdata/normalize");
        List<Path> inputs;
        try (Stream<Path> files = Files.walk(root)) {
            inputs = files.filter(p -> p.getFileName().toString().equals("input.log")).toList();
        }
        assertThat(inputs).isNotEmpty();
        int events = 0;
        for (Path input : inputs) {
            for (String line : Files.readAllLines(input)) {
                if (line.isBlank()) continue;
                Event event = normalizer.normalize(LogLine.of(line), new Normalizer.Origin("svc", "file", input.toString()));
                byte[] bytes = EventCodec.encode(event);
                assertThat(EventCodec.decode(bytes, 0, bytes.length)).as(line).isEqualTo(event);
                events++;
            }
        }
        assertThat(events).isGreaterThan(50);
    }

    @Test
    void decode_atAnOffsetInsideALargerArray() throws Exception {
        byte[] bytes = EventCodec.encode(full());
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 7, bytes.length);
        assertThat(EventCodec.decode(padded, 7, bytes.length)).isEqualTo(full());
    }

    @Test
    void decode_damagedBytesAreMalformedNeverAnUncheckedException() throws IOException {
        byte[] bytes = EventCodec.encode(full());
        // every truncation, and every single-byte change to a few values, is either refused or decodes
        for (int n = 0; n < bytes.length; n++) {
            int length = n;
            assertThatThrownBy(() -> EventCodec.decode(bytes, 0, length)).isInstanceOf(EventCodec.MalformedEventException.class);
        }
        for (int i = 0; i < bytes.length; i++) {
            for (int value : new int[]{0x00, 0x7F, 0x80, 0xFF}) {
                byte[] damaged = Arrays.copyOf(bytes, bytes.length);
                damaged[i] = (byte) value;
                try {
                    EventCodec.decode(damaged, 0, damaged.length);
                } catch (EventCodec.MalformedEventException expected) {
                    // fine: detected
                }
            }
        }
    }

    @Test
    void decode_refusesAnUnknownVersion() {
        byte[] bytes = EventCodec.encode(full());
        bytes[0] = 9;
        assertThatThrownBy(() -> EventCodec.decode(bytes, 0, bytes.length)).hasMessageContaining("version 9");
    }
}
