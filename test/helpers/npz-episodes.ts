import { expect } from "vitest";
import type { Env, StepResult } from "../../envs/core/env.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { bytesOf, type NpzDump } from "./npz-python.js";

/** Stats handed to a writer's close by tests that do not look at them. */
export const NO_STATS = {
  totalEpisodes: 0,
  totalSteps: 0,
  meanEpisodeLength: 0,
  meanReward: 0,
  successRate: undefined,
} as const;

/** A deterministic CartPole action for step `t` of episode `k` (varied episode lengths). */
export function cartPoleAction(k: number, t: number): number {
  return (k * 7 + t * 3 + ((t * t) % 5)) % 4 < 2 ? 1 : 0;
}

/** The arrays an .npz writer should produce, built from what was stepped. */
export class ExpectedNpz {
  private readonly states: number[] = [];
  private readonly next: number[] = [];
  private readonly actions: number[] = [];
  private readonly rewards: number[] = [];
  private readonly terminals: number[] = [];
  private readonly timeouts: number[] = [];
  private readonly ids: bigint[] = [];
  private readonly rtg: number[] = [];
  private readonly behavior: number[] = [];
  private episode: { obs: number[][]; rewards: number[]; probs: number[] } | undefined;
  rows = 0;

  constructor(
    readonly obsDim: number,
    readonly actDim: number,
  ) {}

  /** Starts an episode at `observation`. */
  begin(observation: SpaceValue): void {
    this.episode = { obs: [Array.from(observation as Float32Array)], rewards: [], probs: [] };
  }

  /** Records a step: the action (flattened), what followed and the behavior probability if any. */
  step(action: number[], r: StepResult, behaviorProb = Number.NaN): void {
    const ep = this.episode!;
    const before = ep.obs[ep.obs.length - 1]!;
    ep.obs.push(Array.from(r.observation as Float32Array));
    this.states.push(...before);
    this.next.push(...ep.obs[ep.obs.length - 1]!);
    this.actions.push(...action);
    this.rewards.push(r.reward);
    this.terminals.push(r.terminated ? 1 : 0);
    this.timeouts.push(r.truncated ? 1 : 0);
    ep.rewards.push(r.reward);
    this.behavior.push(behaviorProb);
    this.rows++;
  }

  /** Ends the episode as id `id`; `cutShort` marks its last step as a timeout. */
  end(id: number, cutShort = false): void {
    const ep = this.episode!;
    const n = ep.rewards.length;
    const rtg = new Float64Array(n);
    for (let i = n - 1, acc = 0; i >= 0; i--) rtg[i] = acc += ep.rewards[i]!;
    this.rtg.push(...rtg);
    for (let i = 0; i < n; i++) this.ids.push(BigInt(id));
    if (cutShort && n > 0 && !this.terminals[this.rows - 1]) this.timeouts[this.rows - 1] = 1;
    this.episode = undefined;
  }

  /** The expected bytes of each array (behavior_probs only if `withBehavior`). */
  arrays(withBehavior: boolean): Record<string, { dtype: string; shape: number[]; bytes: Buffer }> {
    const n = this.rows;
    const b = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const out: Record<string, { dtype: string; shape: number[]; bytes: Buffer }> = {
      states: {
        dtype: "float32",
        shape: [n, this.obsDim],
        bytes: b(Float32Array.from(this.states)),
      },
      actions: {
        dtype: "float32",
        shape: [n, this.actDim],
        bytes: b(Float32Array.from(this.actions)),
      },
      rewards: { dtype: "float32", shape: [n], bytes: b(Float32Array.from(this.rewards)) },
      next_states: {
        dtype: "float32",
        shape: [n, this.obsDim],
        bytes: b(Float32Array.from(this.next)),
      },
      terminals: { dtype: "bool", shape: [n], bytes: b(Uint8Array.from(this.terminals)) },
      timeouts: { dtype: "bool", shape: [n], bytes: b(Uint8Array.from(this.timeouts)) },
      episode_ids: { dtype: "int64", shape: [n], bytes: b(BigInt64Array.from(this.ids)) },
      returns_to_go: { dtype: "float32", shape: [n], bytes: b(Float32Array.from(this.rtg)) },
    };
    if (withBehavior) {
      out.behavior_probs = {
        dtype: "float64",
        shape: [n],
        bytes: b(Float64Array.from(this.behavior)),
      };
    }
    return out;
  }
}

/** Plays CartPole episodes 0..count-1 as the kill-test child does (reset seed k, cartPoleAction). */
export async function replayCartPole(env: Env, count: number): Promise<ExpectedNpz> {
  const expected = new ExpectedNpz(4, 1);
  for (let k = 0; k < count; k++) {
    expected.begin((await env.reset({ seed: k })).observation);
    for (let t = 0; ; t++) {
      const a = cartPoleAction(k, t);
      const r = await env.step(a);
      expected.step([a], r);
      if (r.terminated || r.truncated) break;
    }
    expected.end(k);
  }
  return expected;
}

/** A synthetic episode of `t` steps whose values are plain functions of (id, step). */
export function syntheticEpisode(
  id: number,
  t: number,
  observations: SpaceValue,
  actions: SpaceValue,
  reason: RecordedEpisode["meta"]["terminationReason"] = "terminated",
): RecordedEpisode {
  const rewards = Float64Array.from({ length: t }, (_, i) => id + i / 4);
  const returnsToGo = new Float64Array(t);
  for (let i = t - 1, acc = 0; i >= 0; i--) returnsToGo[i] = acc += rewards[i]!;
  const terminations = new Uint8Array(t);
  if (reason === "terminated") terminations[t - 1] = 1;
  return {
    meta: {
      episodeId: id,
      seed: undefined,
      envId: "synthetic",
      config: {},
      policyId: "test",
      subEnv: 0,
      length: t,
      totalReturn: returnsToGo[0] ?? 0,
      terminationReason: reason,
      success: undefined,
      trajectoryHash: "",
      schemaVersion: "1.0.0",
      startedAt: "",
      endedAt: "",
      resetInfo: {},
    },
    observations,
    actions,
    rewards,
    terminations,
    truncations: new Uint8Array(t),
    returnsToGo,
    infos: [],
    policy: {
      behaviorProb: new Float64Array(t).fill(Number.NaN),
      epsilon: new Float64Array(t).fill(Number.NaN),
      wasExploratory: new Uint8Array(t).fill(255),
      greedyActions: undefined,
      policyIds: [],
      meta: [],
    },
  };
}

/** A synthetic episode with a Box(3) observation and a Box(1) action. */
export const boxEpisode = (id: number, t: number, obsDim = 3): RecordedEpisode =>
  syntheticEpisode(
    id,
    t,
    Float32Array.from({ length: (t + 1) * obsDim }, (_, i) => id * 1000 + i),
    Float32Array.from({ length: t }, (_, i) => -i),
  );

/** Asserts numpy read exactly the expected arrays (names, dtypes, shapes, bytes) from an intact, deflated zip. */
export function expectArrays(dump: NpzDump, expected: ExpectedNpz, withBehavior: boolean): void {
  const want = expected.arrays(withBehavior);
  expect(Object.keys(dump.arrays).sort()).toEqual(Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    const got = dump.arrays[name]!;
    expect({ name, dtype: got.dtype, shape: got.shape }).toEqual({
      name,
      dtype: w.dtype,
      shape: w.shape,
    });
    expect(bytesOf(got).equals(w.bytes), `${name} bytes`).toBe(true);
  }
  expect(dump.testzip).toBeNull();
  expect(dump.methods).toEqual([8]);
}
