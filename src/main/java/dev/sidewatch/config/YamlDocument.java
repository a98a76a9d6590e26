package dev.sidewatch.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads the config file into a tree, turning every I/O and YAML failure into a one-line problem. */
final class YamlDocument {

    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private YamlDocument() {
    }

    /**
     * The top-level mapping of {@code file}; an empty file gives an empty mapping. On a problem,
     * reports it against the file name and returns an empty mapping. Blocks on file I/O.
     */
    static ObjectNode read(Path file, Problems problems) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                problems.add(name, "cannot read the config file: it is a directory");
                return empty();
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            problems.add(name, "cannot read the config file: it does not exist");
            return empty();
        } catch (AccessDeniedException e) {
            problems.add(name, "cannot read the config file: permission denied");
            return empty();
        } catch (IOException e) {
            problems.add(name, "cannot read the config file: " + e.getMessage());
            return empty();
        }
        if (bytes.length > MAX_FILE_BYTES) {
            problems.add(name, "the config file is larger than 1 MiB; is it the right file?");
            return empty();
        }
        return parse(bytes, name, problems);
    }

    private static ObjectNode parse(byte[] bytes, String name, Problems problems) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonNode root = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                problems.add(name, "holds more than one YAML document (---); put the whole config in one");
                return empty();
            }
            boolean blank = root == null || root.isNull() || root.isMissingNode()
                    || (root.isTextual() && root.asText().isEmpty());
            if (blank) {
                return empty();
            }
            if (!root.isObject()) {
                problems.add(name, "expected a mapping of keys at the top level, got " + Values.describe(root));
                return empty();
            }
            return (ObjectNode) root;
        } catch (JsonProcessingException e) {
            problems.add(name, describe(e));
        } catch (IOException e) {
            problems.add(name, "cannot read the config file: " + e.getMessage());
        }
        return empty();
    }

    /** Where and what, in one line: SnakeYAML's own position and problem when it has them. */
    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            String context = yaml.getContext() == null || yaml.getContextMark() == null ? ""
                    : " (" + firstLine(yaml.getContext()) + " at line " + (yaml.getContextMark().getLine() + 1)
                            + ", column " + (yaml.getContextMark().getColumn() + 1) + ")";
            return "malformed YAML at line " + (yaml.getProblemMark().getLine() + 1) + ", column "
                    + (yaml.getProblemMark().getColumn() + 1) + ": " + firstLine(yaml.getProblem()) + context;
        }
        String message = e.getOriginalMessage();
        String what = message.startsWith("Duplicate field ")
                ? "duplicate key " + message.substring("Duplicate field ".length()).replace('\'', '"')
                : firstLine(message);
        return e.getLocation() == null ? "malformed YAML: " + what
                : "malformed YAML at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                        + ": " + what;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static ObjectNode empty() {
        return JsonNodeFactory.instance.objectNode();
    }
}
