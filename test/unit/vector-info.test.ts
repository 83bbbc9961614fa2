import { describe, expect, it } from "vitest";
import { mergeInfos } from "../../envs/core/vector/vector-info.js";

// Gymnasium 1.x VectorEnv._add_info: info[key] holds every sub-env's value and
// info["_" + key] is a bool mask of the sub-envs that set it; dicts recurse.

describe("mergeInfos", () => {
  it("returns an empty info when no sub-env reports anything", () => {
    expect(mergeInfos([{}, {}, {}])).toEqual({});
  });

  it("batches numbers as float64 with zeros where absent, plus a mask", () => {
    expect(mergeInfos([{ x: 1.5 }, {}, { x: -2 }])).toEqual({
      x: Float64Array.of(1.5, 0, -2),
      _x: Uint8Array.of(1, 0, 1),
    });
  });

  it("batches booleans as bool (0/1) with false where absent", () => {
    expect(mergeInfos([{ ok: true }, { ok: false }, {}])).toEqual({
      ok: Uint8Array.of(1, 0, 0),
      _ok: Uint8Array.of(1, 1, 0),
    });
  });

  it("recurses into dicts, each level with its own masks", () => {
    const merged = mergeInfos([{ ep: { r: 10, l: 5 } }, {}, { ep: { r: 3 } }]);
    expect(merged).toEqual({
      ep: {
        r: Float64Array.of(10, 0, 3),
        _r: Uint8Array.of(1, 0, 1),
        l: Float64Array.of(5, 0, 0),
        _l: Uint8Array.of(1, 0, 0),
      },
      _ep: Uint8Array.of(1, 0, 1),
    });
  });

  it("stacks same-shaped typed arrays as (num_envs, ...) of their dtype, zeros where absent", () => {
    const merged = mergeInfos([{ v: Int32Array.of(1, 2) }, {}, { v: Int32Array.of(5, 6) }]);
    expect(merged.v).toEqual(Int32Array.of(1, 2, 0, 0, 5, 6));
    expect(merged._v).toEqual(Uint8Array.of(1, 0, 1));
  });

  it("falls back to a list for anything else (Gymnasium: an object array)", () => {
    expect(mergeInfos([{ s: "a" }, {}])).toEqual({ s: ["a", ""], _s: Uint8Array.of(1, 0) });
    const ragged = mergeInfos([{ v: Float32Array.of(1) }, { v: Float32Array.of(1, 2) }]);
    expect(Array.isArray(ragged.v)).toBe(true);
    expect(ragged._v).toEqual(Uint8Array.of(1, 1));
  });

  it("lists mixed kinds and plain arrays as they are (Gymnasium: an object array)", () => {
    expect(mergeInfos([{ m: 1 }, { m: true }, {}]).m).toEqual([1, true, ""]);
    expect(mergeInfos([{ a: [1, 2] }, { a: [3, 4] }]).a).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // A typed array and a dict for one key are not batched either.
    const odd = mergeInfos([{ t: Float64Array.of(1) }, { t: { x: 1 } }]);
    expect(Array.isArray(odd.t)).toBe(true);
  });

  it("keeps every key reported by any sub-env", () => {
    const merged = mergeInfos([{ a: 1 }, { b: true }]);
    expect(Object.keys(merged).sort()).toEqual(["_a", "_b", "a", "b"]);
  });
});
