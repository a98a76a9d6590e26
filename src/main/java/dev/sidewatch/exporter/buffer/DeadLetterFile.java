package dev.sidewatch.exporter.buffer;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventJson;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Where batches the collector refused for good (HTTP 400 and other permanent errors) go instead of
 * being retried forever: {@code <buffer.dir>/dead-letter/<exporter>.ndjson}, one JSON line per event,
 * {@code {"time": ..., "exporter": ..., "reason": ..., "event": {SPEC 4 event}}}. When the file passes
 * its size limit it is renamed to {@code <exporter>.ndjson.1} (replacing an older one) and a new file
 * starts, so dead letters take at most twice the limit. Blocking; one thread at a time.
 */
final class DeadLetterFile {
    private final Path file;
    private final long maxBytes;

    /** @param maxBytes the size at which the file is rotated */
    DeadLetterFile(Path bufferDir, String exporter, long maxBytes) {
        this.file = bufferDir.resolve("dead-letter").resolve(exporter + ".ndjson");
        this.maxBytes = maxBytes;
    }

    Path path() {
        return file;
    }

    /** Appends the batch; the data is fsynced before this returns. */
    void write(List<Event> batch, String exporter, String reason, Instant now) throws IOException {
        append(gen -> {
            for (Event event : batch) {
                start(gen, exporter, reason, now);
                gen.writeFieldName("event");
                EventJson.write(event, gen);
                gen.writeEndObject();
                gen.writeRaw('\n');
            }
        });
    }

    /** Appends an OTLP request kept as it came (base64 protobuf); fsynced before this returns. */
    void writeRequest(byte[] protobuf, int spans, String exporter, String reason, Instant now) throws IOException {
        append(gen -> {
            start(gen, exporter, reason, now);
            gen.writeNumberField("spans", spans);
            gen.writeFieldName("request_base64");
            gen.writeBinary(protobuf);
            gen.writeEndObject();
            gen.writeRaw('\n');
        });
    }

    private static void start(JsonGenerator gen, String exporter, String reason, Instant now) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("time", EventJson.formatTime(now));
        gen.writeStringField("exporter", exporter);
        gen.writeStringField("reason", reason == null ? "rejected" : reason);
    }

    private interface Lines {
        void write(JsonGenerator gen) throws IOException;
    }

    private void append(Lines lines) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.exists(file) && Files.size(file) >= maxBytes) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
            JsonGenerator gen = EventJson.generator(out);
            lines.write(gen);
            gen.flush();
            out.flush();
            channel.force(false);
        }
    }
}
