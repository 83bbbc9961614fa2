import { pino } from "pino";
import { afterAll, beforeAll } from "vitest";
import { connect, type GymClient } from "../../client/connect.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { type GymServer, type ServerOptions, startServer } from "../../server/create-server.js";
import { makeTestDir, removeTestDir } from "./temp-dir.js";

/** A real server on 127.0.0.1:0 with a real client connected to it. */
export interface TestServer {
  readonly server: GymServer;
  readonly client: GymClient;
  readonly address: string;
  stop(): Promise<void>;
}

/** Starts the real gRPC server on a free loopback port (or `address`) and connects the TS client. */
export async function startTestServer(
  opts: Partial<ServerOptions> & { address?: string } = {},
): Promise<TestServer> {
  const server = await startServer(opts.address ?? "127.0.0.1:0", {
    registry: opts.registry ?? createDefaultRegistry(),
    logger: opts.logger ?? pino({ level: "silent" }),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.maxMessageBytes ? { maxMessageBytes: opts.maxMessageBytes } : {}),
    ...(opts.authToken ? { authToken: opts.authToken } : {}),
    ...(opts.recordDir ? { recordDir: opts.recordDir } : {}),
    ...(opts.recordAllFormat ? { recordAllFormat: opts.recordAllFormat } : {}),
    ...(opts.recordAllCompression !== undefined
      ? { recordAllCompression: opts.recordAllCompression }
      : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  const client = connect(server.address);
  return {
    server,
    client,
    address: server.address,
    stop: async () => {
      client.close();
      await server.shutdown(1000);
    },
  };
}

/** What useRecordingServer gives a suite: its server and record directory, set once started. */
export interface RecordingServerFixture {
  readonly t: TestServer;
  readonly dir: string;
}

/**
 * A test server recording into a fresh temp directory (named from `prefix`) for the calling
 * suite: started in its beforeAll, stopped (and the directory removed) in its afterAll. Read
 * the fields inside tests.
 */
export function useRecordingServer(prefix: string): RecordingServerFixture {
  const fx: { t?: TestServer; dir?: string } = {};
  beforeAll(async () => {
    fx.dir = makeTestDir(prefix);
    fx.t = await startTestServer({ recordDir: fx.dir });
  });
  afterAll(async () => {
    await fx.t?.stop();
    if (fx.dir) removeTestDir(fx.dir);
  });
  return {
    get t() {
      if (!fx.t) throw new Error("the recording server is read before its suite started it");
      return fx.t;
    },
    get dir() {
      if (!fx.dir) throw new Error("the record directory is read before its suite made it");
      return fx.dir;
    },
  };
}
