import { asNumbers, type TypedArray } from "../core/dtype.js";
import type { Info } from "../core/env.js";
import { ResetNeededError } from "../core/errors.js";
import { createRng, type Rng, randomSeed, validateSeed } from "../core/rng.js";
import { Box } from "../core/spaces/box.js";
import { Discrete } from "../core/spaces/discrete.js";
import type { Space } from "../core/spaces/space.js";
import {
  subEnvSeeds,
  type VectorEnv,
  type VectorResetArgs,
  type VectorResetResult,
  type VectorStepResult,
} from "../core/vector/vector-env.js";
import { checkAction } from "../core/wrappers/action-checker.js";
import { CARTPOLE_HIGH } from "./cartpole.js";
import { cartPoleReward, cartPoleStep } from "./cartpole-dynamics.js";
import { parseResetBounds } from "./reset-bounds.js";

const EMPTY_INFO: Info = Object.freeze({}) as Info;

/**
 * CartPole-v1 batched over n sub-envs in flat float64 arrays: the same
 * trajectories as n CartPoleEnvs seeded seed + i under SyncVectorEnv
 * (NEXT_STEP autoreset, per-env TimeLimit), without per-env objects or
 * allocations per step. Result buffers are reused by the next call.
 */
export class CartPoleVectorEnv implements VectorEnv {
  readonly singleObservationSpace = new Box(
    CARTPOLE_HIGH.map((h) => -h),
    CARTPOLE_HIGH,
    [4],
    "float32",
  );
  readonly singleActionSpace = new Discrete(2);
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly renderMode = undefined;
  private readonly state: Float64Array;
  private readonly rngs: (Rng | undefined)[];
  private readonly elapsed: Int32Array;
  private readonly beyond: Int32Array;
  private readonly autoreset: Uint8Array;
  private readonly obs: Float32Array;
  private readonly reward: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private hasReset = false;

  constructor(
    readonly numEnvs: number,
    private readonly maxEpisodeSteps: number | undefined,
    private readonly suttonBarto = false,
  ) {
    const n = numEnvs;
    this.observationSpace = this.singleObservationSpace.batch(n);
    this.actionSpace = this.singleActionSpace.batch(n);
    this.state = new Float64Array(4 * n);
    this.rngs = new Array(n).fill(undefined);
    this.elapsed = new Int32Array(n);
    this.beyond = new Int32Array(n).fill(-1);
    this.autoreset = new Uint8Array(n);
    this.obs = new Float32Array(4 * n);
    this.reward = new Float64Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
  }

  reset(args: VectorResetArgs = {}): VectorResetResult {
    const seeds = subEnvSeeds(args.seed, this.numEnvs);
    const { low, high } = parseResetBounds(args.options, -0.05, 0.05);
    for (let i = 0; i < this.numEnvs; i++) {
      const seed = seeds[i];
      if (seed !== undefined) this.rngs[i] = createRng(validateSeed(seed, `seed[${i}]`));
      this.resetOne(i, low, high);
    }
    this.autoreset.fill(0);
    this.hasReset = true;
    return { observation: this.obs, info: EMPTY_INFO };
  }

  step(actions: TypedArray): VectorStepResult {
    if (!this.hasReset) throw new ResetNeededError("step");
    checkAction(this.actionSpace, actions);
    const a = asNumbers(actions);
    const { state, obs, reward, terminated, truncated, elapsed, beyond, autoreset } = this;
    const limit = this.maxEpisodeSteps ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.numEnvs; i++) {
      const o = 4 * i;
      if (autoreset[i]) {
        // SyncVectorEnv autoresets without options, so the default bounds apply.
        this.resetOne(i, -0.05, 0.05);
        reward[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        autoreset[i] = 0;
        continue;
      }
      const done = cartPoleStep(state, o, a[i]!);
      reward[i] = cartPoleReward(done, beyond[i]!, this.suttonBarto);
      if (done) beyond[i]! += 1;
      elapsed[i]! += 1;
      terminated[i] = done ? 1 : 0;
      truncated[i] = elapsed[i]! >= limit ? 1 : 0;
      autoreset[i] = terminated[i]! | truncated[i]!;
      obs[o] = state[o]!;
      obs[o + 1] = state[o + 1]!;
      obs[o + 2] = state[o + 2]!;
      obs[o + 3] = state[o + 3]!;
    }
    return { observation: obs, reward, terminated, truncated, info: EMPTY_INFO };
  }

  render(): undefined {
    return undefined;
  }

  close(): void {}

  private resetOne(i: number, low: number, high: number): void {
    this.rngs[i] ??= createRng(randomSeed());
    const rng = this.rngs[i]!;
    const o = 4 * i;
    for (let k = 0; k < 4; k++) {
      this.state[o + k] = rng.uniform(low, high);
      this.obs[o + k] = this.state[o + k]!;
    }
    this.elapsed[i] = 0;
    this.beyond[i] = -1;
  }
}
