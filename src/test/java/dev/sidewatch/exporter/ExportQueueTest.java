package dev.sidewatch.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExportQueueTest {

    static Event event(String message) {
        return new Event(null, Instant.EPOCH, "api", Severity.INFO, 9, Kind.LOG, message, null, null, null, null,
                null, null, null, null, null);
    }

    @Test
    void highWaterMark_saturates_andHalfOfItReleases() throws Exception {
        var queue = new ExportQueue(4, 1_000_000);
        for (int i = 0; i < 3; i++) queue.offer(event("e" + i), 10);
        assertThat(queue.saturated()).isFalse();
        queue.offer(event("e3"), 10);
        assertThat(queue.saturated()).isTrue();

        List<ExportQueue.Item> first = queue.take(1, Duration.ZERO);
        queue.done(first);
        assertThat(queue.saturated()).as("3 left, above half of 4").isTrue();
        List<ExportQueue.Item> second = queue.take(1, Duration.ZERO);
        queue.done(second);
        assertThat(queue.saturated()).isFalse();
    }

    @Test
    void bytesHighWaterMark_saturatesToo() {
        var queue = new ExportQueue(1000, 100);
        queue.offer(event("big"), 100);
        assertThat(queue.saturated()).isTrue();
        assertThat(queue.bytes()).isEqualTo(100);
    }

    @Test
    void whenWritable_runsAtOnceWhenNotSaturated_elseAfterTheDrain() throws Exception {
        var queue = new ExportQueue(2, 1_000_000);
        var runs = new AtomicInteger();
        queue.whenWritable(runs::incrementAndGet);
        assertThat(runs).hasValue(1);

        queue.offer(event("a"), 1);
        queue.offer(event("b"), 1);
        queue.whenWritable(runs::incrementAndGet);
        assertThat(runs).hasValue(1);
        queue.done(queue.take(2, Duration.ZERO));
        assertThat(runs).hasValue(2);
    }

    @Test
    void pastTheHardLimit_offerRefuses() {
        var queue = new ExportQueue(2, 1_000_000);
        int accepted = 0;
        for (int i = 0; i < 100; i++) if (queue.offer(event("e"), 1)) accepted++;
        assertThat(accepted).isEqualTo(2 * ExportQueue.HARD_LIMIT_FACTOR);
    }

    @Test
    void take_keepsOrder_andSizeCountsEventsBeingWritten() throws Exception {
        var queue = new ExportQueue();
        queue.offer(event("a"), 1);
        queue.offer(event("b"), 1);
        queue.offer(event("c"), 1);
        List<ExportQueue.Item> batch = queue.take(2, Duration.ZERO);
        assertThat(batch).extracting(item -> item.event().message()).containsExactly("a", "b");
        assertThat(queue.size()).isEqualTo(3);
        queue.done(batch);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.awaitEmpty(Duration.ZERO)).isFalse();
        queue.done(queue.take(10, Duration.ZERO));
        assertThat(queue.awaitEmpty(Duration.ZERO)).isTrue();
    }

    @Test
    void close_refusesNewEvents_butHandsOutTheRest() throws Exception {
        var queue = new ExportQueue();
        queue.offer(event("a"), 1);
        queue.close();
        assertThat(queue.offer(event("b"), 1)).isFalse();
        assertThat(queue.finished()).isFalse();
        assertThat(queue.take(10, Duration.ofSeconds(1))).hasSize(1);
        assertThat(queue.finished()).isTrue();
        assertThat(queue.take(10, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void whenDone_waitsForEveryEventOfferedBeforeIt_notForLaterOnes() throws Exception {
        var queue = new ExportQueue(100, 1_000_000);
        var runs = new AtomicInteger();
        queue.whenDone(runs::incrementAndGet);
        assertThat(runs).as("nothing offered: at once").hasValue(1);

        queue.offer(event("a"), 1);
        queue.offer(event("b"), 1);
        queue.whenDone(runs::incrementAndGet);
        queue.offer(event("c"), 1);
        List<ExportQueue.Item> first = queue.take(1, Duration.ZERO);
        List<ExportQueue.Item> rest = queue.take(2, Duration.ZERO);
        queue.done(first);
        assertThat(runs).as("b is not done yet").hasValue(1);
        queue.done(rest);
        assertThat(runs).hasValue(2);
        queue.whenDone(runs::incrementAndGet);
        assertThat(runs).hasValue(3);
    }

    @Test
    void hold_saturatesAtOnce_andReleasingRunsTheWaiters() throws Exception {
        var queue = new ExportQueue(100, 1_000_000);
        var runs = new AtomicInteger();
        queue.hold(true);
        assertThat(queue.saturated()).isTrue();
        assertThat(queue.awaitWritable(Duration.ZERO)).isFalse();
        queue.whenWritable(runs::incrementAndGet);
        assertThat(runs).hasValue(0);
        assertThat(queue.offer(event("still taken"), 1)).as("holding is a signal to producers, not a refusal").isTrue();
        queue.hold(false);
        assertThat(runs).hasValue(1);
        assertThat(queue.saturated()).isFalse();
    }
}
