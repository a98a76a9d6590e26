package dev.sidewatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sidewatch.config.FileReceiverConfig.FileFormat;
import dev.sidewatch.config.FileReceiverConfig.StartAt;
import dev.sidewatch.config.LevelsConfig.FromStatus;
import dev.sidewatch.config.OtlpExporterConfig.OtlpProtocol;
import dev.sidewatch.config.StdoutExporterConfig.Toggle;
import dev.sidewatch.config.TracesConfig.Synthesize;

/**
 * The YAML schema: which keys each section has, their types and limits, bound to the config
 * records. Defaults come from the records' {@code DEFAULT} constants; nothing here repeats them.
 */
final class ConfigBinder {

    private ConfigBinder() {
    }

    /** Binds the whole tree; problems go to {@code problems} and the result then holds defaults in their place. */
    static Config bind(JsonNode root, Problems problems) {
        return Section.bindRoot(root, problems, ConfigBinder::config);
    }

    private static Config config(Section s) {
        return new Config(
                s.string("service", Config.DEFAULT_SERVICE),
                s.section("receivers", ConfigBinder::receivers),
                s.section("admin", a -> new AdminConfig(a.hostPort("listen", AdminConfig.DEFAULT_LISTEN))),
                s.section("levels", l -> new LevelsConfig(l.choice("from_status", FromStatus.values(),
                        Section::lowerCase, LevelsConfig.DEFAULT_FROM_STATUS))),
                s.section("redaction", ConfigBinder::redaction),
                s.section("traces", t -> new TracesConfig(t.choice("synthesize", Synthesize.values(),
                        Section::lowerCase, TracesConfig.DEFAULT_SYNTHESIZE))),
                s.section("exporters", ConfigBinder::exporters),
                s.section("buffer", ConfigBinder::buffer),
                s.section("denial_spike", ConfigBinder::denialSpike),
                s.section("metrics", m -> new MetricsConfig(
                        m.integer("max_series", 1, MetricsConfig.DEFAULT_MAX_SERIES))),
                s.section("shutdown", d -> new ShutdownConfig(
                        d.duration("timeout", ShutdownConfig.DEFAULT_TIMEOUT))));
    }

    private static ReceiversConfig receivers(Section s) {
        return new ReceiversConfig(
                s.section("http", h -> new HttpReceiverConfig(
                        h.hostPort("listen", HttpReceiverConfig.DEFAULT_LISTEN),
                        h.secret("auth_token", HttpReceiverConfig.DEFAULT_AUTH_TOKEN),
                        h.size("max_body_bytes", HttpReceiverConfig.DEFAULT_MAX_BODY_BYTES))),
                s.section("tcp", t -> new TcpReceiverConfig(t.hostPort("listen", TcpReceiverConfig.DEFAULT_LISTEN))),
                s.sections("files", f -> new FileReceiverConfig(
                        f.required("path", Values::globProblem),
                        f.string("service", null),
                        f.choice("start_at", StartAt.values(), Section::lowerCase,
                                FileReceiverConfig.DEFAULT_START_AT),
                        f.choice("format", FileFormat.values(), Section::lowerCase,
                                FileReceiverConfig.DEFAULT_FORMAT))));
    }

    private static RedactionConfig redaction(Section s) {
        return new RedactionConfig(
                s.bool("enabled", RedactionConfig.DEFAULT_ENABLED),
                s.strings("allow_keys"),
                s.strings("extra_keys"),
                s.strings("extra_patterns", Values::regexProblem));
    }

    private static ExportersConfig exporters(Section s) {
        return new ExportersConfig(
                s.section("otlp", o -> new OtlpExporterConfig(
                        o.string("endpoint", OtlpExporterConfig.DEFAULT_ENDPOINT, Values::httpUrlProblem),
                        o.choice("protocol", OtlpProtocol.values(), OtlpProtocol::value,
                                OtlpExporterConfig.DEFAULT_PROTOCOL),
                        o.secretMap("headers"),
                        o.duration("timeout", OtlpExporterConfig.DEFAULT_TIMEOUT))),
                s.section("stdout", o -> new StdoutExporterConfig(o.choice("enabled", Toggle.values(),
                        Section::lowerCase, StdoutExporterConfig.DEFAULT_ENABLED))));
    }

    private static BufferConfig buffer(Section s) {
        return new BufferConfig(
                s.directory("dir", BufferConfig.DEFAULT_DIR),
                s.size("max_bytes", BufferConfig.DEFAULT_MAX_BYTES));
    }

    private static DenialSpikeConfig denialSpike(Section s) {
        return new DenialSpikeConfig(
                s.duration("window", DenialSpikeConfig.DEFAULT_WINDOW),
                s.longInteger("min_count", 1, DenialSpikeConfig.DEFAULT_MIN_COUNT),
                s.positiveNumber("factor", DenialSpikeConfig.DEFAULT_FACTOR));
    }
}
