'use strict';
// The demo service of examples/demo.sh: Express 5 with pino-http's default request logging, run under
// Node's permission model (only its own directory readable). Every route shows one thing sidewatch
// turns into an event or a metric.
const fs = require('node:fs');
const express = require('express');
const pino = require('pino');
const pinoHttp = require('pino-http');

const logger = pino({ name: 'demo-api' });
const app = express();
app.use(pinoHttp({ logger }));

app.get('/healthz', (req, res) => res.json({ ok: true }));

// 200, with the request's traceparent header in the log line
app.get('/orders/:id', (req, res) => {
  req.log.info({ orderId: req.params.id }, 'order looked up');
  res.json({ id: req.params.id, status: 'shipped' });
});

// 403: an http_request that is also a permission denial (source http)
app.get('/admin', (req, res) => res.status(403).json({ error: 'forbidden' }));

// 401 and an authentication-failure event
app.post('/login', (req, res) => {
  req.log.warn({ event: { category: 'authentication', name: 'login', outcome: 'failure' }, userId: 'u-42' }, 'login failed');
  res.status(401).json({ error: 'bad credentials' });
});

// 500: the handler throws; pino-http logs "request errored" with a synthetic err
app.get('/boom', () => {
  throw new Error('kaboom');
});

// a denied fs read, caught and logged: pino's err serializer keeps code, permission and resource
app.get('/config', (req, res) => {
  try {
    res.send(fs.readFileSync('/etc/passwd', 'utf8'));
  } catch (err) {
    req.log.error({ err }, 'cannot read configuration');
    res.status(500).json({ error: err.code });
  }
});

// a denied fs read nobody catches: Node prints its multi-line error block on stderr and exits
app.get('/crash', (req, res) => {
  res.json({ crashing: true });
  setImmediate(() => fs.readFileSync('/etc/shadow'));
});

const port = Number(process.env.PORT || 3000);
app.listen(port, process.env.HOST || '127.0.0.1', () => logger.info({ port }, 'demo-api listening'));
