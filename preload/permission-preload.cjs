'use strict';
// sidewatch Node preload: `node --require permission-preload.cjs --permission ... app.js`.
// Subscribes to Node's permission-model diagnostics channels (Node 24+; absent channels are
// harmless on older versions) and writes every denied check as one JSON line to stderr:
//   {"channel":"node:permission-model:fs","permission":"FileSystemRead","resource":"/srv/secret/token.txt"}
// The write is synchronous, so the line is out before an uncaught denial ends the process.
const dc = require('node:diagnostics_channel');
const fs = require('node:fs');

const SCOPES = ['fs', 'child', 'worker', 'net', 'inspector', 'wasi', 'addon', 'ffi', 'env', 'openssl-store'];
for (const scope of SCOPES) {
  const channel = `node:permission-model:${scope}`;
  dc.subscribe(channel, (msg) => {
    const event = { channel, permission: msg && msg.permission, resource: msg && msg.resource };
    if (msg && msg.drop === true) event.drop = true;
    try { fs.writeSync(2, JSON.stringify(event) + '\n'); } catch { /* never break the app */ }
  });
}
