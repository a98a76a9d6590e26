package dev.sidewatch.event;

import java.time.Duration;
import java.util.Objects;

/**
 * What became of one OTLP export request, in the terms a retrying buffer needs (OTLP/HTTP spec,
 * "Failures"): delivered; worth retrying (the collector could not be reached, timed out, or answered
 * 429 or any 5xx — or a retryable gRPC status), possibly after {@code retryAfter}; or refused for
 * good (400 and every other status that is not 429 or 5xx), when retrying the same data cannot help.
 *
 * @param outcome    what happened
 * @param status     the HTTP status (or gRPC status code) the collector answered, or 0 when there was
 *                   no answer (connection refused, timeout)
 * @param retryAfter the collector's {@code Retry-After}, or {@code null} when it sent none
 * @param reason     a short description for logs; empty on success
 */
public record ExportResult(Outcome outcome, int status, Duration retryAfter, String reason) {
    /** The three outcomes. */
    public enum Outcome {
        SUCCESS, RETRYABLE, PERMANENT
    }

    public static final ExportResult SUCCESS = new ExportResult(Outcome.SUCCESS, 0, null, "");

    public ExportResult {
        Objects.requireNonNull(outcome, "outcome");
        reason = reason == null ? "" : reason;
    }

    public static ExportResult retryable(int status, Duration retryAfter, String reason) {
        return new ExportResult(Outcome.RETRYABLE, status, retryAfter, reason);
    }

    public static ExportResult permanent(int status, String reason) {
        return new ExportResult(Outcome.PERMANENT, status, null, reason);
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCESS;
    }

    public boolean isRetryable() {
        return outcome == Outcome.RETRYABLE;
    }

    /** The worse of two results: permanent over retryable over success; the longer {@code retryAfter}. */
    public ExportResult worst(ExportResult other) {
        if (other.outcome.ordinal() > outcome.ordinal()) return other;
        if (other.outcome.ordinal() < outcome.ordinal()) return this;
        if (outcome == Outcome.RETRYABLE && other.retryAfter != null
                && (retryAfter == null || other.retryAfter.compareTo(retryAfter) > 0)) return other;
        return this;
    }
}
