'use strict';
// Tiny node:http client used by the server scenarios; prints nothing.
const http = require('node:http');

function request(port, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { 'user-agent': 'sidewatch-capture/1.0', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// Runs the requests one after another so the log order is the request order.
async function sequence(port, list) {
  for (const r of list) await request(port, r.path, r);
}

module.exports = { request, sequence };
