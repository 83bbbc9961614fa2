import type { TypedArray } from "./dtype.js";
import type { Space, SpaceValue } from "./spaces/space.js";

/** A value that may be computed synchronously or arrive later (e.g. from a remote controller). */
export type MaybePromise<T> = T | Promise<T>;

/** A value in an info dict. Numbers in vectorized infos are batched as float64, booleans as bool. */
export type InfoValue =
  | number
  | boolean
  | string
  | TypedArray
  | readonly InfoValue[]
  | { readonly [key: string]: InfoValue };

/** Gymnasium's info dict. */
export type Info = { [key: string]: InfoValue };

/** Gymnasium's env.metadata. */
export interface EnvMetadata {
  readonly renderModes: readonly string[];
  readonly renderFps: number;
}

/** Arguments of reset, as Gymnasium's reset(seed=None, options=None). */
export interface ResetArgs {
  readonly seed?: number | undefined;
  readonly options?: Readonly<Record<string, unknown>> | undefined;
}

/** What reset returns. */
export interface ResetResult<O extends SpaceValue = SpaceValue> {
  readonly observation: O;
  readonly info: Info;
}

/** What step returns. */
export interface StepResult<O extends SpaceValue = SpaceValue> {
  readonly observation: O;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Info;
}

/** A rendered frame: an (H, W, 3) uint8 image, or text for ansi. */
export type RenderFrame =
  | { readonly shape: readonly [number, number, number]; readonly data: Uint8Array }
  | string;

/**
 * Gymnasium's Env protocol. Results may be reused by the env after the next
 * call (copy what you keep); values passed in are not retained.
 */
export interface Env<O extends SpaceValue = SpaceValue, A extends SpaceValue = SpaceValue> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  readonly metadata: EnvMetadata;
  readonly renderMode: string | undefined;
  /** The innermost env, below every wrapper. */
  readonly unwrapped: Env;
  reset(args?: ResetArgs): MaybePromise<ResetResult<O>>;
  step(action: A): MaybePromise<StepResult<O>>;
  render(): RenderFrame | undefined;
  close(): void;
}

/** Applies `f` to a value that may be a promise, staying synchronous when it is not. */
export function mapMaybe<T, U>(x: MaybePromise<T>, f: (v: T) => U): MaybePromise<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}

/** Like mapMaybe for an `f` that may itself return a promise, flattening the result. */
export function chainMaybe<T, U>(
  x: MaybePromise<T>,
  f: (v: T) => MaybePromise<U>,
): MaybePromise<U> {
  return x instanceof Promise ? x.then(f) : f(x);
}
