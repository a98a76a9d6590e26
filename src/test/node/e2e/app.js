'use strict';
// An Express + pino-http service with the OpenTelemetry Node SDK, for sidewatch's end-to-end test.
// It serves a few routes, calls each once with plain fetch (not instrumented, so the caller's
// traceparent header reaches the server as sent), then shuts the SDK down (flushing its exports)
// and exits. Its stdout and stderr are piped into sidewatch; its SDK exports to sidewatch's
// /v1/logs and /v1/traces (OTEL_EXPORTER_OTLP_ENDPOINT).
//
// Routes: /ok 200 (the caller sends a traceparent), /forbidden 403, /boom throws (500, Express
// prints the stack on stderr), /secret denied fs read caught and logged with pino (500),
// /secret-uncaught denied fs read thrown in the route (500, Express prints the stack),
// /legacy logged by morgan as well: a request log line without trace ids.

const { NodeSDK } = require('@opentelemetry/sdk-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { PinoInstrumentation } = require('@opentelemetry/instrumentation-pino');

const sdk = new NodeSDK({
  // without resource detectors OTEL_SERVICE_NAME is not read: name the service here
  serviceName: process.env.OTEL_SERVICE_NAME,
  traceExporter: new OTLPTraceExporter(),
  logRecordProcessors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })],
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation(), new PinoInstrumentation()],
  // the host detector reads /etc/machine-id, which the permission model denies
  resourceDetectors: [],
});
sdk.start();

// required after sdk.start() so the instrumentations patch them
const fs = require('node:fs');
const express = require('express');
const pino = require('pino');
const pinoHttp = require('pino-http');
const morgan = require('morgan');

const logger = pino(pino.destination({ fd: 1, sync: true }));
const app = express();
app.use(pinoHttp({ logger }));

app.get('/ok', (req, res) => {
  req.log.info({ orderId: 'o-1' }, 'handling ok');
  res.json({ ok: true });
});
app.get('/forbidden', (req, res) => res.status(403).send('no'));
app.get('/boom', () => {
  throw new Error('kaboom');
});
app.get('/secret', (req, res) => {
  try {
    res.send(fs.readFileSync('/etc/passwd', 'utf8'));
  } catch (err) {
    req.log.error({ err }, 'secret read denied');
    res.status(500).json({ error: 'denied' });
  }
});
app.get('/secret-uncaught', (req, res) => {
  res.send(fs.readFileSync('/etc/shadow', 'utf8'));
});
app.get('/legacy', morgan('combined'), (req, res) => res.send('legacy'));

const CALLER_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  logger.info({ port: server.address().port, node: process.version }, 'listening');
  try {
    await call(`${base}/ok`, { traceparent: CALLER_TRACEPARENT });
    await call(`${base}/forbidden`);
    await call(`${base}/boom`);
    await call(`${base}/secret`);
    await call(`${base}/secret-uncaught`);
    await call(`${base}/legacy`, { 'user-agent': 'legacy-client/1.0' });
  } catch (err) {
    logger.error({ err }, 'self test failed');
    process.exitCode = 1;
  }
  server.close();
  try {
    await sdk.shutdown();
  } catch (err) {
    logger.error({ err }, 'OpenTelemetry SDK shutdown failed');
    process.exitCode = 1;
  }
  logger.info('done');
});

async function call(url, headers = {}) {
  const res = await fetch(url, { headers });
  await res.text();
  return res.status;
}
