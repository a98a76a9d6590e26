package dev.sidewatch.receiver;

import dev.sidewatch.event.Event;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.JsonRecordParser;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.Normalizer;

import java.util.List;
import java.util.Map;

/**
 * Turns the lines and records a receiver reads into events for the sink, counting what it hands on
 * and what was wrong with it. Blank lines carry nothing and are skipped; a line that looks like JSON
 * but does not parse is kept as a text event and counted as {@value #INVALID_JSON}; a line cut at
 * 1 MiB as {@value #TRUNCATED}. Stateless apart from counters: safe on any thread.
 */
final class RecordDecoder {
    /** A line that starts like a JSON object but is not one (or nests deeper than 64 levels). */
    static final String INVALID_JSON = "invalid_json";
    /** A line cut at the 1 MiB line limit. */
    static final String TRUNCATED = "truncated";
    /** Reasons every line-reading receiver can report. */
    static final List<String> LINE_REASONS = List.of(INVALID_JSON, TRUNCATED);

    private final Normalizer normalizer;
    private final EventSink sink;
    private final ReceiverMetrics metrics;

    RecordDecoder(Normalizer normalizer, EventSink sink, ReceiverMetrics metrics) {
        this.normalizer = normalizer;
        this.sink = sink;
        this.metrics = metrics;
    }

    ReceiverMetrics metrics() {
        return metrics;
    }

    EventSink sink() {
        return sink;
    }

    /** One line or joined block from the framer and joiner. */
    void line(LogLine line, Normalizer.Origin origin) {
        if (line.isBlank()) return;
        Event event;
        if (line.truncated()) {
            metrics.rejected(TRUNCATED);
            event = normalizer.normalize(line, origin);
        } else if (!line.multiLine() && line.firstNonBlank() == '{') {
            Map<String, Object> fields = JsonRecordParser.parseLine(line);
            if (fields != null) {
                event = normalizer.normalizeParsed(fields, origin, line);
            } else {
                metrics.rejected(INVALID_JSON);
                event = normalizer.normalizeText(line, origin);
            }
        } else {
            event = normalizer.normalize(line, origin);
        }
        emit(event, line.length());
    }

    /** One already-parsed JSON object (consumed). */
    void fields(Map<String, Object> fields, Normalizer.Origin origin, int bytes) {
        emit(normalizer.normalizeFields(fields, origin, null), bytes);
    }

    private void emit(Event event, int bytes) {
        metrics.records(1);
        sink.accept(event, bytes);
    }

}
