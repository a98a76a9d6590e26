package dev.sidewatch.exporter.buffer;

import dev.sidewatch.event.ExportResult;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One export attempt, as both disk buffers make it: the exporter's answer within the timeout, or a
 * retryable result saying why there was none ({@code exporterError} when the exporter threw or its
 * future failed, rather than answering).
 */
record ExportAttempt(ExportResult result, boolean exporterError) {

    static ExportAttempt run(Supplier<CompletableFuture<ExportResult>> export, Duration timeout) throws InterruptedException {
        try {
            CompletableFuture<ExportResult> future = export.get();
            try {
                ExportResult result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (result == null) throw new ExecutionException("no result", null);
                return new ExportAttempt(result, false);
            } catch (TimeoutException e) {
                future.cancel(true);
                return new ExportAttempt(ExportResult.retryable(0, null, "no answer within " + timeout.toSeconds() + " s"), false);
            }
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return new ExportAttempt(ExportResult.retryable(0, null, "exporter error: " + BufferedExporter.describe(cause)), true);
        }
    }
}
