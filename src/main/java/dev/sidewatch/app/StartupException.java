package dev.sidewatch.app;

/** The sidecar could not start (a port in use, an address that cannot be bound); the message says which part and why. */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
