package dev.sidewatch.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Where a file receiver keeps its offsets: {@code <buffer.dir>/checkpoints/files-<hash of the glob>.json},
 * {@code {"version":1,"glob":...,"files":[{"path":...,"fingerprint":base64,"offset":n}]}}. A file is
 * known by its fingerprint (its first bytes, up to 1 KiB), not by its path or inode, so a renamed or
 * copied file is still recognised. Written to a temporary file, fsynced and renamed over the old one,
 * so a crash leaves either the old or the new checkpoint. Blocking; one thread at a time.
 */
final class FileCheckpoints {
    private static final JsonFactory JSON = new JsonFactory();

    /** One file: where it was last seen, its fingerprint, and the offset up to which everything is safe. */
    record Entry(String path, byte[] fingerprint, long offset) {
    }

    private final Path file;
    private final String glob;

    FileCheckpoints(Path bufferDir, String glob) {
        this.glob = glob;
        this.file = bufferDir.resolve("checkpoints").resolve("files-" + shortHash(glob) + ".json");
    }

    Path path() {
        return file;
    }

    /** The stored entries; none when there is no checkpoint yet. */
    List<Entry> load() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<Entry> entries = new ArrayList<>();
        try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("files")) {
                    expect(p.currentToken() == JsonToken.START_ARRAY);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String path = null;
                        byte[] fingerprint = null;
                        long offset = -1;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            p.nextToken();
                            switch (field) {
                                case "path" -> path = p.getValueAsString();
                                case "fingerprint" -> fingerprint = Base64.getDecoder().decode(p.getValueAsString(""));
                                case "offset" -> offset = p.getValueAsLong(-1);
                                default -> p.skipChildren();
                            }
                        }
                        if (fingerprint != null && fingerprint.length > 0 && offset >= 0) entries.add(new Entry(path, fingerprint, offset));
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + " is damaged: " + e.getMessage(), e);
        }
        return entries;
    }

    /** Replaces the stored entries atomically. */
    void save(List<Entry> entries) throws IOException {
        var bytes = new ByteArrayOutputStream(256 + entries.size() * 128);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeStringField("glob", glob);
            g.writeArrayFieldStart("files");
            for (Entry e : entries) {
                g.writeStartObject();
                if (e.path() != null) g.writeStringField("path", e.path());
                g.writeStringField("fingerprint", Base64.getEncoder().encodeToString(e.fingerprint()));
                g.writeNumberField("offset", e.offset());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            channel.force(false);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void expect(boolean condition) throws IOException {
        if (!condition) throw new IOException("not a sidewatch checkpoint");
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
