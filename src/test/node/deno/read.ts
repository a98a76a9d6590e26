const SECRET = Deno.args[0] ?? "/srv/secret";
Deno.readTextFileSync(`${SECRET}/token.txt`);
