import { describe, expect, it } from "vitest";
import { CartPoleEnv } from "../../envs/classic-control/cartpole.js";
import { CartPoleVectorEnv } from "../../envs/classic-control/cartpole-vector.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import {
  InvalidActionError,
  InvalidArgumentError,
  ResetNeededError,
} from "../../envs/core/errors.js";
import type { MakeOptions } from "../../envs/core/registry.js";
import { createRng, type Rng } from "../../envs/core/rng.js";
import { SyncVectorEnv } from "../../envs/core/vector/sync-vector-env.js";
import type {
  VectorEnv,
  VectorResetResult,
  VectorStepResult,
} from "../../envs/core/vector/vector-env.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";

const bytes = (a: TypedArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBits = (a: unknown, b: unknown) => bytes(a as TypedArray).equals(bytes(b as TypedArray));

/** The native batched env (via makeVec) and SyncVectorEnv of made CartPole-v1 envs, same options. */
function pair(numEnvs: number, opts: MakeOptions = {}): { native: VectorEnv; sync: VectorEnv } {
  const registry = createDefaultRegistry();
  const native = registry.makeVec("CartPole-v1", numEnvs, opts);
  expect(native).toBeInstanceOf(CartPoleVectorEnv);
  const sync = new SyncVectorEnv(
    Array.from({ length: numEnvs }, () => registry.make("CartPole-v1", opts)),
  );
  return { native, sync };
}

interface Tally {
  steps: number;
  terminated: number;
  truncated: number;
  /** Steps whose observation was a reset observation after an episode end. */
  autoresets: number;
  /** Sub-envs whose last step ended an episode (autoreset still pending). */
  pendingAtEnd: number;
}

/**
 * Steps both envs with the same actions and returns where they first differ
 * (undefined when bit-identical throughout) plus counts of episode ends.
 */
function compare(
  native: VectorEnv,
  sync: VectorEnv,
  initialObs: Float32Array,
  steps: number,
  policy: (obs: Float32Array, i: number, rng: Rng) => number,
  actionSeed: number,
): { mismatch: string | undefined; tally: Tally } {
  const n = native.numEnvs;
  const rng = createRng(actionSeed);
  const tally: Tally = { steps: 0, terminated: 0, truncated: 0, autoresets: 0, pendingAtEnd: 0 };
  let obs = initialObs;
  const pending = new Uint8Array(n);
  for (let t = 0; t < steps; t++) {
    const actions = new BigInt64Array(n);
    for (let i = 0; i < n; i++) actions[i] = BigInt(policy(obs.subarray(4 * i, 4 * i + 4), i, rng));
    const a = native.step(actions) as VectorStepResult;
    const b = sync.step(actions) as VectorStepResult;
    if (!sameBits(a.observation, b.observation))
      return { mismatch: `observation at step ${t}`, tally };
    if (!sameBits(a.reward, b.reward)) return { mismatch: `reward at step ${t}`, tally };
    if (!sameBits(a.terminated, b.terminated))
      return { mismatch: `terminated at step ${t}`, tally };
    if (!sameBits(a.truncated, b.truncated)) return { mismatch: `truncated at step ${t}`, tally };
    for (let i = 0; i < n; i++) {
      if (pending[i]) {
        tally.autoresets += 1;
        if (a.reward[i] !== 0 || a.terminated[i] || a.truncated[i])
          return { mismatch: `autoreset at ${t}`, tally };
      }
      tally.terminated += a.terminated[i]!;
      tally.truncated += a.truncated[i]!;
      pending[i] = a.terminated[i]! | a.truncated[i]!;
    }
    tally.steps += 1;
    obs = Float32Array.from(b.observation as Float32Array);
  }
  tally.pendingAtEnd = pending.reduce((sum, v) => sum + v, 0);
  return { mismatch: undefined, tally };
}

/** Resets both with `seed`, checks the observations are bit-identical and returns a copy. */
function resetBoth(
  native: VectorEnv,
  sync: VectorEnv,
  seed: number | readonly number[],
): Float32Array {
  const a = native.reset({ seed }) as VectorResetResult;
  const b = sync.reset({ seed }) as VectorResetResult;
  expect(sameBits(a.observation, b.observation)).toBe(true);
  return Float32Array.from(b.observation as Float32Array);
}

const randomPolicy = (_obs: Float32Array, _i: number, rng: Rng) => rng.integers(0, 2);
/** Balances the pole, with 30% random pushes: most episodes reach the 500-step limit, some fall. */
const balancingPolicy = (obs: Float32Array, _i: number, rng: Rng) =>
  rng.random() < 0.3
    ? rng.integers(0, 2)
    : obs[2]! + 0.5 * obs[3]! + 0.01 * obs[0]! + 0.1 * obs[1]! > 0
      ? 1
      : 0;

describe("CartPoleVectorEnv matches SyncVectorEnv of CartPole-v1 bit for bit", () => {
  it("over 2,000 random steps of 8 envs with many terminations", () => {
    const { native, sync } = pair(8);
    const obs = resetBoth(native, sync, 123);
    const { mismatch, tally } = compare(native, sync, obs, 2000, randomPolicy, 99);
    expect(mismatch).toBeUndefined();
    expect(tally.steps).toBe(2000);
    expect(tally.terminated).toBeGreaterThan(200);
    expect(tally.autoresets).toBe(tally.terminated + tally.truncated - tally.pendingAtEnd);
  });

  it("with max_episode_steps 20, so that truncations happen too", () => {
    const { native, sync } = pair(8, { maxEpisodeSteps: 20 });
    const obs = resetBoth(native, sync, 7);
    const { mismatch, tally } = compare(native, sync, obs, 2000, randomPolicy, 5);
    expect(mismatch).toBeUndefined();
    expect(tally.truncated).toBeGreaterThan(50);
    expect(tally.terminated).toBeGreaterThan(50);
  });

  it("with the default 500-step limit reached by a balancing policy", () => {
    const { native, sync } = pair(8);
    const obs = resetBoth(native, sync, 2024);
    const { mismatch, tally } = compare(native, sync, obs, 2500, balancingPolicy, 3);
    expect(mismatch).toBeUndefined();
    expect(tally.truncated).toBeGreaterThanOrEqual(16);
    expect(tally.terminated).toBeGreaterThan(0);
  });

  it("with Sutton and Barto rewards", () => {
    const { native, sync } = pair(8, {
      config: { sutton_barto_reward: true },
      maxEpisodeSteps: 30,
    });
    const obs = resetBoth(native, sync, 11);
    const { mismatch, tally } = compare(native, sync, obs, 2000, randomPolicy, 12);
    expect(mismatch).toBeUndefined();
    expect(tally.terminated).toBeGreaterThan(50);
  });

  it("across a re-seeding reset in the middle of episodes, and with per-env seeds", () => {
    const { native, sync } = pair(8, { maxEpisodeSteps: 50 });
    let obs = resetBoth(native, sync, 1);
    expect(compare(native, sync, obs, 1013, randomPolicy, 2).mismatch).toBeUndefined();
    obs = resetBoth(native, sync, 555);
    expect(compare(native, sync, obs, 1000, randomPolicy, 3).mismatch).toBeUndefined();
    obs = resetBoth(native, sync, [9, 8, 7, 6, 5, 4, 3, 2]);
    expect(compare(native, sync, obs, 300, randomPolicy, 4).mismatch).toBeUndefined();
  });

  it("honours reset bounds given as options at reset", () => {
    const { native, sync } = pair(4);
    const a = native.reset({ seed: 3, options: { low: -0.2, high: 0.2 } }) as VectorResetResult;
    const b = sync.reset({ seed: 3, options: { low: -0.2, high: 0.2 } }) as VectorResetResult;
    expect(sameBits(a.observation, b.observation)).toBe(true);
    const obs = a.observation as Float32Array;
    expect(obs.every((v) => v >= Math.fround(-0.2) && v <= Math.fround(0.2))).toBe(true);
    expect(obs.some((v) => Math.abs(v) > 0.05)).toBe(true);
  });
});

describe("CartPoleVectorEnv API", () => {
  it("has CartPole's spaces, batched", () => {
    const v = new CartPoleVectorEnv(3, 500);
    expect(String(v.singleActionSpace)).toBe("Discrete(2)");
    expect(String(v.actionSpace)).toBe("MultiDiscrete([2 2 2])");
    expect(v.observationSpace.shape).toEqual([3, 4]);
    expect(String(v.singleObservationSpace)).toBe(String(new CartPoleEnv().observationSpace));
  });

  it("refuses step before reset", () => {
    const v = new CartPoleVectorEnv(2, 500);
    expect(() => v.step(new BigInt64Array(2))).toThrow(ResetNeededError);
  });

  it("rejects invalid actions naming the sub-env", () => {
    const v = new CartPoleVectorEnv(4, 500);
    v.reset({ seed: 0 });
    try {
      v.step(BigInt64Array.of(0n, 1n, 0n, 2n));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidActionError);
      expect((e as InvalidActionError).field).toBe("action[3]");
    }
    expect(() => v.step(Float32Array.of(0, 1, 0, 1))).toThrow(InvalidActionError);
    expect(() => v.step(BigInt64Array.of(0n, 1n))).toThrow(InvalidActionError);
    expect(Array.from((v.step(Int8Array.of(0, 1, 0, 1)) as VectorStepResult).reward)).toEqual([
      1, 1, 1, 1,
    ]);
  });

  it("validates seeds and reset options, naming the field", () => {
    const v = new CartPoleVectorEnv(3, 500);
    try {
      v.reset({ seed: [0, 1, -5] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe("seed[2]");
    }
    expect(() => v.reset({ seed: [1, 2] })).toThrow(TypeError);
    expect(() => v.reset({ options: { low: 0.3, high: 0.1 } })).toThrow(InvalidArgumentError);
  });

  it("is reproducible for a seed and observations stay in the observation space", () => {
    const run = (seed: number) => {
      const v = new CartPoleVectorEnv(4, 100);
      const out: number[] = Array.from(
        (v.reset({ seed }) as VectorResetResult).observation as Float32Array,
      );
      const rng = createRng(1);
      for (let t = 0; t < 200; t++) {
        const actions = BigInt64Array.from({ length: 4 }, () => BigInt(rng.integers(0, 2)));
        const r = v.step(actions) as VectorStepResult;
        expect(v.observationSpace.contains(r.observation)).toBe(true);
        out.push(...(r.observation as Float32Array));
      }
      return out;
    };
    const a = run(17);
    expect(run(17)).toEqual(a);
    expect(run(18)).not.toEqual(a);
  });
});

describe("CartPole dynamics against Gymnasium 1.x", () => {
  it("reproduces Gymnasium's CartPoleEnv trajectory from a fixed state", () => {
    // gymnasium.make("CartPole-v1").unwrapped with state [0.01, -0.02, 0.03, 0.04], actions below.
    const expected: [number[], number, boolean][] = [
      [
        [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081],
        1,
        false,
      ],
      [
        [0.013093583914951107, 0.3693479760579556, 0.025938625640799837, -0.5258796280501483],
        1,
        false,
      ],
      [
        [0.02048054343611022, 0.564095508524425, 0.01542103307979687, -0.8102775600304619],
        1,
        false,
      ],
      [
        [0.031762453606598726, 0.36876570811140524, -0.0007845181208123702, -0.512784092968297],
        1,
        false,
      ],
      [
        [0.03913776776882683, 0.5638987004208683, -0.01104019998017831, -0.8057141396626714],
        1,
        false,
      ],
      [
        [0.0504157417772442, 0.7591702378654873, -0.02715448277343174, -1.1018493482165872],
        1,
        false,
      ],
      [
        [0.06559914653455395, 0.9546387296001653, -0.049191469737763484, -1.402926430460298],
        1,
        false,
      ],
      [
        [0.08469192112655727, 1.1503359797644146, -0.07724999834696944, -1.7105736762271948],
        1,
        false,
      ],
      [
        [0.10769864072184557, 1.346255722307041, -0.11146147187151334, -2.0262657711149084],
        1,
        false,
      ],
      [
        [0.1346237551679864, 1.5423399267100026, -0.15198678729381151, -2.3512687675869337],
        1,
        false,
      ],
      [
        [0.16547055370218644, 1.738462620587618, -0.1990121626455502, -2.6865738012601295],
        1,
        false,
      ],
      [[0.2002398061139388, 1.934411392742084, -0.2527436386707528, -3.032819727602232], 1, true],
      // Stepping on after termination: reward 0 (Gymnasium warns).
      [[0.23892803396878048, 1.741400891574264, -0.3134000332227974, -2.8260199374266612], 0, true],
    ];
    const actions = [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const env = new CartPoleEnv();
    env.reset({ seed: 0 });
    env.state.set([0.01, -0.02, 0.03, 0.04]);
    actions.forEach((a, t) => {
      const r = env.step(a);
      const [state, reward, terminated] = expected[t]!;
      expect(Array.from(env.state)).toEqual(state);
      expect(Array.from(r.observation, Number)).toEqual(Array.from(Float32Array.from(state)));
      expect(r.reward).toBe(reward);
      expect(r.terminated).toBe(terminated);
      expect(r.truncated).toBe(false);
    });
  });

  it("gives Sutton and Barto rewards as Gymnasium does", () => {
    // Gymnasium: state [0, 0, 0.2, 0], action 0 five times.
    const env = new CartPoleEnv({ suttonBartoReward: true });
    env.reset({ seed: 0 });
    env.state.set([0, 0, 0.2, 0]);
    const out = Array.from({ length: 5 }, () => {
      const r = env.step(0);
      return [r.reward, r.terminated];
    });
    expect(out).toEqual([
      [0, false],
      [0, false],
      [-1, true],
      [-1, true],
      [-1, true],
    ]);
  });

  it("starts episodes uniformly in [-0.05, 0.05], reproducibly per seed", () => {
    const env = new CartPoleEnv();
    const a = Array.from(env.reset({ seed: 42 }).observation, Number);
    const b = Array.from(env.reset({ seed: 42 }).observation, Number);
    const c = Array.from(env.reset().observation, Number);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(() => env.reset({ seed: -1 })).toThrow(InvalidArgumentError);
  });
});
