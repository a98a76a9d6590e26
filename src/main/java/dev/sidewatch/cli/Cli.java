package dev.sidewatch.cli;

import dev.sidewatch.config.Config;
import dev.sidewatch.config.ConfigException;
import dev.sidewatch.config.ConfigLoader;
import dev.sidewatch.config.ConfigError;
import dev.sidewatch.config.HostPort;
import dev.sidewatch.config.LevelsConfig;
import dev.sidewatch.pipeline.Normalizer;
import dev.sidewatch.pipeline.Redactor;
import dev.sidewatch.pipeline.StatusLevelPolicy;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/** Dispatches the commands of SPEC section 2 and maps every failure to its exit code. */
public final class Cli {
    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            Usage: java -jar sidewatch.jar [COMMAND] [OPTIONS]

            Commands:
              run [--config FILE] [--stdin] [--service NAME]   run the sidecar (the default command)
              normalize [FILE...] [--service NAME] [--config FILE]
                                                               print one normalised JSON event per input record
              validate --config FILE                           check a config file (exit 0, or 2 listing every problem)
              health [--admin HOST:PORT] [--config FILE]       exit 0 when a running sidecar's /healthz answers 200, else 1
                                                               (default: admin.listen of the config, 127.0.0.1:9464)
              --help, --version

            Exit codes: 0 success, 2 usage or configuration error, 1 runtime failure.
            Environment: SIDEWATCH_<KEY>__<SUBKEY> overrides config keys (SIDEWATCH_<KEY>_FILE reads a secret
            from a file); OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables apply.
            """;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Clock clock;

    public Cli(Map<String, String> env, InputStream stdin, OutputStream stdout, PrintStream stderr, Clock clock) {
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.clock = clock;
    }

    public int run(String[] argv) {
        try {
            Args args = Args.parse(argv);
            if (args.flag("--version")) {
                new PrintStream(stdout, true).println("sidewatch " + VersionInfo.version());
                return OK;
            }
            if (args.flag("--help")) {
                new PrintStream(stdout, true).print(USAGE_TEXT);
                return OK;
            }
            String command = args.command() == null ? "run" : args.command();
            if (args.option("--admin") != null && !command.equals("health")) {
                throw new UsageException("--admin is an option of health, not of " + command);
            }
            return switch (command) {
                case "normalize" -> normalize(args);
                case "validate" -> validate(args);
                case "health" -> health(args);
                case "run" -> new RunCommand(env, stdin, stderr).run(args, loadConfig(args));
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            stderr.println("sidewatch: " + e.getMessage());
            stderr.println("Run 'java -jar sidewatch.jar --help' for usage.");
            return USAGE;
        } catch (ConfigException e) {
            reportConfigErrors(e);
            return USAGE;
        } catch (Exception | Error e) {
            stderr.println("sidewatch: " + describe(e));
            return RUNTIME_FAILURE;
        }
    }

    private int normalize(Args args) throws Exception {
        if (args.flag("--stdin")) throw new UsageException("normalize reads stdin when no FILE is given; --stdin is for run");
        Config config = loadConfig(args);
        String service = config.resolveService(args.option("--service"), env);
        var command = new NormalizeCommand(normalizer(config, clock, rule -> { }), service);
        return command.run(args.positionals(), stdin, stdout, stderr);
    }

    private int validate(Args args) throws UsageException, ConfigException {
        String file = args.option("--config");
        if (file == null) throw new UsageException("validate needs --config FILE");
        if (!args.positionals().isEmpty()) throw new UsageException("unexpected argument " + args.positionals().getFirst());
        ConfigLoader.load(Path.of(file), env);
        new PrintStream(stdout, true).println(file + ": ok");
        return OK;
    }

    private int health(Args args) throws UsageException, ConfigException, InterruptedException {
        if (!args.positionals().isEmpty()) throw new UsageException("unexpected argument " + args.positionals().getFirst());
        String admin = args.option("--admin");
        HostPort address;
        if (admin == null) {
            address = loadConfig(args).admin().listen();
        } else {
            try {
                address = HostPort.parse(admin);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--admin: " + e.getMessage());
            }
        }
        return new HealthCommand(new PrintStream(stdout, true), stderr).run(address);
    }

    private Config loadConfig(Args args) throws ConfigException {
        String file = args.option("--config");
        return ConfigLoader.load(file == null ? null : Path.of(file), env);
    }

    private void reportConfigErrors(ConfigException e) {
        stderr.println("sidewatch: invalid configuration (" + e.errors().size() + " problem"
                + (e.errors().size() == 1 ? "" : "s") + "):");
        for (ConfigError error : e.errors()) stderr.println("  " + error.path() + ": " + error.reason());
    }

    /** The normaliser the config asks for. */
    public static Normalizer normalizer(Config config, Clock clock, Consumer<String> onRedact) {
        var r = config.redaction();
        Redactor redactor = r.enabled() ? new Redactor(true, r.allowKeys(), r.extraKeys(), r.extraPatterns()) : Redactor.DISABLED;
        return new Normalizer(policy(config.levels().fromStatus()), redactor, clock, onRedact);
    }

    private static StatusLevelPolicy policy(LevelsConfig.FromStatus fromStatus) {
        return switch (fromStatus) {
            case MAX -> StatusLevelPolicy.MAX;
            case OVERRIDE -> StatusLevelPolicy.OVERRIDE;
            case OFF -> StatusLevelPolicy.OFF;
        };
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
