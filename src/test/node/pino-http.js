'use strict';
// express 5 + pino-http with default options; one request per status code.
const express = require('express');
const pinoHttp = require('pino-http');
const { addRoutes, REQUESTS } = require('./routes');
const { sequence } = require('./http-client');

const app = express();
app.use(pinoHttp());
addRoutes(app);

const server = app.listen(0, '127.0.0.1', async () => {
  await sequence(server.address().port, REQUESTS);
  server.close();
});
