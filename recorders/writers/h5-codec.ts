import { DTYPES, type DtypeName, isTypedArray, type TypedArray } from "../../envs/core/dtype.js";
import type { Info, InfoValue } from "../../envs/core/env.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import type { RecordedEpisode } from "../types.js";
import { type SpaceLeaf, type SpaceSpec, spaceLeaves } from "./h5-spaces.js";

/** What a column holds. */
export type ColumnRole =
  | "obs"
  | "act"
  | "greedy"
  | "info"
  | "rewards"
  | "terminations"
  | "truncations"
  | "returns_to_go"
  | "behavior_prob"
  | "epsilon"
  | "was_exploratory"
  | "policy_ids"
  | "policy_meta";

/** One column of an episode record. */
export interface ColumnDesc {
  readonly role: ColumnRole;
  /** Path below the role (Dict keys, `_index_{i}`, nested info keys). */
  readonly path: readonly string[];
  readonly dtype: DtypeName | "string";
  /** Full shape, rows first. */
  readonly shape: readonly number[];
  /** Byte offset of the column's data from the start of the record's column area. */
  readonly offset: number;
  readonly byteLength: number;
  readonly strings?: readonly string[];
  /** Info columns: T + 1 rows, row 0 from the reset info (else a default) and true when it had the key. */
  readonly resetPresent?: boolean;
}

/** A decoded column: a view of its bytes (tensors) or its strings. */
export interface Column extends ColumnDesc {
  readonly data: TypedArray | undefined;
}

/** Episode metadata as JSON. */
export interface EpisodeMetaJson {
  readonly episodeId: number;
  readonly seed: number | null;
  readonly envId: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly policyId: string;
  readonly subEnv: number;
  readonly length: number;
  readonly totalReturn: number;
  readonly terminationReason: string;
  readonly success: boolean | null;
  readonly trajectoryHash: string;
  readonly schemaVersion: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly resetInfo: unknown;
}

/** The numeric metadata of an episode, read without parsing any JSON. */
export type EpisodeHead = Pick<
  EpisodeMetaJson,
  "episodeId" | "seed" | "subEnv" | "length" | "totalReturn" | "success"
>;

/** An episode as the worker sees it. */
export interface DecodedEpisode {
  readonly head: EpisodeHead;
  /** The columns' descriptions, one array shared by the episodes of one column layout (a cache key). */
  readonly descs: readonly ColumnDesc[];
  /** Every metadata field (its JSON part is parsed on first use: the flat layout never needs it). */
  readonly meta: EpisodeMetaJson;
  readonly columns: readonly Column[];
  /** A view of rows [from, from + count) of column `col` (tensor columns). */
  rows(col: number, from: number, count: number): TypedArray;
}

/** Converts typed arrays and bigints to plain JSON values. */
export function toJsonSafe(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (isTypedArray(v)) return Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonSafe(x)]));
  }
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

/** A column of an episode about to be encoded: its description and its values. */
export interface PendingColumn {
  readonly desc: Omit<ColumnDesc, "offset" | "byteLength">;
  readonly bytes: TypedArray | undefined;
}

function convert(arr: TypedArray, dtype: DtypeName): TypedArray {
  const ctor = DTYPES[dtype].ctor;
  if (arr instanceof ctor) return arr;
  const out = new ctor(arr.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < arr.length; i++) {
    const v = Number(arr[i]);
    (out as unknown as (number | bigint)[])[i] = big ? BigInt(Math.trunc(v)) : v;
  }
  return out;
}

/** Picks `leaf`'s batched array out of a batched space value. */
function leafValue(value: SpaceValue, leaf: SpaceLeaf): SpaceValue | undefined {
  let v: SpaceValue | undefined = value;
  for (const key of leaf.path) {
    if (v === undefined) return undefined;
    if (Array.isArray(v) && key.startsWith("_index_"))
      v = (v as SpaceValue[])[Number(key.slice(7))];
    else v = (v as Record<string, SpaceValue>)[key];
  }
  return v;
}

function spaceColumns(
  role: ColumnRole,
  spec: SpaceSpec,
  value: SpaceValue,
  rows: number,
): PendingColumn[] {
  return leavesOf(spec).map((leaf) => {
    const v = leafValue(value, leaf);
    const shape = [rows, ...leaf.rowShape];
    if (leaf.dtype === "string") {
      const strings = Array.isArray(v) ? (v as unknown[]).map(String) : [];
      return { desc: { role, path: leaf.path, dtype: "string", shape, strings }, bytes: undefined };
    }
    const width = leaf.rowShape.reduce((a, b) => a * b, 1);
    const arr = isTypedArray(v)
      ? convert(v, leaf.dtype)
      : new (DTYPES[leaf.dtype].ctor as new (n: number) => TypedArray)(rows * width);
    return { desc: { role, path: leaf.path, dtype: leaf.dtype, shape }, bytes: arr };
  });
}

type InfoKind =
  | { k: "num" }
  | { k: "bool" }
  | { k: "arr"; ctor: unknown; len: number }
  | { k: "obj" };

function infoKind(v: InfoValue | undefined): InfoKind | undefined {
  if (typeof v === "number") return { k: "num" };
  if (typeof v === "boolean") return { k: "bool" };
  if (isTypedArray(v)) return { k: "arr", ctor: v.constructor, len: v.length };
  if (v && typeof v === "object" && !Array.isArray(v)) return { k: "obj" };
  return undefined;
}

