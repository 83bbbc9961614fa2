import { pino } from "pino";
import { connect, type GymClient } from "../../client/connect.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { type GymServer, type ServerOptions, startServer } from "../../server/create-server.js";

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
