import { isTypedArray, type TypedArray } from "../envs/core/dtype.js";
import type { InfoValue } from "../envs/core/env.js";
import type { Dict } from "../envs/core/spaces/dict.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { Tuple } from "../envs/core/spaces/tuple.js";

/**
 * A number as JSON. Non-finite values are written as the bare tokens NaN,
 * Infinity and -Infinity, as Python's json.dump does by default (and its
 * json.loads reads); strict JSON parsers need to be told to accept them.
 */
export function jsonNumber(x: number): string {
  // x - x is 0 for finite numbers and NaN otherwise: one cheap test on the hot path.
  if (x - x === 0) return `${x}`;
  if (Number.isNaN(x)) return "NaN";
  return x > 0 ? "Infinity" : "-Infinity";
}

/** Row-major elements of `arr` as nested JSON lists of `shape` (numpy's tolist). */
export function jsonTensor(arr: TypedArray, shape: readonly number[], offset = 0): string {
  if (shape.length === 0) return jsonNumber(Number(arr[offset]));
  const n = shape[0]!;
  if (shape.length === 1) {
    if (n === 0) return "[]";
    if (n === 1) return `[${jsonNumber(Number(arr[offset]))}]`;
    // Joining a plain array is V8's fastest path from numbers to text.
    const parts = new Array<number | string>(n);
    for (let i = 0; i < n; i++) {
      const x = Number(arr[offset + i]);
      parts[i] = x - x === 0 ? x : jsonNumber(x);
    }
    return `[${parts.join(",")}]`;
  }
  const rest = shape.slice(1);
  let stride = 1;
  for (const d of rest) stride *= d;
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = jsonTensor(arr, rest, offset + i * stride);
  return `[${parts.join(",")}]`;
}

/** A value of `space` as JSON: tensors as (nested) lists, Discrete as an integer, Dict as an object. */
export function jsonSpaceValue(space: Space, value: SpaceValue): string {
  return formatterOf(space)(value);
}

type Formatter = (value: SpaceValue) => string;

// One formatter per space, built once: keys quoted and dispatch decided ahead of the
// hot path (a recorder formats every transition's state and next_state).
const formatters = new WeakMap<Space, Formatter>();

function formatterOf(space: Space): Formatter {
  let f = formatters.get(space);
  if (!f) {
    f = compileFormatter(space);
    formatters.set(space, f);
  }
  return f;
}

function compileFormatter(space: Space): Formatter {
  switch (space.kind) {
    case "dict": {
      const keys = [...(space as Dict).spaces.keys()];
      const prefixes = keys.map((k, i) => `${i === 0 ? "" : ","}${JSON.stringify(k)}:`);
      const fs = [...(space as Dict).spaces.values()].map(formatterOf);
      return (value) => {
        const v = value as Record<string, SpaceValue>;
        let out = "{";
        for (let i = 0; i < fs.length; i++) out += prefixes[i]! + fs[i]!(v[keys[i]!]!);
        return `${out}}`;
      };
    }
    case "tuple": {
      const fs = (space as Tuple).spaces.map(formatterOf);
      return (value) => {
        const v = value as SpaceValue[];
        let out = "[";
        for (let i = 0; i < fs.length; i++) out += (i === 0 ? "" : ",") + fs[i]!(v[i]!);
        return `${out}]`;
      };
    }
    case "text":
      return (value) => JSON.stringify(value);
    case "discrete":
      return (value) =>
        typeof value === "number"
          ? jsonNumber(value)
          : jsonNumber(Number((value as TypedArray)[0]));
    default: {
      const shape = space.shape ?? [];
      if (shape.length === 0) return (value) => jsonNumber(Number((value as TypedArray)[0]));
      return (value) => jsonTensor(value as TypedArray, shape);
    }
  }
}

/** Row `row` of a batched value of `space` (as `space.batch(n)` lays it out) as JSON, without taking the row out. */
export function jsonSpaceRow(space: Space, batch: SpaceValue, row: number): string {
  let f = rowFormatters.get(space);
  if (!f) {
    f = compileRowFormatter(space);
    rowFormatters.set(space, f);
  }
  return f(batch, row);
}

type RowFormatter = (batch: SpaceValue, row: number) => string;

const rowFormatters = new WeakMap<Space, RowFormatter>();

function compileRowFormatter(space: Space): RowFormatter {
  switch (space.kind) {
    case "dict": {
      const keys = [...(space as Dict).spaces.keys()];
      const prefixes = keys.map((k, i) => `${i === 0 ? "" : ","}${JSON.stringify(k)}:`);
      const subs = [...(space as Dict).spaces.values()];
      return (batch, row) => {
        const b = batch as Record<string, SpaceValue>;
        let out = "{";
        for (let i = 0; i < subs.length; i++)
          out += prefixes[i]! + jsonSpaceRow(subs[i]!, b[keys[i]!]!, row);
        return `${out}}`;
      };
    }
    case "tuple": {
      const subs = (space as Tuple).spaces;
      return (batch, row) => {
        const b = batch as SpaceValue[];
        let out = "[";
        for (let i = 0; i < subs.length; i++)
          out += (i === 0 ? "" : ",") + jsonSpaceRow(subs[i]!, b[i]!, row);
        return `${out}]`;
      };
    }
    case "text":
      return (batch, row) => JSON.stringify((batch as string[])[row]);
    case "discrete":
      return (batch, row) => jsonNumber(Number((batch as TypedArray)[row]));
    default: {
      const shape = space.shape ?? [];
      const size = shape.reduce((a, b) => a * b, 1);
      if (shape.length === 0) return (batch, row) => jsonNumber(Number((batch as TypedArray)[row]));
      return (batch, row) => jsonTensor(batch as TypedArray, shape, row * size);
    }
  }
}

/** An info value as JSON (flat typed arrays become lists; bool arrays come in as 0/1 numbers). */
export function jsonInfoValue(v: InfoValue | undefined): string {
  if (v === undefined) return "null";
  if (typeof v === "number") return jsonNumber(v);
  if (typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (isTypedArray(v)) return jsonTensor(v, [v.length]);
  if (Array.isArray(v)) return `[${v.map(jsonInfoValue).join(",")}]`;
  return jsonObject(v as Record<string, InfoValue>);
}

/** An object of info values as JSON. */
export function jsonObject(o: Readonly<Record<string, InfoValue | undefined>>): string {
  const parts: string[] = [];
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${jsonInfoValue(o[k])}`);
  }
  return `{${parts.join(",")}}`;
}
