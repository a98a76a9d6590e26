Deno.writeTextFileSync(new URL("./out.txt", import.meta.url), "x");
