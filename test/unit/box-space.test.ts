import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";

const draw = (space: Box, seed: number, n: number): number[][] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from(space.sample(rng), Number));
};

describe("Box construction", () => {
  it("broadcasts scalar bounds and keeps per-element bounds", () => {
    const b = new Box(-1, [1, 2, 3], [3], "float64");
    expect(Array.from(b.low)).toEqual([-1, -1, -1]);
    expect(Array.from(b.high)).toEqual([1, 2, 3]);
    expect(b.size).toBe(3);
    expect(b.shape).toEqual([3]);
    expect(b.dtype).toBe("float64");
    expect(b.kind).toBe("box");
  });

  it("defaults to float32 and rounds bounds to float32 as Gymnasium casts them", () => {
    const b = new Box(0.1, 0.2, [1]);
    expect(b.dtype).toBe("float32");
    expect(b.low[0]).toBe(Math.fround(0.1));
    expect(b.high[0]).toBe(Math.fround(0.2));
    // fround(0.1) > 0.1: without rounding the bound, a float32 0.1 would be out of [0, 0.1].
    expect(new Box(0, 0.1, [1]).contains(Float32Array.of(0.1))).toBe(true);
  });

  it("rejects bad shapes, bound lengths, crossed or NaN bounds and bool", () => {
    expect(() => new Box(0, 1, [-1])).toThrow(TypeError);
    expect(() => new Box(0, 1, [1.5])).toThrow(TypeError);
    expect(() => new Box([0, 0], 1, [3])).toThrow(/low has 2 elements, shape needs 3/);
    expect(() => new Box([0, 2], 1, [2])).toThrow(/low\[1\] = 2 exceeds high = 1/);
    expect(() => new Box(Number.NaN, 1, [1])).toThrow(TypeError);
    expect(() => new Box(0, 1, [1], "bool")).toThrow(/MultiBinary/);
  });

  it("accepts infinite bounds", () => {
    const b = new Box(-Infinity, Infinity, [2]);
    expect(b.isBounded()).toBe(false);
    expect(new Box(-Infinity, 0, [1]).isBounded()).toBe(false);
    expect(new Box(-1, 1, [2]).isBounded()).toBe(true);
  });
});

