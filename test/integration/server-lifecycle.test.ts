import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import {
  type CallOptions,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientUnaryCall,
  status as Code,
  credentials,
  makeGenericClientConstructor,
  type ServiceDefinition,
  type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { service as healthService } from "grpc-health-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type GymClient } from "../../client/connect.js";
import {
  fromServiceError,
  NotFoundError,
  RemoteError,
  UnavailableError,
} from "../../client/errors.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import {
  MakeRequest,
  type MakeResponse,
  type ResetResponse,
  type StepResponse,
} from "../../proto/gen/ts/gymrpc/v1/env_service.js";
import { ENV_SERVICE_NAME, type GymServer, startServer } from "../../server/create-server.js";
import { startCliServer } from "../helpers/cli-server.js";
import {
  call,
  callError,
  discreteAction,
  RawSessionStream,
  rawClient,
  sleep,
  waitFor,
} from "../helpers/raw-client.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const CARTPOLE = "CartPole-v1";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "gymrpc.js");
const run = promisify(execFile);

/** A unique Unix socket path (short enough for sun_path). */
const socketPath = () => join(tmpdir(), `gymrpc-${process.pid}-${randomUUID().slice(0, 8)}.sock`);

describe("idle timeout", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ limits: { idleTimeoutMs: 200 } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("closes an idle unary session: a later Step gets NOT_FOUND", async () => {
    const raw = rawClient(t.address);
    const made = await call<MakeResponse>((cb) =>
      raw.make(MakeRequest.fromPartial({ envId: CARTPOLE }), cb),
    );
    await call<ResetResponse>((cb) =>
      raw.reset({ sessionId: made.sessionId, seed: 1, options: undefined }, cb),
    );
    expect(await waitFor(() => t.server.sessions.size === 0, 2000)).toBe(true);
    const err = await callError<StepResponse>((cb) =>
      raw.step({ sessionId: made.sessionId, action: discreteAction(0) }, cb),
    );
    expect(err.code).toBe(Code.NOT_FOUND);
    expect(fromServiceError(err, t.address)).toBeInstanceOf(NotFoundError);
    raw.close();
  });

  it("keeps a unary session that is used more often than the timeout", async () => {
    const raw = rawClient(t.address);
    const made = await call<MakeResponse>((cb) =>
      raw.make(MakeRequest.fromPartial({ envId: CARTPOLE }), cb),
    );
    const { sessionId } = made;
    await call<ResetResponse>((cb) => raw.reset({ sessionId, seed: 1, options: undefined }, cb));
    const end = Date.now() + 600;
    while (Date.now() < end) {
      const r = await call<StepResponse>((cb) =>
        raw.step({ sessionId, action: discreteAction(1) }, cb),
      );
      if (r.terminated?.data[0] === 1)
        await call((cb) => raw.reset({ sessionId, options: undefined }, cb));
      await sleep(40);
    }
    expect(t.server.sessions.get(sessionId).id).toBe(sessionId);
    await call((cb) => raw.closeSession({ sessionId }, cb));
    raw.close();
  });

  it("never expires a Session-stream session, however long it idles", async () => {
    const env = await t.client.make(CARTPOLE);
    await env.reset({ seed: 2 });
    await sleep(700);
    expect(t.server.sessions.size).toBe(1);
    const r = await env.step(0);
    expect(r.reward).toBe(1);
    await env.close();
  });
});

describe("a client going away", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("frees the sessions of a client whose channel is closed without closing its envs", async () => {
    const client = connect(t.address);
    const env = await client.make(CARTPOLE);
    const vec = await client.makeVec(CARTPOLE, 3);
    await env.reset({ seed: 1 });
    await vec.reset({ seed: 1 });
    expect(t.server.sessions.size).toBe(2);
    client.close();
    expect(await waitFor(() => t.server.sessions.size === 0)).toBe(true);
    // The abandoned env fails fast rather than hanging.
    await expect(env.step(0)).rejects.toBeInstanceOf(RemoteError);
  });

  it("frees the session of a cancelled Session stream", async () => {
    const raw = rawClient(t.address);
    const s = new RawSessionStream(raw);
    s.call.on("error", () => {});
    const before = t.server.sessions.size;
    const made = await s.send({
      $case: "make",
      value: MakeRequest.fromPartial({ envId: CARTPOLE }),
    });
    expect(made.response?.$case).toBe("make");
    expect(t.server.sessions.size).toBe(before + 1);
    s.call.cancel();
    expect(await waitFor(() => t.server.sessions.size === before)).toBe(true);
    raw.close();
  });
});

