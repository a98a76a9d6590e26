'use strict';
// @elastic/ecs-pino-format: ECS fields (@timestamp, log.level, ecs.version, event.*, http.*, error.*).
const express = require('express');
const pino = require('pino');
const { ecsFormat } = require('@elastic/ecs-pino-format');
const { request } = require('./http-client');

const log = pino(ecsFormat({ convertReqRes: true, convertErr: true, serviceName: 'orders', serviceVersion: '1.2.3', serviceEnvironment: 'dev' }));
log.info('hello ecs');
log.warn({ userId: 'u-42', orderId: 'A-1' }, 'slow order');
log.error({ err: new Error('connection refused') }, 'query failed');
log.warn({ event: { category: ['authentication'], type: ['start'], action: 'login', outcome: 'failure' }, user: { id: 'u-42' }, source: { ip: '10.0.0.7' } }, 'login failed');
log.warn({ event: { category: ['iam'], action: 'permission_denied', outcome: 'failure' }, user: { id: 'u-77' } }, 'permission denied');
log.info({ trace: { id: '0af7651916cd43dd8448eb211c80319c' }, span: { id: 'b7ad6b7169203331' }, transaction: { id: 'b7ad6b7169203331' } }, 'with ECS trace ids');

const app = express();
app.get('/ok', (req, res) => { log.info({ req, res }, 'handled request'); res.json({ ok: true }); });
app.get('/forbidden', (req, res) => {
  res.status(403).send('no');
  log.warn({ req, res, event: { category: ['web'], outcome: 'failure' } }, 'forbidden');
});
app.get('/boom', (req, res) => {
  res.status(500).send('internal');
  log.error({ req, res, err: new Error('kaboom') }, 'request failed');
});
const server = app.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  await request(port, '/ok?x=1', { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
  await request(port, '/forbidden');
  await request(port, '/boom');
  server.close();
});
