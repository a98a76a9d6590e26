const fs = require('node:fs'); const SECRET = process.argv[2] || '/srv/secret';
(async () => { await fs.promises.readFile(`${SECRET}/token.txt`); })();
