package dev.sidewatch.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Joins the multi-line blocks that Node.js and Deno print on stderr into one record each: Node's
 * uncaught-error block (location, source line, caret, {@code Error: ...}, frames, the inspect tail
 * {@code { code: ..., permission: ..., resource: ... }}, {@code Node.js vNN}), a bare
 * {@code Error: ...} followed by stack frames (Express), Deno's {@code error: Uncaught ...} block, and
 * Node's {@code (node:PID) Warning} pair. Lines that do not belong to a block pass straight through.
 * One instance per stream (connection, file, stdin); not thread-safe. {@link #flush()} emits a
 * half-received block as it is, e.g. at end of input or after a quiet period.
 */
public final class NodeErrorJoiner {
    /** A block longer than this is emitted as it stands; what follows is read fresh. */
    public static final int MAX_BLOCK_LINES = 400;
    private static final int MAX_BLOCK_CHARS = 256 * 1024;

    private static final Pattern LOCATION = Pattern.compile("(?:node:[\\w/.-]+|file://\\S+|/\\S*|[A-Za-z]:\\\\\\S*):\\d+");
    private static final Pattern ERROR_LINE = Pattern.compile(
            "(?:Uncaught )?(?:[A-Z][A-Za-z0-9_$]*(?:Error|Exception)|Error|NotCapable|PermissionDenied)(?: \\[[A-Z0-9_]+])?(?:: .*)?");
    private static final Pattern BRACKET_ERROR_LINE = Pattern.compile("\\[[A-Z][A-Za-z0-9_$]*(?:: .*)?](?: \\{)?");
    private static final Pattern CARET = Pattern.compile("\\s*\\^+\\s*");
    private static final Pattern NODE_WARNING = Pattern.compile("\\(node:\\d+\\) (?:\\[[A-Z0-9]+] )?[A-Za-z]*Warning: .*");

    private enum State { IDLE, HEADER, PREAMBLE, BODY, AFTER_BLANK, PENDING_ERROR, DENO, WARNING }

    private final Consumer<LogLine> out;
    private final List<LogLine> block = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private State state = State.IDLE;
    private int blockChars;
    private boolean denoFrames;

    public NodeErrorJoiner(Consumer<LogLine> out) {
        this.out = out;
    }

    public boolean hasPending() {
        return state != State.IDLE;
    }

    public void accept(LogLine line) {
        String text = line.text();
        switch (state) {
            case IDLE -> start(line);
            case HEADER -> {
                add(line, text);
                if (block.size() == 3) {
                    if (CARET.matcher(clean(text)).matches()) state = State.PREAMBLE;
                    else abort();
                }
            }
            case PREAMBLE -> {
                String c = clean(text);
                if (c.isBlank()) {
                    add(line, text);
                } else if (ERROR_LINE.matcher(c).matches() || BRACKET_ERROR_LINE.matcher(c).matches()) {
                    add(line, text);
                    state = State.BODY;
                } else {
                    abort();
                    accept(line);
                }
            }
            case BODY -> {
                String c = clean(text);
                if (continues(c)) add(line, text);
                else if (c.isBlank()) {
                    add(line, text);
                    state = State.AFTER_BLANK;
                } else restart(line);
            }
            case AFTER_BLANK -> {
                String c = clean(text);
                if (c.startsWith("Node.js v")) {
                    add(line, text);
                    finish();
                } else if (c.isBlank()) {
                    add(line, text);
                } else {
                    restart(line);
                }
            }
            case PENDING_ERROR -> {
                if (isFrame(clean(text))) {
                    add(line, text);
                    state = State.BODY;
                } else {
                    abort();
                    accept(line);
                }
            }
            case DENO -> {
                String c = clean(text);
                if (isFrame(c)) {
                    denoFrames = true;
                    add(line, text);
                } else if (!denoFrames && block.size() < 3 && !c.isBlank()) {
                    add(line, text);
                } else {
                    restart(line);
                }
            }
            case WARNING -> {
                if (clean(text).startsWith("(Use `node --trace-")) {
                    add(line, text);
                    finish();
                } else {
                    restart(line);
                }
            }
        }
        if (state != State.IDLE && (block.size() >= MAX_BLOCK_LINES || blockChars >= MAX_BLOCK_CHARS)) finish();
    }

    /** Emits whatever block is pending, as received. */
    public void flush() {
        // an aborted header re-reads its later lines, which may open another block: flush until none is left
        while (state != State.IDLE) {
            if (state == State.HEADER || state == State.PENDING_ERROR) abort();
            else finish();
        }
    }

    private void start(LogLine line) {
        int first = line.firstNonBlank();
        if (first == '{' || first < 0 || line.indented()) {
            out.accept(line);
            return;
        }
        String text = line.text();
        String c = clean(text);
        State next;
        if (LOCATION.matcher(c).matches()) next = State.HEADER;
        else if (c.startsWith("error: Uncaught ")) next = State.DENO;
        else if (ERROR_LINE.matcher(c).matches() || BRACKET_ERROR_LINE.matcher(c).matches()) next = State.PENDING_ERROR;
        else if (c.startsWith("(node:") && NODE_WARNING.matcher(c).matches()) next = State.WARNING;
        else {
            out.accept(line);
            return;
        }
        add(line, text);
        state = next;
        denoFrames = false;
    }

    private void restart(LogLine line) {
        finish();
        start(line);
    }

    private void add(LogLine line, String text) {
        block.add(line);
        String c = clean(text);
        texts.add(c);
        blockChars += c.length() + 1;
    }

    /** Emits the pending lines as one joined record, without trailing blank lines. */
    private void finish() {
        int end = texts.size();
        List<LogLine> trailing = new ArrayList<>();
        while (end > 1 && texts.get(end - 1).isBlank()) {
            trailing.addFirst(block.get(end - 1));
            end--;
        }
        if (end == 1) {
            out.accept(block.getFirst());
        } else {
            boolean truncated = false;
            for (int i = 0; i < end; i++) truncated |= block.get(i).truncated();
            out.accept(new LogLine(String.join("\n", texts.subList(0, end)), block.getFirst().offset(), truncated, true));
        }
        reset();
        trailing.forEach(out);
    }

    /** Not a block after all: the first line goes out alone and the rest are read fresh. */
    private void abort() {
        List<LogLine> rest = new ArrayList<>(block.subList(1, block.size()));
        LogLine first = block.getFirst();
        reset();
        out.accept(first);
        rest.forEach(this::accept);
    }

    private void reset() {
        block.clear();
        texts.clear();
        blockChars = 0;
        state = State.IDLE;
    }

    private static String clean(String text) {
        return Ansi.strip(text);
    }

    private static boolean continues(String c) {
        if (c.isEmpty()) return false;
        char first = c.charAt(0);
        return (first == ' ' || first == '\t') && !c.isBlank()
                || first == '}'
                || c.startsWith("Emitted 'error' event")
                || c.startsWith("caused by:");
    }

    private static boolean isFrame(String c) {
        String t = c.stripLeading();
        return c.length() > t.length() && (t.startsWith("at ") || t.startsWith("..."));
    }
}
