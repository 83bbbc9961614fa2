import { DTYPES, type DtypeName, isTypedArray, type TypedArray } from "../../envs/core/dtype.js";
import type { Info, InfoValue } from "../../envs/core/env.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import type { RecordedEpisode } from "../types.js";
import { type SpaceLeaf, type SpaceSpec, spaceLeaves } from "./h5-spaces.js";

/**
 * Episodes cross to the HDF5 worker, and into its journal, as one binary
 * record each: a 16-byte prefix (magic "GEP1", kind, payload length, CRC-32
 * of the payload), a JSON header naming every column, then the columns'
 * bytes, each 8-byte aligned. The same bytes are the journal's records.
 */
export const RECORD_MAGIC = 0x31504547;
/** Size of a record's fixed prefix. */
export const RECORD_PREFIX = 16;
/** Record kinds. */
export const RecordKind = { episode: 1, header: 2 } as const;

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

/** An episode as the worker sees it. */
export interface DecodedEpisode {
  readonly meta: EpisodeMetaJson;
  readonly columns: readonly Column[];
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

interface Pending {
  desc: Omit<ColumnDesc, "offset" | "byteLength">;
  bytes: TypedArray | undefined;
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
): Pending[] {
  return spaceLeaves(spec).map((leaf) => {
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
function infoColumns(reset: Info, infos: readonly Info[], path: string[] = []): Pending[] {
  const first = infos[0];
  if (!first) return [];
  const out: Pending[] = [];
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

const pad8 = (n: number) => (n + 7) & ~7;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON.stringify keeping ±Infinity and NaN (as {"$num": "Infinity"}), e.g. Box bounds. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === "number" && !Number.isFinite(v) ? { $num: String(v) } : v,
  );
}

/** JSON.parse undoing {@link stringify}'s number tags. */
function parse(text: string): unknown {
  return JSON.parse(text, (_k, v) =>
    v && typeof v === "object" && typeof v.$num === "string" && Object.keys(v).length === 1
      ? Number(v.$num)
      : v,
  );
}

/** Encodes a finished episode as one record (main thread; copies the columns once). */
export function encodeEpisode(
  ep: RecordedEpisode,
  observationSpace: SpaceSpec,
  actionSpace: SpaceSpec,
): ArrayBuffer {
  const T = ep.meta.length;
  const cols: Pending[] = [
    ...spaceColumns("obs", observationSpace, ep.observations, T + 1),
    ...spaceColumns("act", actionSpace, ep.actions, T),
    { desc: { role: "rewards", path: [], dtype: "float64", shape: [T] }, bytes: ep.rewards },
    { desc: { role: "terminations", path: [], dtype: "bool", shape: [T] }, bytes: ep.terminations },
    { desc: { role: "truncations", path: [], dtype: "bool", shape: [T] }, bytes: ep.truncations },
    {
      desc: { role: "returns_to_go", path: [], dtype: "float64", shape: [T] },
      bytes: ep.returnsToGo,
    },
    ...infoColumns(ep.meta.resetInfo, ep.infos),
  ];
  const p = ep.policy;
  if (p.behaviorProb.some((v) => !Number.isNaN(v)))
    cols.push({
      desc: { role: "behavior_prob", path: [], dtype: "float64", shape: [T] },
      bytes: p.behaviorProb,
    });
  if (p.epsilon.some((v) => !Number.isNaN(v)))
    cols.push({
      desc: { role: "epsilon", path: [], dtype: "float64", shape: [T] },
      bytes: p.epsilon,
    });
  if (p.wasExploratory.some((v) => v !== 255))
    cols.push({
      desc: { role: "was_exploratory", path: [], dtype: "uint8", shape: [T] },
      bytes: p.wasExploratory,
    });
  if (p.greedyActions !== undefined)
    cols.push(...spaceColumns("greedy", actionSpace, p.greedyActions, T));
  if (p.policyIds.some((id) => id !== ep.meta.policyId)) {
    cols.push({
      desc: { role: "policy_ids", path: [], dtype: "string", shape: [T], strings: p.policyIds },
      bytes: undefined,
    });
  }
  if (p.meta.some((m) => m !== undefined)) {
    const strings = p.meta.map((m) => (m === undefined ? "" : JSON.stringify(toJsonSafe(m))));
    cols.push({
      desc: { role: "policy_meta", path: [], dtype: "string", shape: [T], strings },
      bytes: undefined,
    });
  }
  const m = ep.meta;
  const meta: EpisodeMetaJson = {
    episodeId: m.episodeId,
    seed: m.seed ?? null,
    envId: m.envId,
    config: m.config,
    policyId: m.policyId,
    subEnv: m.subEnv,
    length: m.length,
    // JSON has no NaN or Infinity: those travel as strings (decodeEpisode turns them back).
    totalReturn: Number.isFinite(m.totalReturn)
      ? m.totalReturn
      : (String(m.totalReturn) as unknown as number),
    terminationReason: m.terminationReason,
    success: m.success ?? null,
    trajectoryHash: m.trajectoryHash,
    schemaVersion: m.schemaVersion,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    resetInfo: toJsonSafe(m.resetInfo),
  };
  // Column offsets count from the start of the column area, which follows the JSON.
  let off = 0;
  const columns = cols.map((c) => {
    // The descriptors are this call's own objects: completed in place rather than copied.
    const d = c.desc as unknown as { offset: number; byteLength: number };
    d.offset = off;
    d.byteLength = c.bytes?.byteLength ?? 0;
    off += pad8(d.byteLength);
    return d as unknown as ColumnDesc;
  });
  const json = encoder.encode(JSON.stringify({ meta, columns }));
  const base = pad8(RECORD_PREFIX + 4 + json.length);
  const buf = new ArrayBuffer(base + off);
  const u8 = new Uint8Array(buf);
  const dv = new DataView(buf);
  dv.setUint32(0, RECORD_MAGIC, true);
  dv.setUint32(4, RecordKind.episode, true);
  dv.setUint32(8, buf.byteLength - RECORD_PREFIX, true);
  dv.setUint32(RECORD_PREFIX, json.length, true);
  u8.set(json, RECORD_PREFIX + 4);
  cols.forEach((c, i) => {
    if (c.bytes) {
      u8.set(
        new Uint8Array(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength),
        base + columns[i]!.offset,
      );
    }
  });
  return buf;
}

/** Encodes a JSON value as a record of `kind` (the journal's header). */
export function encodeJsonRecord(kind: number, value: unknown): ArrayBuffer {
  const json = new TextEncoder().encode(stringify(value));
  const buf = new ArrayBuffer(pad8(RECORD_PREFIX + 4 + json.length));
  const dv = new DataView(buf);
  dv.setUint32(0, RECORD_MAGIC, true);
  dv.setUint32(4, kind, true);
  dv.setUint32(8, buf.byteLength - RECORD_PREFIX, true);
  dv.setUint32(RECORD_PREFIX, json.length, true);
  new Uint8Array(buf).set(json, RECORD_PREFIX + 4);
  return buf;
}

/** The kind of a record and its JSON header. */
export function recordJson(buf: ArrayBuffer): { kind: number; json: unknown } {
  const dv = new DataView(buf);
  if (dv.getUint32(0, true) !== RECORD_MAGIC) throw new Error("not a gymrpc episode record");
  const len = dv.getUint32(RECORD_PREFIX, true);
  const text = new TextDecoder().decode(new Uint8Array(buf, RECORD_PREFIX + 4, len));
  return { kind: dv.getUint32(4, true), json: parse(text) };
}

/** Decodes an episode record into views of its columns. */
export function decodeEpisode(buf: ArrayBuffer): DecodedEpisode {
  const dv = new DataView(buf);
  if (dv.getUint32(0, true) !== RECORD_MAGIC) throw new Error("not a gymrpc episode record");
  const len = dv.getUint32(RECORD_PREFIX, true);
  const text = decoder.decode(new Uint8Array(buf, RECORD_PREFIX + 4, len));
  const { meta, columns } = JSON.parse(text) as { meta: EpisodeMetaJson; columns: ColumnDesc[] };
  const base = pad8(RECORD_PREFIX + 4 + len);
  return {
    meta: Object.assign(meta, { totalReturn: Number(meta.totalReturn) }),
    columns: columns.map((c) => {
      // Parsed objects of our own: the view is added in place.
      const col = c as ColumnDesc & { data: TypedArray | undefined };
      if (c.dtype === "string") col.data = undefined;
      else {
        const info = DTYPES[c.dtype];
        col.data = new info.ctor(buf, base + c.offset, c.byteLength / info.itemSize);
      }
      return col;
    }),
  };
}
