'use strict';
// bunyan shapes (FORMATS 2.6): levels, fields, err serializer, req serializer, child logger.
const bunyan = require('bunyan');

const log = bunyan.createLogger({ name: 'orders', level: 'trace', serializers: bunyan.stdSerializers });
log.trace('trace line');
log.debug('debug line');
log.info('hello world');
log.info({ userId: 42, orderId: 'A-1' }, 'order placed');
log.warn('disk 91% full');
log.error(new Error('connection refused'));
log.error({ err: new Error('connection refused'), module: 'db' }, 'query failed');
log.fatal('fatal line');
log.info({ req: { method: 'GET', url: '/x', headers: { host: 'a', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, connection: { remoteAddress: '127.0.0.1', remotePort: 5000 } } }, 'req serializer');
log.info({ res: { statusCode: 503, _header: 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\n\r\n' }, method: 'GET', path: '/maintenance' }, 'res serializer');
log.child({ component: 'db' }).info('child line');

// without serializers an Error under err is printed as {}
const bare = bunyan.createLogger({ name: 'orders' });
bare.error({ err: new Error('connection refused') }, 'query failed without serializer');
