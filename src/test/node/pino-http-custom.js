'use strict';
// pino-http with the README's customLogLevel (4xx warn, 5xx error, 3xx silent) and
// minimal serializers, as commonly run with NODE_ENV=production.
const express = require('express');
const pinoHttp = require('pino-http');
const { addRoutes, REQUESTS } = require('./routes');
const { sequence } = require('./http-client');

const app = express();
app.use(pinoHttp({
  customLogLevel(req, res, err) {
    if (res.statusCode >= 400 && res.statusCode < 500) return 'warn';
    if (res.statusCode >= 500 || err) return 'error';
    if (res.statusCode >= 300 && res.statusCode < 400) return 'silent';
    return 'info';
  },
  customSuccessMessage(req, res) {
    return `${req.method} ${req.url} completed with ${res.statusCode}`;
  },
  serializers: {
    req: (req) => ({ id: req.id, method: req.method, url: req.url }),
    res: (res) => ({ statusCode: res.statusCode }),
  },
}));
addRoutes(app);

const server = app.listen(0, '127.0.0.1', async () => {
  await sequence(server.address().port, REQUESTS);
  server.close();
});
