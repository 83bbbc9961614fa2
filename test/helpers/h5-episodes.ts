import { BaseEnv } from "../../envs/core/base-env.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { Env, ResetArgs, ResetResult, StepResult } from "../../envs/core/env.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import { Recorder } from "../../recorders/recorder.js";
import { RecordingEnv } from "../../recorders/recording-env.js";
import type { DatasetWriter, RecordingContext, StepPolicyInfo } from "../../recorders/types.js";

/**
 * A small Dict-observation env: {"pos": Box(-inf, inf, (2,)), "target": Box(-1, 1, (2,)),
 * "mode": Discrete(3)}, a Box(-1, 1, (2,)) action moving pos; reward -distance; it
 * terminates (info success true) when within 0.2 of the target, truncates itself after 30
 * steps, and reports numeric infos (distance, success, a float32 vector) every step.
 */
export class ReachDictEnv extends BaseEnv<Record<string, SpaceValue>, TypedArray> {
  readonly observationSpace = Dict.of([
    ["pos", new Box(-Infinity, Infinity, [2], "float32")],
    ["target", new Box(-1, 1, [2], "float32")],
    ["mode", new Discrete(3)],
  ]);
  readonly actionSpace = new Box(-1, 1, [2], "float32");
  private pos = new Float32Array(2);
  private target = new Float32Array(2);
  private mode = 0;
  private count = 0;

  private obs(): Record<string, SpaceValue> {
    return {
      pos: Float32Array.from(this.pos),
      target: Float32Array.from(this.target),
      mode: this.mode,
    };
  }

  reset(args: ResetArgs = {}): ResetResult<Record<string, SpaceValue>> {
    this.seedRng(args.seed);
    this.pos = Float32Array.of(0, 0);
    this.target = Float32Array.from([this.npRandom.uniform(-1, 1), this.npRandom.uniform(-1, 1)]);
    this.mode = this.npRandom.integers(0, 3);
    this.count = 0;
    return {
      observation: this.obs(),
      info: { target_norm: Math.hypot(this.target[0]!, this.target[1]!) },
    };
  }

  step(action: TypedArray): StepResult<Record<string, SpaceValue>> {
    this.pos[0]! += 0.3 * Number(action[0]);
    this.pos[1]! += 0.3 * Number(action[1]);
    const d = Math.hypot(this.pos[0]! - this.target[0]!, this.pos[1]! - this.target[1]!);
    const success = d < 0.2;
    this.count++;
    return {
      observation: this.obs(),
      reward: -d,
      terminated: success,
      truncated: !success && this.count >= 30,
      info: { distance: d, success, delta: Float32Array.from(action as Float32Array) },
    };
  }
}

/** The context of a recording of `env`. */
export function contextOf(
  env: Env,
  envId: string,
  metadata: Record<string, unknown> = {},
): RecordingContext {
  return {
    envId,
    config: {},
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    policyId: "test-policy",
    metadata,
  };
}

/** What the test saw of one recorded episode. */
export interface SeenEpisode {
  readonly seed: number;
  readonly observations: SpaceValue[];
  readonly actions: SpaceValue[];
  readonly rewards: number[];
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/** A deterministic pseudo-random sequence in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const copy = (v: SpaceValue): SpaceValue =>
  ArrayBuffer.isView(v)
    ? (v as TypedArray).slice()
    : v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x as SpaceValue)]))
      : v;

/**
 * Records `episodes` episodes of `env` (wrapped in RecordingEnv) into `writer`
 * through a Recorder; with `cut`, the last one is stopped after 3 steps by
 * detaching (recorded as neither terminated nor truncated by the env).
 * Returns what was seen and the Recorder's stats.
 */
export async function recordEpisodes(
  env: Env,
  writer: DatasetWriter,
  ctx: RecordingContext,
  episodes: number,
  policy: (rand: () => number) => SpaceValue,
  cut = false,
  stepPolicy?: (episode: number, step: number) => StepPolicyInfo | undefined,
) {
  const rec = new RecordingEnv(env);
  const recorder = new Recorder(writer, ctx);
  rec.attach(recorder);
  const seen: SeenEpisode[] = [];
  const rand = lcg(7);
  for (let k = 0; k < episodes; k++) {
    const seed = 100 + k;
    const r0 = await rec.reset({ seed });
    const ep = {
      seed,
      observations: [copy(r0.observation)],
      actions: [] as SpaceValue[],
      rewards: [] as number[],
    };
    let terminated = false;
    let truncated = false;
    for (let t = 0; ; t++) {
      if (cut && k === episodes - 1 && t === 3) {
        rec.detach("recording_stopped");
        break;
      }
      const action = policy(rand);
      rec.setStepPolicy(stepPolicy?.(k, t));
      const r = await rec.step(action);
      ep.actions.push(copy(action));
      ep.observations.push(copy(r.observation));
      ep.rewards.push(r.reward);
      if (r.terminated || r.truncated) {
        terminated = r.terminated;
        truncated = r.truncated;
        break;
      }
    }
    seen.push({ ...ep, terminated, truncated });
  }
  rec.detach("recording_stopped");
  const stats = await recorder.close();
  return { seen, stats };
}
