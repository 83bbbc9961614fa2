import type { Rng } from "../rng.js";
import type { Space, SpaceValue, Violation } from "./space.js";
import { describe } from "./tensor-check.js";

/** A Dict space value: one entry per key of the space. */
export type DictSpaceValue = { readonly [key: string]: SpaceValue };

/** gymnasium.spaces.Dict with ordered keys. */
export class Dict implements Space<DictSpaceValue> {
  readonly kind = "dict";
  readonly shape = undefined;
  readonly dtype = undefined;
  readonly keys: readonly string[];

  /** Entries in order; Gymnasium sorts the keys of a plain dict, so pass them sorted for parity. */
  constructor(readonly spaces: ReadonlyMap<string, Space>) {
    this.keys = [...spaces.keys()];
  }

  /** Builds a Dict from [key, space] pairs in order. */
  static of(entries: Iterable<readonly [string, Space]>): Dict {
    return new Dict(new Map(entries));
  }

  check(x: unknown, path: string): Violation | undefined {
    if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) {
      return {
        path,
        reason: `expected a dict with keys ${this.keys.join(", ")}, got ${describe(x)}`,
      };
    }
    const obj = x as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!this.spaces.has(key))
        return { path: `${path}.${key}`, reason: "is not a key of the space" };
    }
    for (const [key, space] of this.spaces) {
      if (!(key in obj)) return { path: `${path}.${key}`, reason: "is missing" };
      const bad = space.check(obj[key], `${path}.${key}`);
      if (bad) return bad;
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): DictSpaceValue {
    const out: Record<string, SpaceValue> = {};
    for (const [key, space] of this.spaces) out[key] = space.sample(rng);
    return out;
  }

  batch(n: number): Dict {
    return Dict.of([...this.spaces].map(([k, s]) => [k, s.batch(n)] as const));
  }

  toString(): string {
    return `Dict(${[...this.spaces].map(([k, s]) => `'${k}': ${s}`).join(", ")})`;
  }
}
