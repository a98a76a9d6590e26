package dev.sidewatch.config;

import java.util.Map;
import java.util.Objects;

/**
 * The whole sidewatch configuration (SPEC section 7), as loaded by {@link ConfigLoader}.
 *
 * @param service     service name from the config, or {@code null} (the default); see
 *                    {@link #resolveService} for the name actually used
 * @param receivers   default {@link ReceiversConfig#DEFAULT}
 * @param admin       default {@link AdminConfig#DEFAULT}
 * @param levels      default {@link LevelsConfig#DEFAULT}
 * @param redaction   default {@link RedactionConfig#DEFAULT}
 * @param traces      default {@link TracesConfig#DEFAULT}
 * @param exporters   default {@link ExportersConfig#DEFAULT}
 * @param buffer      default {@link BufferConfig#DEFAULT}
 * @param denialSpike default {@link DenialSpikeConfig#DEFAULT}
 * @param metrics     default {@link MetricsConfig#DEFAULT}
 * @param shutdown    default {@link ShutdownConfig#DEFAULT}
 */
public record Config(String service, ReceiversConfig receivers, AdminConfig admin, LevelsConfig levels,
                     RedactionConfig redaction, TracesConfig traces, ExportersConfig exporters,
                     BufferConfig buffer, DenialSpikeConfig denialSpike, MetricsConfig metrics,
                     ShutdownConfig shutdown) {

    /** {@code null}: the config names no service. */
    public static final String DEFAULT_SERVICE = null;
    /** The service name used when nothing names one: {@code unknown_service}, as in OpenTelemetry. */
    public static final String UNKNOWN_SERVICE = "unknown_service";
    /** The standard OpenTelemetry variable naming the service. */
    public static final String OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";

    /** The configuration without a config file or environment overrides. */
    public static final Config DEFAULT = new Config(DEFAULT_SERVICE, ReceiversConfig.DEFAULT, AdminConfig.DEFAULT,
            LevelsConfig.DEFAULT, RedactionConfig.DEFAULT, TracesConfig.DEFAULT, ExportersConfig.DEFAULT,
            BufferConfig.DEFAULT, DenialSpikeConfig.DEFAULT, MetricsConfig.DEFAULT, ShutdownConfig.DEFAULT);

    public Config {
        Objects.requireNonNull(receivers, "receivers");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(levels, "levels");
        Objects.requireNonNull(redaction, "redaction");
        Objects.requireNonNull(traces, "traces");
        Objects.requireNonNull(exporters, "exporters");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(denialSpike, "denialSpike");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(shutdown, "shutdown");
    }

    /**
     * The process-wide service name: {@code cliService} ({@code --service}), else
     * {@code OTEL_SERVICE_NAME} from {@code env}, else {@link #service()} (the config file or
     * {@code SIDEWATCH_SERVICE}), else {@value #UNKNOWN_SERVICE}. Blank values count as absent;
     * the result is trimmed.
     *
     * @param cliService the {@code --service} option, or {@code null}
     * @param env        the process environment
     */
    public String resolveService(String cliService, Map<String, String> env) {
        for (String candidate : new String[] {cliService, env.get(OTEL_SERVICE_NAME), service}) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        return UNKNOWN_SERVICE;
    }
}
