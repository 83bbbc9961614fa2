import { join, resolve } from "node:path";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "pino";
import { InvalidArgumentError } from "../envs/core/errors.js";
import type { Registry } from "../envs/core/registry.js";
import { ENV_SERVICE_DEFINITION } from "../proto/codec/service-definition.js";
import type { DatasetFormat } from "../recorders/output-path.js";
import { recoverDatasets } from "../recorders/recover.js";
import { writerFactory } from "../recorders/writers/index.js";
import { createEnvService, type StreamHandle } from "./env-service.js";
import { findProtoRoot } from "./proto-root.js";
import type { Session } from "./session.js";
import { DEFAULT_SESSION_LIMITS, type SessionLimits, SessionManager } from "./session-manager.js";

/** Settings of a gymrpc server. */
export interface ServerOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly limits?: Partial<SessionLimits>;
  /** Largest message received or sent, in bytes. */
  readonly maxMessageBytes?: number;
  /** Serve TLS with this PEM certificate chain and private key (insecure when absent). */
  readonly tls?: { readonly certChain: Buffer; readonly privateKey: Buffer } | undefined;
  /** Require metadata "authorization: Bearer <token>" on every call. */
  readonly authToken?: string | undefined;
  /** Directory datasets are written below (default ./datasets). */
  readonly recordDir?: string | undefined;
  /** Record every session in this format. */
  readonly recordAllFormat?: DatasetFormat | undefined;
  /** Compression level (0-9) of recordAllFormat's datasets when a session asks for none. */
  readonly recordAllCompression?: number | undefined;
}

/** A running gymrpc server. */
export interface GymServer {
  /** The first address it listens on: "127.0.0.1:PORT" or "unix:PATH". */
  readonly address: string;
  /** Every address it listens on. */
  readonly addresses: readonly string[];
  readonly sessions: SessionManager;
  /** Stops accepting, lets in-flight steps finish, closes every session, then stops (forced after graceMs). */
  shutdown(graceMs?: number): Promise<void>;
}

/** Default largest message: room for image observations of large vectorized sessions. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The fully qualified name of the env service, as health checks know it. */
export const ENV_SERVICE_NAME = "gymrpc.v1.EnvService";

/**
 * Starts a server on each address ("HOST:PORT", port 0 for any free port, or
 * "unix:PATH") with the env service, grpc.health.v1 and server reflection.
 */
export async function startServer(
  address: string | readonly string[],
  opts: ServerOptions,
): Promise<GymServer> {
  const { logger, registry } = opts;
  if (opts.recordAllCompression !== undefined) {
    if (!opts.recordAllFormat) {
      throw new InvalidArgumentError("recordAllCompression", "needs recordAllFormat");
    }
    // A level the format cannot take is refused now, not at every session.
    writerFactory(opts.recordAllFormat, opts.recordAllCompression);
  }
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = new Server({
    "grpc.max_receive_message_length": maxBytes,
    "grpc.max_send_message_length": maxBytes,
    // Channelz bookkeeping costs on every message; gymrpc exposes health and logs instead.
    "grpc.enable_channelz": 0,
  });
  const describe = (s: Session) => ({
    session: s.id,
    env: s.spec.id,
    numEnvs: s.numEnvs,
    kind: s.kind,
    peer: s.peer,
  });
  const sessions = new SessionManager(
    registry,
    { ...DEFAULT_SESSION_LIMITS, ...opts.limits },
    {
      opened: (s) => logger.info(describe(s), "session opened"),
      closed: (s, reason) => logger.info({ ...describe(s), reason }, "session closed"),
      recordingFinished: (s, result) =>
        result instanceof Error
          ? logger.error({ ...describe(s), err: result }, "recording failed")
          : logger.info({ ...describe(s), stats: result }, "recording finished"),
    },
  );
  // Datasets a killed server left as journals are rebuilt before new sessions can touch them.
  const recordDir = resolve(opts.recordDir ?? "datasets");
  for (const r of await recoverDatasets(recordDir)) {
    const log = r.outcome === "failed" ? logger.error.bind(logger) : logger.info.bind(logger);
    log(
      { path: r.path, format: r.format, outcome: r.outcome, episodes: r.episodes, error: r.error },
      "dataset recovery",
    );
  }
  const streams = new Set<StreamHandle>();
  server.addService(
    ENV_SERVICE_DEFINITION,
    createEnvService({
      registry,
      sessions,
      logger,
      streams,
      authToken: opts.authToken,
      recording: {
        recordDir,
        recordAllFormat: opts.recordAllFormat,
        recordAllCompression: opts.recordAllCompression,
      },
    }),
  );

  const health = new HealthImplementation({ "": "SERVING", [ENV_SERVICE_NAME]: "SERVING" });
  health.addToServer(server);
  const root = findProtoRoot();
  const pkg = loadSync(join(root, "gymrpc", "v1", "env_service.proto"), { includeDirs: [root] });
  new ReflectionService(pkg).addToServer(server);

  const creds = opts.tls
    ? ServerCredentials.createSsl(null, [
        { cert_chain: opts.tls.certChain, private_key: opts.tls.privateKey },
      ])
    : ServerCredentials.createInsecure();
  const addresses: string[] = [];
  for (const a of typeof address === "string" ? [address] : address) {
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(a, creds, (err, p) =>
        err ? reject(new Error(`cannot listen on ${a}: ${err.message}`)) : resolve(p),
      ),
    );
    addresses.push(a.startsWith("unix:") ? a : `${a.slice(0, a.lastIndexOf(":"))}:${port}`);
  }
  logger.info({ addresses }, "gymrpc server listening");

  let stopping: Promise<void> | undefined;
  const shutdown = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      logger.info("shutting down: no new sessions, finishing in-flight steps");
      sessions.stopAccepting();
      health.setStatus("", "NOT_SERVING");
      health.setStatus(ENV_SERVICE_NAME, "NOT_SERVING");
      const grace = new Promise<void>((r) => setTimeout(r, graceMs).unref());
      await Promise.race([Promise.all([...streams].map((s) => s.idle())), grace]);
      for (const s of [...streams]) s.abort("server shutdown");
      sessions.closeAll("server shutdown");
      // Every recorder finishes its files before the process may exit.
      await Promise.race([sessions.recordingsFinished(), grace]);
      await Promise.race([
        new Promise<void>((r) => server.tryShutdown(() => r())),
        grace.then(() => server.forceShutdown()),
      ]);
      logger.info("server stopped");
    })();
    return stopping;
  };

  return { address: addresses[0]!, addresses, sessions, shutdown };
}
