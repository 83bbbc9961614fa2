import { describe, expect, it } from "vitest";
import { BaseEnv } from "../../envs/core/base-env.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { ResetArgs, ResetResult, StepResult } from "../../envs/core/env.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict, type DictSpaceValue } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { batchItem } from "../../envs/core/vector/batching.js";
import { SyncVectorEnv } from "../../envs/core/vector/sync-vector-env.js";
import { cloneValue } from "../../recorders/clone-value.js";
import { RecordingVectorEnv } from "../../recorders/recording-vector-env.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { createMemoryRecorder } from "../helpers/memory-recorder.js";

type Obs = { pos: Float64Array; n: number; t: [string, Uint8Array] };

/** Every kind of leaf the step log stores: float64, int64 (Discrete), text, uint8; episodes of seeded random length. */
class MixedEnv extends BaseEnv<DictSpaceValue, number> {
  readonly observationSpace = new Dict(
    new Map<string, Space>([
      ["pos", new Box(-1e6, 1e6, [3], "float64")],
      ["n", new Discrete(1000)],
      ["t", new Tuple([new Text(4), new MultiBinary(2)])],
    ]),
  );
  readonly actionSpace = new Discrete(4);
  private count = 0;
  private length = 1;

  constructor(private readonly maxLength: number) {
    super();
  }

  private obs(): DictSpaceValue {
    const c = this.count;
    const o: Obs = {
      pos: Float64Array.of(c, this.length, this.npRandom.random()),
      n: c % 1000,
      t: [`s${c % 100}`, Uint8Array.of(c & 1, (c >> 1) & 1)],
    };
    return o as unknown as DictSpaceValue;
  }

  reset(args: ResetArgs = {}): ResetResult<DictSpaceValue> {
    this.seedRng(args.seed);
    this.count = 0;
    this.length = 1 + this.npRandom.integers(0, this.maxLength);
    return { observation: this.obs(), info: {} };
  }

  step(action: number): StepResult<DictSpaceValue> {
    this.count++;
    return {
      observation: this.obs(),
      reward: action + this.count / 10,
      terminated: this.count >= this.length && this.count % 2 === 0,
      truncated: this.count >= this.length && this.count % 2 === 1,
      info: this.count % 3 === 0 ? { third: this.count } : {},
    };
  }
}

const plain = (v: unknown): unknown =>
  ArrayBuffer.isView(v)
    ? Array.from(v as unknown as ArrayLike<number | bigint>, Number)
    : Array.isArray(v)
      ? v.map(plain)
      : typeof v === "object" && v !== null
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;

interface Ref {
  obs: unknown[];
  acts: number[];
  rewards: number[];
  infos: unknown[];
}

async function record(numEnvs: number, maxLength: number, steps: number, logBytes?: number) {
  const env = new RecordingVectorEnv(
    new SyncVectorEnv(Array.from({ length: numEnvs }, () => new MixedEnv(maxLength))),
    logBytes,
  );
  const { recorder, episodes } = createMemoryRecorder(
    "Mixed-v0",
    env.singleObservationSpace,
    env.singleActionSpace,
  );
  env.attach(recorder);
  const space = env.singleObservationSpace;
  const item = (batch: SpaceValue, i: number) => plain(cloneValue(batchItem(space, batch, i)));
  const r0 = await env.reset({ seed: 7 });
  const open: Ref[] = Array.from({ length: numEnvs }, (_, i) => ({
    obs: [item(r0.observation, i)],
    acts: [],
    rewards: [],
    infos: [],
  }));
  const finished: Ref[][] = Array.from({ length: numEnvs }, () => []);
  const done = new Uint8Array(numEnvs);
  for (let k = 0; k < steps; k++) {
    const actions = BigInt64Array.from({ length: numEnvs }, (_, i) => BigInt((k + i) % 4));
    const r = await env.step(actions);
    for (let i = 0; i < numEnvs; i++) {
      if (done[i]) {
        open[i] = { obs: [item(r.observation, i)], acts: [], rewards: [], infos: [] };
        done[i] = 0;
        continue;
      }
      const ref = open[i]!;
      ref.obs.push(item(r.observation, i));
      ref.acts.push((k + i) % 4);
      ref.rewards.push(r.reward[i]!);
      const third = r.info._third as Uint8Array | undefined;
      ref.infos.push(third?.[i] ? { third: Number((r.info.third as Float64Array)[i]) } : {});
      if (r.terminated[i] || r.truncated[i]) {
        finished[i]!.push(ref);
        done[i] = 1;
      }
    }
  }
  env.detach("recording_stopped");
  await recorder.close();
  return { episodes, finished, open, space };
}