describe("Box.check / contains", () => {
  const box = new Box(-1, 1, [3]);

  it("accepts in-bounds values, bounds included", () => {
    expect(box.contains(Float32Array.of(-1, 0, 1))).toBe(true);
    expect(box.check(Float32Array.of(0.5, -0.5, 0), "obs")).toBeUndefined();
  });

  it("names the offending element of a 1-D value", () => {
    expect(box.check(Float32Array.of(0, 1.5, 0), "action")).toEqual({
      path: "action[1]",
      reason: "= 1.5 is outside the bounds [-1, 1]",
    });
    expect(box.contains(Float32Array.of(0, 0, -2))).toBe(false);
  });

  it("reports the first offending element in row-major order for N-D shapes", () => {
    const b = new Box(0, 1, [2, 3]);
    const x = new Float32Array(6);
    x[5] = 2;
    expect(b.check(x, "obs")?.path).toBe("obs[1, 2]");
    x[2] = -1;
    expect(b.check(x, "obs")?.path).toBe("obs[0, 2]");
  });

  it("names the element inside a Dict as obs.pos[0, 2]", () => {
    const d = Dict.of([["pos", new Box(0, 1, [2, 3])]]);
    const pos = new Float32Array(6);
    pos[2] = 7;
    expect(d.check({ pos }, "obs")).toEqual({
      path: "obs.pos[0, 2]",
      reason: "= 7 is outside the bounds [0, 1]",
    });
  });

  it("uses no index for a scalar (shape ()) box", () => {
    const b = new Box(-2, 2, [], "int64");
    expect(b.contains(BigInt64Array.of(2n))).toBe(true);
    expect(b.check(BigInt64Array.of(3n), "x")?.path).toBe("x");
  });

  it("rejects NaN, even with infinite bounds", () => {
    expect(box.check(Float32Array.of(0, Number.NaN, 0), "obs")).toEqual({
      path: "obs[1]",
      reason: "is NaN",
    });
    const open = new Box(-Infinity, Infinity, [2]);
    expect(open.contains(Float32Array.of(Number.NaN, 0))).toBe(false);
  });

  it("handles ±inf as Gymnasium does: contained only by infinite bounds", () => {
    const open = new Box(-Infinity, Infinity, [2]);
    expect(open.contains(Float32Array.of(Infinity, -Infinity))).toBe(true);
    expect(new Box(0, 1, [2]).contains(Float32Array.of(Infinity, 0))).toBe(false);
    const halfOpen = new Box(0, Infinity, [1], "float64");
    expect(halfOpen.contains(Float64Array.of(Infinity))).toBe(true);
    expect(halfOpen.contains(Float64Array.of(-Infinity))).toBe(false);
  });

  it("rejects values that are not typed arrays, naming what was given", () => {
    expect(box.check([0, 0, 0], "obs")).toEqual({
      path: "obs",
      reason: "expected a float32 array of shape (3,), got an array of 3 elements",
    });
    expect(box.check(0, "obs")?.reason).toMatch(/got the number 0/);
    expect(box.check(null, "obs")?.reason).toMatch(/got null/);
    expect(box.contains(new DataView(new ArrayBuffer(12)))).toBe(false);
  });

  it("rejects a wrong element count", () => {
    expect(box.check(Float32Array.of(0, 0), "obs")).toEqual({
      path: "obs",
      reason: "expected shape (3,) (3 elements), got 2 elements",
    });
  });

  it("applies numpy's safe-cast rule to the value's dtype", () => {
    // float64 -> float32 is not safe (Gymnasium: np.can_cast fails, not contained).
    expect(box.check(Float64Array.of(0, 0, 0), "obs")).toEqual({
      path: "obs",
      reason: "dtype float64 cannot be safely cast to float32",
    });
    expect(box.contains(Int16Array.of(0, 1, -1))).toBe(true);
    expect(box.contains(Int8Array.of(0, 1, -1))).toBe(true);
    expect(box.contains(Int32Array.of(0, 1, -1))).toBe(false);
    const f64 = new Box(-1, 1, [3], "float64");
    expect(f64.contains(Float32Array.of(0, 1, -1))).toBe(true);
    expect(f64.contains(Int32Array.of(0, 1, -1))).toBe(true);
    expect(f64.contains(BigInt64Array.of(0n, 1n, -1n))).toBe(true);
    const i16 = new Box(0, 300, [2], "int16");
    expect(i16.contains(Uint8Array.of(255, 0))).toBe(true);
    expect(i16.contains(Int32Array.of(255, 0))).toBe(false);
    expect(i16.contains(Float32Array.of(1, 0))).toBe(false);
    const i64 = new Box(-10, 10, [2], "int64");
    expect(i64.contains(Int32Array.of(-10, 10))).toBe(true);
    expect(i64.contains(BigUint64Array.of(1n, 2n))).toBe(false);
  });

  it("checks int64 bounds beyond 2^32 through BigInt values", () => {
    const b = new Box(-(2 ** 40), 2 ** 40, [2], "int64");
    expect(b.contains(BigInt64Array.of(-(2n ** 40n), 2n ** 40n))).toBe(true);
    expect(b.check(BigInt64Array.of(0n, 2n ** 40n + 1n), "x")?.path).toBe("x[1]");
    expect(b.check(BigInt64Array.of(-(2n ** 41n), 0n), "x")?.path).toBe("x[0]");
  });

  it("contains agrees with check", () => {
    const values: unknown[] = [
      Float32Array.of(0, 0, 0),
      Float32Array.of(2, 0, 0),
      "x",
      Float64Array.of(0, 0, 0),
    ];
    for (const v of values) expect(box.contains(v)).toBe(box.check(v, "x") === undefined);
  });
});

