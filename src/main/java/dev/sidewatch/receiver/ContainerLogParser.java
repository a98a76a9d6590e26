package dev.sidewatch.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads the line formats container runtimes write to disk (SPEC 8): Docker's json-file driver,
 * {@code {"log":"text\n","stream":"stdout","time":"2026-11-21T22:40:10.123456789Z"}}, where a line
 * longer than 16 KiB is split over several records and only the last one ends in {@code \n}; and the
 * CRI format of containerd and CRI-O, {@code <RFC 3339 time> <stdout|stderr> <P|F> <text>}, where
 * {@code P} marks a partial line continued by the next record. Pure and thread-safe; never throws.
 */
final class ContainerLogParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build();

    private ContainerLogParser() {
    }

    /**
     * One record of a container log.
     *
     * @param stream  {@code stdout} or {@code stderr} (as written)
     * @param time    the runtime's timestamp, or null when unreadable
     * @param content the text, without the line ending
     * @param partial the line continues in the next record of the same stream
     */
    record ContainerLine(String stream, Instant time, String content, boolean partial) {
    }

    /** The format of a file whose first line is {@code line}. */
    static FileFormat detect(String line) {
        if (docker(line) != null) return FileFormat.DOCKER;
        if (cri(line) != null) return FileFormat.CRI;
        return FileFormat.RAW;
    }

    /** A Docker json-file record, or null when the line is not one. */
    static ContainerLine docker(String line) {
        int start = 0;
        while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) start++;
        if (start >= line.length() || line.charAt(start) != '{') return null;
        String log = null, stream = null, time = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    switch (name) {
                        case "log" -> log = p.getText();
                        case "stream" -> stream = p.getText();
                        case "time" -> time = p.getText();
                        default -> { }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (log == null || stream == null && time == null) return null;
        boolean partial = !log.endsWith("\n");
        // a complete record ends with its newline; drop every trailing line break ("\n\n" is one empty line)
        int end = log.length();
        while (!partial && end > 0 && (log.charAt(end - 1) == '\n' || log.charAt(end - 1) == '\r')) end--;
        String content = log.substring(0, end);
        return new ContainerLine(stream == null ? "stdout" : stream, parseTime(time), content, partial);
    }

    /** A CRI record, or null when the line is not one. */
    static ContainerLine cri(String line) {
        int s1 = line.indexOf(' ');
        if (s1 < 20 || !looksLikeTime(line, s1)) return null;
        int s2 = line.indexOf(' ', s1 + 1);
        if (s2 < 0) return null;
        String stream = line.substring(s1 + 1, s2);
        if (!stream.equals("stdout") && !stream.equals("stderr")) return null;
        int s3 = line.indexOf(' ', s2 + 1);
        String tags = s3 < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, s3);
        if (tags.isEmpty()) return null;
        char tag = tags.charAt(0);
        if (tag != 'P' && tag != 'F' || tags.length() > 1 && tags.charAt(1) != ':') return null;
        String content = s3 < 0 ? "" : line.substring(s3 + 1);
        return new ContainerLine(stream, parseTime(line.substring(0, s1)), content, tag == 'P');
    }

    /** {@code YYYY-MM-DDTHH:MM:SS...}: cheap enough to run on every line. */
    private static boolean looksLikeTime(String line, int end) {
        if (end < 20) return false;
        for (int i = 0; i < 19; i++) {
            char c = line.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T';
                case 13, 16 -> c == ':';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) return false;
        }
        return true;
    }

    static Instant parseTime(String text) {
        if (text == null) return null;
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
