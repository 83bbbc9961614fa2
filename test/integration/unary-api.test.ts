import { status as Code } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FailedPreconditionError,
  fromServiceError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
} from "../../client/errors.js";
import type { RemoteEnv } from "../../client/remote-env.js";
import { decodeTensor, encodeTensor } from "../../proto/codec/tensor-codec.js";
import {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  QuotaFailure,
  ResourceInfo,
} from "../../proto/gen/ts/google/rpc/error_details.js";
import {
  type CloseSessionResponse,
  type EnvServiceClient,
  MakeRequest,
  type MakeResponse,
  type RenderResponse,
  type ResetResponse,
  type StepResponse,
} from "../../proto/gen/ts/gymrpc/v1/env_service.js";
import { CartPoleConfig } from "../../proto/gen/ts/gymrpc/v1/envs/cartpole.js";
import { Dtype } from "../../proto/gen/ts/gymrpc/v1/tensor.js";
import {
  call,
  callError,
  detail,
  discreteAction,
  RawSessionStream,
  rawClient,
  tensorOf,
  tensorValue,
  trailerStatus,
  waitFor,
} from "../helpers/raw-client.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const CARTPOLE = "CartPole-v1";

// Thin promise wrappers over the generated client's callback API.
const make = (c: EnvServiceClient, req: Partial<MakeRequest> = {}) =>
  call<MakeResponse>((cb) => c.make(MakeRequest.fromPartial({ envId: CARTPOLE, ...req }), cb));
const reset = (c: EnvServiceClient, sessionId: string, seed?: number) =>
  call<ResetResponse>((cb) => c.reset({ sessionId, seed, options: undefined }, cb));
const step = (c: EnvServiceClient, sessionId: string, n: number) =>
  call<StepResponse>((cb) => c.step({ sessionId, action: discreteAction(n) }, cb));
const closeSession = (c: EnvServiceClient, sessionId: string) =>
  call<CloseSessionResponse>((cb) => c.closeSession({ sessionId }, cb));

