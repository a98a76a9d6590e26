package dev.sidewatch.cli;

import dev.sidewatch.app.Sidecar;
import dev.sidewatch.app.StartupException;
import dev.sidewatch.config.Config;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * {@code run [--config FILE] [--stdin] [--service NAME]}: the sidecar (SPEC 2, 3, 5). Starts it, waits
 * for SIGTERM, SIGINT or the end of stdin, then stops it gracefully and returns 0. A second signal
 * during the shutdown ends the process at once with exit code 1.
 */
final class RunCommand {
    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintStream stderr;

    RunCommand(Map<String, String> env, InputStream stdin, PrintStream stderr) {
        this.env = env;
        this.stdin = stdin;
        this.stderr = stderr;
    }

    int run(Args args, Config config) throws UsageException, InterruptedException {
        if (!args.positionals().isEmpty()) throw new UsageException("run takes no arguments, got " + args.positionals().getFirst());
        String service = config.resolveService(args.option("--service"), env);
        Clock clock = Clock.systemUTC();
        var settings = new Sidecar.Settings(config, service, args.flag("--stdin") ? stdin : null,
                new FileOutputStream(FileDescriptor.out), stderr, env, clock,
                onRedact -> Cli.normalizer(config, clock, onRedact));
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(settings);
        } catch (StartupException e) {
            stderr.println("sidewatch: " + e.getMessage());
            // a malformed OTEL_EXPORTER_OTLP_* or OTEL_RESOURCE_ATTRIBUTES value is a configuration error
            return e.getCause() instanceof IllegalArgumentException ? Cli.USAGE : Cli.RUNTIME_FAILURE;
        }
        installSignalHandlers(sidecar);
        String reason = sidecar.awaitStopRequest();
        stderr.println("sidewatch: stopping (" + reason + ")");
        boolean complete = sidecar.stop();
        stderr.println("sidewatch: stopped" + (complete ? "" : " with events unwritten (see sidewatch_dropped_events_total)"));
        return Cli.OK;
    }

    /**
     * SIGTERM and SIGINT request a graceful stop instead of the JVM's default exit, so the process ends
     * with 0 once everything is written. Where a signal cannot be handled (it was ignored when the JVM
     * started, e.g. SIGINT of a background job), a shutdown hook still drains before the JVM exits.
     */
    @SuppressWarnings("restriction")
    private void installSignalHandlers(Sidecar sidecar) {
        boolean hookNeeded = false;
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (sidecar.isStopRequested()) {
                        stderr.println("sidewatch: SIG" + name + " again, exiting without waiting for the drain");
                        Runtime.getRuntime().halt(Cli.RUNTIME_FAILURE);
                    }
                    sidecar.requestStop("SIG" + name);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                hookNeeded = true;
            }
        }
        if (hookNeeded) {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("sidewatch-shutdown").unstarted(() -> {
                try {
                    sidecar.requestStop("JVM shutdown");
                    sidecar.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }
}
