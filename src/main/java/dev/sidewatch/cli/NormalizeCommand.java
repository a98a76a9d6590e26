package dev.sidewatch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sidewatch.event.Event;
import dev.sidewatch.event.EventJson;
import dev.sidewatch.pipeline.NodeErrorJoiner;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.receiver.LineFramer;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code normalize [FILE...] [--service NAME]}: prints one normalised event per input record as JSON
 * lines. No network, no state. Blank lines carry nothing and produce no event; every other line does,
 * alone or as part of a joined multi-line block.
 */
final class NormalizeCommand {
    private static final int READ_CHUNK = 256 * 1024;

    private final Normalizer normalizer;
    private final String service;

    NormalizeCommand(Normalizer normalizer, String service) {
        this.normalizer = normalizer;
        this.service = service;
    }

    /** Returns the exit code: 0, or 1 when an input could not be read. */
    int run(List<String> files, InputStream stdin, OutputStream stdout, PrintStream stderr) throws IOException {
        var out = new BufferedOutputStream(stdout, 1 << 16);
        JsonGenerator gen = EventJson.generator(out);
        int exit = 0;
        if (files.isEmpty()) {
            process(stdin, new Normalizer.Origin(service, "stdin", null), gen);
        } else {
            for (String file : files) {
                if (file.equals("-")) {
                    process(stdin, new Normalizer.Origin(service, "stdin", null), gen);
                    continue;
                }
                try (InputStream in = new FileInputStream(file)) {
                    process(in, new Normalizer.Origin(service, "file", file), gen);
                } catch (IOException e) {
                    gen.flush();
                    out.flush();
                    stderr.println("sidewatch normalize: cannot read " + file + ": " + e.getMessage());
                    exit = 1;
                }
            }
        }
        gen.flush();
        out.flush();
        return exit;
    }

    /** Normalises one stream as if it were the file {@code path}; for tests and tools. */
    void normalizeStream(InputStream in, String path, OutputStream out) throws IOException {
        JsonGenerator gen = EventJson.generator(out);
        process(in, new Normalizer.Origin(service, "file", path), gen);
        gen.flush();
    }

    private void process(InputStream in, Normalizer.Origin origin, JsonGenerator gen) throws IOException {
        // every line out, blank ones too (SPEC 2: normalize never drops a line)
        var joiner = new NodeErrorJoiner(line -> write(normalizer.normalize(line, origin), gen));
        var framer = new LineFramer(joiner::accept);
        byte[] buffer = new byte[READ_CHUNK];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) framer.feed(buffer, 0, n);
            framer.finish();
            joiner.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void write(Event event, JsonGenerator gen) {
        try {
            EventJson.write(event, gen);
            gen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
