package dev.sidewatch.exporter;

import io.opentelemetry.sdk.common.export.MemoryMode;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The stages of {@link OtlpEncodeBenchmark} taken in turn, round after round, timed in CPU time rather than
 * wall time: on a loaded, shared machine the turns see the same load, and the process's CPU time (which
 * counts the collector's work for the garbage each stage leaves) does not grow with the time spent waiting
 * for a core. Prints the median over the rounds of µs per event, for this thread and for the whole
 * process. Usage (bench/otlp-encode-cpu.sh): {@code OtlpEncodeCpu [ROUNDS] [BATCHES_PER_ROUND]}.
 */
public final class OtlpEncodeCpu {
    private record Stage(String name, Callable<Integer> batch) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        OtlpEncodeBenchmark immutable = bench(MemoryMode.IMMUTABLE_DATA), reusable = bench(MemoryMode.REUSABLE_DATA);
        Stage[] stages = {
                new Stage("buffer encode (EventCodec)", immutable::bufferEncode),
                new Stage("buffer decode (EventCodec)", () -> immutable.decode().size()),
                new Stage("OtlpMapping only", immutable::mapping),
                new Stage("mapping + marshal, IMMUTABLE_DATA", immutable::encode),
                new Stage("mapping + marshal, REUSABLE_DATA", reusable::encode),
        };
        long sink = 0;
        for (Stage s : stages) {
            for (int i = 0; i < 2000; i++) sink += s.batch().call(); // warm-up: compiled before the first round
        }
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] thread = new double[stages.length][rounds], process = new double[stages.length][rounds];
        double events = (double) batches * OtlpEncodeBenchmark.BATCH;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < stages.length; k++) {
                int m = (r + k) % stages.length; // rotate which stage goes first
                System.gc();
                long t0 = threads.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime();
                for (int i = 0; i < batches; i++) sink += stages[m].batch().call();
                thread[m][r] = (threads.getCurrentThreadCpuTime() - t0) / 1000.0 / events;
                process[m][r] = (os.getProcessCpuTime() - p0) / 1000.0 / events;
            }
        }
        System.out.printf("%d rounds of %d batches of %d events per stage, in turn (checksum %d)%n", rounds, batches,
                OtlpEncodeBenchmark.BATCH, sink % 1000);
        for (int m = 0; m < stages.length; m++) {
            System.out.printf("%-36s %6.2f µs/event on its thread, %6.2f µs/event for the process (medians)%n",
                    stages[m].name(), median(thread[m]), median(process[m]));
        }
    }

    private static OtlpEncodeBenchmark bench(MemoryMode mode) throws Exception {
        var b = new OtlpEncodeBenchmark();
        b.memoryMode = mode;
        b.setUp();
        return b;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
