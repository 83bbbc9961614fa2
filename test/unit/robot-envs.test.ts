import { describe, expect, it } from "vitest";
import type { Env } from "../../envs/core/env.js";
import { InvalidConfigError } from "../../envs/core/errors.js";
import { createRng } from "../../envs/core/rng.js";
import type { Box } from "../../envs/core/spaces/box.js";
import type { Dict, DictSpaceValue } from "../../envs/core/spaces/dict.js";
import { batchItem } from "../../envs/core/vector/batching.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { DEFAULT_LIGHT_DIR } from "../../envs/robot/domain-randomization.js";
import { PANDA_Q_MAX, PANDA_Q_MIN } from "../../envs/robot/panda-kinematics.js";

const registry = createDefaultRegistry();
const ROBOT_ENVS = ["RobotReach-v0", "PickPlace-v0"] as const;
type Obs = DictSpaceValue;

const resetSync = (env: Env, seed?: number) =>
  env.reset({ seed }) as { observation: Obs; info: Record<string, unknown> };
const stepSync = (env: Env, a: Float32Array) =>
  env.step(a) as {
    observation: Obs;
    reward: number;
    terminated: boolean;
    truncated: boolean;
    info: Record<string, unknown>;
  };
/** A deep copy of a Dict observation (envs reuse their buffers). */
const copy = (o: Obs): Record<string, number[]> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.from(v as Float64Array)]));

