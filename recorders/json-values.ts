import { isTypedArray, shapeSize, type TypedArray } from "../envs/core/dtype.js";
import type { InfoValue } from "../envs/core/env.js";
import type { Dict } from "../envs/core/spaces/dict.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { Tuple } from "../envs/core/spaces/tuple.js";
import { JsonSink, keyBytes, utf8Bytes } from "./json-sink.js";

const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const COMMA = 44;
const COLON = 58;

/**
 * The `size` row-major elements of `arr` from `offset` as nested JSON lists of
 * shape[dim:] (numpy's tolist); shape has at least one dimension from `dim`.
 * Float32Array elements are float32 text (JsonSink.float32s); numbers follow
 * JsonSink.number (NaN and ±Infinity as Python's json writes them).
 */
function writeTensor(
  o: JsonSink,
  arr: TypedArray,
  shape: readonly number[],
  dim: number,
  offset: number,
  size: number,
): void {
  const n = shape[dim]!;
  if (dim === shape.length - 1) {
    writeFlat(o, arr, offset, n);
    return;
  }
  const stride = size / n;
  o.byte(LBRACKET);
  for (let i = 0; i < n; i++) {
    if (i > 0) o.byte(COMMA);
    writeTensor(o, arr, shape, dim + 1, offset + i * stride, stride);
  }
  o.byte(RBRACKET);
}

function writeElement(o: JsonSink, arr: TypedArray, i: number): void {
  if (arr instanceof Float32Array) o.float32s(arr, i, 1);
  else o.number(Number(arr[i]));
}

function writeFlat(o: JsonSink, arr: TypedArray, offset: number, n: number): void {
  o.byte(LBRACKET);
  if (arr instanceof Float32Array) o.float32s(arr, offset, n);
  else {
    for (let i = 0; i < n; i++) {
      if (i > 0) o.byte(COMMA);
      o.number(Number(arr[offset + i]));
    }
  }
  o.byte(RBRACKET);
}

/** A value of `space` as JSON: tensors as (nested) lists, Discrete as an integer, Dict as an object. */
export function writeSpaceValue(o: JsonSink, space: Space, value: SpaceValue): void {
  // A single value is row 0 of itself (the row writers take a lone number or string too).
  rowWriterOf(space)(o, value, 0);
}

/** Row `row` of a batched value of `space` (as `space.batch(n)` lays it out) as JSON, without taking the row out. */
export function writeSpaceRow(o: JsonSink, space: Space, batch: SpaceValue, row: number): void {
  rowWriterOf(space)(o, batch, row);
}

type RowWriter = (o: JsonSink, batch: SpaceValue, row: number) => void;

// One writer per space, built once: keys encoded and dispatch decided ahead of the
// hot path (a recorder writes every transition's state and next_state).
const rowWriters = new WeakMap<Space, RowWriter>();

function rowWriterOf(space: Space): RowWriter {
  let f = rowWriters.get(space);
  if (!f) {
    f = compileRowWriter(space);
    rowWriters.set(space, f);
  }
  return f;
}

function compileRowWriter(space: Space): RowWriter {
  switch (space.kind) {
    case "dict": {
      const keys = [...(space as Dict).spaces.keys()];
      const prefixes = keys.map((k, i) => keyBytes(k, i > 0));
      // Sub-writers looked up now, not per value (a WeakMap lookup per entry adds up).
      const subs = [...(space as Dict).spaces.values()].map(rowWriterOf);
      return (o, batch, row) => {
        const b = batch as Record<string, SpaceValue>;
        o.byte(LBRACE);
        for (let i = 0; i < subs.length; i++) {
          o.raw(prefixes[i]!);
          subs[i]!(o, b[keys[i]!]!, row);
        }
        o.byte(RBRACE);
      };
    }
    case "tuple": {
      const subs = (space as Tuple).spaces.map(rowWriterOf);
      return (o, batch, row) => {
        const b = batch as SpaceValue[];
        o.byte(LBRACKET);
        for (let i = 0; i < subs.length; i++) {
          if (i > 0) o.byte(COMMA);
          subs[i]!(o, b[i]!, row);
        }
        o.byte(RBRACKET);
      };
    }
    case "text":
      return (o, batch, row) =>
        o.string(typeof batch === "string" ? batch : (batch as string[])[row]!);
    case "discrete":
      return (o, batch, row) =>
        o.number(typeof batch === "number" ? batch : Number((batch as TypedArray)[row]));
    default: {
      const shape = space.shape ?? [];
      const size = shapeSize(shape);
      if (shape.length === 0) return (o, batch, row) => writeElement(o, batch as TypedArray, row);
      if (shape.length === 1)
        return (o, batch, row) => writeFlat(o, batch as TypedArray, row * size, size);
      return (o, batch, row) => writeTensor(o, batch as TypedArray, shape, 0, row * size, size);
    }
  }
}

/** An info value as JSON (flat typed arrays become lists; bool arrays come in as 0/1 numbers). */
export function writeInfoValue(o: JsonSink, v: InfoValue | undefined): void {
  if (v === undefined) o.raw(NULL);
  else if (typeof v === "number") o.number(v);
  else if (typeof v === "boolean") o.bool(v);
  else if (typeof v === "string") o.string(v);
  else if (isTypedArray(v)) writeFlat(o, v, 0, v.length);
  else if (Array.isArray(v)) {
    o.byte(LBRACKET);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) o.byte(COMMA);
      writeInfoValue(o, v[i]);
    }
    o.byte(RBRACKET);
  } else writeObject(o, v as Record<string, InfoValue>);
}

// An object of info values as JSON (undefined entries left out).
function writeObject(o: JsonSink, obj: Readonly<Record<string, InfoValue | undefined>>): void {
  o.byte(LBRACE);
  let first = true;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) o.byte(COMMA);
    first = false;
    o.string(k);
    o.byte(COLON);
    writeInfoValue(o, v);
  }
  o.byte(RBRACE);
}

const NULL = utf8Bytes("null");

// String forms, for callers that build text rather than stream it (one shared scratch sink).
const scratch = new JsonSink(1 << 12);

/** writeSpaceValue as a string. */
export function jsonSpaceValue(space: Space, value: SpaceValue): string {
  scratch.clear();
  writeSpaceValue(scratch, space, value);
  return scratch.text();
}

/** writeSpaceRow as a string. */
export function jsonSpaceRow(space: Space, batch: SpaceValue, row: number): string {
  scratch.clear();
  writeSpaceRow(scratch, space, batch, row);
  return scratch.text();
}

/** writeInfoValue as a string. */
export function jsonInfoValue(v: InfoValue | undefined): string {
  scratch.clear();
  writeInfoValue(scratch, v);
  return scratch.text();
}

/** writeObject as a string. */
export function jsonObject(obj: Readonly<Record<string, InfoValue | undefined>>): string {
  scratch.clear();
  writeObject(scratch, obj);
  return scratch.text();
}
