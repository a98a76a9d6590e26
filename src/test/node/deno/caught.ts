// Denials caught by the app and printed as one JSON object each.
import fs from "node:fs";
const SECRET = Deno.args[0] ?? "/srv/secret";
const report = (e: unknown) => {
  const err = e as Error;
  console.log(JSON.stringify({ name: err.name, message: err.message, isNotCapable: err instanceof Deno.errors.NotCapable }));
};
const attempt = async (fn: () => unknown) => { try { await fn(); } catch (e) { report(e); } };

await attempt(() => Deno.readTextFileSync(`${SECRET}/token.txt`));
await attempt(() => Deno.writeTextFileSync(new URL("./out.txt", import.meta.url), "x"));
await attempt(() => new Deno.Command("ls").outputSync());
await attempt(() => Deno.env.get("HOME"));
await attempt(() => fetch("http://127.0.0.1:59999/"));
await attempt(() => Deno.connect({ hostname: "127.0.0.1", port: 59999 }));
await attempt(() => fs.readFileSync(`${SECRET}/token.txt`));