// grpc.health.v1.Health as a plain grpc-js client.
interface HealthClient {
  check(
    req: { service: string },
    cb: (err: ServiceError | null, res: { status: string }) => void,
  ): ClientUnaryCall;
  check(
    req: { service: string },
    options: Partial<CallOptions>,
    cb: (err: ServiceError | null, res: { status: string }) => void,
  ): ClientUnaryCall;
  watch(req: { service: string }): ClientReadableStream<{ status: string }>;
  close(): void;
}
const HealthCtor = makeGenericClientConstructor(
  healthService as unknown as ServiceDefinition,
  "grpc.health.v1.Health",
);
const healthClient = (address: string) =>
  new HealthCtor(address, credentials.createInsecure()) as unknown as HealthClient;

describe("grpc.health.v1", () => {
  it("reports SERVING, then NOT_SERVING once shutdown begins, then the server is gone", async () => {
    const t = await startTestServer();
    const health = healthClient(t.address);
    try {
      for (const service of ["", ENV_SERVICE_NAME]) {
        const res = await call<{ status: string }>((cb) => health.check({ service }, cb));
        expect(res.status).toBe("SERVING");
      }
      const unknown = await callError((cb) => health.check({ service: "no.such.Service" }, cb));
      expect(unknown.code).toBe(Code.NOT_FOUND);

      const watch = health.watch({ service: ENV_SERVICE_NAME });
      watch.on("error", () => {});
      const seen: string[] = [];
      watch.on("data", (m: { status: string }) => seen.push(m.status));
      expect(await waitFor(() => seen.length === 1)).toBe(true);
      expect(seen).toEqual(["SERVING"]);

      const stopped = t.server.shutdown(3000);
      expect(await waitFor(() => seen.length === 2)).toBe(true);
      expect(seen[1]).toBe("NOT_SERVING");
      watch.cancel();
      await stopped;

      const after = healthClient(t.address);
      const gone = await callError<{ status: string }>((cb) =>
        after.check({ service: "" }, { deadline: Date.now() + 2000 }, cb),
      );
      expect([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED]).toContain(gone.code);
      after.close();
    } finally {
      health.close();
      await t.stop();
    }
  });
});

describe("server reflection", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  interface ReflectionResponse {
    list_services_response?: { service: { name: string }[] };
    file_descriptor_response?: { file_descriptor_proto: Buffer[] };
    error_response?: { error_code: number; error_message: string };
  }

  // One request on a fresh ServerReflectionInfo stream of the given protocol version.
  async function reflect(version: "v1" | "v1alpha", req: object): Promise<ReflectionResponse> {
    const protoDir = join(ROOT, "node_modules", "@grpc", "reflection", "build", "proto");
    const def = loadSync(join(protoDir, "grpc", "reflection", version, "reflection.proto"), {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [protoDir],
    });
    const name = `grpc.reflection.${version}.ServerReflection`;
    const Ctor = makeGenericClientConstructor(def[name] as ServiceDefinition, name);
    const client = new Ctor(t.address, credentials.createInsecure()) as unknown as {
      serverReflectionInfo(): ClientDuplexStream<object, ReflectionResponse>;
      close(): void;
    };
    try {
      const stream = client.serverReflectionInfo();
      const res = new Promise<ReflectionResponse>((resolve, reject) => {
        stream.on("data", resolve);
        stream.on("error", reject);
      });
      stream.write({ host: "", ...req });
      const out = await res;
      stream.end();
      return out;
    } finally {
      client.close();
    }
  }

  it.each(["v1", "v1alpha"] as const)("lists gymrpc.v1.EnvService (%s)", async (version) => {
    const res = await reflect(version, { list_services: "*" });
    const names = res.list_services_response?.service.map((s) => s.name) ?? [];
    expect(names).toContain(ENV_SERVICE_NAME);
  });

  it("serves the file that defines gymrpc.v1.EnvService", async () => {
    const res = await reflect("v1", { file_containing_symbol: ENV_SERVICE_NAME });
    const files = res.file_descriptor_response?.file_descriptor_proto ?? [];
    expect(files.length).toBeGreaterThan(0);
    // @grpc/reflection rebuilds one file per package ("gymrpc_v1.proto"), so look for the service.
    const own = files.map((f) => Buffer.from(f)).find((f) => f.includes("gymrpc.v1"));
    expect(own?.includes("EnvService")).toBe(true);
    expect(own?.includes("SessionRequest")).toBe(true);
  });
});

describe("Unix domain socket", () => {
  const path = socketPath();
  let server: GymServer;
  let client: GymClient | undefined;
  beforeAll(async () => {
    server = await startServer(["127.0.0.1:0", `unix:${path}`], {
      registry: createDefaultRegistry(),
      logger: pino({ level: "silent" }),
    });
  });
  afterAll(async () => {
    client?.close();
    await server.shutdown(1000);
    rmSync(path, { force: true });
  });

  it("runs a CartPole episode over unix:PATH", async () => {
    expect(server.addresses).toHaveLength(2);
    expect(server.addresses[1]).toBe(`unix:${path}`);
    expect(existsSync(path)).toBe(true);
    client = connect(`unix:${path}`);
    const env = await client.make(CARTPOLE);
    await env.reset({ seed: 11 });
    let steps = 0;
    for (let done = false; !done; steps++) {
      const r = await env.step(steps % 2);
      done = r.terminated || r.truncated;
    }
    expect(steps).toBeGreaterThan(5);
    expect(server.sessions.size).toBe(1);
    await env.close();
    expect(server.sessions.size).toBe(0);
  });
});

