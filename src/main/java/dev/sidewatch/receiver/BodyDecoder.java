package dev.sidewatch.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sidewatch.event.Event;
import dev.sidewatch.telemetry.ReceiverMetrics;
import dev.sidewatch.pipeline.JsonRecordParser;
import dev.sidewatch.pipeline.LogLine;
import dev.sidewatch.pipeline.Normalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes one {@code POST /v1/ingest} body by its {@code Content-Type} (SPEC 3): {@code application/json}
 * (or a {@code +json} type) is one JSON object or an array of objects; anything else — NDJSON,
 * {@code text/plain}, no type — is lines, each its own record (JSON or text, Node error blocks joined),
 * never sniffed as one JSON document, so a bad or too-deep line is a text event and never fails the body.
 * May block (it waits for the pipeline every {@value #CHECK_EVERY} records or {@value #CHECK_BYTES} bytes
 * of input, whichever comes first), so it runs on a worker thread, never an event loop.
 */
final class BodyDecoder {
    /** A JSON array element that is neither an object nor a string. */
    static final String NOT_AN_OBJECT = "not_an_object";
    /** Records handed on between two back-pressure checks, at most. */
    static final int CHECK_EVERY = 256;
    /**
     * Input bytes handed on between two back-pressure checks, about (plus one record, up to 1 MiB): with
     * large records, 256 of them could be a whole 8 MiB body past the export queue's 1 MiB high-water mark.
     */
    static final int CHECK_BYTES = 64 * 1024;
    private static final int LINE_SLICE = 16 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final JsonFactory FACTORY = new JsonFactory();

    /** What became of a body: {@code error} set means nothing was accepted and the answer is 400. */
    record Result(int accepted, int rejected, String error) {
    }

    private BodyDecoder() {
    }

    /** @param contentType the request's {@code Content-Type}, or null */
    static Result decode(byte[] body, String contentType, Normalizer normalizer, EventSink sink, ReceiverMetrics metrics,
                         Normalizer.Origin origin) throws InterruptedException {
        var counting = new CountingSink(sink);
        var decoder = new RecordDecoder(normalizer, counting, metrics);
        if (firstNonWhitespace(body) < 0) return new Result(0, 0, null);
        if (isJson(contentType)) return json(body, decoder, counting, metrics, origin);
        var stream = new LineStream(decoder, origin, false);
        for (int from = 0; from < body.length; from += LINE_SLICE) {
            stream.feed(body, from, Math.min(LINE_SLICE, body.length - from));
            counting.pace();
        }
        stream.finish();
        return new Result(counting.count, 0, null);
    }

    /** {@code application/json} or a structured-syntax {@code +json} type, any parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    private static Result json(byte[] body, RecordDecoder decoder, CountingSink counting, ReceiverMetrics metrics,
                               Normalizer.Origin origin) throws InterruptedException {
        // first pass: validate the whole document and find its records, so a bad body is refused as a whole
        List<Object> elements = new ArrayList<>();
        int rejected = 0;
        try (JsonParser p = FACTORY.createParser(body, 0, body.length)) {
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_OBJECT) {
                long start = p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                elements.add(new long[]{start, p.currentLocation().getByteOffset()});
            } else if (root == JsonToken.START_ARRAY) {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) throw new IOException("the array is not closed");
                    long start = p.currentTokenLocation().getByteOffset();
                    if (t == JsonToken.VALUE_STRING) {
                        elements.add(p.getText());
                    } else if (t == JsonToken.START_OBJECT) {
                        p.skipChildren();
                        elements.add(new long[]{start, p.currentLocation().getByteOffset()});
                    } else {
                        p.skipChildren();
                        rejected++;
                    }
                }
            } else {
                throw new IOException("an application/json body is one JSON object or an array of objects; send lines as application/x-ndjson or text/plain");
            }
            if (p.nextToken() != null) throw new IOException("content after the JSON " + (root == JsonToken.START_OBJECT ? "object" : "array")
                    + "; send several objects as an array, or as lines with application/x-ndjson");
        } catch (IOException | RuntimeException e) {
            metrics.rejected(RecordDecoder.INVALID_JSON);
            return new Result(0, 0, "invalid JSON body: " + firstLine(e.getMessage()));
        }
        for (int i = 0; i < rejected; i++) metrics.rejected(NOT_AN_OBJECT);
        for (Object element : elements) {
            if (element instanceof String text) {
                // UTF-8 takes at most 3 bytes per char: only a long string can be over the limit
                byte[] utf8 = text.length() * 3L > LineFramer.MAX_LINE_BYTES ? text.getBytes(StandardCharsets.UTF_8) : null;
                decoder.line(utf8 != null && utf8.length > LineFramer.MAX_LINE_BYTES ? cut(utf8, 0) : LogLine.of(text), origin);
            } else {
                long[] span = (long[]) element;
                int start = (int) span[0];
                int length = (int) (span[1] - span[0]);
                if (length > LineFramer.MAX_LINE_BYTES) {
                    decoder.line(cut(body, start), origin);
                } else {
                    // null only for nesting deeper than 64 levels (the syntax was checked): kept as text (SPEC 8)
                    Map<String, Object> fields = JsonRecordParser.parseObject(body, start, length);
                    if (fields != null) decoder.fields(fields, origin, length);
                    else decoder.line(LogLine.of(new String(body, start, length, StandardCharsets.UTF_8)), origin);
                }
            }
            counting.pace();
        }
        return new Result(counting.count, rejected, null);
    }

    /** The first 1 MiB from {@code from}, marked as cut: an element over the line limit, cut as a line is (SPEC 8). */
    private static LogLine cut(byte[] bytes, int from) {
        return LogLine.ofBytes(Arrays.copyOfRange(bytes, from, from + LineFramer.MAX_LINE_BYTES), -1, true);
    }

    private static int firstNonWhitespace(byte[] body) {
        int i = 0;
        // a UTF-8 byte order mark is not content
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) i = 3;
        for (; i < body.length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return i;
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) return "malformed";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Counts the events of one body and waits for the pipeline between batches. */
    private static final class CountingSink extends ForwardingEventSink {
        int count;
        private int sinceCheck;
        private long bytesSinceCheck;

        CountingSink(EventSink sink) {
            super(sink);
        }

        @Override
        public void accept(Event event, int bytes) {
            count++;
            sinceCheck++;
            bytesSinceCheck += bytes;
            sink.accept(event, bytes);
        }

        /** Blocks while the pipeline is saturated, at most {@link #WAIT} per check, then goes on regardless. */
        void pace() throws InterruptedException {
            if (sinceCheck < CHECK_EVERY && bytesSinceCheck < CHECK_BYTES) return;
            sinceCheck = 0;
            bytesSinceCheck = 0;
            if (sink.saturated()) sink.awaitWritable(WAIT);
        }
    }
}
