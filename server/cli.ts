import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { pino } from "pino";
import { collectCommand } from "../client/collect/collect-command.js";
import type { Registry } from "../envs/core/registry.js";
import { createDefaultRegistry } from "../envs/default-registry.js";
import { formatSummary, inspectDataset } from "../recorders/inspect/inspect.js";
import { FORMATS } from "../recorders/output-path.js";
import { recoverDatasets } from "../recorders/recover.js";
import { DEFAULT_MAX_MESSAGE_BYTES, startServer } from "./create-server.js";
import { sdnCommand } from "./sdn-command.js";
import { DEFAULT_SESSION_LIMITS } from "./session-manager.js";

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

const level = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 9)
    throw new InvalidArgumentError(`${name} must be an integer from 0 to 9`);
  return n;
};

/** The `gymrpc serve` command. */
export function serveCommand(registry: () => Registry): Command {
  return new Command("serve")
    .description("serve every registered env over gRPC until SIGINT/SIGTERM")
    .option("--host <host>", "TCP host to listen on", "127.0.0.1")
    .option("--port <port>", "TCP port (0: any free port)", positiveInt("--port"), 50051)
    .option("--socket <path>", "also listen on this Unix domain socket")
    .option("--no-tcp", "listen only on --socket")
    .option(
      "--max-sessions <n>",
      "most live sessions",
      positiveInt("--max-sessions"),
      DEFAULT_SESSION_LIMITS.maxSessions,
    )
    .option(
      "--idle-timeout <seconds>",
      "close unary sessions idle this long (0: never)",
      positiveInt("--idle-timeout"),
      DEFAULT_SESSION_LIMITS.idleTimeoutMs / 1000,
    )
    .option(
      "--max-message-mb <mb>",
      "largest gRPC message",
      positiveInt("--max-message-mb"),
      DEFAULT_MAX_MESSAGE_BYTES / 2 ** 20,
    )
    .option("--record-dir <dir>", "datasets are written below this directory", "datasets")
    .addOption(
      new Option("--record-format <format>", "record every session in this format").choices([
        ...FORMATS,
      ]),
    )
    .option(
      "--record-compression <level>",
      "compression level (0-9) of --record-format's datasets when a session sets none",
      level("--record-compression"),
    )
    .option("--tls-cert <pem>", "serve TLS with this certificate chain (PEM file)")
    .option("--tls-key <pem>", "private key of --tls-cert (PEM file)")
    .option(
      "--auth-token <token>",
      "require 'authorization: Bearer <token>' metadata (or set GYMRPC_AUTH_TOKEN)",
    )
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["trace", "debug", "info", "warn", "error", "silent"])
        .default("info"),
    )
    .action(async (o) => {
      const logger = pino({ level: o.logLevel });
      const addresses = [
        ...(o.tcp ? [`${o.host}:${o.port}`] : []),
        ...(o.socket ? [`unix:${o.socket}`] : []),
      ];
      if (addresses.length === 0)
        throw new InvalidArgumentError("nothing to listen on: give --socket with --no-tcp");
      if (o.recordCompression !== undefined && !o.recordFormat) {
        throw new InvalidArgumentError("--record-compression goes with --record-format");
      }
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) {
        throw new InvalidArgumentError("--tls-cert and --tls-key go together");
      }
      const tls = o.tlsCert
        ? { certChain: readFileSync(o.tlsCert), privateKey: readFileSync(o.tlsKey) }
        : undefined;
      const server = await startServer(addresses, {
        tls,
        recordDir: o.recordDir,
        recordAllFormat: o.recordFormat,
        recordAllCompression: o.recordCompression,
        authToken: o.authToken ?? process.env.GYMRPC_AUTH_TOKEN,
        registry: registry(),
        logger,
        limits: { maxSessions: o.maxSessions, idleTimeoutMs: o.idleTimeout * 1000 },
        maxMessageBytes: o.maxMessageMb * 2 ** 20,
      });
      let signals = 0;
      const stop = (signal: string) => {
        signals += 1;
        if (signals > 1) process.exit(1);
        logger.info({ signal }, "received signal");
        server.shutdown().then(() => process.exit(0));
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
}

/** The `gymrpc envs` command. */
export function envsCommand(registry: () => Registry): Command {
  return new Command("envs")
    .description("list every registered env with its spaces")
    .option("--json", "print JSON")
    .action((o) => {
      const reg = registry();
      const specs = reg.ids().map((id) => reg.spec(id));
      if (o.json) {
        const rows = specs.map((s) => ({
          id: s.id,
          description: s.description,
          observation_space: String(s.observationSpace),
          action_space: String(s.actionSpace),
          max_episode_steps: s.maxEpisodeSteps ?? null,
          reward_threshold: s.rewardThreshold ?? null,
          config: s.config.fields.map((f) => ({ name: f.name, type: f.type, default: f.default })),
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const s of specs) {
        const config = s.config.fields
          .map((f) => `${f.name}=${JSON.stringify(f.default)}`)
          .join(" ");
        process.stdout.write(
          `${s.id}\n  ${s.description}\n  observation: ${s.observationSpace}\n  action:      ${s.actionSpace}\n` +
            `  max steps:   ${s.maxEpisodeSteps ?? "none"}   config: ${config || "none"}\n\n`,
        );
      }
    });
}

/** The `gymrpc inspect` command. */
export function inspectCommand(): Command {
  return new Command("inspect")
    .description(
      "print the stats and a shape/dtype summary of a dataset (.npz, .jsonl(.gz), .h5, Minari dir)",
    )
    .argument("<path>", "dataset file or Minari directory")
    .option("--json", "print JSON")
    .action(async (path: string, o: { json?: boolean }) => {
      const summary = await inspectDataset(path);
      process.stdout.write(
        o.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`,
      );
    });
}

/** The `gymrpc recover` command. */
export function recoverCommand(): Command {
  return new Command("recover")
    .description(
      "rebuild datasets a killed server left as journals (npz, hdf5, d4rl, minari); `serve` does it at start",
    )
    .argument("<path>", "a record directory or one dataset")
    .action(async (path: string) => {
      const results = await recoverDatasets(path);
      if (results.length === 0) process.stdout.write(`nothing to recover under ${path}\n`);
      for (const r of results) {
        process.stdout.write(
          `${r.outcome.padEnd(10)} ${r.format.padEnd(7)} ${r.path}${r.episodes === undefined ? "" : ` (${r.episodes} episodes)`}${r.error ? `: ${r.error}` : ""}\n`,
        );
      }
    });
}

/** Runs the gymrpc command line. */
export async function main(argv: readonly string[]): Promise<void> {
  const registry = () => createDefaultRegistry();
  const program = new Command("gymrpc")
    .description("Gymnasium environments over gRPC, with server-side dataset recording")
    .addCommand(serveCommand(registry))
    .addCommand(envsCommand(registry))
    .addCommand(sdnCommand())
    .addCommand(collectCommand())
    .addCommand(inspectCommand())
    .addCommand(recoverCommand())
    .showHelpAfterError();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.stderr.write(`gymrpc: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
