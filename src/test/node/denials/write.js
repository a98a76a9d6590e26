const fs = require('node:fs');
fs.writeFileSync(`${__dirname}/out.txt`, 'x');
