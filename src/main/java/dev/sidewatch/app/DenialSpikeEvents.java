package dev.sidewatch.app;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.Kind;
import dev.sidewatch.event.Severity;
import dev.sidewatch.exporter.DenialSpikeDetector.Transition;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/** The SPEC 5 events for a denial spike's start ({@code permission.denial_spike}, WARN) and end (INFO). */
final class DenialSpikeEvents {
    static final String CATEGORY = "sidewatch";
    static final String STARTED = "permission.denial_spike";
    static final String ENDED = "permission.denial_spike.ended";

    private DenialSpikeEvents() {
    }

    static Event of(Transition t, Instant now) {
        long windowSeconds = t.window().toSeconds();
        String baseline = String.format(Locale.ROOT, "%.1f", t.baseline());
        String message = t.started()
                ? "permission denial spike in " + t.service() + ": " + t.denials() + " denials in the last " + windowSeconds
                  + " s, baseline " + baseline + " per " + windowSeconds + " s" + top(t.topPermissions())
                : "permission denial spike in " + t.service() + " ended: " + t.denials() + " denials in the last "
                  + windowSeconds + " s, baseline " + baseline + " per " + windowSeconds + " s";
        var attributes = new LinkedHashMap<String, Object>();
        attributes.put("denials", t.denials());
        attributes.put("baseline", t.baseline());
        attributes.put("window_seconds", windowSeconds);
        attributes.put("top_permissions", t.topPermissions());
        Severity severity = t.started() ? Severity.WARN : Severity.INFO;
        return new Event(now, now, t.service(), severity, severity.number(), Kind.LOG, message, null, null, null, null,
                null, new Event.EventInfo(CATEGORY, t.started() ? STARTED : ENDED, "unknown", List.of()), null,
                attributes, null);
    }

    private static String top(List<String> types) {
        return types.isEmpty() ? "" : " (most denied: " + String.join(", ", types) + ")";
    }
}
