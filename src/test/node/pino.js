'use strict';
// pino shapes: default levels, child loggers, option variants, errors, secrets.
const crypto = require('node:crypto');
const pino = require('pino');

const log = pino({ level: 'trace' });
log.trace('trace line');
log.debug({ cacheHit: false }, 'debug line');
log.info('hello world');
log.info({ userId: 42, orderId: 'A-1' }, 'order placed');
log.warn('disk 91% full');
log.error(new Error('connection refused'));
log.error({ err: new Error('connection refused'), module: 'db' }, 'query failed');
log.fatal('fatal line');

const child = log.child({ module: 'payments', requestId: 'req-7' });
child.info({ orderId: 'A-2', amount: 12.5 }, 'payment authorised');
child.child({ step: 'capture' }).warn({ userId: 'u-42' }, 'payment retry');

pino({ timestamp: pino.stdTimeFunctions.isoTime }).info('isoTime');
pino({ formatters: { level: (label) => ({ level: label }) } }).warn('label-level formatter');
pino({ timestamp: false }).info('no timestamp');
pino({ base: undefined }).info('base undefined: no pid/hostname');
pino({ nestedKey: 'payload' }).info({ a: 1, userId: 7 }, 'nestedKey');
pino({ messageKey: 'message' }).info('messageKey message');
pino({ messageKey: 'message', errorKey: 'error' }).error(new Error('custom keys'));
pino({ messageKey: 'text' }).info({ orderId: 'A-3' }, 'messageKey text');

// an error nested under a non-standard key gets no serializer
const e = new Error('upstream timeout');
e.code = 'ETIMEDOUT';
log.error({ error: e }, 'call failed');
log.error({ err: e, statusCode: 504 }, 'call failed with err key');

// secrets that the sidecar must redact
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const head = b64({ alg: 'HS256', typ: 'JWT' });
const body = b64({ sub: 'u-42', iat: Math.floor(Date.now() / 1000) });
const sig = crypto.createHmac('sha256', crypto.randomBytes(32)).update(`${head}.${body}`).digest('base64url');
const jwt = `${head}.${body}.${sig}`;
const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
log.info({ user: 'alice', password: 'hunter2', authToken: crypto.randomBytes(16).toString('hex') }, 'login attempt');
log.warn(`upstream rejected request with header Authorization: Bearer ${jwt}`);
log.info({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', region: 'eu-west-1' }, 'loaded AWS credentials');
log.info({ tls: { key: pem, certFile: '/etc/tls/cert.pem' } }, 'tls material loaded');
log.info({ headers: { authorization: `Bearer ${jwt}`, cookie: 'session=abc123; theme=dark', 'x-api-key': 'k-123456' }, client_secret: 's3cr3t' }, 'outbound call');
