package dev.sidewatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's AOT cache, outside the image (no Docker engine here): the Dockerfile's training step is run
 * as written, in a directory laid out as the image's WORKDIR (sidewatch.jar, deploy/), on this JDK; then
 * the ENTRYPOINT's flags with {@code -XX:AOTMode=on}, which makes a JVM that cannot use the cache exit
 * with an error instead of starting without it.
 */
class AotCacheIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path workdir;

    @Test
    void theDockerfilesTrainingRun_makesACacheTheEntrypointsFlagsCanUse() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 25, "AOT caches need JDK 25");
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher run = Pattern.compile("RUN cat /tmp/aot-training/\\*\\.log \\\\\\n\\s+\\| java (.+?) > /dev/null").matcher(dockerfile);
        assertThat(run.find()).as("the training RUN of the Dockerfile").isTrue();
        List<String> training = List.of(run.group(1).split(" "));
        Matcher entry = Pattern.compile("ENTRYPOINT \\[(.+)]").matcher(dockerfile);
        assertThat(entry.find()).isTrue();
        List<String> entrypoint = new ArrayList<>();
        for (String word : entry.group(1).split(",\\s*")) entrypoint.add(word.replace("\"", ""));
        assertThat(entrypoint).contains("-XX:AOTCache=sidewatch.aot");
        // trained with the flags it runs with: the same argument file and jar, in the same order
        assertThat(training).containsSubsequence("@deploy/jvm.options", "-XX:AOTCacheOutput=sidewatch.aot", "-jar", "sidewatch.jar");
        assertThat(entrypoint).containsSubsequence("java", "@deploy/jvm.options", "-XX:AOTCache=sidewatch.aot", "-jar", "sidewatch.jar");

        Files.createDirectories(workdir.resolve("deploy"));
        Files.copy(Path.of(System.getProperty("sidewatch.jar", ROOT.resolve("target/sidewatch.jar").toString())), workdir.resolve("sidewatch.jar"));
        for (String file : List.of("jvm.options", "aot-training.yaml")) {
            Files.copy(ROOT.resolve("deploy").resolve(file), workdir.resolve("deploy").resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String config = Files.readString(workdir.resolve("deploy/aot-training.yaml"))
                .replace("/tmp/sidewatch-aot-training", workdir.resolve("buffer").toString());
        Files.writeString(workdir.resolve("deploy/aot-training.yaml"), config);
        Path input = workdir.resolve("training.log");
        try (var out = Files.newOutputStream(input); var logs = Files.list(ROOT.resolve("examples/logs"))) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).sorted().toList()) Files.copy(log, out);
        }

        List<String> train = new ArrayList<>(List.of(JAVA.toString()));
        train.addAll(training);
        assertThat(exec(train, input)).as("the training run").isZero();
        assertThat(workdir.resolve("sidewatch.aot")).isNotEmptyFile();

        List<String> start = new ArrayList<>(List.of(JAVA.toString()));
        start.addAll(entrypoint.subList(1, entrypoint.size()));
        start.add(start.indexOf("-jar"), "-XX:AOTMode=on");
        start.add("--version");
        assertThat(exec(start, null)).as("the entrypoint's flags with the cache required").isZero();
    }

    private int exec(List<String> command, Path stdin) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true)
                .redirectOutput(workdir.resolve("out-" + System.nanoTime() + ".txt").toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        if (stdin != null) builder.redirectInput(stdin.toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        if (process.exitValue() != 0) {
            try (var outs = Files.list(workdir)) {
                for (Path out : outs.filter(p -> p.getFileName().toString().startsWith("out-")).toList()) System.err.println(Files.readString(out));
            }
        }
        return process.exitValue();
    }
}
