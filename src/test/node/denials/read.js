const fs = require('node:fs'); const SECRET = process.argv[2] || '/srv/secret';
fs.readFileSync(`${SECRET}/token.txt`);