const sameKind = (a: InfoKind, b: InfoKind | undefined) =>
  b !== undefined &&
  a.k === b.k &&
  (a.k !== "arr" || (b.k === "arr" && a.ctor === b.ctor && a.len === b.len));

/** Columns of the info keys every step carries with one numeric kind (T + 1 rows, row 0 the reset info). */
function infoColumns(reset: Info, infos: readonly Info[], path: string[] = []): PendingColumn[] {
  const first = infos[0];
  if (!first) return [];
  const out: PendingColumn[] = [];
  for (const key of Object.keys(first)) {
    const kind = infoKind(first[key]);
    if (!kind || !infos.every((info) => sameKind(kind, infoKind(info[key])))) continue;
    const r = reset?.[key];
    const resetPresent = sameKind(kind, infoKind(r));
    const rows = infos.length + 1;
    const sub = [...path, key];
    if (kind.k === "obj") {
      const nested = infos.map((info) => info[key] as Info);
      out.push(...infoColumns((resetPresent ? r : {}) as Info, nested, sub));
      continue;
    }
    if (kind.k === "arr") {
      const first0 = first[key] as TypedArray;
      const ctor = first0.constructor as new (n: number) => TypedArray;
      const data = new ctor(rows * kind.len);
      if (resetPresent) (data as Float64Array).set(r as unknown as Float64Array, 0);
      infos.forEach((info, t) => {
        (data as Float64Array).set(info[key] as Float64Array, (t + 1) * kind.len);
      });
      const dtype = (Object.keys(DTYPES) as DtypeName[]).find(
        (d) => d !== "bool" && DTYPES[d].ctor === (ctor as unknown),
      );
      if (!dtype) continue;
      out.push({
        desc: { role: "info", path: sub, dtype, shape: [rows, kind.len], resetPresent },
        bytes: data,
      });
      continue;
    }
    const isBool = kind.k === "bool";
    const data = isBool ? new Uint8Array(rows) : new Float64Array(rows).fill(Number.NaN);
    if (resetPresent) data[0] = Number(r);
    infos.forEach((info, t) => {
      data[t + 1] = Number(info[key]);
    });
    out.push({
      desc: {
        role: "info",
        path: sub,
        dtype: isBool ? "bool" : "float64",
        shape: [rows],
        resetPresent,
      },
      bytes: data,
    });
  }
  return out;
}

/** True when some value is not NaN (a loop: called on every episode). */
function anyKnown(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i])) return true;
  return false;
}

const leafCache = new WeakMap<SpaceSpec, SpaceLeaf[]>();

/** A space's leaves, computed once per described space. */
function leavesOf(spec: SpaceSpec): SpaceLeaf[] {
  let leaves = leafCache.get(spec);
  if (!leaves) leafCache.set(spec, (leaves = spaceLeaves(spec)));
  return leaves;
}

/** Path of the columns that are not below a space or info key (shared: compared by identity). */
const NO_PATH: readonly string[] = [];

/** True when some element differs from `v` (a loop: called on every episode). */
function anyNot<T>(a: ArrayLike<T>, v: T): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== v) return true;
  return false;
}

/** The columns of a finished episode, in record order (views of its arrays, converted where needed). */
export function episodeColumns(
  ep: RecordedEpisode,
  observationSpace: SpaceSpec,
  actionSpace: SpaceSpec,
): PendingColumn[] {
  const T = ep.meta.length;
  const cols = spaceColumns("obs", observationSpace, ep.observations, T + 1);
  const add = (role: ColumnRole, dtype: DtypeName, bytes: TypedArray) => {
    cols.push({ desc: { role, path: NO_PATH, dtype, shape: [T] }, bytes });
  };
  for (const c of spaceColumns("act", actionSpace, ep.actions, T)) cols.push(c);
  add("rewards", "float64", ep.rewards);
  add("terminations", "bool", ep.terminations);
  add("truncations", "bool", ep.truncations);
  add("returns_to_go", "float64", ep.returnsToGo);
  if (ep.infos.length && Object.keys(ep.infos[0]!).length) {
    for (const c of infoColumns(ep.meta.resetInfo, ep.infos)) cols.push(c);
  }
  const p = ep.policy;
  if (anyKnown(p.behaviorProb)) add("behavior_prob", "float64", p.behaviorProb);
  if (anyKnown(p.epsilon)) add("epsilon", "float64", p.epsilon);
  if (anyNot(p.wasExploratory, 255)) add("was_exploratory", "uint8", p.wasExploratory);
  if (p.greedyActions !== undefined) {
    for (const c of spaceColumns("greedy", actionSpace, p.greedyActions, T)) cols.push(c);
  }
  if (anyNot(p.policyIds, ep.meta.policyId)) {
    cols.push({
      desc: {
        role: "policy_ids",
        path: NO_PATH,
        dtype: "string",
        shape: [T],
        strings: p.policyIds,
      },
      bytes: undefined,
    });
  }
  if (anyNot(p.meta, undefined)) {
    const strings = p.meta.map((m) => (m === undefined ? "" : JSON.stringify(toJsonSafe(m))));
    cols.push({
      desc: { role: "policy_meta", path: NO_PATH, dtype: "string", shape: [T], strings },
      bytes: undefined,
    });
  }
  return cols;
}
