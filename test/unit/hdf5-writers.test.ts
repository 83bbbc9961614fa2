import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { openD4rlWriter } from "../../recorders/writers/d4rl-writer.js";
import { shutdownH5Workers } from "../../recorders/writers/h5-host.js";
import { openHdf5Writer } from "../../recorders/writers/hdf5-writer.js";
import { WRITERS } from "../../recorders/writers/index.js";
import {
  contextOf,
  ReachDictEnv,
  recordEpisodes,
  type SeenEpisode,
} from "../helpers/h5-episodes.js";
import { dumpH5, findH5Python, type H5Entry } from "../helpers/h5-python.js";

const found = findH5Python();
const python = "python" in found ? found.python : "";
if (!python) console.warn(`hdf5 writer tests skipped: ${"reason" in found ? found.reason : ""}`);

const dir = mkdtempSync(join(tmpdir(), "gymrpc-h5-"));
afterAll(async () => {
  await shutdownH5Workers();
  rmSync(dir, { recursive: true, force: true });
});

const registry = createDefaultRegistry();
const nums = (v: SpaceValue): number[] => Array.from(v as ArrayLike<number | bigint>, Number);
const rows = (vs: readonly SpaceValue[]): unknown[] =>
  vs.map((v) => (typeof v === "number" ? v : nums(v)));
const entry = (d: Record<string, H5Entry>, path: string): H5Entry => {
  const e = d[path];
  if (!e) throw new Error(`${path} is missing`);
  return e;
};

describe.skipIf(!python)("hdf5 writer (seed 002 layout), read back with h5py", () => {
  it("writes CartPole episodes with their values, dtypes, attributes and statistics", async () => {
    const env = registry.make("CartPole-v1");
    const ctx = contextOf(env, "CartPole-v1");
    const path = join(dir, "cartpole.h5");
    expect(WRITERS.hdf5).toBeDefined();
    const writer = await WRITERS.hdf5!(path, ctx);
    const policy = (r: () => number) => (r() < 0.5 ? 0 : 1);
    // Episode 1 carries behavior-policy info on every step.
    const stepPolicy = (k: number, t: number) =>
      k === 1
        ? { behaviorProb: 0.55, epsilon: 0.1, wasExploratory: t % 2 === 1, greedyAction: 1 }
        : undefined;
    const { seen, stats } = await recordEpisodes(env, writer, ctx, 4, policy, true, stepPolicy);
    expect(existsSync(`${path}.journal`)).toBe(false);
    const d = await dumpH5(python, path);

    const root = entry(d, "/");
    expect(root.keys).toEqual(["episode_0", "episode_1", "episode_2", "episode_3"]);
    const steps = seen.reduce((n, e) => n + e.actions.length, 0);
    expect(root.attrs).toMatchObject({
      format: "gymrpc.hdf5",
      env_id: "CartPole-v1",
      total_episodes: 4,
      total_steps: steps,
      mean_episode_length: steps / 4,
      success_rate: "nan",
      complete: 1,
      recovered: 0,
    });
    expect(root.attrs.mean_reward).toBeCloseTo(stats.meanReward, 12);
    expect(String(root.attrs.observation_space)).toContain('"low": [-4.800000190734863, -Infinity');

    seen.forEach((ep: SeenEpisode, i) => {
      const g = `episode_${i}`;
      const T = ep.actions.length;
      const obs = entry(d, `${g}/observations`);
      expect(obs).toMatchObject({ shape: [T, 4], dtype: "float32", compression: "gzip" });
      expect(obs.chunks).not.toBeNull();
      expect(obs.maxshape).toEqual([-1, 4]);
      expect(obs.values).toEqual(rows(ep.observations.slice(0, T)));
      expect(entry(d, `${g}/next_observations`).values).toEqual(rows(ep.observations.slice(1)));
      expect(entry(d, `${g}/actions`)).toMatchObject({
        shape: [T],
        dtype: "int64",
        values: ep.actions,
      });
      expect(entry(d, `${g}/rewards`)).toMatchObject({ dtype: "float64", values: ep.rewards });
      const term = entry(d, `${g}/terminations`);
      expect(term.dtype).toBe("bool");
      expect(term.values).toEqual(ep.actions.map((_, t) => ep.terminated && t === T - 1));
      expect(entry(d, `${g}/truncations`)).toMatchObject({ dtype: "bool" });
      const rtg = entry(d, `${g}/returns_to_go`).values as number[];
      expect(rtg[0]).toBeCloseTo(
        ep.rewards.reduce((a, b) => a + b, 0),
        9,
      );
      expect(entry(d, g).attrs).toMatchObject({
        episode_id: i,
        seed: ep.seed,
        env_id: "CartPole-v1",
        policy_id: "test-policy",
        length: T,
        total_return: ep.rewards.reduce((a, b) => a + b, 0),
        termination_reason: i === 3 ? "recording_stopped" : "terminated",
        schema_version: "1.0.0",
      });
      expect(String(entry(d, g).attrs.trajectory_hash)).toMatch(/^[0-9a-f]{64}$/);
      if (i !== 1) expect(d[`${g}/behavior_prob`]).toBeUndefined();
    });
    const T1 = seen[1]!.actions.length;
    expect(entry(d, "episode_1/behavior_prob")).toMatchObject({
      dtype: "float64",
      values: Array(T1).fill(0.55),
    });
    expect(entry(d, "episode_1/epsilon").values).toEqual(Array(T1).fill(0.1));
    expect(entry(d, "episode_1/was_exploratory")).toMatchObject({
      dtype: "uint8",
      values: Array.from({ length: T1 }, (_, t) => t % 2),
    });
    expect(entry(d, "episode_1/greedy_actions")).toMatchObject({
      dtype: "int64",
      values: Array(T1).fill(1),
    });
  });

  it("writes Dict observations as groups, numeric infos and success", async () => {
    const env = new ReachDictEnv();
    const ctx = contextOf(env, "ReachDict-v0");
    const path = join(dir, "reach.h5");
    const writer = await openHdf5Writer(path, ctx, { gzip: 0 });
    const policy = (r: () => number) => Float32Array.of(r() * 2 - 1, r() * 2 - 1);
    const { seen } = await recordEpisodes(env, writer, ctx, 3, policy);
    const d = await dumpH5(python, path);
    seen.forEach((ep, i) => {
      const g = `episode_${i}`;
      const T = ep.actions.length;
      expect(entry(d, `${g}/observations`)).toMatchObject({
        type: "group",
        keys: ["mode", "pos", "target"],
      });
      const key = (k: string) => ep.observations.map((o) => (o as Record<string, SpaceValue>)[k]!);
      // Uncompressed episode datasets are contiguous.
      expect(entry(d, `${g}/observations/pos`)).toMatchObject({
        shape: [T, 2],
        dtype: "float32",
        chunks: null,
        compression: null,
      });
      expect(entry(d, `${g}/observations/pos`).values).toEqual(rows(key("pos").slice(0, T)));
      expect(entry(d, `${g}/next_observations/target`).values).toEqual(
        rows(key("target").slice(1)),
      );
      expect(entry(d, `${g}/observations/mode`)).toMatchObject({
        dtype: "int64",
        values: key("mode").slice(0, T),
      });
      expect(entry(d, `${g}/actions`).values).toEqual(rows(ep.actions));
      expect(entry(d, `${g}/infos/distance`)).toMatchObject({ shape: [T], dtype: "float64" });
      expect(entry(d, `${g}/infos/success`)).toMatchObject({ shape: [T], dtype: "bool" });
      expect(entry(d, `${g}/infos/delta`)).toMatchObject({ shape: [T, 2], dtype: "float32" });
      expect(entry(d, `${g}/infos/delta`).values).toEqual(rows(ep.actions));
      expect(entry(d, g).attrs.success).toBe(ep.terminated);
    });
    const successes = seen.filter((e) => e.terminated).length;
    expect(entry(d, "/").attrs.success_rate).toBeCloseTo(successes / seen.length, 12);
  });
});

