import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { Info } from "../../envs/core/env.js";
import { Box } from "../../envs/core/spaces/box.js";
import type { RecordedEpisode, RecordingContext } from "../../recorders/types.js";
import { SCHEMA_VERSION } from "../../recorders/types.js";
import { openD4rlWriter } from "../../recorders/writers/d4rl-writer.js";
import { shutdownH5Workers } from "../../recorders/writers/h5-host.js";
import { findH5Python, readWithPython } from "../helpers/h5-python.js";

const found = findH5Python();
const python = "python" in found ? found.python : "";
const dir = mkdtempSync(join(tmpdir(), "gymrpc-d4rl-"));
afterAll(async () => {
  await shutdownH5Workers();
  rmSync(dir, { recursive: true, force: true });
});

const OBS = 12;
const ACT = 10;
const EPISODES = 700;

const ctx: RecordingContext = {
  envId: "Synthetic-v0",
  config: {},
  observationSpace: new Box(-10, 10, [OBS], "float32"),
  actionSpace: new Box(-1, 1, [ACT], "float32"),
  policyId: "synthetic",
  metadata: {},
};

/**
 * Episode k: 20-80 steps (k = 100 has none); terminated, truncated or cut by
 * turns; an info "x" on even episodes from 300 on (a column first seen late,
 * missing from some episodes after); greedy actions from 500 on; a behavior
 * probability on every fifth.
 */
function episode(k: number): RecordedEpisode {
  const T = k === 100 ? 0 : 20 + ((k * 37) % 61);
  const fill = (n: number, f: (i: number) => number) =>
    Float32Array.from({ length: n }, (_, i) => f(i));
  const rewards = Float64Array.from({ length: T }, (_, t) => k + t / 7);
  const returnsToGo = new Float64Array(T);
  for (let t = T - 1, acc = 0; t >= 0; t--) returnsToGo[t] = acc += rewards[t]!;
  const terminations = new Uint8Array(T);
  const truncations = new Uint8Array(T);
  if (T && k % 3 === 0) terminations[T - 1] = 1;
  if (T && k % 3 === 1) truncations[T - 1] = 1;
  const withX = k >= 300 && k % 2 === 0;
  const now = new Date(0).toISOString();
  return {
    meta: {
      episodeId: k,
      seed: k % 4 === 0 ? undefined : k,
      envId: ctx.envId,
      config: ctx.config,
      policyId: ctx.policyId,
      subEnv: 0,
      length: T,
      totalReturn: returnsToGo[0] ?? 0,
      terminationReason: k % 3 === 0 ? "terminated" : k % 3 === 1 ? "truncated" : "reset",
      success: undefined,
      trajectoryHash: "0".repeat(64),
      schemaVersion: SCHEMA_VERSION,
      startedAt: now,
      endedAt: now,
      resetInfo: {},
    },
    observations: fill((T + 1) * OBS, (i) => Math.sin(i * 0.37 + k)),
    actions: fill(T * ACT, (i) => Math.cos(i * 0.11 + k) * 0.5),
    rewards,
    terminations,
    truncations,
    returnsToGo,
    infos: Array.from({ length: T }, (_, t): Info => (withX ? { x: k + t * 0.5 } : {})),
    policy: {
      behaviorProb: new Float64Array(T).fill(k % 5 === 0 ? 0.25 : Number.NaN),
      epsilon: new Float64Array(T).fill(Number.NaN),
      wasExploratory: new Uint8Array(T).fill(255),
      greedyActions: k >= 500 ? fill(T * ACT, (i) => (i % 3) - 1) : undefined,
      policyIds: new Array(T).fill(ctx.policyId),
      meta: new Array(T).fill(undefined),
    },
  };
}

