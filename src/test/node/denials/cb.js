const fs = require('node:fs'); const SECRET = process.argv[2] || '/srv/secret';
fs.readFile(`${SECRET}/token.txt`, (err) => { if (err) throw err; });
