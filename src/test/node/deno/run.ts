new Deno.Command("ls").outputSync();
