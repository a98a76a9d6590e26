package dev.sidewatch.config;

import java.util.Objects;

/**
 * A listen address, written {@code host:port} in the config ({@code 127.0.0.1:4318},
 * {@code localhost:4318}, {@code [::1]:4318}). Port 0 asks the OS for a free port.
 *
 * @param host host name or IP address, without brackets for IPv6
 * @param port 0 to 65535
 */
public record HostPort(String host, int port) {

    /** Highest valid port. */
    public static final int MAX_PORT = 65535;

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be from 0 to " + MAX_PORT + ", got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException with a message fit to show the user as the reason
     */
    public static HostPort parse(String text) {
        Objects.requireNonNull(text, "text");
        String quoted = Values.quote(text);
        if (text.contains("://")) {
            throw new IllegalArgumentException("expected host:port without a scheme, got " + quoted);
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got " + quoted);
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("[") || host.contains("]")) {
            throw new IllegalArgumentException(
                    "expected host:port with an IPv6 address in brackets like [::1]:4318, got " + quoted);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected host:port, got " + quoted + " (use 0.0.0.0:PORT to listen on all interfaces)");
        }
        if (host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("expected host:port without spaces, got " + quoted);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) > MAX_PORT) {
            throw new IllegalArgumentException(
                    "port must be a number from 0 to " + MAX_PORT + ", got " + Values.quote(port));
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** {@code host:port}, with IPv6 hosts in brackets; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
