package dev.sidewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.Redactor;
import dev.sidewatch.pipeline.StatusLevelPolicy;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Golden tests: every {@code testdata/normalize/<case>/input.log} (captured from real programs by
 * {@code src/test/node/capture.sh}) normalised with a fixed clock must equal {@code expected.ndjson}
 * field by field. Run with {@code -Dgolden.update=true} to rewrite the expected files; that run fails
 * on purpose so an update never passes silently.
 */
class NormalizeGoldenTest {
    static final Path ROOT = Path.of("src/test/resources/testdata/normalize");
    static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    static Stream<Named<Path>> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.filter(d -> Files.exists(d.resolve("input.log"))).sorted()
                    .map(d -> Named.of(d.getFileName().toString(), d)).toList().stream();
        }
    }

    static String normalize(Path input) throws IOException {
        var normalizer = new Normalizer(StatusLevelPolicy.MAX, Redactor.defaults(), FIXED, rule -> { });
        var command = new NormalizeCommand(normalizer, Normalizer.DEFAULT_SERVICE);
        var out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(input)) {
            command.normalizeStream(in, "input.log", out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void normalizedCaptureMatchesExpected(Path dir) throws IOException {
        String actual = normalize(dir.resolve("input.log"));
        Path expectedFile = dir.resolve("expected.ndjson");
        if (UPDATE) {
            Files.writeString(expectedFile, actual);
            fail("rewrote " + expectedFile + "; rerun without -Dgolden.update to check it");
        }
        assertThat(expectedFile).as("expected output; generate with -Dgolden.update=true").exists();
        List<String> expected = Files.readAllLines(expectedFile);
        List<String> got = actual.lines().toList();
        for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
            var diffs = new ArrayList<String>();
            diff("", JSON.readTree(expected.get(i)), JSON.readTree(got.get(i)), diffs);
            assertThat(diffs).as("%s event %d differs", dir.getFileName(), i + 1).isEmpty();
        }
        assertThat(got).as("number of events").hasSameSizeAs(expected);
    }

    static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!actual.has(f)) out.add(path + f + ": missing, expected " + expected.get(f));
                else diff(path + f + ".", expected.get(f), actual.get(f), out);
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!expected.has(f)) out.add(path + f + ": unexpected " + actual.get(f));
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + expected + " but was " + actual);
        }
    }
}
