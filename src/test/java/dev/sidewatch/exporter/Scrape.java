package dev.sidewatch.exporter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A parsed Prometheus text-format page, for exact assertions on series values. */
public final class Scrape {
    private final Map<String, Double> samples = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    public Scrape(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
    }

    /** The value of {@code name{labels}} (labels as name, value pairs in any order), or null when absent. */
    public Double value(String name, String... labels) {
        return samples.get(series(name, labels));
    }

    /** Every series of a metric, by its full series text. */
    public Map<String, Double> series(String name) {
        var result = new TreeMap<String, Double>();
        samples.forEach((series, value) -> {
            if (series.equals(name) || series.startsWith(name + "{")) result.put(series, value);
        });
        return result;
    }

    /** The {@code # TYPE} of a metric family, e.g. counter, gauge, histogram. */
    public String type(String family) {
        return types.get(family);
    }

    public static String series(String name, String... labels) {
        if (labels.length == 0) return name;
        var sorted = new TreeMap<String, String>();
        String le = null;
        for (int i = 0; i < labels.length; i += 2) {
            if (labels[i].equals("le")) le = labels[i + 1];
            else sorted.put(labels[i], labels[i + 1]);
        }
        var out = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\","));
        // the registry writes labels sorted, with a histogram's le last
        if (le != null) out.append("le=\"").append(le).append("\",");
        out.setLength(out.length() - 1);
        return out.append('}').toString();
    }

    public List<String> names() {
        return List.copyOf(samples.keySet());
    }
}