describe("unary EnvService API", () => {
  let t: TestServer;
  let raw: EnvServiceClient;
  beforeAll(async () => {
    t = await startTestServer();
    raw = rawClient(t.address);
  });
  afterAll(async () => {
    raw.close();
    await t.stop();
  });

  it("makes, resets, steps, renders and closes a CartPole session", async () => {
    const made = await make(raw);
    expect(made.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.spec?.id).toBe(CARTPOLE);
    expect(made.numEnvs).toBe(0);
    expect(t.server.sessions.size).toBe(1);

    // Render before reset: Gymnasium's ResetNeeded, as FAILED_PRECONDITION with details.
    const early = await callError<RenderResponse>((cb) =>
      raw.render({ sessionId: made.sessionId }, cb),
    );
    expect(early.code).toBe(Code.FAILED_PRECONDITION);
    const earlyStatus = trailerStatus(early);
    expect(
      detail(earlyStatus, "PreconditionFailure", PreconditionFailure)?.violations[0]?.type,
    ).toBe("RESET_NEEDED");

    const r = await reset(raw, made.sessionId, 42);
    const obs = tensorOf(r.observation);
    expect(obs.dtype).toBe(Dtype.DTYPE_FLOAT32);
    expect(obs.shape).toEqual([4]);
    expect(obs.data.byteLength).toBe(16);

    const s = await step(raw, made.sessionId, 1);
    expect(tensorOf(s.observation).shape).toEqual([4]);
    expect(s.reward?.dtype).toBe(Dtype.DTYPE_FLOAT64);
    expect(s.reward?.shape).toEqual([]);
    expect(s.reward && decodeTensor(s.reward, "reward").data[0]).toBe(1);
    expect(s.terminated?.dtype).toBe(Dtype.DTYPE_BOOL);
    expect([...(s.terminated?.data ?? [])]).toEqual([0]);
    expect([...(s.truncated?.data ?? [])]).toEqual([0]);

    // CartPole registers no render modes, so the session has none: like Gymnasium's
    // render() with render_mode=None, Render answers OK with no frame.
    const frame = await call<RenderResponse>((cb) => raw.render({ sessionId: made.sessionId }, cb));
    expect(frame.frame).toBeUndefined();

    await closeSession(raw, made.sessionId);
    expect(t.server.sessions.size).toBe(0);
    // Closing again, or closing an id that never existed, is harmless.
    await closeSession(raw, made.sessionId);
    await closeSession(raw, "no-such-session");
  });

  it("refuses a render mode CartPole does not have with INVALID_ARGUMENT", async () => {
    const err = await callError<MakeResponse>((cb) =>
      raw.make(MakeRequest.fromPartial({ envId: CARTPOLE, renderMode: "rgb_array" }), cb),
    );
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.details).toContain("rgb_array");
    expect(detail(trailerStatus(err), "BadRequest", BadRequest)?.fieldViolations[0]?.field).toBe(
      "render_mode",
    );
    expect(t.server.sessions.size).toBe(0);
  });

  it("answers a step on an unknown session with NOT_FOUND and a ResourceInfo detail", async () => {
    const made = await make(raw);
    await closeSession(raw, made.sessionId);
    const err = await callError<StepResponse>((cb) =>
      raw.step({ sessionId: made.sessionId, action: discreteAction(0) }, cb),
    );
    expect(err.code).toBe(Code.NOT_FOUND);
    const status = trailerStatus(err);
    expect(status.code).toBe(Code.NOT_FOUND);
    const info = detail(status, "ResourceInfo", ResourceInfo);
    expect(info).toMatchObject({ resourceType: "session", resourceName: made.sessionId });
    expect(detail(status, "ErrorInfo", ErrorInfo)?.reason).toBe("UNKNOWN_SESSION");

    const mapped = fromServiceError(err, t.address);
    expect(mapped).toBeInstanceOf(NotFoundError);
    expect(mapped.code).toBe(Code.NOT_FOUND);
    expect(mapped.details.resourceInfo?.resourceName).toBe(made.sessionId);
    expect(mapped.message).toContain(made.sessionId);
  });

  it("gives byte-identical observations to sessions reset with the same seed", async () => {
    const a = await make(raw);
    const b = await make(raw);
    const c = await make(raw);
    const [ra, rb, rc] = await Promise.all([
      reset(raw, a.sessionId, 1234),
      reset(raw, b.sessionId, 1234),
      reset(raw, c.sessionId, 4321),
    ]);
    const bytes = (v: ResetResponse | StepResponse) => Buffer.from(tensorOf(v.observation).data);
    expect(bytes(ra).equals(bytes(rb))).toBe(true);
    expect(bytes(ra).equals(bytes(rc))).toBe(false);
    for (const action of [0, 1, 1, 0, 1]) {
      const [sa, sb] = await Promise.all([
        step(raw, a.sessionId, action),
        step(raw, b.sessionId, action),
      ]);
      expect(bytes(sa).equals(bytes(sb))).toBe(true);
    }
    await Promise.all([a, b, c].map((m) => closeSession(raw, m.sessionId)));
  });
});

