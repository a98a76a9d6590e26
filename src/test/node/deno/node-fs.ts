import fs from "node:fs";
const SECRET = Deno.args[0] ?? "/srv/secret";
fs.readFileSync(`${SECRET}/token.txt`);
