import { allocate, setInt64Halves, type TypedArray } from "../envs/core/dtype.js";
import type { Dict } from "../envs/core/spaces/dict.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { Tuple } from "../envs/core/spaces/tuple.js";

/**
 * Growable columns holding rows of a space's values in its batched layout
 * (`space.batch(rows)`), so episodes are stored without an object per step.
 */
export interface Columns {
  /** Rows appended so far. */
  readonly length: number;
  /** Appends a value of the space (copied). */
  append(value: SpaceValue): void;
  /** Appends row i of a batched value of the space (copied). */
  appendRow(batch: SpaceValue, i: number): void;
  /** The rows so far as a batched value (a trimmed copy); the columns are then emptied. */
  take(): SpaceValue;
}

/** Columns for values of `space`. */
export function createColumns(space: Space): Columns {
  switch (space.kind) {
    case "dict":
      return dictColumns(space as Dict);
    case "tuple":
      return tupleColumns(space as Tuple);
    case "text":
      return textColumns();
    default:
      return tensorColumns(space);
  }
}

function tensorColumns(space: Space): Columns {
  const width = (space.shape ?? []).reduce((a, b) => a * b, 1);
  const dtype = space.dtype!;
  let buf: TypedArray = allocate(dtype, 64 * width);
  const big = buf instanceof BigInt64Array || buf instanceof BigUint64Array;
  // 64-bit columns are written through 32-bit halves: no BigInt per element on the hot path.
  let halves = big ? new Int32Array(buf.buffer) : undefined;
  let rows = 0;
  const grow = () => {
    if ((rows + 1) * width <= buf.length) return;
    const next = allocate(dtype, Math.max(buf.length * 2, (rows + 1) * width));
    (next as Float64Array).set(buf as Float64Array);
    buf = next;
    if (big) halves = new Int32Array(buf.buffer);
  };
  const putBig = (k: number, v: number) => setInt64Halves(halves!, k, v);
  const put = (src: ArrayLike<number | bigint> | number, offset: number) => {
    grow();
    const o = rows * width;
    const out = buf as unknown as (number | bigint)[];
    if (typeof src === "number") {
      if (big) putBig(o, src);
      else out[o] = src;
    } else if (big === (src instanceof BigInt64Array || src instanceof BigUint64Array)) {
      for (let j = 0; j < width; j++) out[o + j] = src[offset + j]!;
    } else if (big) {
      for (let j = 0; j < width; j++) putBig(o + j, src[offset + j] as number);
    } else {
      for (let j = 0; j < width; j++) out[o + j] = Number(src[offset + j]);
    }
    rows++;
  };
  return {
    get length() {
      return rows;
    },
    append: (value) => put(value as TypedArray | number, 0),
    appendRow: (batch, i) => put(batch as TypedArray, i * width),
    take: () => {
      const out = buf.slice(0, rows * width);
      rows = 0;
      return out;
    },
  };
}

function dictColumns(space: Dict): Columns {
  const cols = new Map([...space.spaces].map(([k, s]) => [k, createColumns(s)] as const));
  return {
    get length() {
      return cols.values().next().value?.length ?? 0;
    },
    append: (value) => {
      const v = value as Record<string, SpaceValue>;
      for (const [k, c] of cols) c.append(v[k]!);
    },
    appendRow: (batch, i) => {
      const b = batch as Record<string, SpaceValue>;
      for (const [k, c] of cols) c.appendRow(b[k]!, i);
    },
    take: () => Object.fromEntries([...cols].map(([k, c]) => [k, c.take()])),
  };
}

function tupleColumns(space: Tuple): Columns {
  const cols = space.spaces.map(createColumns);
  return {
    get length() {
      return cols[0]?.length ?? 0;
    },
    append: (value) => {
      cols.forEach((c, j) => {
        c.append((value as SpaceValue[])[j]!);
      });
    },
    appendRow: (batch, i) => {
      cols.forEach((c, j) => {
        c.appendRow((batch as SpaceValue[])[j]!, i);
      });
    },
    take: () => cols.map((c) => c.take()),
  };
}

function textColumns(): Columns {
  let rows: string[] = [];
  return {
    get length() {
      return rows.length;
    },
    append: (value) => rows.push(value as string),
    appendRow: (batch, i) => rows.push((batch as string[])[i]!),
    take: () => {
      const out = rows;
      rows = [];
      return out;
    },
  };
}
