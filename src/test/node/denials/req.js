const SECRET = process.argv[2] || '/srv/secret';
require(`${SECRET}/mod.js`);
