package dev.sidewatch.exporter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code process_resident_memory_bytes} and {@code process_virtual_memory_bytes} from
 * {@code /proc/self/status} (Linux only; nothing is registered elsewhere). Micrometer's own binders
 * cover CPU, uptime and file descriptors but not the resident set, which is what a sidecar's memory
 * limit is about.
 */
final class ProcessMemoryMetrics implements MeterBinder {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!Files.isReadable(STATUS)) return;
        Gauge.builder("process.resident.memory", () -> kib("VmRSS:") * 1024.0).baseUnit("bytes")
                .description("Resident set size of the process").register(registry);
        Gauge.builder("process.virtual.memory", () -> kib("VmSize:") * 1024.0).baseUnit("bytes")
                .description("Virtual memory size of the process").register(registry);
    }

    /** The value of a {@code kB} line of /proc/self/status, or NaN. */
    static double kib(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String digits = line.substring(field.length()).replace("kB", "").strip();
                    return Long.parseLong(digits);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