describe("Box.sample", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const b = new Box(-1, 1, [4]);
    expect(draw(b, 3, 5)).toEqual(draw(b, 3, 5));
    expect(draw(b, 3, 5)).not.toEqual(draw(b, 4, 5));
  });

  it("returns a value of the space's dtype", () => {
    const rng = createRng(0);
    expect(new Box(0, 1, [2]).sample(rng)).toBeInstanceOf(Float32Array);
    expect(new Box(0, 1, [2], "float64").sample(rng)).toBeInstanceOf(Float64Array);
    expect(new Box(0, 9, [2], "int64").sample(rng)).toBeInstanceOf(BigInt64Array);
    expect(new Box(0, 9, [2], "uint8").sample(rng)).toBeInstanceOf(Uint8Array);
  });

  const spaces: [string, Box][] = [
    ["bounded float32", new Box([-1, 0, 100], [1, 1e-3, 101], [3])],
    ["unbounded float32", new Box(-Infinity, Infinity, [3])],
    ["lower-bounded float64", new Box(5, Infinity, [2], "float64")],
    ["upper-bounded float64", new Box(-Infinity, -5, [2], "float64")],
    ["mixed bounds", new Box([-Infinity, 0, -Infinity, 1], [Infinity, Infinity, 0, 2], [2, 2])],
    ["int8", new Box(-128, 127, [4], "int8")],
    ["uint8 image", new Box(0, 255, [2, 2, 3], "uint8")],
    ["int64", new Box(-3, 3, [2], "int64")],
    ["narrow float32", new Box(0.1, 0.1, [2])],
  ];
  for (const [name, space] of spaces) {
    it(`always samples inside the space (${name})`, () => {
      const rng = createRng(11);
      for (let k = 0; k < 500; k++) {
        const x = space.sample(rng);
        expect(space.check(x, "sample")).toBeUndefined();
      }
    });
  }

  it("samples integer boxes inclusive of both bounds, as Gymnasium does", () => {
    const b = new Box(-2, 2, [], "int64");
    const seen = new Set(draw(b, 5, 400).map((x) => x[0]));
    expect([...seen].sort((a, c) => a! - c!)).toEqual([-2, -1, 0, 1, 2]);
  });

  it("samples half-bounded sides with an exponential tail and unbounded with a normal", () => {
    const lower = draw(new Box(5, Infinity, [1], "float64"), 1, 2000).map((x) => x[0]!);
    expect(Math.min(...lower)).toBeGreaterThanOrEqual(5);
    const meanLower = lower.reduce((a, v) => a + v, 0) / lower.length;
    expect(meanLower).toBeGreaterThan(5.85);
    expect(meanLower).toBeLessThan(6.15);
    const upper = draw(new Box(-Infinity, -5, [1], "float64"), 2, 2000).map((x) => x[0]!);
    expect(Math.max(...upper)).toBeLessThanOrEqual(-5);
    const normal = draw(new Box(-Infinity, Infinity, [1], "float64"), 3, 4000).map((x) => x[0]!);
    const mean = normal.reduce((a, v) => a + v, 0) / normal.length;
    const variance = normal.reduce((a, v) => a + (v - mean) ** 2, 0) / normal.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
    expect(normal.some((v) => v < 0)).toBe(true);
  });
});

describe("Box.batch", () => {
  it("stacks n copies like gymnasium.vector.utils.batch_space", () => {
    const b = new Box([-1, 0], [1, 5], [2], "float64");
    const batched = b.batch(3);
    expect(batched).toBeInstanceOf(Box);
    expect(batched.shape).toEqual([3, 2]);
    expect(batched.dtype).toBe("float64");
    expect(Array.from(batched.low)).toEqual([-1, 0, -1, 0, -1, 0]);
    expect(Array.from(batched.high)).toEqual([1, 5, 1, 5, 1, 5]);
  });

  it("turns a scalar box into a 1-D one and keeps the dtype", () => {
    const batched = new Box(-2, 2, [], "int64").batch(4);
    expect(batched.shape).toEqual([4]);
    expect(String(batched)).toBe("Box(-2, 2, (4,), int64)");
  });

  it("contains stacked samples and names the sub-env of a bad element", () => {
    const single = new Box(0, 1, [2]);
    const batched = single.batch(3);
    const rng = createRng(9);
    const stacked = new Float32Array(6);
    for (let i = 0; i < 3; i++) stacked.set(single.sample(rng) as Float32Array, 2 * i);
    expect(batched.contains(stacked)).toBe(true);
    stacked[3] = 4;
    expect(batched.check(stacked, "action")?.path).toBe("action[1, 1]");
  });
});

describe("Box.toString (Gymnasium repr)", () => {
  const cases: [Box, string][] = [
    [new Box(-1, 1, [3]), "Box(-1.0, 1.0, (3,), float32)"],
    [new Box(0, 255, [2, 2], "uint8"), "Box(0, 255, (2, 2), uint8)"],
    [new Box(-Infinity, Infinity, [2], "float64"), "Box(-inf, inf, (2,), float64)"],
    [new Box(-4.8, 4.8, [2]), "Box(-4.8, 4.8, (2,), float32)"],
    [new Box(0.5, 1.5, [1]), "Box(0.5, 1.5, (1,), float32)"],
    [new Box(-2, 2, [], "int64"), "Box(-2, 2, (), int64)"],
    [new Box(0.1, 0.2, [2], "float64"), "Box(0.1, 0.2, (2,), float64)"],
    [
      new Box([-4.8, -Infinity], [4.8, Infinity], [2]),
      "Box([-4.8 -inf], [4.8 inf], (2,), float32)",
    ],
    [new Box([0, 1, 2], [3, 4, 5], [3], "int32"), "Box([0 1 2], [3 4 5], (3,), int32)"],
    [new Box(-1, 1, [3]).batch(4), "Box(-1.0, 1.0, (4, 3), float32)"],
  ];
  for (const [space, repr] of cases) {
    it(repr, () => {
      expect(space.toString()).toBe(repr);
      expect(`${space}`).toBe(repr);
    });
  }
});
