import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { createDefaultRegistry } from "../envs/default-registry.js";
import { startServer } from "../server/create-server.js";

// A child process running the real gymrpc server on TCP and a Unix domain socket.
const socket = join(tmpdir(), `gymrpc-bench-${process.pid}.sock`);
const recordDir = mkdtempSync(join(tmpdir(), "gymrpc-bench-records-"));
const server = await startServer(["127.0.0.1:0", `unix:${socket}`], {
  registry: createDefaultRegistry(),
  logger: pino({ level: "warn" }),
  recordDir,
});
process.stdout.write(`${JSON.stringify({ tcp: server.addresses[0], uds: server.addresses[1] })}\n`);
process.on("SIGTERM", () => {
  void server.shutdown(5000).then(() => {
    rmSync(recordDir, { recursive: true, force: true });
    process.exit(0);
  });
});
