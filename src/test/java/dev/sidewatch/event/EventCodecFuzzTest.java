package dev.sidewatch.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the disk buffer's event decoder on arbitrary bytes (a damaged record that
 * slipped past its checksum): it either refuses them with {@link EventCodec.MalformedEventException} or
 * decodes an event that encodes back to an equal event; never another exception, never a huge
 * allocation.
 */
class EventCodecFuzzTest {
    @FuzzTest
    void decode_refusesOrRoundTrips(byte[] bytes) {
        Event event;
        try {
            event = EventCodec.decode(bytes, 0, bytes.length);
        } catch (EventCodec.MalformedEventException e) {
            return;
        }
        byte[] again = EventCodec.encode(event);
        try {
            assertThat(EventCodec.decode(again, 0, again.length)).isEqualTo(event);
        } catch (EventCodec.MalformedEventException e) {
            throw new AssertionError("re-encoded event does not decode", e);
        }
    }
}
