package dev.sidewatch.receiver;

import dev.sidewatch.event.ExportResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where {@code POST /v1/traces} payloads go: the trace spool, which keeps them on disk and passes them on
 * to the collector unchanged. The result is what the client is answered (SUCCESS once the request is safe).
 */
@FunctionalInterface
public interface TraceForwarder {
    /**
     * Takes an OTLP {@code ExportTraceServiceRequest} in protobuf; never blocks.
     *
     * @param spans how many spans it holds, for the export counters
     */
    CompletableFuture<ExportResult> forward(byte[] protobuf, int spans);
}
