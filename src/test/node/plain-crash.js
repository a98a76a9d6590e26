'use strict';
// An ordinary (non-permission) uncaught error block: multi-line, but not a denial.
console.log('loading orders module');
const config = undefined;
console.log(config.port);