function expectSame(e: RecordedEpisode, ref: Ref, space: Space) {
  const t = ref.acts.length;
  expect(e.meta.length).toBe(t);
  expect(
    Array.from({ length: t + 1 }, (_, r) => plain(batchItem(space, e.observations, r))),
  ).toEqual(ref.obs);
  expect(plain(e.actions)).toEqual(ref.acts);
  expect(Array.from(e.rewards)).toEqual(ref.rewards);
  expect(e.infos.map(plain)).toEqual(ref.infos);
  let acc = 0;
  const rtg = ref.rewards.map((_, j) => ref.rewards.slice(j).reduce((a, b) => a + b, 0));
  for (let j = 0; j < t; j++) expect(e.returnsToGo[j]).toBeCloseTo(rtg[j]!, 9);
  acc = rtg[0] ?? 0;
  expect(e.meta.totalReturn).toBeCloseTo(acc, 9);
  expect(e.meta.trajectoryHash).toMatch(/^[0-9a-f]{64}$/);
}

describe("RecordingVectorEnv (step log)", () => {
  it("records every sub-env's episodes exactly: Dict, Tuple, Text, int64 leaves, infos, autoresets", async () => {
    const { episodes, finished, open, space } = await record(5, 12, 200);
    for (let i = 0; i < 5; i++) {
      const mine = episodes.filter((e) => e.meta.subEnv === i);
      const ended = mine.filter((e) => e.meta.terminationReason !== "recording_stopped");
      expect(ended.length).toBe(finished[i]!.length);
      expect(ended.length).toBeGreaterThan(10);
      ended.forEach((e, j) => {
        expectSame(e, finished[i]![j]!, space);
        expect(e.meta.terminationReason).toBe(e.terminations.at(-1) ? "terminated" : "truncated");
      });
      // The episode in progress when recording stopped is written cut short.
      const cut = mine.filter((e) => e.meta.terminationReason === "recording_stopped");
      if (open[i]!.acts.length > 0) expectSame(cut[0]!, open[i]!, space);
    }
    // Ids follow the order episodes started in.
    const ids = episodes.map((e) => e.meta.episodeId).sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, j) => j));
  });

  it("keeps only `success` of the infos for a writer that stores none, and the success rate still counts", async () => {
    /** Episodes of 3 steps; the last step's info says success on odd episodes, beside a big array. */
    class SuccessEnv extends BaseEnv<TypedArray, number> {
      readonly observationSpace = new Box(-1, 1, [1], "float64");
      readonly actionSpace = new Discrete(2);
      private t = 0;
      private episode = 0;
      reset(args: ResetArgs = {}): ResetResult<TypedArray> {
        this.seedRng(args.seed);
        this.t = 0;
        this.episode++;
        return { observation: Float64Array.of(0), info: { level: this.episode } };
      }
      step(): StepResult<TypedArray> {
        this.t++;
        const end = this.t === 3;
        return {
          observation: Float64Array.of(this.t / 3),
          reward: 1,
          terminated: end,
          truncated: false,
          info: end
            ? { success: this.episode % 2 === 1, big: new Float64Array(64) }
            : { big: new Float64Array(64) },
        };
      }
    }
    for (const storesInfos of [false, true]) {
      const vec = new SyncVectorEnv([new SuccessEnv(), new SuccessEnv()]);
      const env = new RecordingVectorEnv(vec);
      const { recorder, episodes } = createMemoryRecorder(
        "Success-v0",
        vec.singleObservationSpace,
        vec.singleActionSpace,
        { storesInfos },
      );
      env.attach(recorder);
      await env.reset({ seed: 1 });
      // 4 episodes per sub-env: 3 steps each, then the autoreset step.
      for (let k = 0; k < 16; k++) await env.step(Int32Array.of(0, 1));
      env.detach("recording_stopped");
      const ended = episodes.filter((e) => e.meta.terminationReason === "terminated");
      expect(ended).toHaveLength(8);
      // Each sub-env's first episode succeeds, then every other one.
      expect(ended.filter((e) => e.meta.success === true)).toHaveLength(4);
      expect(ended.filter((e) => e.meta.success === false)).toHaveLength(4);
      const keys = new Set(ended.flatMap((e) => e.infos.flatMap((i) => Object.keys(i))));
      expect([...keys].sort()).toEqual(storesInfos ? ["big", "success"] : ["success"]);
      // Reset infos are episode metadata: kept only for writers that store infos.
      expect(ended.every((e) => "level" in e.meta.resetInfo === storesInfos)).toBe(true);
    }
  });

  it("gathers episodes longer than the log may hold in pieces, without changing them", async () => {
    // 1 byte of budget: the log keeps 128 entries, so 400-step episodes are spilled several times.
    const { episodes, finished, space } = await record(3, 400, 1200, 1);
    let long = 0;
    for (let i = 0; i < 3; i++) {
      const ended = episodes.filter(
        (e) => e.meta.subEnv === i && e.meta.terminationReason !== "recording_stopped",
      );
      expect(ended.length).toBe(finished[i]!.length);
      ended.forEach((e, j) => {
        expectSame(e, finished[i]![j]!, space);
        if (e.meta.length > 200) long++;
      });
    }
    expect(long).toBeGreaterThan(0);
  });
});
