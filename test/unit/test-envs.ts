import { BaseEnv } from "../../envs/core/base-env.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { EnvMetadata, Info, ResetArgs, ResetResult, StepResult } from "../../envs/core/env.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import { Wrapper } from "../../envs/core/wrappers/wrapper.js";

/** Options of CounterEnv. */
export interface CounterOptions {
  /** Steps until terminated (Infinity: never). */
  readonly length?: number;
  /** Steps until the env itself reports truncated (Infinity: never). */
  readonly truncateAt?: number;
  readonly renderModes?: readonly string[];
  readonly renderMode?: string | undefined;
}

/**
 * A tiny env for wrapper and vector tests: the observation is [count, draw]
 * where draw comes from the seeded RNG at reset; reward = action; it
 * terminates after `length` steps. Its info carries the reset seed, the count
 * and, on even counts only, `even: true`. Every call is recorded.
 */
export class CounterEnv extends BaseEnv<TypedArray, number> {
  readonly observationSpace = new Box(0, 1000, [2], "float32");
  readonly actionSpace = new Discrete(3);
  override readonly metadata: EnvMetadata;
  readonly calls: string[] = [];
  closeCount = 0;
  count = 0;
  private readonly length: number;
  private readonly truncateAt: number;
  private draw = 0;

  constructor(opts: CounterOptions = {}) {
    super();
    this.length = opts.length ?? Infinity;
    this.truncateAt = opts.truncateAt ?? Infinity;
    this.metadata = { renderModes: opts.renderModes ?? [], renderFps: 30 };
    this.renderMode = opts.renderMode;
  }

  reset(args: ResetArgs = {}): ResetResult<TypedArray> {
    this.calls.push(`reset(${args.seed ?? ""})`);
    this.seedRng(args.seed);
    this.count = 0;
    this.draw = this.npRandom.integers(0, 1000);
    return { observation: Float32Array.of(0, this.draw), info: { seed: args.seed ?? -1 } };
  }

  step(action: number): StepResult<TypedArray> {
    this.calls.push(`step(${action})`);
    this.count += 1;
    const info: Info = { count: this.count };
    if (this.count % 2 === 0) info.even = true;
    return {
      observation: Float32Array.of(this.count, this.draw),
      reward: action,
      terminated: this.count >= this.length,
      truncated: this.count >= this.truncateAt,
      info,
    };
  }

  override render(): string {
    return `count=${this.count}`;
  }

  override close(): void {
    this.closeCount += 1;
  }
}

/** Wraps an env so that reset and step answer with promises, as a remote backend would. */
export class AsyncEnv<O extends SpaceValue, A extends SpaceValue> extends Wrapper<O, A> {
  override reset(args?: ResetArgs): Promise<ResetResult<O>> {
    return new Promise((resolve) => setTimeout(() => resolve(this.env.reset(args)), 0));
  }

  override step(action: A): Promise<StepResult<O>> {
    return new Promise((resolve) => setTimeout(() => resolve(this.env.step(action)), 0));
  }
}
