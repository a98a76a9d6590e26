package dev.sidewatch.cli;

import dev.sidewatch.config.Config;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/** {@code run}: the sidecar. */
final class RunCommand {
    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintStream stderr;

    RunCommand(Map<String, String> env, InputStream stdin, PrintStream stderr) {
        this.env = env;
        this.stdin = stdin;
        this.stderr = stderr;
    }

    int run(Args args, Config config) {
        stderr.println("sidewatch: run is not available yet");
        return Cli.RUNTIME_FAILURE;
    }
}
