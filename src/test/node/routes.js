'use strict';
// The express 5 routes and the request list shared by the pino-http, morgan and ecs scenarios.
// Every status the sidecar maps (2xx/3xx/4xx/5xx) is produced by a real handler.
const express = require('express');

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function addRoutes(app) {
  app.use(express.json());
  app.get('/ok', (req, res) => {
    if (req.log) req.log.info({ userId: 'u-42' }, 'handling ok');
    res.json({ ok: true });
  });
  app.post('/orders', (req, res) => {
    if (!req.body || !req.body.sku) return res.status(400).json({ error: 'sku required' });
    if (req.body.sku === 'dup') return res.status(409).json({ error: 'order exists' });
    res.status(201).json({ id: 'o-1', sku: req.body.sku });
  });
  app.delete('/orders/:id', (req, res) => res.status(204).end());
  app.get('/old', (req, res) => res.redirect(301, '/ok'));
  app.get('/redirect', (req, res) => res.redirect('/ok'));
  app.get('/cached', (req, res) => res.set('ETag', '"v1"').send('cached body'));
  app.get('/account', (req, res) => res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' }));
  app.get('/forbidden', (req, res) => res.status(403).send('no'));
  app.get('/limited', (req, res) => res.status(429).set('Retry-After', '30').send('slow down'));
  app.get('/boom', () => { throw new Error('kaboom'); });
  app.get('/upstream', (req, res) => res.status(502).send('bad gateway'));
  app.get('/maintenance', (req, res) => res.status(503).set('Retry-After', '120').send('down for maintenance'));
  return app;
}

const json = () => ({ 'content-type': 'application/json' });

const REQUESTS = [
  { path: '/ok?x=1', headers: { traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' } },
  { path: '/orders', method: 'POST', headers: { ...json(), b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' }, body: '{"sku":"A-1"}' },
  { path: '/orders/7', method: 'DELETE', headers: { 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' } },
  { path: '/old' },
  { path: '/redirect' },
  { path: '/cached', headers: { 'if-none-match': '"v1"' } },
  { path: '/orders', method: 'POST', headers: json(), body: '{}' },
  { path: '/account', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTQyIn0.c2lnbmF0dXJl' } },
  { path: '/forbidden', headers: { 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', cookie: 'session=s%3Aabc123; theme=dark' } },
  { path: '/missing' },
  { path: '/orders', method: 'POST', headers: json(), body: '{"sku":"dup"}' },
  { path: '/limited', headers: { cookie: 'session=s%3Aabc123' } },
  { path: '/boom', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
  { path: '/upstream' },
  { path: '/maintenance' },
];

module.exports = { addRoutes, REQUESTS, TRACEPARENT };
