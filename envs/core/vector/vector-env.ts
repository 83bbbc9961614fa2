import type { Info, MaybePromise, RenderFrame } from "../env.js";
import type { Space, SpaceValue } from "../spaces/space.js";

/** Arguments of a vectorized reset: sub-env i gets seed + i (or seeds[i]). */
export interface VectorResetArgs {
  readonly seed?: number | readonly (number | undefined)[] | undefined;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** A batched reset result; info uses Gymnasium's vector layout. */
export interface VectorResetResult {
  readonly observation: SpaceValue;
  readonly info: Info;
}

/** A batched step result. Buffers may be reused by the next call: copy what you keep. */
export interface VectorStepResult {
  readonly observation: SpaceValue;
  readonly reward: Float64Array;
  /** 0 or 1 per sub-env. */
  readonly terminated: Uint8Array;
  /** 0 or 1 per sub-env. */
  readonly truncated: Uint8Array;
  readonly info: Info;
}

/**
 * Gymnasium's VectorEnv with NEXT_STEP autoreset: the step after a sub-env's
 * episode ends resets it (its action is ignored, reward 0, not done).
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  /** The batched observation space. */
  readonly observationSpace: Space;
  /** The batched action space. */
  readonly actionSpace: Space;
  readonly renderMode: string | undefined;
  reset(args?: VectorResetArgs): MaybePromise<VectorResetResult>;
  step(actions: SpaceValue): MaybePromise<VectorStepResult>;
  /** One frame per sub-env. */
  render(): readonly (RenderFrame | undefined)[] | undefined;
  close(): void;
}

/** Expands a vector reset seed into one seed (or undefined) per sub-env, as Gymnasium does. */
export function subEnvSeeds(seed: VectorResetArgs["seed"], n: number): (number | undefined)[] {
  if (seed === undefined) return new Array(n).fill(undefined);
  if (typeof seed === "number") return Array.from({ length: n }, (_, i) => seed + i);
  if (seed.length !== n) throw new TypeError(`expected ${n} seeds, got ${seed.length}`);
  return [...seed];
}
