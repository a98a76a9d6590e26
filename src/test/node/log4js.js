'use strict';
// log4js: the documented JSON layout recipe, basic and pattern layouts, all levels.
const log4js = require('log4js');

log4js.addLayout('json', (config) => (logEvent) => JSON.stringify(logEvent) + config.separator);
log4js.configure({
  appenders: {
    json: { type: 'stdout', layout: { type: 'json', separator: '' } },
    basic: { type: 'stdout', layout: { type: 'basic' } },
    pattern: { type: 'stdout', layout: { type: 'pattern', pattern: '%d %p %c %m' } },
  },
  categories: {
    default: { appenders: ['json'], level: 'all' },
    basic: { appenders: ['basic'], level: 'all' },
    pat: { appenders: ['pattern'], level: 'all' },
  },
});

const json = log4js.getLogger('orders');
for (const lvl of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'mark']) json[lvl](`${lvl} line`);
json.error('query failed', new Error('connection refused'));
json.warn('with object', { userId: 42, orderId: 'A-1' });
json.addContext('requestId', 'req-7');
json.info('with context');

const basic = log4js.getLogger('basic');
for (const lvl of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) basic[lvl](`basic layout ${lvl} line`);
basic.error('basic layout with error', new Error('connection refused'));

const pat = log4js.getLogger('pat');
for (const lvl of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) pat[lvl](`pattern layout ${lvl} line`);

log4js.shutdown();