describe("the gymrpc command (built)", () => {
  const children: ChildProcess[] = [];
  // dist/ is built once for all test files by test/global-setup.ts.
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  /** Spawns `gymrpc serve` and resolves with its address and a view of its stdout JSON log. */
  async function serve(): Promise<{ child: ChildProcess; address: string; log: () => Logged[] }> {
    const server = await startCliServer(["--idle-timeout", "0"]);
    children.push(server.child);
    return { child: server.child, address: server.address, log: () => server.log() as Logged[] };
  }

  interface Logged {
    msg?: string;
    addresses?: string[];
    session?: string;
    reason?: string;
    kind?: string;
  }

  it("shuts down gracefully on SIGTERM: exit 0, sessions closed, clients see UNAVAILABLE", async () => {
    const { child, address, log } = await serve();
    const client = connect(address);
    const raw = rawClient(address);
    try {
      const env = await client.make(CARTPOLE);
      await env.reset({ seed: 7 });
      expect((await env.step(1)).reward).toBe(1);
      const unary = await call<MakeResponse>((cb) =>
        raw.make(MakeRequest.fromPartial({ envId: CARTPOLE }), cb),
      );

      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      const t0 = Date.now();
      child.kill("SIGTERM");
      const code = await Promise.race([exited, sleep(5000).then(() => "timeout" as const)]);
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);

      const closed = log().filter((l) => l.msg === "session closed");
      expect(closed).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            session: env.sessionId,
            kind: "stream",
            reason: "server shutdown",
          }),
          expect.objectContaining({
            session: unary.sessionId,
            kind: "unary",
            reason: "server shutdown",
          }),
        ]),
      );
      expect(log().some((l) => l.msg === "server stopped")).toBe(true);

      const err = await env.step(0).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).code).toBe(Code.UNAVAILABLE);
      const gone = await callError<StepResponse>((cb) =>
        raw.step({ sessionId: unary.sessionId, action: discreteAction(0) }, cb),
      );
      expect(gone.code).toBe(Code.UNAVAILABLE);
    } finally {
      client.close();
      raw.close();
    }
  });

  it("frees the session of a client process that is killed", async () => {
    const { child: server, address, log } = await serve();
    const connectUrl = pathToFileURL(join(ROOT, "dist", "client", "connect.js")).href;
    const script = `
      const { connect } = await import(${JSON.stringify(connectUrl)});
      const env = await connect(${JSON.stringify(address)}).make("CartPole-v1");
      await env.reset({ seed: 1 });
      await env.step(0);
      console.log("ready " + env.sessionId);
      setInterval(() => {}, 1000);`;
    const client = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(client);
    let out = "";
    client.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    expect(await waitFor(() => out.includes("ready"), 15_000)).toBe(true);
    const sessionId = out.trim().split(" ")[1];
    const closedLine = () =>
      log().find((l) => l.msg === "session closed" && l.session === sessionId);
    // The server's log line can reach us after the client's "ready": wait for it.
    expect(
      await waitFor(
        () => log().some((l) => l.msg === "session opened" && l.session === sessionId),
        5000,
      ),
    ).toBe(true);
    expect(closedLine()).toBeUndefined();

    client.kill("SIGKILL");
    expect(await waitFor(() => closedLine() !== undefined, 5000)).toBe(true);
    expect(closedLine()?.reason).toBe("client went away");
    server.kill("SIGTERM");
    expect(await waitFor(() => server.exitCode !== null, 5000)).toBe(true);
    expect(server.exitCode).toBe(0);
  });

  it("lists the registered envs with their spaces as JSON", async () => {
    const { stdout } = await run(process.execPath, [BIN, "envs", "--json"], { cwd: ROOT });
    const rows = JSON.parse(stdout) as {
      id: string;
      observation_space: string;
      action_space: string;
      max_episode_steps: number | null;
      config: { name: string; type: string; default: unknown }[];
    }[];
    const cartpole = rows.find((r) => r.id === CARTPOLE);
    expect(cartpole).toBeDefined();
    expect(cartpole?.action_space).toBe("Discrete(2)");
    expect(cartpole?.observation_space).toMatch(/^Box\(.*\(4,\), float32\)$/);
    expect(cartpole?.max_episode_steps).toBe(500);
    expect(cartpole?.config).toContainEqual({
      name: "sutton_barto_reward",
      type: "bool",
      default: false,
    });
  });
});
