package dev.sidewatch.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from the filtered {@code version.properties} resource. */
public final class VersionInfo {
    private VersionInfo() {
    }

    public static String version() {
        try (InputStream in = VersionInfo.class.getResourceAsStream("/dev/sidewatch/version.properties")) {
            if (in == null) return "unknown";
            var p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
