'use strict';
// Denials caught by the app and logged with pino in the usual idioms.
const fs = require('node:fs');
const cp = require('node:child_process');
const http = require('node:http');
const { Worker } = require('node:worker_threads');
const pino = require('pino');
const SECRET = process.argv[2] || '/srv/secret';

const logger = pino();
const attempt = (fn) => { try { fn(); } catch (e) { return e; } };

const err = attempt(() => fs.readFileSync(`${SECRET}/token.txt`));
logger.error(err);
logger.error({ err }, 'failed to read token');
logger.error(err, 'failed to read token');
logger.warn({ error: err }, 'non-standard key');
logger.error({ err: attempt(() => fs.writeFileSync(`${__dirname}/out.txt`, 'x')) }, 'cannot write cache file');
logger.error({ err: attempt(() => cp.execSync('ls')) }, 'spawn denied');
logger.error({ err: attempt(() => new Worker('1', { eval: true })) }, 'worker denied');
logger.info({ canReadSecret: process.permission.has('fs.read', `${SECRET}/token.txt`), canSpawn: process.permission.has('child') }, 'permission probe');

http.get('http://127.0.0.1:59999/').on('error', (e) => {
  logger.error({ err: e }, 'http request failed');
  fetch('http://127.0.0.1:59999/').catch((e2) => logger.error({ err: e2 }, 'fetch failed'));
});
