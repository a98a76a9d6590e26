package dev.sidewatch.exporter;

import dev.sidewatch.event.Event;
import dev.sidewatch.event.ExportResult;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An exporter that sends batches to a remote peer and says how each went: the contract between the
 * durable buffer ({@link dev.sidewatch.exporter.buffer.BufferedExporter}) and a network exporter
 * ({@code OtlpExporter::export}). The buffer sends one batch at a time, retries {@link ExportResult.Outcome#RETRYABLE} results
 * with backoff (honouring {@link ExportResult#retryAfter()}), moves
 * {@link ExportResult.Outcome#PERMANENT} ones to the dead-letter file, and removes a batch from disk
 * only after {@link ExportResult.Outcome#SUCCESS}.
 *
 * <p>Implementations must not block the calling thread for the network round trip, must complete the
 * future (a result, never exceptionally for an expected network failure: connection refused and
 * timeouts are {@code RETRYABLE}), and must not count {@code sidewatch_exported_total} or
 * {@code sidewatch_export_failures_total} for the logs signal themselves: the buffer does.
 */
public interface BatchExporter {
    /**
     * Sends one batch. Called from the buffer's sender thread, one call at a time; the list is not
     * modified afterwards. A future that fails exceptionally, or does not complete within the buffer's
     * export timeout, counts as {@code RETRYABLE}.
     */
    CompletableFuture<ExportResult> export(List<Event> batch);
}
