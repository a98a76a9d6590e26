'use strict';
// dd-trace logInjection into pino, winston and bunyan: nested "dd" object with trace_id/span_id.
// No Datadog agent runs; the agent URL points at an unused local port and flushes simply fail.
// capture.sh runs this twice: with defaults (128-bit hex trace ids) and with
// DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED=false (decimal 64-bit ids).
const tracer = require('dd-trace').init({
  service: 'orders', env: 'dev', version: '1.2.3',
  logInjection: true,
  url: 'http://127.0.0.1:8126',
  startupLogs: false,
  telemetry: { enabled: false },
  remoteConfig: { enabled: false },
  runtimeMetrics: false,
});
// the test client below runs in this process: keep dd-trace from rewriting its trace headers
tracer.use('http', { client: false });

const pino = require('pino');
const winston = require('winston');
const bunyan = require('bunyan');
const express = require('express');
const { request } = require('./http-client');

const plog = pino();
const wlog = winston.createLogger({ transports: [new winston.transports.Console()] });
const blog = bunyan.createLogger({ name: 'orders' });

tracer.trace('manual.op', (span) => {
  plog.info('pino inside dd span');
  wlog.info('winston inside dd span');
  blog.info('bunyan inside dd span');
  tracer.trace('manual.child', () => plog.warn({ attempt: 2 }, 'pino inside dd child span'));
  const ctx = span.context();
  console.log(JSON.stringify({ toTraceId: ctx.toTraceId(), toSpanId: ctx.toSpanId(), toTraceIdHex: ctx.toTraceId(true), toSpanIdHex: ctx.toSpanId(true), traceparent: ctx.toTraceparent() }));
});
plog.info('pino outside span');

const app = express();
app.get('/in/:style', (req, res) => {
  plog.info({ path: req.path }, 'inbound request');
  wlog.info('inbound request', { path: req.path });
  res.json({ ok: true });
});
const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  await request(port, '/in/w3c', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  await request(port, '/in/datadog', { headers: { 'x-datadog-trace-id': '12345678901234567890', 'x-datadog-parent-id': '987654321', 'x-datadog-sampling-priority': '1' } });
  await request(port, '/in/none');
  server.close();
});
