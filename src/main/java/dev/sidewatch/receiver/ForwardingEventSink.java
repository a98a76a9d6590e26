package dev.sidewatch.receiver;

import dev.sidewatch.event.Event;

import java.time.Duration;

/** A sink that looks at or changes events on their way to another sink and forwards everything else. */
abstract class ForwardingEventSink implements EventSink {
    protected final EventSink sink;

    ForwardingEventSink(EventSink sink) {
        this.sink = sink;
    }

    @Override
    public void accept(Event event, int bytes) {
        sink.accept(event, bytes);
    }

    @Override
    public boolean saturated() {
        return sink.saturated();
    }

    @Override
    public void whenWritable(Runnable action) {
        sink.whenWritable(action);
    }

    @Override
    public boolean awaitWritable(Duration timeout) throws InterruptedException {
        return sink.awaitWritable(timeout);
    }

    @Override
    public void whenPersisted(Runnable action) {
        sink.whenPersisted(action);
    }
}
