import { DTYPES, type DtypeName } from "../../envs/core/dtype.js";
import type { Box } from "../../envs/core/spaces/box.js";
import type { Dict } from "../../envs/core/spaces/dict.js";
import type { Discrete } from "../../envs/core/spaces/discrete.js";
import type { MultiDiscrete } from "../../envs/core/spaces/multi-discrete.js";
import type { Space } from "../../envs/core/spaces/space.js";
import type { Text } from "../../envs/core/spaces/text.js";
import type { Tuple } from "../../envs/core/spaces/tuple.js";

/**
 * A space as plain data (structured-cloneable, JSON-able): Minari's space
 * serialization, with Dict entries kept as an ordered list.
 */
export type SpaceSpec =
  | {
      readonly type: "Box";
      readonly dtype: DtypeName;
      readonly shape: readonly number[];
      readonly low: readonly number[];
      readonly high: readonly number[];
    }
  | { readonly type: "Discrete"; readonly n: number; readonly start: number }
  | {
      readonly type: "MultiDiscrete";
      readonly dtype: DtypeName;
      readonly shape: readonly number[];
      readonly nvec: readonly number[];
      readonly start: readonly number[];
    }
  | { readonly type: "MultiBinary"; readonly shape: readonly number[] }
  | { readonly type: "Dict"; readonly entries: readonly (readonly [string, SpaceSpec])[] }
  | { readonly type: "Tuple"; readonly spaces: readonly SpaceSpec[] }
  | {
      readonly type: "Text";
      readonly maxLength: number;
      readonly minLength: number;
      readonly charset: string;
    };

/** One array a space's values are stored in: a tensor of `dtype`, or UTF-8 strings. */
export interface SpaceLeaf {
  /** Path below the column (Dict keys, `_index_{i}` for Tuple items as Minari names them). */
  readonly path: readonly string[];
  readonly dtype: DtypeName | "string";
  /** Shape of one row. */
  readonly rowShape: readonly number[];
}

/** The plain-data description of `space`. */
export function describeSpace(space: Space): SpaceSpec {
  switch (space.kind) {
    case "box": {
      const b = space as Box;
      return {
        type: "Box",
        dtype: b.dtype,
        shape: [...b.shape],
        low: [...b.low],
        high: [...b.high],
      };
    }
    case "discrete": {
      const d = space as Discrete;
      return { type: "Discrete", n: d.n, start: d.start };
    }
    case "multi_discrete": {
      const m = space as MultiDiscrete;
      return {
        type: "MultiDiscrete",
        dtype: m.dtype,
        shape: [...m.shape],
        nvec: [...m.nvec],
        start: [...m.start],
      };
    }
    case "multi_binary":
      return { type: "MultiBinary", shape: [...(space.shape ?? [])] };
    case "dict":
      return {
        type: "Dict",
        entries: [...(space as Dict).spaces].map(([k, s]) => [k, describeSpace(s)] as const),
      };
    case "tuple":
      return { type: "Tuple", spaces: (space as Tuple).spaces.map(describeSpace) };
    case "text": {
      const t = space as Text;
      return { type: "Text", maxLength: t.maxLength, minLength: t.minLength, charset: t.charset };
    }
  }
}

/** The arrays a space's values are stored in, in order. */
export function spaceLeaves(spec: SpaceSpec, path: readonly string[] = []): SpaceLeaf[] {
  switch (spec.type) {
    case "Box":
    case "MultiDiscrete":
      return [{ path, dtype: spec.dtype, rowShape: spec.shape }];
    case "Discrete":
      return [{ path, dtype: "int64", rowShape: [] }];
    case "MultiBinary":
      return [{ path, dtype: "int8", rowShape: spec.shape }];
    case "Text":
      return [{ path, dtype: "string", rowShape: [] }];
    case "Dict":
      return spec.entries.flatMap(([k, s]) => spaceLeaves(s, [...path, k]));
    case "Tuple":
      return spec.spaces.flatMap((s, i) => spaceLeaves(s, [...path, `_index_${i}`]));
  }
}

/** True for spaces stored as a single array (no Dict or Tuple nesting). */
export function isFlatSpace(spec: SpaceSpec): boolean {
  return spec.type !== "Dict" && spec.type !== "Tuple";
}

/** A Python value for {@link pyJson}: numbers tagged as floats print as Python floats. */
export type PyValue =
  | null
  | boolean
  | string
  | number
  | PyFloat
  | readonly PyValue[]
  | { readonly [key: string]: PyValue }
  | PyObject;

/** A number Python holds as a float (prints 1.0, Infinity, NaN). */
export interface PyFloat {
  readonly pyFloat: number;
}

/** A dict whose key order is given explicitly (keys that look like integers keep their place). */
export interface PyObject {
  readonly pyEntries: readonly (readonly [string, PyValue])[];
}

/** Python's repr of a float, as json.dumps writes it. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mant = "0", expStr = "0"] = v.toExponential().split("e");
  const exp = Number(expStr);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const sign = neg ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || "0"}`;
}

/** Serializes like Python's json.dumps (", " and ": " separators, ensure_ascii, Infinity). */
export function pyJson(value: PyValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if ("pyFloat" in (value as object)) return pyFloat((value as PyFloat).pyFloat);
  const entries =
    "pyEntries" in (value as object)
      ? (value as PyObject).pyEntries
      : Object.entries(value as Record<string, PyValue>);
  return `{${entries.map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`).join(", ")}}`;
}

/** Nests a flat row-major list into lists of `shape` (numpy's tolist()). */
function nest(values: readonly PyValue[], shape: readonly number[]): PyValue {
  if (shape.length === 0) return values[0] ?? null;
  const [n = 0, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** The space as Minari's serialize_space writes it (a Python-JSON-able value). */
export function minariSpace(spec: SpaceSpec): PyValue {
  const num = (dtype: DtypeName) => (v: number) =>
    DTYPES[dtype].kind === "f" ? { pyFloat: v } : v;
  switch (spec.type) {
    case "Box":
      return {
        pyEntries: [
          ["type", "Box"],
          ["dtype", spec.dtype],
          ["shape", [...spec.shape]],
          ["low", nest(spec.low.map(num(spec.dtype)), spec.shape)],
          ["high", nest(spec.high.map(num(spec.dtype)), spec.shape)],
        ],
      };
    case "Discrete":
      return {
        pyEntries: [
          ["type", "Discrete"],
          ["dtype", "int64"],
          ["start", spec.start],
          ["n", spec.n],
        ],
      };
    case "MultiDiscrete":
      return {
        pyEntries: [
          ["type", "MultiDiscrete"],
          ["dtype", spec.dtype],
          ["nvec", nest([...spec.nvec], spec.shape)],
          ["start", nest([...spec.start], spec.shape)],
        ],
      };
    case "MultiBinary":
      return {
        pyEntries: [
          ["type", "MultiBinary"],
          ["n", spec.shape.length === 1 ? (spec.shape[0] ?? 0) : [...spec.shape]],
        ],
      };
    case "Dict":
      return {
        pyEntries: [
          ["type", "Dict"],
          ["subspaces", { pyEntries: spec.entries.map(([k, s]) => [k, minariSpace(s)] as const) }],
        ],
      };
    case "Tuple":
      return {
        pyEntries: [
          ["type", "Tuple"],
          ["subspaces", spec.spaces.map(minariSpace)],
        ],
      };
    case "Text":
      return {
        pyEntries: [
          ["type", "Text"],
          ["max_length", spec.maxLength],
          ["min_length", spec.minLength],
          ["charset", spec.charset],
        ],
      };
  }
}
