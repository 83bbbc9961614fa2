import { status as Code } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteError } from "../../client/errors.js";
import { isTypedArray } from "../../envs/core/dtype.js";
import { createRng } from "../../envs/core/rng.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { batchItem } from "../../envs/core/vector/batching.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { TYPED_CONFIGS } from "../../server/typed-configs.js";
import { badActions } from "../helpers/bad-actions.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

// Every registered env must pass this suite, through the real server and the real TS client,
// with its default config and with the configs that change its spaces (camera images).
const CASES: [string, Record<string, unknown>][] = [
  ...createDefaultRegistry()
    .ids()
    .map((id): [string, Record<string, unknown>] => [id, {}]),
  ["RobotReach-v0", { image_width: 32, image_height: 24 }],
  ["PickPlace-v0", { image_width: 32, image_height: 24, randomize: true }],
];

/** Bytes of a value, for bit-for-bit comparisons (a Dict's keys too, in sorted order). */
function bytesOf(v: SpaceValue): number[] {
  if (isTypedArray(v)) return [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)];
  if (typeof v === "number") return [...new Uint8Array(Float64Array.of(v).buffer)];
  if (typeof v === "string") return [...Buffer.from(v)];
  if (Array.isArray(v)) return v.flatMap(bytesOf);
  const d = v as Record<string, SpaceValue>;
  return Object.keys(d)
    .sort()
    .flatMap((k) => [...Buffer.from(k), ...bytesOf(d[k]!)]);
}

/**
 * Bytes of a batch of n values in env-major order, as n separate envs give
 * them: Dict and Tuple batches hold one batched entry per key (key-major), so
 * each sub-env's value is taken out of the batch first.
 */
function batchBytes(single: Space, batch: SpaceValue, n: number): number[] {
  return Array.from({ length: n }, (_, i) => bytesOf(batchItem(single, batch, i))).flat();
}

async function rejectsWith(p: Promise<unknown>, code: Code): Promise<RemoteError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteError);
  expect((err as RemoteError).codeName).toBe(Code[code]);
  return err as RemoteError;
}

