// OS-level denial (not Deno's permission model): granted --allow-read, but the file is mode 000.
const SECRET = Deno.args[0] ?? "/srv/secret";
try {
  Deno.readTextFileSync(`${SECRET}/locked.txt`);
} catch (e) {
  const err = e as Error & { code?: string };
  console.log(JSON.stringify({ name: err.name, message: err.message, code: err.code }));
}
Deno.readTextFileSync(`${SECRET}/locked.txt`);