describe("session limits", () => {
  let t: TestServer;
  const envs: RemoteEnv[] = [];
  beforeAll(async () => {
    t = await startTestServer({ limits: { maxSessions: 2 } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("refuses a third session with RESOURCE_EXHAUSTED and keeps the first two working", async () => {
    const a = await t.client.make(CARTPOLE);
    const b = await t.client.make(CARTPOLE);
    envs.push(a, b);
    await a.reset({ seed: 1 });
    await b.reset({ seed: 2 });

    const err = await t.client.make(CARTPOLE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ResourceExhaustedError);
    const re = err as ResourceExhaustedError;
    expect(re.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(re.details.quotaFailure?.violations[0]?.subject).toBe("sessions");
    expect(re.details.errorInfo?.reason).toBe("TOO_MANY_SESSIONS");
    expect(re.details.errorInfo?.metadata.max_sessions).toBe("2");

    // The unary API shares the limit.
    const raw = rawClient(t.address);
    try {
      const unary = await callError<MakeResponse>((cb) =>
        raw.make(MakeRequest.fromPartial({ envId: CARTPOLE }), cb),
      );
      expect(unary.code).toBe(Code.RESOURCE_EXHAUSTED);
      expect(detail(trailerStatus(unary), "QuotaFailure", QuotaFailure)?.violations).toHaveLength(
        1,
      );
    } finally {
      raw.close();
    }

    for (let i = 0; i < 5; i++) {
      expect((await a.step(i % 2)).reward).toBe(1);
      expect((await b.step((i + 1) % 2)).reward).toBe(1);
    }
    expect(t.server.sessions.size).toBe(2);

    await a.close();
    expect(t.server.sessions.size).toBe(1);
    const c = await t.client.make(CARTPOLE);
    envs.push(c);
    await c.reset({ seed: 3 });
    expect((await c.step(0)).reward).toBe(1);
    expect((await b.step(0)).reward).toBe(1);
    await Promise.all(envs.map((e) => e.close()));
    expect(await waitFor(() => t.server.sessions.size === 0)).toBe(true);
  });
});

describe("typed and key/value env config", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  // Pushes left until the pole falls; returns every reward and whether it terminated.
  async function episode(env: RemoteEnv): Promise<{ rewards: number[]; terminated: boolean }> {
    await env.reset({ seed: 5 });
    const rewards: number[] = [];
    for (;;) {
      const r = await env.step(0);
      rewards.push(r.reward);
      if (r.terminated || r.truncated) return { rewards, terminated: r.terminated };
    }
  }

  it("applies a typed CartPoleConfig: Sutton-Barto rewards are 0 per step, -1 at the end", async () => {
    const env = await t.client.make(CARTPOLE, {
      typedConfig: {
        messageType: "gymrpc.v1.envs.CartPoleConfig",
        bytes: CartPoleConfig.encode({ suttonBartoReward: true }).finish(),
      },
    });
    const { rewards, terminated } = await episode(env);
    expect(terminated).toBe(true);
    expect(rewards.length).toBeGreaterThan(3);
    expect(rewards.slice(0, -1).every((r) => r === 0)).toBe(true);
    expect(rewards.at(-1)).toBe(-1);
    await env.close();
  });

  it("applies the same setting given as key/value config", async () => {
    const env = await t.client.make(CARTPOLE, { config: { sutton_barto_reward: true } });
    const { rewards } = await episode(env);
    expect(rewards.slice(0, -1).every((r) => r === 0)).toBe(true);
    expect(rewards.at(-1)).toBe(-1);
    await env.close();

    // Without it, the default reward is 1 per step.
    const plain = await t.client.make(CARTPOLE);
    expect((await episode(plain)).rewards.every((r) => r === 1)).toBe(true);
    await plain.close();
  });

  it("refuses an unknown config key with INVALID_ARGUMENT suggesting the right one", async () => {
    const err = await t.client.make(CARTPOLE, { config: { sutton_barto_rewards: true } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    const e = err as InvalidArgumentError;
    expect(e.message).toContain('did you mean "sutton_barto_reward"');
    expect(e.field).toBe("config.sutton_barto_rewards");
  });

  it("refuses a typed config of another env's message type with INVALID_ARGUMENT", async () => {
    const err = await t.client
      .make(CARTPOLE, {
        typedConfig: { messageType: "gymrpc.v1.envs.PendulumConfig", bytes: new Uint8Array() },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).field).toBe("typed_config");
    expect((err as InvalidArgumentError).message).toContain("gymrpc.v1.envs.CartPoleConfig");
    expect(t.server.sessions.size).toBe(0);
  });
});

describe("a bad request does not disturb other sessions", () => {
  let t: TestServer;
  let raw: EnvServiceClient;
  beforeAll(async () => {
    t = await startTestServer();
    raw = rawClient(t.address);
  });
  afterAll(async () => {
    raw.close();
    await t.stop();
  });

  it("keeps session A stepping while session B sends garbage", async () => {
    const a = await t.client.make(CARTPOLE);
    await a.reset({ seed: 9 });
    let stop = false;
    let aSteps = 0;
    const loop = (async () => {
      while (!stop) {
        const r = await a.step(aSteps % 2);
        aSteps++;
        if (r.terminated || r.truncated) await a.reset();
        await new Promise((res) => setImmediate(res));
      }
    })();

    // Unary garbage against session B.
    const b = await make(raw);
    const badStep = async (action: Parameters<typeof tensorValue>[0] | undefined) =>
      callError<StepResponse>((cb) =>
        raw.step({ sessionId: b.sessionId, action: action && tensorValue(action) }, cb),
      );
    const beforeReset = await callError<StepResponse>((cb) =>
      raw.step({ sessionId: b.sessionId, action: discreteAction(0) }, cb),
    );
    expect(beforeReset.code).toBe(Code.FAILED_PRECONDITION);
    expect(fromServiceError(beforeReset, t.address)).toBeInstanceOf(FailedPreconditionError);
    await reset(raw, b.sessionId, 3);

    const wrongDtype = await badStep(encodeTensor(Float64Array.of(1), []));
    expect(wrongDtype.code).toBe(Code.INVALID_ARGUMENT);
    expect(wrongDtype.details).toContain("float64");
    const wrongShape = await badStep(encodeTensor(BigInt64Array.of(1n, 0n), [2]));
    expect(wrongShape.code).toBe(Code.INVALID_ARGUMENT);
    expect(wrongShape.details).toContain("shape");
    const outOfSpace = await badStep(encodeTensor(BigInt64Array.of(7n), []));
    expect(outOfSpace.code).toBe(Code.INVALID_ARGUMENT);
    expect(detail(trailerStatus(outOfSpace), "ErrorInfo", ErrorInfo)?.reason).toBe(
      "INVALID_ACTION",
    );
    const shortData = await badStep({ dtype: Dtype.DTYPE_INT64, shape: [], data: Buffer.alloc(3) });
    expect(shortData.code).toBe(Code.INVALID_ARGUMENT);
    const noDtype = await badStep({
      dtype: Dtype.DTYPE_UNSPECIFIED,
      shape: [],
      data: Buffer.alloc(8),
    });
    expect(noDtype.code).toBe(Code.INVALID_ARGUMENT);
    const missing = await badStep(undefined);
    expect(missing.code).toBe(Code.INVALID_ARGUMENT);
    const badSeed = await callError<ResetResponse>((cb) =>
      raw.reset({ sessionId: b.sessionId, seed: -1, options: undefined }, cb),
    );
    expect(badSeed.code).toBe(Code.INVALID_ARGUMENT);
    // After all that, B itself still works.
    expect(tensorOf((await step(raw, b.sessionId, 1)).observation).shape).toEqual([4]);

    // A Session stream that starts with step: INVALID_ARGUMENT in-stream, stream stays usable.
    const s = new RawSessionStream(raw);
    const first = await s.send({
      $case: "step",
      value: { sessionId: "", action: discreteAction(0) },
    });
    expect(first.response?.$case).toBe("error");
    if (first.response?.$case !== "error") throw new Error("unreachable");
    expect(first.response.value.code).toBe(Code.INVALID_ARGUMENT);
    expect(first.response.value.message).toContain("make");
    const empty = await s.send(undefined);
    expect(empty.response?.$case === "error" && empty.response.value.code).toBe(
      Code.INVALID_ARGUMENT,
    );
    const madeOnStream = await s.send({
      $case: "make",
      value: MakeRequest.fromPartial({ envId: CARTPOLE }),
    });
    expect(madeOnStream.response?.$case).toBe("make");
    const again = await s.send({
      $case: "make",
      value: MakeRequest.fromPartial({ envId: CARTPOLE }),
    });
    expect(again.response?.$case === "error" && again.response.value.code).toBe(
      Code.INVALID_ARGUMENT,
    );
    expect(
      (await s.send({ $case: "reset", value: { sessionId: "", seed: 1, options: undefined } }))
        .response?.$case,
    ).toBe("reset");
    const badOnStream = await s.send({
      $case: "step",
      value: { sessionId: "", action: tensorValue(encodeTensor(Float32Array.of(0.5), [])) },
    });
    expect(badOnStream.response?.$case === "error" && badOnStream.response.value.code).toBe(
      Code.INVALID_ARGUMENT,
    );
    const okOnStream = await s.send({
      $case: "step",
      value: { sessionId: "", action: discreteAction(1) },
    });
    expect(okOnStream.response?.$case).toBe("step");
    s.end();

    // The TS client maps a bad action to InvalidArgumentError and its stream keeps working.
    const c = await t.client.make(CARTPOLE);
    await c.reset({ seed: 4 });
    await expect(c.step(2)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.step([0, 1])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await c.step(1)).reward).toBe(1);
    await c.close();

    const stepsDuringGarbage = aSteps;
    await waitFor(() => aSteps > stepsDuringGarbage + 20);
    stop = true;
    await loop;
    expect(aSteps).toBeGreaterThan(stepsDuringGarbage + 20);

    // A is still alive and the server still answers everything.
    expect((await a.step(0)).observation).toHaveLength(4);
    await a.close();
    await closeSession(raw, b.sessionId);
    expect(await waitFor(() => t.server.sessions.size === 0)).toBe(true);
    expect((await t.client.listEnvs()).map((e) => e.id)).toContain(CARTPOLE);
  });
});
