'use strict';
// OpenTelemetry NodeSDK with http/express/pino/winston instrumentations: the app's stdout log lines
// get trace_id/span_id/trace_flags injected. Spans go to an in-memory exporter and log sending is
// disabled, so nothing leaves the process.
process.env.OTEL_LOGS_EXPORTER = 'none';
process.env.OTEL_METRICS_EXPORTER = 'none';
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');
const { WinstonInstrumentation } = require('@opentelemetry/instrumentation-winston');

const sdk = new NodeSDK({
  serviceName: 'orders',
  traceExporter: new InMemorySpanExporter(),
  instrumentations: [
    // the test client below runs in this process: do not trace (or re-inject headers into) its calls
    new HttpInstrumentation({ ignoreOutgoingRequestHook: () => true }),
    new ExpressInstrumentation(),
    new PinoInstrumentation({ disableLogSending: true }),
    new WinstonInstrumentation({ disableLogSending: true }),
  ],
});
sdk.start();

const { trace } = require('@opentelemetry/api');
const express = require('express');
const pino = require('pino');
const winston = require('winston');
const { request } = require('./http-client');

const log = pino();
const wlog = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()), transports: [new winston.transports.Console()] });
const slog = winston.createLogger({ levels: winston.config.syslog.levels, transports: [new winston.transports.Console()] });
const tracer = trace.getTracer('example');

log.info('outside any span');
wlog.info('winston outside any span');
tracer.startActiveSpan('manual-span', (span) => {
  log.info({ orderId: 'A-1' }, 'pino inside span');
  log.error({ err: new Error('db down') }, 'pino error inside span');
  wlog.info('winston inside span', { orderId: 'A-1' });
  slog.notice('winston syslog notice inside span');
  tracer.startActiveSpan('child-span', (child) => {
    log.warn({ attempt: 2 }, 'pino inside child span');
    child.end();
  });
  span.end();
});

const app = express();
app.get('/orders/:id', (req, res) => {
  log.info({ id: req.params.id }, 'pino in request');
  wlog.info('winston in request', { id: req.params.id });
  if (req.params.id === '0') return res.status(404).json({ error: 'not found' });
  res.json({ id: req.params.id });
});
app.get('/boom', () => { throw new Error('kaboom'); });
app.use((err, req, res, next) => {
  log.error({ err }, 'unhandled route error');
  res.status(500).json({ error: 'internal' });
});

const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  await request(port, '/orders/7', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  await request(port, '/orders/8', { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' } });
  await request(port, '/orders/0');
  await request(port, '/boom');
  server.close(() => sdk.shutdown());
});
