import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";

describe("Discrete.check / contains", () => {
  const d = new Discrete(3);

  it("accepts 0 .. n-1 and nothing else", () => {
    expect([0, 1, 2].map((x) => d.contains(x))).toEqual([true, true, true]);
    expect([-1, 3, 100].map((x) => d.contains(x))).toEqual([false, false, false]);
  });

  it("names the path and the range for an out-of-range action", () => {
    expect(d.check(3, "action")).toEqual({ path: "action", reason: "= 3 is outside [0, 2]" });
    expect(d.check(-1, "action")).toEqual({ path: "action", reason: "= -1 is outside [0, 2]" });
  });

  it("rejects non-integers, NaN, strings and arrays", () => {
    expect(d.check(1.5, "a")).toEqual({
      path: "a",
      reason: "expected an integer in [0, 2], got the number 1.5",
    });
    expect(d.contains(Number.NaN)).toBe(false);
    expect(d.contains(Infinity)).toBe(false);
    expect(d.check("1", "a")?.reason).toBe('expected an integer in [0, 2], got the string "1"');
    expect(d.contains([1])).toBe(false);
    expect(d.contains(Int32Array.of(1))).toBe(false);
    expect(d.contains(undefined)).toBe(false);
  });

  it("shifts the range by start", () => {
    const s = new Discrete(3, -1);
    expect([-1, 0, 1].every((x) => s.contains(x))).toBe(true);
    expect(s.contains(2)).toBe(false);
    expect(s.contains(-2)).toBe(false);
    expect(s.check(2, "a")?.reason).toBe("= 2 is outside [-1, 1]");
  });

  it("rejects invalid n and start", () => {
    expect(() => new Discrete(0)).toThrow(TypeError);
    expect(() => new Discrete(-2)).toThrow(TypeError);
    expect(() => new Discrete(2.5)).toThrow(TypeError);
    expect(() => new Discrete(2, 0.5)).toThrow(TypeError);
  });

  it("describes itself as int64 with shape ()", () => {
    expect(d.kind).toBe("discrete");
    expect(d.dtype).toBe("int64");
    expect(d.shape).toEqual([]);
  });
});

describe("Discrete.sample", () => {
  it("is deterministic for a seed and covers every value", () => {
    const d = new Discrete(5, 10);
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, () => d.sample(rng));
    };
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    expect(draw(2)).not.toEqual(a);
    expect(a.every((x) => d.contains(x))).toBe(true);
    expect(new Set(a)).toEqual(new Set([10, 11, 12, 13, 14]));
  });
});

describe("Discrete.batch", () => {
  it("becomes MultiDiscrete([n] * k) with int64 dtype, as batch_space does", () => {
    const b = new Discrete(3).batch(4);
    expect(b).toBeInstanceOf(MultiDiscrete);
    expect(b.shape).toEqual([4]);
    expect(b.dtype).toBe("int64");
    expect(Array.from(b.nvec)).toEqual([3, 3, 3, 3]);
    expect(Array.from(b.start)).toEqual([0, 0, 0, 0]);
    expect(String(b)).toBe("MultiDiscrete([3 3 3 3])");
  });

  it("carries start into the batch", () => {
    const b = new Discrete(3, -1).batch(4);
    expect(Array.from(b.start)).toEqual([-1, -1, -1, -1]);
    expect(b.contains(BigInt64Array.of(-1n, 0n, 1n, -1n))).toBe(true);
    expect(b.check(BigInt64Array.of(-1n, 2n, 1n, -1n), "action")).toEqual({
      path: "action[1]",
      reason: "= 2 is outside [-1, 1]",
    });
    expect(String(b)).toBe("MultiDiscrete([3 3 3 3], start=[-1 -1 -1 -1])");
  });
});

describe("Discrete.toString (Gymnasium repr)", () => {
  it("prints start only when it is not 0", () => {
    expect(String(new Discrete(3))).toBe("Discrete(3)");
    expect(String(new Discrete(3, -1))).toBe("Discrete(3, start=-1)");
  });
});