describe.skipIf(!python)("d4rl writer, read back with h5py", () => {
  it("writes flat float32 transitions with terminals, timeouts and next_observations", async () => {
    const env = registry.make("Pendulum-v1");
    const ctx = contextOf(env, "Pendulum-v1");
    const path = join(dir, "pendulum.d4rl.h5");
    const writer = await openD4rlWriter(path, ctx);
    const policy = (r: () => number) => Float32Array.of(r() * 4 - 2);
    const { seen } = await recordEpisodes(env, writer, ctx, 3, policy, true);
    const d = await dumpH5(python, path);
    const N = seen.reduce((n, e) => n + e.actions.length, 0);
    expect(N).toBe(403);
    const obs = entry(d, "observations");
    expect(obs).toMatchObject({ shape: [N, 3], dtype: "float32", maxshape: [-1, 3] });
    expect(entry(d, "next_observations")).toMatchObject({ shape: [N, 3], dtype: "float32" });
    expect(entry(d, "actions")).toMatchObject({ shape: [N, 1], dtype: "float32" });
    expect(entry(d, "rewards")).toMatchObject({ shape: [N], dtype: "float32" });
    const terminals = entry(d, "terminals");
    const timeouts = entry(d, "timeouts");
    expect(terminals).toMatchObject({ shape: [N], dtype: "bool" });
    expect(timeouts).toMatchObject({ shape: [N], dtype: "bool" });
    expect((terminals.values as boolean[]).some(Boolean)).toBe(false);
    // TimeLimit ends the first two (200 steps); the cut third is marked a timeout too.
    const ends = (timeouts.values as boolean[]).flatMap((v, i) => (v ? [i] : []));
    expect(ends).toEqual([199, 399, 402]);
    const allObs = seen.flatMap((e) => e.observations.slice(0, -1));
    const allNext = seen.flatMap((e) => e.observations.slice(1));
    expect(obs.values).toEqual(rows(allObs).map((r) => (r as number[]).map(Math.fround)));
    expect(entry(d, "next_observations").values).toEqual(rows(allNext));
    expect(entry(d, "actions").values).toEqual(rows(seen.flatMap((e) => e.actions)));
    const rewards = entry(d, "rewards").values as number[];
    expect(rewards).toEqual(seen.flatMap((e) => e.rewards).map(Math.fround));
    expect(entry(d, "episodes/start").values).toEqual([0, 200, 400]);
    expect(entry(d, "episodes/length").values).toEqual([200, 200, 3]);
    expect(entry(d, "episodes/seed").values).toEqual([100, 101, 102]);
    expect(entry(d, "/").attrs).toMatchObject({
      format: "gymrpc.d4rl",
      total_episodes: 3,
      total_steps: N,
    });
  });
});
