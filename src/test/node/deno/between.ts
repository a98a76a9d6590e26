// An ordinary JSON log line from pino (the app's node_modules) under Deno, printed between crashes.
import pino from "pino";
pino().info({ after: Deno.args[0] }, "service still running");
