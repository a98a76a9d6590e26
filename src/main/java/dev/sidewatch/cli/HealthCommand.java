package dev.sidewatch.cli;

import dev.sidewatch.config.HostPort;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * {@code health [--admin HOST:PORT]}: asks a running sidecar's {@code GET /healthz} and exits 0 when it
 * answers 200, else 1 (any other status, refused, timed out). It is the container health check that
 * needs no curl, so it also serves distroless images. A wildcard listen address ({@code 0.0.0.0},
 * {@code ::}) is asked on the loopback address. Uses the JDK's HTTP client: a health check starts a JVM
 * every few seconds, and this way it loads no event loop.
 */
final class HealthCommand {
    /** Connect and answer timeout each; a health check that hangs is a failed one. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final PrintStream stdout;
    private final PrintStream stderr;

    HealthCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    int run(HostPort admin) throws InterruptedException {
        URI uri = URI.create("http://" + target(admin) + "/healthz");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        try {
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() == 200) {
                stdout.println("sidewatch: healthy (" + uri + " answered 200)");
                return Cli.OK;
            }
            stderr.println("sidewatch: unhealthy: " + uri + " answered " + answer.statusCode());
        } catch (ConnectException e) {
            stderr.println("sidewatch: unhealthy: " + uri + ": connection refused");
        } catch (HttpTimeoutException e) {
            stderr.println("sidewatch: unhealthy: " + uri + ": no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            stderr.println("sidewatch: unhealthy: " + uri + ": " + Cli.describe(e));
        } finally {
            client.close();
        }
        return Cli.RUNTIME_FAILURE;
    }

    /** The address to connect to: a wildcard listen address means this host's loopback. */
    static HostPort target(HostPort admin) {
        return switch (admin.host()) {
            case "0.0.0.0" -> new HostPort("127.0.0.1", admin.port());
            case "::", "0:0:0:0:0:0:0:0" -> new HostPort("::1", admin.port());
            default -> admin;
        };
    }
}