/** What the d4rl file must hold for episodes 0..n-1, by dataset path. */
function expected(n: number) {
  const eps = Array.from({ length: n }, (_, k) => episode(k));
  const N = eps.reduce((s, e) => s + e.meta.length, 0);
  const out = {
    observations: new Float32Array(N * OBS),
    next_observations: new Float32Array(N * OBS),
    actions: new Float32Array(N * ACT),
    rewards: new Float32Array(N),
    returns_to_go: new Float32Array(N),
    terminals: new Uint8Array(N),
    timeouts: new Uint8Array(N),
    "infos/x": new Float64Array(N).fill(Number.NaN),
    greedy_actions: new Float32Array(N * ACT).fill(Number.NaN),
    behavior_prob: new Float64Array(N).fill(Number.NaN),
    "episodes/id": BigInt64Array.from(eps, (e) => BigInt(e.meta.episodeId)),
    "episodes/start": new BigInt64Array(n),
    "episodes/length": BigInt64Array.from(eps, (e) => BigInt(e.meta.length)),
    "episodes/seed": BigInt64Array.from(eps, (e) => BigInt(e.meta.seed ?? -1)),
    "episodes/total_return": Float64Array.from(eps, (e) => e.meta.totalReturn),
    "episodes/success": new Int8Array(n).fill(-1),
  };
  let at = 0;
  eps.forEach((e, k) => {
    const T = e.meta.length;
    out["episodes/start"][k] = BigInt(at);
    const obs = e.observations as Float32Array;
    out.observations.set(obs.subarray(0, T * OBS), at * OBS);
    out.next_observations.set(obs.subarray(OBS), at * OBS);
    out.actions.set(e.actions as Float32Array, at * ACT);
    out.rewards.set(e.rewards, at);
    out.returns_to_go.set(e.returnsToGo, at);
    out.terminals.set(e.terminations, at);
    out.timeouts.set(e.truncations, at);
    if (T && !e.terminations[T - 1]) out.timeouts[at + T - 1] = 1;
    e.infos.forEach((info, t) => {
      if (info.x !== undefined) out["infos/x"][at + t] = info.x as number;
    });
    const greedy = e.policy.greedyActions as Float32Array | undefined;
    if (greedy) out.greedy_actions.set(greedy, at * ACT);
    if (k % 5 === 0) out.behavior_prob.fill(0.25, at, at + T);
    at += T;
  });
  return out;
}

const sha256 = (a: TypedArray) =>
  createHash("sha256")
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex");

interface Digest {
  readonly shape: number[];
  readonly dtype: string;
  readonly chunks: number[] | null;
  readonly sha256: string;
}

async function record(path: string, gzip: number): Promise<void> {
  const writer = await openD4rlWriter(path, ctx, { gzip });
  let writes: Promise<void>[] = [];
  for (let k = 0; k < EPISODES; k++) {
    writes.push(writer.writeEpisode(episode(k)));
    // Bursts (episodes gather into whole buffers) and pauses (one episode per batch).
    if (k % 97 === 96 || (k > 600 && k % 7 === 0)) {
      await Promise.all(writes);
      writes = [];
    }
  }
  await Promise.all(writes);
  await writer.close();
}

describe.skipIf(!python)("d4rl writer: staged, chunk-aligned writes", () => {
  it("holds every row of many episodes, late and missing columns filled with defaults", async () => {
    const path = join(dir, "many.d4rl.h5");
    await record(path, 0);
    const d = await readWithPython<Record<string, Digest>>(python, ["digest", path]);
    const want = expected(EPISODES);
    expect(Object.keys(d).sort()).toEqual(Object.keys(want).sort());
    for (const [name, arr] of Object.entries(want)) {
      expect(d[name]?.sha256, name).toBe(sha256(arr));
    }
    const N = want.rewards.length;
    expect(d.observations).toMatchObject({ shape: [N, OBS], dtype: "float32" });
    // Over 1 MiB of observations arrived before the dataset was made: 1 MiB chunks.
    expect(d.observations?.chunks).toEqual([Math.floor(2 ** 20 / (4 * OBS)), OBS]);
    expect(d.terminals).toMatchObject({ shape: [N], dtype: "bool" });
    expect(d["episodes/id"]).toMatchObject({ shape: [EPISODES], dtype: "int64" });
  }, 60_000);

  it("keeps two datasets written at once apart (buffers reused across writers)", async () => {
    const a = join(dir, "twin-a.d4rl.h5");
    const b = join(dir, "twin-b.d4rl.h5");
    await Promise.all([record(a, 0), record(b, 0)]);
    const want = expected(EPISODES);
    for (const path of [a, b]) {
      const d = await readWithPython<Record<string, Digest>>(python, ["digest", path]);
      for (const [name, arr] of Object.entries(want))
        expect(d[name]?.sha256, name).toBe(sha256(arr));
    }
  }, 60_000);

  it("writes the same values compressed", async () => {
    const plain = join(dir, "many.d4rl.h5");
    const packed = join(dir, "many-gzip.d4rl.h5");
    await record(packed, 4);
    const a = await readWithPython<Record<string, Digest>>(python, ["digest", plain]);
    const b = await readWithPython<Record<string, Digest>>(python, ["digest", packed]);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect(b[name]?.sha256, name).toBe(a[name]?.sha256);
    expect(b.observations?.chunks).toEqual([Math.floor(65536 / (4 * OBS)), OBS]);
  }, 60_000);
});
