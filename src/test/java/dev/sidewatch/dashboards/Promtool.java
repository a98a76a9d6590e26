package dev.sidewatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds Debian's Prometheus tools ({@code scripts/test.sh} installs them) and runs promtool. */
final class Promtool {
    private Promtool() {
    }

    /** The executable {@code name} on the PATH; fails the test (not skips) when it is missing. */
    static Path tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) return candidate;
        }
        throw new AssertionError(name + " is not installed: run scripts/test.sh, which installs Debian's "
                + "prometheus and prometheus-alertmanager packages");
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code promtool args...} and returns its exit code and combined output. */
    static Result run(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(tool("promtool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