describe.each(ROBOT_ENVS)("%s", (id) => {
  it("has the seed's Dict observation: float64 vectors, keys sorted, image only when configured", () => {
    const env = registry.make(id);
    const space = env.observationSpace as Dict;
    const base = ["ee_pos", "joint_pos", "joint_vel", "target_pos"];
    const extra = id === "PickPlace-v0" ? ["gripper_state", "object_pos"] : [];
    expect(space.keys).toEqual([...base, ...extra].sort());
    for (const k of space.keys) expect(space.spaces.get(k)!.dtype).toBe("float64");
    expect((space.spaces.get("joint_pos") as Box).shape).toEqual([7]);
    expect(Array.from((space.spaces.get("joint_pos") as Box).low)).toEqual(Array.from(PANDA_Q_MIN));
    expect(Array.from((space.spaces.get("joint_pos") as Box).high)).toEqual(
      Array.from(PANDA_Q_MAX),
    );
    const act = env.actionSpace as Box;
    expect([act.shape, act.dtype, act.low[0], act.high[0]]).toEqual([[4], "float32", -1, 1]);
    const img = registry.make(id, { config: { image_width: 32, image_height: 24 } });
    const image = (img.observationSpace as Dict).spaces.get("image") as Box;
    expect([image.shape, image.dtype]).toEqual([[24, 32, 3], "uint8"]);
    expect(registry.spec(id).maxEpisodeSteps).toBe(200);
  });

  it("replays bit for bit from a seed, and different seeds differ", () => {
    const run = (seed: number) => {
      const env = registry.make(id, { config: { randomize: true } });
      const rng = createRng(5);
      const out = [copy(resetSync(env, seed).observation)];
      for (let t = 0; t < 60; t++) {
        const a = env.actionSpace.sample(rng) as Float32Array;
        const r = stepSync(env, a);
        out.push({ ...copy(r.observation), r: [r.reward] });
      }
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(4)[0]).not.toEqual(run(3)[0]);
  });

  it("keeps every observation in its space under random actions", () => {
    const env = registry.make(id);
    const rng = createRng(11);
    resetSync(env, 0);
    for (let t = 0; t < 1000; t++) {
      const r = stepSync(env, env.actionSpace.sample(rng) as Float32Array);
      expect(env.observationSpace.check(r.observation, "obs")).toBeUndefined();
      expect(typeof r.info.success).toBe("boolean");
      if (r.terminated || r.truncated) resetSync(env);
    }
  });

  it("randomizes light on the unit sphere and friction within ±20%, reported in the reset info", () => {
    const env = registry.make(id, { config: { randomize: true, friction: 0.5 } });
    const lights: number[][] = [];
    const frictions: number[] = [];
    for (let s = 0; s < 400; s++) {
      const { info } = resetSync(env, s);
      lights.push(info.light_dir as number[]);
      frictions.push(info.friction as number);
    }
    for (const l of lights) expect(Math.hypot(...l)).toBeCloseTo(1, 12);
    // Uniform on the sphere: each coordinate has mean 0 and variance 1/3.
    for (let a = 0; a < 3; a++) {
      const xs = lights.map((l) => l[a]!);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const varc = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      expect(Math.abs(mean)).toBeLessThan(0.1);
      expect(varc).toBeGreaterThan(0.28);
      expect(varc).toBeLessThan(0.39);
    }
    expect(Math.min(...frictions)).toBeGreaterThanOrEqual(0.4);
    expect(Math.max(...frictions)).toBeLessThanOrEqual(0.6);
    expect(Math.min(...frictions)).toBeLessThan(0.42);
    expect(Math.max(...frictions)).toBeGreaterThan(0.58);
    const plain = registry.make(id);
    const { info } = resetSync(plain, 1);
    expect(info).toEqual({ light_dir: [...DEFAULT_LIGHT_DIR], friction: 0.5 });
  });

  it("observes a deterministic camera image that the light direction changes, and renders it", () => {
    const config = { image_width: 48, image_height: 40, randomize: true };
    const a = registry.make(id, { config, renderMode: "rgb_array" });
    const b = registry.make(id, { config });
    const ia = Uint8Array.from(resetSync(a, 2).observation.image as Uint8Array);
    const ib = Uint8Array.from(resetSync(b, 2).observation.image as Uint8Array);
    expect(ia.length).toBe(40 * 48 * 3);
    expect(ia).toEqual(ib);
    const other = Uint8Array.from(resetSync(b, 3).observation.image as Uint8Array);
    expect(other).not.toEqual(ia);
    // Not a blank frame: many distinct colours.
    expect(new Set(ia).size).toBeGreaterThan(20);
    const frame = a.render() as unknown as { shape: number[]; data: Uint8Array };
    expect(frame.shape).toEqual([40, 48, 3]);
    expect(frame.data).toEqual(ia);
    const noImage = registry.make(id, { renderMode: "rgb_array" });
    resetSync(noImage, 0);
    const f2 = noImage.render() as unknown as { shape: number[]; data: Uint8Array };
    expect(f2.shape).toEqual([128, 128, 3]);
    const noMode = registry.make(id);
    resetSync(noMode, 0);
    expect(noMode.render()).toBeUndefined();
  });

  it("batches Dict observations in a vector env exactly as separate envs seeded seed + i", () => {
    const n = 3;
    const vec = registry.makeVec(id, n, { maxEpisodeSteps: 15 });
    const singles = Array.from({ length: n }, () => registry.make(id, { maxEpisodeSteps: 15 }));
    const space = singles[0]!.observationSpace;
    const v0 = vec.reset({ seed: 10 }) as { observation: Obs };
    singles.forEach((e, i) => {
      expect(copy(batchItem(space, v0.observation, i) as Obs)).toEqual(
        copy(resetSync(e, 10 + i).observation),
      );
    });
    const rng = createRng(1);
    const pending = new Array(n).fill(false);
    for (let t = 0; t < 40; t++) {
      const acts = singles.map((e) => e.actionSpace.sample(rng) as Float32Array);
      const flat = new Float32Array(4 * n);
      acts.forEach((a, i) => {
        flat.set(a, 4 * i);
      });
      const vr = vec.step(flat) as { observation: Obs; reward: Float64Array };
      singles.forEach((e, i) => {
        const r = pending[i]
          ? { ...resetSync(e), reward: 0, terminated: false, truncated: false }
          : stepSync(e, acts[i]!);
        expect(copy(batchItem(space, vr.observation, i) as Obs)).toEqual(copy(r.observation));
        expect(vr.reward[i]).toBe(r.reward);
        pending[i] = r.terminated || r.truncated;
      });
    }
  });

  it("returns a fresh info each step, so a recorder can keep it", () => {
    const env = registry.make(id);
    resetSync(env, 0);
    const first = stepSync(env, Float32Array.of(1, 0, 0, 0)).info;
    const kept = { ...first };
    for (let t = 0; t < 5; t++) stepSync(env, Float32Array.of(-1, 0, 1, 1));
    expect(first).toEqual(kept);
    expect(Object.keys(first).sort()).toEqual(
      id === "PickPlace-v0" ? ["distance", "grasped", "success"] : ["distance", "success"],
    );
  });

  it("rejects an image size with one side 0", () => {
    expect(() => registry.make(id, { config: { image_width: 64 } })).toThrow(InvalidConfigError);
  });
});

describe("PickPlace-v0 grasping", () => {
  it("does not catch the cube with fingers already closed", () => {
    const env = registry.make("PickPlace-v0");
    const { observation } = resetSync(env, 4);
    const cube = Array.from(observation.object_pos as Float64Array);
    // Close first, then go down onto the cube and keep closing.
    let o = observation;
    for (let t = 0; t < 10; t++) o = stepSync(env, Float32Array.of(0, 0, 0, 1)).observation;
    for (let t = 0; t < 150; t++) {
      const ee = o.ee_pos as Float64Array;
      const a = [0, 1, 2].map((k) => Math.max(-1, Math.min(1, 10 * (cube[k]! - ee[k]!))));
      o = stepSync(env, Float32Array.of(a[0]!, a[1]!, a[2]!, 1)).observation;
    }
    const ee = o.ee_pos as Float64Array;
    expect(Math.hypot(ee[0]! - cube[0]!, ee[1]! - cube[1]!)).toBeLessThan(0.01);
    expect((o.gripper_state as Float64Array)[1]).toBe(0);
    expect(Array.from(o.object_pos as Float64Array)).toEqual(cube);
  });
});
