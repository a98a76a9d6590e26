'use strict';
// OS-level permission errors (EACCES / EPERM), caught and logged with pino and winston.
// capture.sh runs this as an unprivileged user against a mode-000 file owned by root.
const fs = require('node:fs');
const pino = require('pino');
const winston = require('winston');
const SECRET = process.argv[2] || '/srv/secret';

const attempt = (fn) => { try { fn(); } catch (e) { return e; } };
const logger = pino();
const wlog = winston.createLogger({ format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.timestamp(), winston.format.json()), transports: [new winston.transports.Console()] });

logger.error({ err: attempt(() => fs.readFileSync(`${SECRET}/locked.txt`)) }, 'cannot read config');
logger.error({ err: attempt(() => fs.writeFileSync(`${SECRET}/new.txt`, 'x')) }, 'cannot write state');
logger.error({ err: attempt(() => fs.chownSync(`${SECRET}/locked.txt`, process.getuid(), process.getgid())) }, 'cannot chown');
logger.warn({ err: attempt(() => process.kill(1, 0)) }, 'cannot signal pid 1');
wlog.error('read failed', attempt(() => fs.readFileSync(`${SECRET}/locked.txt`)));
