import type { Rng } from "../rng.js";
import type { Space, SpaceValue, Violation } from "./space.js";
import { describe } from "./tensor-check.js";

/** gymnasium.spaces.Tuple. */
export class Tuple implements Space<readonly SpaceValue[]> {
  readonly kind = "tuple";
  readonly shape = undefined;
  readonly dtype = undefined;

  constructor(readonly spaces: readonly Space[]) {}

  check(x: unknown, path: string): Violation | undefined {
    if (!Array.isArray(x) || x.length !== this.spaces.length) {
      return {
        path,
        reason: `expected a tuple of ${this.spaces.length} values, got ${describe(x)}`,
      };
    }
    for (let i = 0; i < this.spaces.length; i++) {
      const bad = this.spaces[i]!.check(x[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }

  contains(x: unknown): boolean {
    return this.check(x, "x") === undefined;
  }

  sample(rng: Rng): SpaceValue[] {
    return this.spaces.map((s) => s.sample(rng));
  }

  batch(n: number): Tuple {
    return new Tuple(this.spaces.map((s) => s.batch(n)));
  }

  toString(): string {
    return `Tuple(${this.spaces.map(String).join(", ")})`;
  }
}
