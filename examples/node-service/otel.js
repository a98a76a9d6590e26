'use strict';
// The OpenTelemetry Node SDK for the compose and Kubernetes runs of the demo service
// (node --require ./otel.js ...). Traces go over OTLP/HTTP protobuf to the SDK's default endpoint,
// http://localhost:4318, which is sidewatch in the same network namespace (compose network_mode,
// a Kubernetes pod); sidewatch passes them on to the collector. Logs do NOT go over OTLP: they are the
// pino lines on stdout, which the pino instrumentation stamps with trace_id/span_id, written to the
// shared log file that sidewatch tails (so every record arrives once, and Node's own stderr blocks too).
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || 'demo-api',
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation(), new PinoInstrumentation({ disableLogSending: true })],
  // the host detector reads /etc/machine-id, which the permission model denies
  resourceDetectors: [],
});
sdk.start();
process.once('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)));
