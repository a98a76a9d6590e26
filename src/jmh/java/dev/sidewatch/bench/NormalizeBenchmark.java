package dev.sidewatch.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sidewatch.event.Event;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.NodeErrorJoiner;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.receiver.LineFramer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code Normalizer.normalize} of one record per shape, taken from the golden captures of real loggers
 * (src/test/resources/testdata/normalize), next to the floor: a Jackson streaming parse of the same bytes.
 * Run with bench/jmh.sh, which adds JMH's gc profiler for the bytes allocated per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-XX:+UseSerialGC"})
public class NormalizeBenchmark {
    private static final Path DATA = Path.of(System.getProperty("sidewatch.testdata", "src/test/resources/testdata/normalize"));
    private static final JsonFactory JSON = new JsonFactory();

    @Param({"pino-http", "winston", "uncaught", "denial"})
    public String shape;

    private Normalizer normalizer;
    private Normalizer.Origin origin;
    private LogLine line;
    private byte[] bytes;

    @Setup
    public void setUp() throws IOException {
        normalizer = Normalizer.defaults();
        origin = new Normalizer.Origin("bench", "tcp", null);
        line = switch (shape) {
            case "pino-http" -> first("pino-http", l -> l.text().startsWith("{") && l.text().contains("\"req\""));
            case "winston" -> first("winston", l -> l.text().startsWith("{"));
            case "uncaught" -> first("node26-denials", LogLine::multiLine);
            case "denial" -> first("node26-denials", l -> l.text().startsWith("{") && l.text().contains("ERR_ACCESS_DENIED"));
            default -> throw new IllegalArgumentException(shape);
        };
        bytes = line.text().getBytes(StandardCharsets.UTF_8);
    }

    /** The first record of a capture, framed and joined as the TCP receiver does, that matches. */
    private static LogLine first(String capture, Predicate<LogLine> matches) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        var joiner = new NodeErrorJoiner(lines::add);
        var framer = new LineFramer(joiner::accept);
        byte[] input = Files.readAllBytes(DATA.resolve(capture).resolve("input.log"));
        framer.feed(input, 0, input.length);
        framer.finish();
        joiner.flush();
        return lines.stream().filter(matches).findFirst()
                .orElseThrow(() -> new IllegalStateException("no such record in " + capture));
    }

    @Benchmark
    public Event normalize() {
        return normalizer.normalize(line, origin);
    }

    /** The floor: every token of the same bytes through Jackson's streaming parser, nothing kept. */
    @Benchmark
    public int jacksonFloor() throws IOException {
        int tokens = 0;
        try (JsonParser p = JSON.createParser(bytes)) {
            while (p.nextToken() != null) {
                JsonToken t = p.currentToken();
                if (t == JsonToken.VALUE_STRING) p.getText();
                tokens++;
            }
        } catch (IOException e) {
            return -1; // a text block is not JSON: the floor of a text line is a failed parse
        }
        return tokens;
    }
}
