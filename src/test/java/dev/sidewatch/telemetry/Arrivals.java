package dev.sidewatch.telemetry;

import java.util.Map;

/** Numbered test lines and what became of them: which never arrived, and how many came twice. */
public final class Arrivals {
    private Arrivals() {
    }

    /** NDJSON lines whose messages are {@code prefix0 .. prefix(to-1)}, from {@code from}. */
    public static String ndjson(String prefix, int from, int to) {
        var out = new StringBuilder((to - from) * 40);
        for (int i = from; i < to; i++) out.append("{\"level\":30,\"msg\":\"").append(prefix).append(i).append("\"}\n");
        return out.toString();
    }

    /** Arrivals past the first of each message. */
    public static int duplicates(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(n -> n - 1).sum();
    }

    /** How many of {@code prefix0 .. prefix(n-1)} are not in {@code counts}. */
    public static int lost(Map<String, Integer> counts, String prefix, int n) {
        int lost = 0;
        for (int i = 0; i < n; i++) if (!counts.containsKey(prefix + i)) lost++;
        return lost;
    }

    /** The numbers of {@code prefix0 .. prefix(n-1)} not in {@code counts}, as ranges: "17-230, 4001". */
    public static String missing(Map<String, Integer> counts, String prefix, int n) {
        var out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (counts.containsKey(prefix + i)) continue;
            int from = i;
            while (i + 1 < n && !counts.containsKey(prefix + (i + 1))) i++;
            if (!out.isEmpty()) out.append(", ");
            out.append(from == i ? String.valueOf(i) : from + "-" + i);
        }
        return out.toString();
    }
}
