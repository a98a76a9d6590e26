package dev.sidewatch.cli;

/** A command-line mistake: reported on stderr with exit code 2, never with a stack trace. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
