import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { batchItem, createBatch, writeBatchItem } from "../../envs/core/vector/batching.js";

const spaces: [string, Space][] = [
  ["Box", new Box(-1, 1, [2, 3])],
  ["int64 Box", new Box(-5, 5, [2], "int64")],
  ["Discrete", new Discrete(4, 1)],
  ["MultiDiscrete", new MultiDiscrete([2, 3], "int32")],
  ["MultiBinary", new MultiBinary(3)],
  ["Text", new Text(3, 0, "xy")],
  [
    "Dict of Tuple",
    Dict.of([
      ["t", new Tuple([new Discrete(2), new Box(0, 1, [2], "float64")])],
      ["m", new MultiBinary([2, 2])],
    ]),
  ],
];

describe("createBatch / writeBatchItem / batchItem", () => {
  for (const [name, space] of spaces) {
    it(`round-trips items and lays the batch out as space.batch(n) values (${name})`, () => {
      const n = 4;
      const rng = createRng(3);
      const items = Array.from({ length: n }, () => space.sample(rng));
      const batch = createBatch(space, n);
      items.forEach((v, i) => {
        writeBatchItem(space, batch, i, v);
      });
      expect(space.batch(n).contains(batch)).toBe(true);
      items.forEach((v, i) => {
        expect(batchItem(space, batch, i)).toEqual(v);
      });
    });
  }

  it("creates zeroed batches of the space's dtype", () => {
    expect(createBatch(new Box(0, 1, [2]), 3)).toEqual(new Float32Array(6));
    expect(createBatch(new Discrete(2), 3)).toEqual(new BigInt64Array(3));
    expect(createBatch(new MultiBinary(2), 2)).toEqual(new Int8Array(4));
    expect(createBatch(new Text(2), 2)).toEqual(["", ""]);
  });

  it("returns views of tensor items, not copies", () => {
    const space = new Box(0, 10, [2]);
    const batch = createBatch(space, 2) as Float32Array;
    const item = batchItem(space, batch, 1) as Float32Array;
    batch[3] = 7;
    expect(item[1]).toBe(7);
  });

  it("converts between BigInt and number arrays when writing items", () => {
    const i64 = new Box(-(2 ** 40), 2 ** 40, [2], "int64");
    const b1 = createBatch(i64, 2);
    writeBatchItem(i64, b1, 1, Int32Array.of(-3, 4));
    expect(b1).toEqual(BigInt64Array.of(0n, 0n, -3n, 4n));
    const f64 = new Box(-Infinity, Infinity, [2], "float64");
    const b2 = createBatch(f64, 2);
    writeBatchItem(f64, b2, 0, BigInt64Array.of(-(2n ** 40n), 5n));
    writeBatchItem(f64, b2, 1, BigUint64Array.of(2n ** 63n, 1n));
    expect(Array.from(b2 as Float64Array)).toEqual([-(2 ** 40), 5, 2 ** 63, 1]);
  });

  it("writes Discrete items as int64 and reads them back as numbers", () => {
    const d = new Discrete(3);
    const b = createBatch(d, 3);
    writeBatchItem(d, b, 2, 2);
    expect(b).toEqual(BigInt64Array.of(0n, 0n, 2n));
    expect(batchItem(d, b, 2)).toBe(2);
  });

  it("keeps Dict keys and Tuple order", () => {
    const space = Dict.of([
      ["b", new Discrete(2)],
      ["a", new Tuple([new Text(2, 0, "z"), new Discrete(3)])],
    ]);
    const batch = createBatch(space, 2) as Record<string, SpaceValue>;
    expect(Object.keys(batch)).toEqual(["b", "a"]);
    writeBatchItem(space, batch, 1, { b: 1, a: ["zz", 2] });
    expect(batch).toEqual({
      b: BigInt64Array.of(0n, 1n),
      a: [["", "zz"], BigInt64Array.of(0n, 2n)],
    });
    expect(batchItem(space, batch, 1)).toEqual({ b: 1, a: ["zz", 2] });
  });
});
