package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventCodec;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.SpanSynthesizer;
import dev.sidewatch.receiver.LineFramer;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LowAllocationLogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The export side of one OTLP batch of {@value #BATCH} events shaped like bench/make-pino-http.sh's burst
 * (pino-http requests from the golden capture, every hundredth a Node permission denial), normalised, with
 * spans synthesised as {@code traces.synthesize: auto} does, and passed through the disk buffer's codec:
 * <ul>
 *   <li>{@code bufferEncode}: {@link EventCodec#encode} of every event, as the buffer's writer stores a batch;</li>
 *   <li>{@code decode}: {@link EventCodec#decode} of every record, as the buffer's sender reads a batch;</li>
 *   <li>{@code mapping}: {@link OtlpMapping} alone (every event's log record and span);</li>
 *   <li>{@code encode}: {@link OtlpMapping} and the SDK's marshalers of both requests (logs, spans) into the
 *       byte arrays {@link JdkHttpSender} posts, in either {@link MemoryMode}, as {@link OtlpExporter#export}
 *       does.</li>
 * </ul>
 * Scores and {@code gc.alloc.rate.norm} are per event (bench/jmh.sh adds the gc profiler).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-XX:+UseSerialGC"})
public class OtlpEncodeBenchmark {
    static final int BATCH = 512;
    private static final Path DATA = Path.of(System.getProperty("sidewatch.testdata", "src/test/resources/testdata/normalize"));

    @Param({"IMMUTABLE_DATA", "REUSABLE_DATA"})
    public MemoryMode memoryMode;

    private OtlpMapping mapping;
    private List<byte[]> payloads;
    private List<Event> events;
    private final EventCodec.Out out = new EventCodec.Out(4096);
    private final LowAllocationLogsRequestMarshaler reusableLogs = new LowAllocationLogsRequestMarshaler();
    private final LowAllocationTraceRequestMarshaler reusableSpans = new LowAllocationTraceRequestMarshaler();

    @Setup
    public void setUp() throws Exception {
        mapping = new OtlpMapping(new OtlpResources(Map.of(), "bench-instance", "bench-host"),
                InstrumentationScopeInfo.builder("sidewatch").setVersion("bench").build());
        List<LogLine> requests = lines("pino-http", "\"req\"");
        List<LogLine> denials = lines("node26-denials", "ERR_ACCESS_DENIED");
        var normalizer = Normalizer.defaults();
        var origin = new Normalizer.Origin("bench", "tcp", null);
        var spans = new SpanSynthesizer(SpanSynthesizer.Mode.AUTO);
        payloads = new ArrayList<>(BATCH);
        events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            LogLine line = i % 100 == 99 ? denials.get(i % denials.size()) : requests.get(i % requests.size());
            byte[] payload = EventCodec.encode(spans.apply(normalizer.normalize(line, origin)));
            payloads.add(payload);
            events.add(EventCodec.decode(payload, 0, payload.length));
        }
    }

    private static List<LogLine> lines(String capture, String must) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        var framer = new LineFramer(lines::add);
        byte[] input = Files.readAllBytes(DATA.resolve(capture).resolve("input.log"));
        framer.feed(input, 0, input.length);
        framer.finish();
        return lines.stream().filter(l -> l.text().startsWith("{") && l.text().contains(must)).toList();
    }

    /** @return the bytes written */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int bufferEncode() {
        int bytes = 0;
        for (Event e : events) {
            out.reset();
            EventCodec.encode(e, out);
            bytes += out.size();
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<Event> decode() throws EventCodec.MalformedEventException {
        List<Event> out = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) out.add(EventCodec.decode(p, 0, p.length));
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int mapping() {
        int attributes = 0;
        for (Event e : events) {
            attributes += mapping.logRecord(e).getAttributes().size();
            SpanData span = mapping.span(e);
            if (span != null) attributes += span.getAttributes().size();
        }
        return attributes;
    }

    /** @return the bytes of both request bodies */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int encode() throws IOException {
        List<LogRecordData> records = new ArrayList<>(events.size());
        List<SpanData> synthesized = new ArrayList<>();
        for (Event e : events) {
            records.add(mapping.logRecord(e));
            SpanData span = mapping.span(e);
            if (span != null) synthesized.add(span);
        }
        if (memoryMode == MemoryMode.IMMUTABLE_DATA) {
            return body(LogsRequestMarshaler.create(records)).length + body(TraceRequestMarshaler.create(synthesized)).length;
        }
        reusableLogs.initialize(records);
        int bytes = body(reusableLogs).length;
        reusableLogs.reset();
        reusableSpans.initialize(synthesized);
        bytes += body(reusableSpans).length;
        reusableSpans.reset();
        return bytes;
    }

    /** The request body as {@link JdkHttpSender#send} builds it. */
    private static byte[] body(Marshaler marshaler) throws IOException {
        var out = new ByteArrayOutputStream(Math.max(64, marshaler.getBinarySerializedSize()));
        marshaler.writeBinaryTo(out);
        return out.toByteArray();
    }
}
