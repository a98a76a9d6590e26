package dev.sidewatch.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the configuration: the YAML file, then {@code SIDEWATCH_<PATH>} environment overrides,
 * then {@code SIDEWATCH_<PATH>_FILE} secrets, then validation. Every problem is collected and
 * reported at once; see {@code docs/configuration.md} for the rules.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads and validates the configuration. Blocks on reading the file and any {@code _FILE}
     * secrets; call it at start-up, not on an event loop.
     *
     * @param fileOrNull the YAML file ({@code --config}), or {@code null} for defaults plus environment
     * @param env        the process environment; only {@code SIDEWATCH_*} variables are read
     * @return the configuration, with defaults for everything not set
     * @throws ConfigException listing every problem, one {@code path: reason} per line
     */
    public static Config load(Path fileOrNull, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems();
        ObjectNode tree = fileOrNull == null ? JsonNodeFactory.instance.objectNode()
                : YamlDocument.read(fileOrNull, problems);
        EnvOverrides.apply(tree, env, problems);
        Config config = ConfigBinder.bind(tree, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return config;
    }
}
