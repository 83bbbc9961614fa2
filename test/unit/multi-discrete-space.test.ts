import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";

describe("MultiDiscrete.check / contains", () => {
  const md = new MultiDiscrete([2, 3]);

  it("accepts values in range", () => {
    expect(md.contains(BigInt64Array.of(0n, 0n))).toBe(true);
    expect(md.contains(BigInt64Array.of(1n, 2n))).toBe(true);
  });

  it("names the offending element", () => {
    expect(md.check(BigInt64Array.of(1n, 3n), "action")).toEqual({
      path: "action[1]",
      reason: "= 3 is outside [0, 2]",
    });
    expect(md.check(BigInt64Array.of(-1n, 0n), "action")?.path).toBe("action[0]");
  });

  it("applies numpy's safe-cast rule (int32 -> int64 ok, uint64 and floats rejected)", () => {
    expect(md.contains(Int32Array.of(1, 2))).toBe(true);
    expect(md.contains(Int8Array.of(1, 2))).toBe(true);
    expect(md.contains(Uint8Array.of(1, 2))).toBe(true);
    expect(md.contains(Uint32Array.of(1, 2))).toBe(true);
    expect(md.contains(BigUint64Array.of(1n, 2n))).toBe(false);
    expect(md.check(Float64Array.of(1, 2), "a")?.reason).toBe(
      "dtype float64 cannot be safely cast to int64",
    );
    expect(md.contains(Float32Array.of(1, 2))).toBe(false);
    const i16 = new MultiDiscrete([2, 3], "int16");
    expect(i16.contains(Int32Array.of(1, 2))).toBe(false);
    expect(i16.contains(Uint8Array.of(1, 2))).toBe(true);
  });

  it("rejects wrong lengths and non-tensors", () => {
    expect(md.check(BigInt64Array.of(1n), "a")?.reason).toBe(
      "expected shape (2,) (2 elements), got 1 elements",
    );
    expect(md.contains([1, 2])).toBe(false);
  });

  it("honours start per element", () => {
    const s = new MultiDiscrete([2, 3], "int64", [1, -1]);
    expect(s.contains(BigInt64Array.of(1n, -1n))).toBe(true);
    expect(s.contains(BigInt64Array.of(2n, 1n))).toBe(true);
    expect(s.check(BigInt64Array.of(0n, 0n), "a")).toEqual({
      path: "a[0]",
      reason: "= 0 is outside [1, 2]",
    });
    expect(s.check(BigInt64Array.of(1n, 2n), "a")).toEqual({
      path: "a[1]",
      reason: "= 2 is outside [-1, 1]",
    });
  });

  it("uses N-D indices for N-D nvec", () => {
    const s = new MultiDiscrete([2, 3, 4, 5], "int64", undefined, [2, 2]);
    expect(s.shape).toEqual([2, 2]);
    expect(s.contains(BigInt64Array.of(1n, 2n, 3n, 4n))).toBe(true);
    expect(s.check(BigInt64Array.of(1n, 2n, 4n, 4n), "obs")?.path).toBe("obs[1, 0]");
  });

  it("rejects invalid construction", () => {
    expect(() => new MultiDiscrete([2, 0])).toThrow(TypeError);
    expect(() => new MultiDiscrete([2, 1.5])).toThrow(TypeError);
    expect(() => new MultiDiscrete([2, 3], "int64", [0])).toThrow(/start does not match/);
    expect(() => new MultiDiscrete([2, 3], "int64", undefined, [3])).toThrow(
      /does not match its shape/,
    );
  });
});

describe("MultiDiscrete.sample", () => {
  it("is deterministic, in range, of the space's dtype and covers every value", () => {
    const md = new MultiDiscrete([2, 3], "int64", [0, 5]);
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, () => md.sample(rng));
    };
    const a = draw(4);
    expect(a[0]).toBeInstanceOf(BigInt64Array);
    expect(draw(4).map((x) => Array.from(x, Number))).toEqual(a.map((x) => Array.from(x, Number)));
    expect(a.every((x) => md.contains(x))).toBe(true);
    expect(new Set(a.map((x) => Number(x[0])))).toEqual(new Set([0, 1]));
    expect(new Set(a.map((x) => Number(x[1])))).toEqual(new Set([5, 6, 7]));
    const i32 = new MultiDiscrete([4], "int32");
    expect(i32.sample(createRng(0))).toBeInstanceOf(Int32Array);
  });
});

describe("MultiDiscrete.batch", () => {
  it("becomes an integer Box of start .. start + nvec - 1, as batch_space does", () => {
    const b = new MultiDiscrete([2, 3], "int64", [1, -1]).batch(3);
    expect(b).toBeInstanceOf(Box);
    expect(b.shape).toEqual([3, 2]);
    expect(b.dtype).toBe("int64");
    expect(Array.from(b.low)).toEqual([1, -1, 1, -1, 1, -1]);
    expect(Array.from(b.high)).toEqual([2, 1, 2, 1, 2, 1]);
    expect(b.check(BigInt64Array.of(1n, -1n, 2n, 1n, 2n, 2n), "action")?.path).toBe("action[2, 1]");
  });

  it("stacks N-D shapes and contains stacked samples", () => {
    const single = new MultiDiscrete([2, 3, 4, 5], "int32", undefined, [2, 2]);
    const b = single.batch(2);
    expect(b.shape).toEqual([2, 2, 2]);
    expect(b.dtype).toBe("int32");
    const rng = createRng(1);
    const stacked = new Int32Array(8);
    stacked.set(single.sample(rng) as Int32Array, 0);
    stacked.set(single.sample(rng) as Int32Array, 4);
    expect(b.contains(stacked)).toBe(true);
  });
});

describe("MultiDiscrete.toString (Gymnasium repr)", () => {
  it("prints nvec as numpy does, with start only when non-zero", () => {
    expect(String(new MultiDiscrete([2, 3]))).toBe("MultiDiscrete([2 3])");
    expect(String(new MultiDiscrete([2, 10]))).toBe("MultiDiscrete([ 2 10])");
    expect(String(new MultiDiscrete([2, 3], "int64", [1, -1]))).toBe(
      "MultiDiscrete([2 3], start=[ 1 -1])",
    );
    expect(String(new MultiDiscrete([2, 3], "int64", [0, 0]))).toBe("MultiDiscrete([2 3])");
  });
});
