package dev.sidewatch.pipeline;

/**
 * A dotted field name split into segments, with every joined sub-range precomputed so lookups of
 * {@code a.b.c} as nested objects, flat keys or any mix allocate nothing on the hot path.
 */
final class FieldPath {
    final String[] segments;
    /** joined[from][end] = segments[from..end) joined with '.' */
    final String[][] joined;

    private FieldPath(String... segments) {
        this.segments = segments;
        this.joined = new String[segments.length][segments.length + 1];
        for (int from = 0; from < segments.length; from++) {
            String key = segments[from];
            joined[from][from + 1] = key;
            for (int end = from + 2; end <= segments.length; end++) {
                key = key + '.' + segments[end - 1];
                joined[from][end] = key;
            }
        }
    }

    static FieldPath of(String... segments) {
        return new FieldPath(segments);
    }

    /** Paths written with dots, e.g. {@code "res.statusCode"}. */
    static FieldPath[] all(String... dotted) {
        var out = new FieldPath[dotted.length];
        for (int i = 0; i < dotted.length; i++) out[i] = new FieldPath(dotted[i].split("\\."));
        return out;
    }
}
