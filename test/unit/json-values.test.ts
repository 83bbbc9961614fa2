import { describe, expect, it } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { batchItem, createBatch, writeBatchItem } from "../../envs/core/vector/batching.js";
import { jsonInfoValue, jsonSpaceRow, jsonSpaceValue } from "../../recorders/json-values.js";

describe("jsonSpaceValue", () => {
  const space = new Dict(
    new Map<string, Space>([
      ["pos", new Box(-1, 1, [2, 2], "float64")],
      ["n", new Discrete(5)],
      ["one", new Box(0, 1, [1], "float32")],
      ["scalar", new Box(0, 1, [], "float64")],
      [
        "paths",
        new Tuple([
          new Dict(new Map<string, Space>([["hops", new Box(0, 9, [1], "int32")]])),
          new Text(8),
        ]),
      ],
      ["mask", new MultiBinary(3)],
    ]),
  );
  const value = {
    pos: Float64Array.of(0.5, Number.NaN, Number.POSITIVE_INFINITY, -0.25),
    n: 3,
    one: Float32Array.of(0.5),
    scalar: Float64Array.of(-2),
    paths: [{ hops: Int32Array.of(4) }, 'a"b'],
    mask: Uint8Array.of(1, 0, 1),
  } as unknown as SpaceValue;

  it("writes Dict keys in the space's order, nested lists, Discrete as an integer, Text escaped", () => {
    expect(jsonSpaceValue(space, value)).toBe(
      '{"pos":[[0.5,NaN],[Infinity,-0.25]],"n":3,"one":[0.5],"scalar":-2,"paths":[{"hops":[4]},"a\\"b"],"mask":[1,0,1]}',
    );
    // Formatters are cached per space: a second call gives the same text.
    expect(jsonSpaceValue(space, value)).toBe(jsonSpaceValue(space, value));
  });

  it("is what Python's json reads back (NaN and Infinity as bare tokens)", () => {
    const text = jsonSpaceValue(space, value)
      .replace(/NaN/g, "null")
      .replace(/Infinity/g, "1e999");
    expect(JSON.parse(text).pos[1][0]).toBe(Number.POSITIVE_INFINITY);
    expect(jsonInfoValue({ a: Float32Array.of(1.5), b: "x", c: true })).toBe(
      '{"a":[1.5],"b":"x","c":true}',
    );
  });

  it("jsonSpaceRow writes row i of a batch as jsonSpaceValue writes that row taken out", () => {
    const batch = createBatch(space, 3);
    const other = {
      ...(value as object),
      n: 1,
      one: Float32Array.of(0.125),
    } as unknown as SpaceValue;
    writeBatchItem(space, batch, 0, value);
    writeBatchItem(space, batch, 1, other);
    writeBatchItem(space, batch, 2, value);
    const rows = [0, 1, 2].map((i) => jsonSpaceValue(space, batchItem(space, batch, i)));
    expect([0, 1, 2].map((i) => jsonSpaceRow(space, batch, i))).toEqual(rows);
    expect(rows[0]).toBe(jsonSpaceValue(space, value));
    expect(rows[1]).toBe(jsonSpaceValue(space, other));
  });
});
