package dev.sidewatch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parsed command-line options: {@code --name value} / {@code --name=value} options, flags, positionals. */
public record Args(String command, java.util.Map<String, String> options, Set<String> flags, List<String> positionals) {
    private static final Set<String> FLAGS = Set.of("--stdin", "--help", "-h", "--version");
    private static final Set<String> OPTIONS = Set.of("--config", "--service", "--admin");

    public static Args parse(String[] argv) throws UsageException {
        String command = null;
        var options = new java.util.LinkedHashMap<String, String>();
        var flags = new java.util.LinkedHashSet<String>();
        var positionals = new ArrayList<String>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("-") && !a.equals("-")) {
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                if (FLAGS.contains(name) && value == null) {
                    flags.add(name.equals("-h") ? "--help" : name);
                } else if (OPTIONS.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= argv.length) throw new UsageException(name + " needs a value");
                        value = argv[++i];
                    }
                    options.put(name, value);
                } else {
                    throw new UsageException("unknown option " + name);
                }
            } else if (command == null && positionals.isEmpty()) {
                command = a;
            } else {
                positionals.add(a);
            }
        }
        return new Args(command, options, flags, positionals);
    }

    public String option(String name) {
        return options.get(name);
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }
}
