package dev.sidewatch.receiver;

import dev.sidewatch.exporter.ExportResult;

import java.util.concurrent.CompletableFuture;

/** Where {@code POST /v1/traces} payloads go: the OTLP exporter, which passes them on unchanged. */
@FunctionalInterface
public interface TraceForwarder {
    /**
     * Sends an OTLP {@code ExportTraceServiceRequest} in protobuf; never blocks.
     *
     * @param spans how many spans it holds, for the export counters
     */
    CompletableFuture<ExportResult> forward(byte[] protobuf, int spans);
}
