import { randomInt } from "node:crypto";
import seedrandom from "seedrandom";
import { InvalidArgumentError } from "./errors.js";

/** A seeded pseudo-random generator (seedrandom's Alea): the same seed gives the same stream everywhere. */
export interface Rng {
  /** The seed this stream started from. */
  readonly seed: number;
  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number;
  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [low, high) (high exclusive, as numpy's integers). */
  integers(low: number, high: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/** Largest seed accepted: seeds must be exact doubles. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A fresh seed from the OS, as Gymnasium seeds an unseeded first reset. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 47);
}

/**
 * seedrandom's Alea stepped by a plain class: the same numbers as
 * `seedrandom.alea(seed).double()` (seedrandom only seeds it), several times
 * faster than its closures, which matters to envs drawing per event.
 */
class Alea {
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  constructor(seed: string) {
    const st = seedrandom.alea(seed, { state: true }).state();
    this.c = st.c;
    this.s0 = st.s0;
    this.s1 = st.s1;
    this.s2 = st.s2;
  }

  private next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** 53 random bits, as seedrandom's prng.double. */
  double(): number {
    return this.next() + ((this.next() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }
}

/** A generator seeded with `seed` (a non-negative safe integer). */
export function createRng(seed: number): Rng {
  const prng = new Alea(String(seed));
  const random = (): number => prng.double();
  return {
    seed,
    random,
    uniform: (low, high) => low + (high - low) * random(),
    integers: (low, high) => low + Math.floor(random() * (high - low)),
    normal: () => {
      const u = 1 - random();
      const v = random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Throws InvalidArgumentError unless `seed` is a non-negative safe integer. */
export function validateSeed(seed: number, field = "seed"): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(field, `must be an integer in [0, ${MAX_SEED}], got ${seed}`);
  }
  return seed;
}
