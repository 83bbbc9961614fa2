import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";
import { ALPHANUMERIC, Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";

const dict = () =>
  Dict.of([
    ["a", new Box(0, 1, [2])],
    ["b", new Discrete(2)],
  ]);

describe("Dict", () => {
  it("keeps the entry order given", () => {
    expect(dict().keys).toEqual(["a", "b"]);
    const reversed = Dict.of([
      ["z", new Discrete(2)],
      ["a", new Discrete(3)],
    ]);
    expect(reversed.keys).toEqual(["z", "a"]);
    expect(reversed.kind).toBe("dict");
    expect(reversed.shape).toBeUndefined();
    expect(reversed.dtype).toBeUndefined();
  });

  it("contains a plain object with exactly its keys", () => {
    const d = dict();
    expect(d.contains({ a: Float32Array.of(0, 1), b: 1 })).toBe(true);
    expect(d.contains({ b: 1, a: Float32Array.of(0, 1) })).toBe(true);
  });

  it("names a missing key, an extra key and a bad entry", () => {
    const d = dict();
    expect(d.check({ a: Float32Array.of(0, 1) }, "obs")).toEqual({
      path: "obs.b",
      reason: "is missing",
    });
    // Gymnasium: x.keys() == self.spaces.keys(), so extra keys are rejected.
    expect(d.check({ a: Float32Array.of(0, 1), b: 1, c: 0 }, "obs")).toEqual({
      path: "obs.c",
      reason: "is not a key of the space",
    });
    expect(d.check({ a: Float32Array.of(0, 1), b: 2 }, "obs")).toEqual({
      path: "obs.b",
      reason: "= 2 is outside [0, 1]",
    });
    expect(d.check({ a: Float32Array.of(0, 3), b: 0 }, "obs")?.path).toBe("obs.a[1]");
  });

  it("names elements inside nested spaces, e.g. obs.pos[0, 2] and obs.inner.flags[1]", () => {
    const d = Dict.of([
      ["pos", new Box(0, 1, [2, 3])],
      ["inner", Dict.of([["flags", new MultiBinary(2)]])],
    ]);
    const pos = new Float32Array(6);
    const good = { pos, inner: { flags: Int8Array.of(0, 1) } };
    expect(d.contains(good)).toBe(true);
    pos[2] = -0.5;
    expect(d.check(good, "obs")?.path).toBe("obs.pos[0, 2]");
    pos[2] = 0;
    expect(d.check({ pos, inner: { flags: Int8Array.of(0, 5) } }, "obs")?.path).toBe(
      "obs.inner.flags[1]",
    );
  });

  it("rejects non-objects", () => {
    const d = dict();
    for (const x of [null, 3, "a", [1, 2], Float32Array.of(0, 1), undefined]) {
      const bad = d.check(x, "obs");
      expect(bad?.path).toBe("obs");
      expect(bad?.reason).toMatch(/^expected a dict with keys a, b, got /);
    }
  });

  it("samples every key in order, deterministically, inside the space", () => {
    const d = dict();
    const s1 = d.sample(createRng(5));
    const s2 = d.sample(createRng(5));
    expect(Object.keys(s1)).toEqual(["a", "b"]);
    expect(d.contains(s1)).toBe(true);
    expect(Array.from(s1.a as Float32Array)).toEqual(Array.from(s2.a as Float32Array));
    expect(s1.b).toBe(s2.b);
  });

  it("batches every entry recursively, as batch_space does", () => {
    const b = dict().batch(4);
    expect(b).toBeInstanceOf(Dict);
    expect(b.keys).toEqual(["a", "b"]);
    expect(b.spaces.get("a")).toBeInstanceOf(Box);
    expect(b.spaces.get("a")?.shape).toEqual([4, 2]);
    expect(b.spaces.get("b")).toBeInstanceOf(MultiDiscrete);
    expect(String(b)).toBe(
      "Dict('a': Box(0.0, 1.0, (4, 2), float32), 'b': MultiDiscrete([2 2 2 2]))",
    );
  });

  it("prints as Gymnasium's repr", () => {
    expect(String(dict())).toBe("Dict('a': Box(0.0, 1.0, (2,), float32), 'b': Discrete(2))");
  });
});

describe("Tuple", () => {
  const tuple = () => new Tuple([new Discrete(2), new Box(0, 1, [2])]);

  it("contains arrays of the right length whose items are contained", () => {
    const t = tuple();
    expect(t.contains([1, Float32Array.of(0, 1)])).toBe(true);
    expect(t.kind).toBe("tuple");
  });

  it("names the offending item and its element", () => {
    const t = tuple();
    expect(t.check([2, Float32Array.of(0, 1)], "obs")).toEqual({
      path: "obs[0]",
      reason: "= 2 is outside [0, 1]",
    });
    expect(t.check([1, Float32Array.of(0, 9)], "obs")?.path).toBe("obs[1][1]");
    const nested = new Tuple([Dict.of([["k", new Discrete(2)]])]);
    expect(nested.check([{ k: 5 }], "obs")?.path).toBe("obs[0].k");
  });

  it("rejects wrong lengths and non-arrays", () => {
    const t = tuple();
    expect(t.check([1], "obs")).toEqual({
      path: "obs",
      reason: "expected a tuple of 2 values, got an array of 1 elements",
    });
    expect(t.contains([1, Float32Array.of(0, 1), 0])).toBe(false);
    expect(t.contains(Float32Array.of(1, 0))).toBe(false);
    expect(t.contains({ 0: 1, 1: Float32Array.of(0, 1) })).toBe(false);
  });

  it("samples each item in order, deterministically", () => {
    const t = tuple();
    const a = t.sample(createRng(8));
    const b = t.sample(createRng(8));
    expect(a).toHaveLength(2);
    expect(t.contains(a)).toBe(true);
    expect(a[0]).toBe(b[0]);
    expect(Array.from(a[1] as Float32Array)).toEqual(Array.from(b[1] as Float32Array));
  });

  it("batches each item, as batch_space does", () => {
    const b = tuple().batch(4);
    expect(b).toBeInstanceOf(Tuple);
    expect(b.spaces.map((s) => s.shape)).toEqual([[4], [4, 2]]);
    expect(String(b)).toBe("Tuple(MultiDiscrete([2 2 2 2]), Box(0.0, 1.0, (4, 2), float32))");
  });

  it("prints as Gymnasium's repr", () => {
    expect(String(tuple())).toBe("Tuple(Discrete(2), Box(0.0, 1.0, (2,), float32))");
  });
});

describe("Text", () => {
  it("defaults to Gymnasium's alphanumeric charset and min_length 1", () => {
    const t = new Text(5);
    expect(t.charset).toBe(ALPHANUMERIC);
    expect(ALPHANUMERIC).toHaveLength(62);
    expect(t.minLength).toBe(1);
    expect(t.kind).toBe("text");
  });

  it("checks the length and names the first character outside the charset", () => {
    const t = new Text(5, 2, "abc");
    expect(t.contains("ab")).toBe(true);
    expect(t.contains("abcab")).toBe(true);
    expect(t.check("a", "msg")).toEqual({ path: "msg", reason: "has length 1, outside [2, 5]" });
    expect(t.check("abcabc", "msg")?.reason).toBe("has length 6, outside [2, 5]");
    expect(t.check("abxd", "msg")).toEqual({
      path: "msg[2]",
      reason: 'character "x" is not in the charset',
    });
    expect(t.check(3, "msg")).toEqual({
      path: "msg",
      reason: "expected a string, got the number 3",
    });
  });

  it("counts code points, not UTF-16 units", () => {
    const t = new Text(2, 1, "😀é");
    expect(t.contains("😀😀")).toBe(true);
    expect(t.contains("😀é")).toBe(true);
    expect(t.check("é😀x", "s")?.reason).toBe("has length 3, outside [1, 2]");
  });

  it("accepts the empty string only when min_length is 0", () => {
    expect(new Text(3, 0).contains("")).toBe(true);
    expect(new Text(3).contains("")).toBe(false);
  });

  it("rejects invalid lengths", () => {
    expect(() => new Text(2, 3)).toThrow(TypeError);
    expect(() => new Text(2, -1)).toThrow(TypeError);
    expect(() => new Text(2, 0.5)).toThrow(TypeError);
  });

  it("samples deterministically within the lengths and charset, hitting both length bounds", () => {
    const t = new Text(4, 1, "xyz");
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 300 }, () => t.sample(rng));
    };
    const a = draw(13);
    expect(draw(13)).toEqual(a);
    expect(a.every((s) => t.contains(s))).toBe(true);
    expect(new Set(a.map((s) => s.length))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(a.join(""))).toEqual(new Set("xyz"));
  });

  it("batches as a Tuple of n Text spaces, as batch_space does", () => {
    const t = new Text(5, 0, "abc");
    const b = t.batch(3);
    expect(b).toBeInstanceOf(Tuple);
    expect(b.spaces).toHaveLength(3);
    expect(b.contains(["", "abc", "cc"])).toBe(true);
    expect(b.check(["", "abd", "cc"], "obs")?.path).toBe("obs[1][2]");
    expect(String(b)).toBe(
      "Tuple(Text(0, 5, charset=abc), Text(0, 5, charset=abc), Text(0, 5, charset=abc))",
    );
  });

  it("prints as Gymnasium's repr", () => {
    expect(String(new Text(5))).toBe(`Text(1, 5, charset=${ALPHANUMERIC})`);
    expect(String(new Text(5, 0, "abc"))).toBe("Text(0, 5, charset=abc)");
  });
});
