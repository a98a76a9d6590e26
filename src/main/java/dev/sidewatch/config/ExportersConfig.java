package dev.sidewatch.config;

import java.util.Objects;

/**
 * {@code exporters}.
 *
 * @param otlp   default {@link OtlpExporterConfig#DEFAULT}
 * @param stdout default {@link StdoutExporterConfig#DEFAULT}
 */
public record ExportersConfig(OtlpExporterConfig otlp, StdoutExporterConfig stdout) {

    /** All defaults. */
    public static final ExportersConfig DEFAULT =
            new ExportersConfig(OtlpExporterConfig.DEFAULT, StdoutExporterConfig.DEFAULT);

    public ExportersConfig {
        Objects.requireNonNull(otlp, "otlp");
        Objects.requireNonNull(stdout, "stdout");
    }
}
