'use strict';
// Plain-text output: console text, Node's own (node:PID) warning pairs on stderr.
// capture.sh runs it on Node 20 with --experimental-permission so the ExperimentalWarning is real.
console.log('server starting on port 8080');
console.log('connected to database orders@10.0.0.5:5432');
console.warn('config file not found, using defaults');
console.error('retrying connection to cache (attempt 2)');
Buffer(8); // DEP0005, emitted because this file is outside node_modules
setTimeout(() => {
  console.log('ready in 125 ms');
  console.log('GET /healthz 200');
}, 20);
