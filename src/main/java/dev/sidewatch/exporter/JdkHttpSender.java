package dev.sidewatch.exporter;

import dev.sidewatch.event.ExportResult;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * OTLP/HTTP transport for the SDK's exporters on {@link java.net.http.HttpClient}, plugged in through the
 * SDK's {@link HttpSenderProvider} SPI. It exists because the SDK's {@link HttpResponse} has no headers:
 * with the default OkHttp sender a collector's {@code Retry-After} is lost. The responses of this sender
 * are {@link Response}s, which keep it; the SDK hands them back inside its failed-export exception. It
 * never retries on its own — the caller does, from the {@link ExportResult}. Thread-safe; never blocks
 * the caller (the request runs on the client's threads).
 */
final class JdkHttpSender implements HttpSender {
    private final HttpClient client;
    private final URI endpoint;
    private final String contentType;
    private final Compressor compressor;
    private final Duration timeout;
    private final Supplier<Map<String, List<String>>> headers;
    private final Clock clock;

    JdkHttpSender(HttpClient client, URI endpoint, String contentType, Compressor compressor, Duration timeout,
                  Supplier<Map<String, List<String>>> headers, Clock clock) {
        this.client = client;
        this.endpoint = endpoint;
        this.contentType = contentType;
        this.compressor = compressor;
        this.timeout = timeout;
        this.headers = headers;
        this.clock = clock;
    }

    /** A provider whose senders share {@code client}; the owner of the client closes it. */
    static HttpSenderProvider provider(HttpClient client, Clock clock) {
        return config -> new JdkHttpSender(client, config.getEndpoint(), config.getContentType(), config.getCompressor(),
                config.getTimeout(), config.getHeadersSupplier(), clock);
    }

    /** The SDK's component loader, except that it offers only {@code provider} as the HTTP sender. */
    static ComponentLoader loaderWith(HttpSenderProvider provider) {
        ComponentLoader fallback = ComponentLoader.forClassLoader(JdkHttpSender.class.getClassLoader());
        return new ComponentLoader() {
            @Override
            public <T> Iterable<T> load(Class<T> type) {
                return type == HttpSenderProvider.class ? List.of(type.cast(provider)) : fallback.load(type);
            }
        };
    }

    /**
     * An HTTP client for OTLP: HTTP/1.1 (no h2c upgrade dance with plain-text collectors). Without
     * {@code tls} it gets an SSL context that is never initialised: the JDK's client otherwise builds the
     * default one up front (provider set-up, the cacerts trust store: ~430 classes and 0.1-0.3 s of start-up
     * here) for endpoints that never speak TLS; redirects are off, so no request can reach another scheme.
     */
    static HttpClient newClient(Duration connectTimeout, boolean tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (!tls) {
            try {
                builder.sslContext(SSLContext.getInstance("TLS")).sslParameters(new SSLParameters());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no TLS SSLContext", e);
            }
        }
        return builder.build();
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        byte[] body;
        try {
            var out = new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
            if (compressor != null) {
                try (OutputStream compressed = compressor.compress(out)) {
                    writer.writeMessage(compressed);
                }
            } else {
                writer.writeMessage(out);
            }
            body = out.toByteArray();
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        post(body, contentType, compressor == null ? null : compressor.getEncoding()).whenComplete((response, failure) -> {
            if (failure != null) onError.accept(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            else onResponse.accept(response);
        });
    }

    /** Posts a ready body; completes with the response, or exceptionally when there was none. */
    CompletableFuture<Response> post(byte[] body, String type, String encoding) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) request.header("Content-Encoding", encoding);
        Map<String, List<String>> extra = headers == null ? null : headers.get();
        if (extra != null) extra.forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        return client.sendAsync(request.build(), BodyHandlers.ofByteArray()).thenApply(r -> new Response(r.statusCode(),
                r.body(), retryAfter(r.headers().firstValue("Retry-After").orElse(null), clock)));
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date; null when absent or unreadable. */
    static Duration retryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) return null;
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit)) {
            return v.length() > 9 ? null : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A collector's answer, with its {@code Retry-After}. */
    static final class Response implements HttpResponse {
        private final int status;
        private final byte[] body;
        private final Duration retryAfter;

        Response(int status, byte[] body, Duration retryAfter) {
            this.status = status;
            this.body = body;
            this.retryAfter = retryAfter;
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return "HTTP " + status;
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }

        /** The collector's {@code Retry-After}, or null. */
        Duration retryAfter() {
            return retryAfter;
        }
    }
}
