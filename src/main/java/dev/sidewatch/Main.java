package dev.sidewatch;

import dev.sidewatch.cli.Cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.Clock;

/** Parses the command line, loads and validates the config, starts the command; nothing else. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        var cli = new Cli(System.getenv(), System.in, new FileOutputStream(FileDescriptor.out), System.err, Clock.systemUTC());
        int exit = cli.run(args);
        System.out.flush();
        // run returns only after the sidecar has stopped and drained; exiting here does not wait for
        // Netty's quiet period (about a second)
        System.exit(exit);
    }
}
