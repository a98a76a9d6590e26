'use strict';
// Denials caught by the app and logged with winston in the usual formats and call styles.
const fs = require('node:fs');
const cp = require('node:child_process');
const winston = require('winston');
const { format } = winston;
const SECRET = process.argv[2] || '/srv/secret';

const attempt = (fn) => { try { fn(); } catch (e) { return e; } };
const make = (fmt) => winston.createLogger({ format: fmt, transports: [new winston.transports.Console()] });

const json = make(format.json());
const errs = make(format.combine(format.errors({ stack: true }), format.timestamp(), format.json()));

json.error(attempt(() => fs.readFileSync(`${SECRET}/token.txt`)));
json.error('read failed', attempt(() => fs.readFileSync(`${SECRET}/token.txt`)));
json.error('read failed', { err: attempt(() => fs.readFileSync(`${SECRET}/token.txt`)) });
errs.error(attempt(() => fs.readFileSync(`${SECRET}/token.txt`)));
errs.error('read failed', attempt(() => fs.readFileSync(`${SECRET}/token.txt`)));
errs.error('spawn failed', attempt(() => cp.execSync('ls')));
const e = attempt(() => fs.readFileSync(`${SECRET}/token.txt`));
json.info('denied', { permission: e.permission, resource: e.resource, code: e.code });
