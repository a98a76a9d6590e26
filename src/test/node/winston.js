'use strict';
// winston formats and level sets, plus authentication/authorization app events.
const winston = require('winston');
const { format, transports } = winston;

const make = (opts) => winston.createLogger({ level: 'silly', transports: [new transports.Console()], ...opts });

// format.json() (the createLogger default)
const plain = make({});
plain.info('hello world');
plain.info('order placed', { orderId: 'A-1', userId: 42 });
plain.warn('disk %d%% full', 91);
plain.error(new Error('connection refused'));
plain.http('GET /ok 200');
plain.verbose('verbose line');
plain.debug('debug line');
plain.silly('silly line');

// timestamp() + json()
const ts = make({ format: format.combine(format.timestamp(), format.json()) });
ts.info('hello world');
ts.error('query failed', { error: new Error('connection refused') });

// errors({stack:true}) + timestamp() + json()
const errs = make({ format: format.combine(format.errors({ stack: true }), format.timestamp(), format.json()) });
errs.error(new Error('connection refused'));
errs.error('query failed', new Error('connection refused'));

// splat + defaultMeta service
const svc = make({
  defaultMeta: { service: 'orders' },
  format: format.combine(format.errors({ stack: true }), format.timestamp(), format.splat(), format.json()),
});
svc.info('user %s logged in', 'alice');
svc.error('query failed: %s', 'timeout', { durationMs: 5003 });
svc.info('order placed', { orderId: 'A-9', userId: 'u-42' });

// logstash()
make({ format: format.combine(format.timestamp(), format.logstash()) }).info('hello logstash', { orderId: 'A-1' });

// syslog levels, all eight
const sys = make({ levels: winston.config.syslog.levels, level: 'debug', format: format.combine(format.timestamp(), format.json()) });
for (const lvl of ['debug', 'info', 'notice', 'warning', 'error', 'crit', 'alert', 'emerg']) sys.log(lvl, `${lvl} line`);

// cli levels
const cli = make({ levels: winston.config.cli.levels, level: 'silly', format: format.json() });
for (const lvl of ['error', 'warn', 'help', 'data', 'info', 'debug', 'prompt', 'verbose', 'input', 'silly']) cli.log(lvl, `cli ${lvl} line`);

// non-JSON formats
make({ format: format.simple() }).info('simple line', { userId: 42 });
make({ format: format.simple() }).error('simple error line');
make({ format: format.combine(format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss' }), format.printf((i) => `${i.timestamp} [${i.level}]: ${i.message}`)) })
  .info('printf line');
make({ format: format.combine(format.colorize(), format.simple()) }).warn('colored line');
make({ format: format.combine(format.colorize(), format.simple()) }).error('colored error line');
make({ format: format.combine(format.colorize({ all: true }), format.timestamp(), format.printf((i) => `${i.timestamp} ${i.level} ${i.message}`)) })
  .info('colorize all printf line');

// application auth events (authentication failures, an authorization denial)
const app = make({ defaultMeta: { service: 'auth' }, format: format.combine(format.timestamp(), format.json()) });
const loginFailed = (user, reason) => app.warn('login failed', {
  event: { category: 'authentication', outcome: 'failure', action: 'login', reason },
  user: { id: user }, statusCode: 401, method: 'POST', path: '/login', client_ip: '10.0.0.7',
});
loginFailed('u-42', 'bad_password');
loginFailed('u-42', 'bad_password');
loginFailed('u-77', 'unknown_user');
app.info('login succeeded', { event: { category: 'authentication', outcome: 'success', action: 'login' }, user: { id: 'u-42' }, statusCode: 200, method: 'POST', path: '/login' });
app.warn('permission denied', {
  event: { category: 'iam', action: 'permission_denied', outcome: 'failure' },
  user: { id: 'u-77' }, resource: '/admin/users', method: 'DELETE', path: '/admin/users/9',
});
app.error('access denied to report', { event: { category: 'authorization', name: 'accessDenied', outcome: 'failure' }, user: { id: 'u-77' }, resource: 'report:2026-q3' });
