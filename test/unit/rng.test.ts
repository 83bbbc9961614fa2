import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import { createRng, MAX_SEED, randomSeed, validateSeed } from "../../envs/core/rng.js";

const stream = (seed: number, n = 20) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.random());
};

describe("createRng", () => {
  it("gives the same stream for the same seed and different ones otherwise", () => {
    expect(stream(1)).toEqual(stream(1));
    expect(stream(1)).not.toEqual(stream(2));
    expect(createRng(5).seed).toBe(5);
  });

  it("pins the stream of seed 0 (changing the generator would change every seeded episode)", () => {
    const rng = createRng(0);
    expect([rng.random(), rng.random(), rng.random()]).toEqual([
      0.5945264335737063, 0.12979769093792703, 0.479257016189522,
    ]);
    expect(rng.integers(0, 1000)).toBe(681);
    expect(rng.uniform(-0.05, 0.05)).toBe(-0.03797990881699044);
  });

  it("gives exactly seedrandom's alea(seed).double() stream", () => {
    for (const seed of [0, 1, 42, 123456789, MAX_SEED]) {
      const ref = seedrandom.alea(String(seed));
      const rng = createRng(seed);
      for (let i = 0; i < 100_000; i++) {
        const a = rng.random();
        const b = ref.double();
        if (a !== b) expect([seed, i, a]).toEqual([seed, i, b]);
      }
    }
  });

  it("draws uniform doubles in [low, high)", () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 5000 }, () => rng.uniform(-2, 3));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThan(3);
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
  });

  it("draws integers in [low, high), high exclusive as numpy's integers", () => {
    const rng = createRng(4);
    const xs = Array.from({ length: 2000 }, () => rng.integers(-1, 3));
    expect(new Set(xs)).toEqual(new Set([-1, 0, 1, 2]));
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  it("draws standard normals", () => {
    const rng = createRng(6);
    const xs = Array.from({ length: 10000 }, () => rng.normal());
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const variance = xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });
});

describe("validateSeed", () => {
  it("accepts non-negative safe integers", () => {
    expect(validateSeed(0)).toBe(0);
    expect(validateSeed(MAX_SEED)).toBe(MAX_SEED);
    expect(MAX_SEED).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("rejects negatives, fractions, NaN and unsafe integers, naming the field", () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Infinity]) {
      try {
        validateSeed(bad, "seed[3]");
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).field).toBe("seed[3]");
        expect((e as InvalidArgumentError).reason).toBe(
          `must be an integer in [0, ${MAX_SEED}], got ${bad}`,
        );
      }
    }
  });
});

describe("randomSeed", () => {
  it("returns valid, varying seeds", () => {
    const seeds = Array.from({ length: 20 }, randomSeed);
    for (const s of seeds) expect(validateSeed(s)).toBe(s);
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });
});
