'use strict';
// morgan access logs: the same requests through each predefined format, one after another.
const express = require('express');
const morgan = require('morgan');
const { addRoutes, REQUESTS } = require('./routes');
const { sequence } = require('./http-client');

async function run(format) {
  const app = express();
  app.use(morgan(format));
  addRoutes(app);
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  await sequence(server.address().port, REQUESTS);
  await new Promise((resolve) => server.close(resolve));
}

(async () => {
  for (const format of ['combined', 'common', 'dev', 'short', 'tiny']) await run(format);
})();
