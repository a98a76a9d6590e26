package dev.sidewatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The floor for bench/normalize.sh: a plain Jackson streaming parse of every line of a file, pulling
 * out level, status code and trace id, printing only the totals. Same JVM, same file, measured the
 * same way as {@code sidewatch normalize}, so the ratio between the two is what sidewatch costs.
 */
public final class JacksonStreamingFloor {
    private JacksonStreamingFloor() {
    }

    public static void main(String[] args) throws IOException {
        var factory = new JsonFactory();
        long lines = 0;
        long errors = 0;
        long statusSum = 0;
        long traced = 0;
        byte[] buf = new byte[1 << 18];
        byte[] line = new byte[1 << 16];
        int lineLength = 0;
        try (InputStream in = new FileInputStream(args[0])) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b != '\n') {
                        if (lineLength == line.length) line = java.util.Arrays.copyOf(line, line.length * 2);
                        line[lineLength++] = b;
                        continue;
                    }
                    lines++;
                    try (JsonParser p = factory.createParser(line, 0, lineLength)) {
                        int depth = 0;
                        String field = null;
                        JsonToken t;
                        while ((t = p.nextToken()) != null) {
                            switch (t) {
                                case START_OBJECT, START_ARRAY -> depth++;
                                case END_OBJECT, END_ARRAY -> depth--;
                                case FIELD_NAME -> field = p.currentName();
                                case VALUE_NUMBER_INT -> {
                                    if ("statusCode".equals(field)) statusSum += p.getIntValue();
                                    else if (depth == 1 && "level".equals(field) && p.getIntValue() >= 50) errors++;
                                }
                                case VALUE_STRING -> {
                                    if ("trace_id".equals(field) || "traceparent".equals(field)) traced++;
                                }
                                default -> { }
                            }
                        }
                    } catch (IOException e) {
                        errors++;
                    }
                    lineLength = 0;
                }
            }
        }
        System.out.println("lines=" + lines + " errors=" + errors + " statusSum=" + statusSum + " traced=" + traced);
    }
}
