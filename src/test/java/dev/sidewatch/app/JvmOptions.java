package dev.sidewatch.app;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code @deploy/jvm.options} argument that every test starting sidewatch as a process puts first on
 * its java command line, so that the tests run the JVM the image, the manifests and the demo run.
 */
final class JvmOptions {
    private JvmOptions() {
    }

    static Path file() {
        Path file = Path.of(System.getProperty("basedir", "."), "deploy", "jvm.options").toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) throw new IllegalStateException("missing " + file);
        return file;
    }

    /** {@code @/abs/path/deploy/jvm.options}, a java argument file. */
    static String argFile() {
        return "@" + file();
    }
}