describe.each(CASES)("compliance: %s %j", (envId, config) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("has valid spaces, a typed config message and a listed spec", async () => {
    const specs = await t.client.listEnvs();
    const spec = specs.find((s) => s.id === envId);
    expect(spec).toBeDefined();
    expect(TYPED_CONFIGS.has(spec!.config.messageType)).toBe(true);
    const rng = createRng(0);
    for (let i = 0; i < 20; i++) {
      expect(spec!.observationSpace.contains(spec!.observationSpace.sample(rng))).toBe(true);
      expect(spec!.actionSpace.contains(spec!.actionSpace.sample(rng))).toBe(true);
    }
  });

  it("keeps observations in the observation space and ends episodes", async () => {
    const env = await t.client.make(envId, { config, maxEpisodeSteps: 60 });
    const rng = createRng(1);
    let { observation } = await env.reset({ seed: 3 });
    expect(env.observationSpace.contains(observation)).toBe(true);
    let ended = 0;
    for (let i = 0; i < 150; i++) {
      const r = await env.step(env.actionSpace.sample(rng) as never);
      expect(env.observationSpace.check(r.observation, "obs")).toBeUndefined();
      expect(Number.isFinite(r.reward)).toBe(true);
      if (r.terminated || r.truncated) {
        ended++;
        observation = (await env.reset()).observation;
        expect(env.observationSpace.contains(observation)).toBe(true);
      }
    }
    expect(ended).toBeGreaterThan(0);
    await env.close();
  });

  it("gives the bit-identical trajectory for the same seed", async () => {
    const run = async () => {
      const env = await t.client.make(envId, { config });
      const rng = createRng(7);
      const out: number[][] = [bytesOf((await env.reset({ seed: 42 })).observation)];
      for (let i = 0; i < 40; i++) {
        const r = await env.step(env.actionSpace.sample(rng) as never);
        out.push([...bytesOf(r.observation), r.reward, Number(r.terminated), Number(r.truncated)]);
        if (r.terminated || r.truncated) out.push(bytesOf((await env.reset()).observation));
      }
      await env.close();
      return out;
    };
    expect(await run()).toEqual(await run());
  });

  it("continues the RNG stream on an unseeded reset", async () => {
    const env = await t.client.make(envId, { config });
    const a = bytesOf((await env.reset({ seed: 5 })).observation);
    const b = bytesOf((await env.reset()).observation);
    const c = bytesOf((await env.reset({ seed: 5 })).observation);
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
    await env.close();
  });

  it("rejects step before reset with FAILED_PRECONDITION and stays usable", async () => {
    const env = await t.client.make(envId, { config });
    const err = await rejectsWith(
      env.step(env.actionSpace.sample(createRng(0)) as never),
      Code.FAILED_PRECONDITION,
    );
    expect(err.message).toMatch(/reset/);
    await env.reset({ seed: 0 });
    await env.step(env.actionSpace.sample(createRng(0)) as never);
    await env.close();
  });

  it("treats close twice as harmless", async () => {
    const env = await t.client.make(envId, { config });
    await env.reset({ seed: 0 });
    await env.close();
    await env.close();
  });

  it("rejects each kind of bad action with INVALID_ARGUMENT naming the element, session still usable", async () => {
    const env = await t.client.make(envId, { config });
    await env.reset({ seed: 0 });
    const bad = badActions(env.actionSpace);
    expect(bad.length).toBeGreaterThan(0);
    for (const b of bad) {
      const err = await rejectsWith(env.step(b.action), Code.INVALID_ARGUMENT);
      expect(err.field, b.kind).toBe(b.field);
      expect(err.message.length).toBeGreaterThan(10);
    }
    const r = await env.step(env.actionSpace.sample(createRng(0)) as never);
    expect(env.observationSpace.contains(r.observation)).toBe(true);
    await env.close();
  });

  it("runs vectorized with NEXT_STEP autoreset, identical to separate envs seeded seed + i", async () => {
    const n = 3;
    const vec = await t.client.makeVec(envId, n, { config, maxEpisodeSteps: 15 });
    const singles = await Promise.all(
      Array.from({ length: n }, () => t.client.make(envId, { config, maxEpisodeSteps: 15 })),
    );
    const v0 = await vec.reset({ seed: 10 });
    const s0 = await Promise.all(singles.map((e, i) => e.reset({ seed: 10 + i })));
    const vObs = v0.observation as SpaceValue;
    const single = vec.singleObservationSpace;
    expect(vec.observationSpace.contains(vObs)).toBe(true);
    expect(batchBytes(single, vObs, n)).toEqual(s0.flatMap((r) => bytesOf(r.observation)));
    const rng = createRng(3);
    const pendingReset = new Array(n).fill(false);
    for (let step = 0; step < 40; step++) {
      const actions = singles.map((e) => e.actionSpace.sample(rng));
      const batched = vec.actionSpace.sample(rng);
      // Build the batch from the per-env actions so both sides act alike.
      const flat = isTypedArray(batched) ? batched : undefined;
      if (!flat) return; // Dict/Tuple action spaces are covered by their envs' own tests.
      const size = flat.length / n;
      actions.forEach((a, i) => {
        if (typeof a === "number")
          (flat as unknown as { [k: number]: unknown })[i] =
            flat instanceof BigInt64Array ? BigInt(a) : a;
        else if (isTypedArray(a)) (flat as Float32Array).set(a as Float32Array, i * size);
      });
      const vr = await vec.step(flat);
      const expected: number[] = [];
      for (let i = 0; i < n; i++) {
        if (pendingReset[i]) {
          const r = await singles[i]!.reset();
          expected.push(...bytesOf(r.observation));
          expect(vr.reward[i]).toBe(0);
          expect(vr.terminated[i]! | vr.truncated[i]!).toBe(0);
          pendingReset[i] = false;
        } else {
          const r = await singles[i]!.step(actions[i] as never);
          expected.push(...bytesOf(r.observation));
          expect(vr.reward[i]).toBe(r.reward);
          expect(vr.terminated[i]).toBe(Number(r.terminated));
          expect(vr.truncated[i]).toBe(Number(r.truncated));
          pendingReset[i] = r.terminated || r.truncated;
        }
      }
      expect(vec.observationSpace.contains(vr.observation)).toBe(true);
      expect(batchBytes(single, vr.observation, n)).toEqual(expected);
    }
    await vec.close();
    await Promise.all(singles.map((e) => e.close()));
  });
});
