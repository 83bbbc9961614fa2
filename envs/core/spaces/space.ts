import type { DtypeName, TypedArray } from "../dtype.js";
import type { Rng } from "../rng.js";

/**
 * A value of a space. Box, MultiDiscrete and MultiBinary values are flat
 * row-major typed arrays (the shape comes from the space), Discrete values
 * are numbers, Text values strings, Tuple values arrays and Dict values
 * plain objects (key order comes from the space).
 */
export type SpaceValue =
  | number
  | string
  | TypedArray
  | readonly SpaceValue[]
  | { readonly [key: string]: SpaceValue };

/** The kinds of space, as in gymnasium.spaces. */
export type SpaceKind =
  | "box"
  | "discrete"
  | "multi_discrete"
  | "multi_binary"
  | "dict"
  | "tuple"
  | "text";

/** Where a value breaks a space: the path of the element and what is wrong with it. */
export interface Violation {
  readonly path: string;
  readonly reason: string;
}

/** A Gymnasium space: membership, seeded sampling and its description. */
export interface Space<T extends SpaceValue = SpaceValue> {
  readonly kind: SpaceKind;
  /** Shape of a tensor space's values; undefined for Dict, Tuple and Text. */
  readonly shape: readonly number[] | undefined;
  /** Element dtype of a tensor space; undefined for Dict, Tuple and Text. */
  readonly dtype: DtypeName | undefined;
  /** The first way `x` breaks the space, naming the element under `path`, or undefined. */
  check(x: unknown, path: string): Violation | undefined;
  /** True when `x` is an element of the space. */
  contains(x: unknown): boolean;
  /** A random element drawn from `rng`. */
  sample(rng: Rng): T;
  /** The space of `n` stacked values (gymnasium.vector.utils.batch_space). */
  batch(n: number): Space;
  /** A short description, e.g. `Box(-1.0, 1.0, (3,), float32)`. */
  toString(): string;
}

/** Formats a shape as Python prints a tuple: (), (3,), (2, 3). */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** Formats a flat index into `shape` as [i, j, k] (a scalar has no index). */
export function formatIndex(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return "";
  const idx: number[] = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return `[${idx.join(", ")}]`;
}
