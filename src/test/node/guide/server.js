'use strict';
// The guide's server (7.1) reduced to what runs without MongoDB, sessions, helmet or dd-trace, with
// its cleanup and process handlers (4.2) exactly as the guide has them, then driven through every
// path by requests to itself. Run with NODE_ENV=production (the guide's prodFormat) and --permission.
var db = require('./db');
var logger = require('./log');

async function cleanup(signal) {
  logger.prod().info("Cleanup initiated", { signal });

  try {
    // Close database connections
    db.cleanupDB();

    // Close any other resources (Redis, message queues, etc.)
    // await redis.quit();
    // await messageQueue.close();

    logger.prod().info("Cleanup completed", { signal });
  } catch (err) {
    logger.prod().error("Cleanup error", { error: err, signal });
  }

  process.exit(signal === 'uncaughtException' ? 1 : 0);
}

// Handle ALL shutdown signals
["exit", "SIGINT", "SIGTERM", "SIGUSR1", "SIGUSR2"].forEach(signal => {
  process.on(signal, () => cleanup(signal));
});

// Critical: Handle unhandled errors
process.on("uncaughtException", (err) => {
  logger.prod().error("Uncaught Exception", { error: err });
  cleanup("uncaughtException");
});

process.on("unhandledRejection", (reason, promise) => {
  logger.prod().error("Unhandled Rejection", { reason, promise });
  cleanup("unhandledRejection");
});

var express = require("express");
var middleware = require('./middleware');

var app = express();

// stands in for express-session + passport: a signed-in user is named by the x-test-user header
app.use((req, res, next) => {
  const id = req.headers['x-test-user'];
  if (id) req.user = { id, email: `${id}@example.com` };
  req.isAuthenticated = () => !!req.user;
  next();
});
app.use(middleware.routeLogger);

// Body parsing
app.use(express.json({ limit: '10mb' }));
app.use(express.urlencoded({ extended: true, limit: '10mb' }));

require('./routes/api')(app);

var server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const send = (method, path, headers = {}, body) => fetch(base + path, {
    method, redirect: 'manual',
    headers: { 'user-agent': 'guide-client/1.0', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  }).then((res) => res.arrayBuffer().then(() => res.status));
  const signedIn = { 'x-test-user': 'u-42' };
  await send('GET', '/api/health');                                                   // 200
  await send('POST', '/api/createItem', { ...signedIn, 'x-brand': 'acme' }, { name: 'lamp' }); // 201
  await send('POST', '/api/createItem', { ...signedIn, 'x-brand': 'other' }, { name: 'lamp' }); // 403, authorization event
  await send('POST', '/api/getData?page=2', { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, { limit: 5 }); // 401
  await send('POST', '/api/getData', {}, { limit: 5 });                                // 401, no proxy
  await send('GET', '/no/such/page');                                                 // 404
  await send('POST', '/api/getData', signedIn, { limit: 5 });                         // 500, db down
  await send('GET', '/api/report?orderId=o-1', signedIn);                             // denied read, caught
  await send('GET', '/api/export');                                                   // denied read, Express prints it
  await send('POST', '/api/orders/process', signedIn, { batchId: 'b-7', orderIds: ['o-1', 'o-2', 'o-3'] }); // worker
  // a worker's stdout reaches the process's asynchronously: without a pause the process exit below
  // (the guide's cleanup) loses the worker's last lines, as it would in production
  await new Promise((resolve) => setTimeout(resolve, 500));
  await send('GET', '/api/v1/health');                                                // 301: logger.notice throws
});
