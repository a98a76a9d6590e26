const cp = require('node:child_process');
cp.execSync('ls');
