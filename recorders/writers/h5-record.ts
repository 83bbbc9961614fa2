import { DTYPES, type TypedArray } from "../../envs/core/dtype.js";
import type { RecordedEpisode } from "../types.js";
import {
  type Column,
  type ColumnDesc,
  type DecodedEpisode,
  type EpisodeHead,
  type EpisodeMetaJson,
  episodeColumns,
  type PendingColumn,
  toJsonSafe,
} from "./h5-codec.js";
import type { SpaceSpec } from "./h5-spaces.js";

/**
 * Episodes cross to the HDF5 worker, and into its journal, as one binary
 * record each: a 16-byte prefix (magic "GEP1", kind, payload length, CRC-32
 * of the payload), then (kind `episode`) the lengths of two JSON texts, the
 * numeric metadata as float64s, the columns' JSON, the rest of the metadata
 * as JSON, and the columns' bytes, each 8-byte aligned. The same bytes are
 * the journal's records. Records are written back to back into large
 * buffers ({@link RecordSlab}): no allocation per episode, and the worker
 * reads the columns' JSON from a cache (episodes of one recording share it).
 */
export const RECORD_MAGIC = 0x31504547;
/** Size of a record's fixed prefix. */
export const RECORD_PREFIX = 16;
/** Record kinds (`legacyEpisode`: one JSON header {meta, columns}, still read from old journals). */
export const RecordKind = { legacyEpisode: 1, header: 2, episode: 3 } as const;

/** Prefix, the two JSON lengths (u32) and six float64s: episodeId, seed, subEnv, length, totalReturn, success. */
const HEAD_BYTES = RECORD_PREFIX + 8 + 6 * 8;
/** Bytes of a fresh slab: large enough that a fast producer sends few messages. */
const SLAB_BYTES = 1 << 20;

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

/** A filled buffer of records and how many bytes / episodes it holds. */
export interface RecordBatch {
  readonly buffer: ArrayBuffer;
  readonly used: number;
  readonly episodes: number;
}

/** Slab buffers the worker gave back once done with them, reused before new ones are allocated. */
const spare: ArrayBuffer[] = [];
/** Most spare buffers kept (main thread, shared by every writer). */
const MAX_SPARE = 32;

/** True for a buffer worth giving back to the main thread (a whole slab, not a copy). */
export function isSlab(buffer: ArrayBuffer): boolean {
  return buffer.byteLength === SLAB_BYTES;
}

/**
 * Takes back slabs the worker is done with: a fresh buffer would cost page
 * faults as it is filled and garbage collection once dropped.
 */
export function recycleSlabs(buffers: readonly ArrayBuffer[]): void {
  for (const b of buffers) if (isSlab(b) && spare.length < MAX_SPARE) spare.push(b);
}

/** A buffer for records of at most `bytes` (a spare slab when one fits). */
function newBuffer(bytes: number): ArrayBuffer {
  if (bytes <= SLAB_BYTES) return spare.pop() ?? new ArrayBuffer(SLAB_BYTES);
  return new ArrayBuffer(pad8(bytes));
}

/**
 * Episode records written back to back into large buffers (main thread). A
 * full buffer is handed out as is (transferred, not copied); a partly
 * filled one is copied out when small, so a slow producer reuses one buffer.
 */
export class RecordSlab {
  private buf = newBuffer(0);
  private u8 = new Uint8Array(this.buf);
  private dv = new DataView(this.buf);
  private pos = 0;
  private episodes = 0;
  private readonly full: RecordBatch[] = [];

  /** True when no record waits to be taken. */
  get empty(): boolean {
    return this.pos === 0 && this.full.length === 0;
  }

  /** True when a whole buffer waits (worth sending at once). */
  get hasFull(): boolean {
    return this.full.length > 0;
  }

  /** Writes from the start of `buf` (a new buffer) or of the current one (its records copied out). */
  private restart(buf = this.buf): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.u8 = new Uint8Array(buf);
      this.dv = new DataView(buf);
    }
    this.pos = 0;
    this.episodes = 0;
  }

  /** Room for a record of at most `bytes` at the write position (a new buffer when this one is short). */
  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.byteLength) return;
    if (this.pos > 0) this.full.push({ buffer: this.buf, used: this.pos, episodes: this.episodes });
    this.restart(newBuffer(bytes));
  }

  /** Takes the full buffers, then (when `partial`) the current one. */
  take(partial: boolean): RecordBatch[] {
    const out = this.full.splice(0);
    if (!partial || this.pos === 0) return out;
    if (this.pos * 2 >= this.buf.byteLength) {
      out.push({ buffer: this.buf, used: this.pos, episodes: this.episodes });
      this.restart(newBuffer(0));
    } else {
      out.push({ buffer: this.buf.slice(0, this.pos), used: this.pos, episodes: this.episodes });
      this.restart();
    }
    return out;
  }

  /** The columns JSON of the previous record, and what it described. */
  private last: { cols: PendingColumn[]; json: string; dataBytes: number } | undefined;

  /** The columns' JSON and data bytes (the previous record's JSON when the columns match it). */
  private columnsJson(cols: PendingColumn[]): { json: string; dataBytes: number } {
    const last = this.last;
    if (last && sameColumns(last.cols, cols)) {
      last.cols = cols;
      return last;
    }
    let dataBytes = 0;
    let json = "[";
    for (let i = 0; i < cols.length; i++) {
      const { desc, bytes } = cols[i]!;
      const len = bytes?.byteLength ?? 0;
      // Roles and dtypes are plain identifiers: only paths and strings need JSON escaping.
      json += `${i ? "," : ""}{"role":"${desc.role}","path":${JSON.stringify(desc.path)},"dtype":"${desc.dtype}","shape":[${desc.shape.join(",")}],"offset":${dataBytes},"byteLength":${len}`;
      if (desc.strings) json += `,"strings":${JSON.stringify(desc.strings)}`;
      if (desc.resetPresent !== undefined) json += `,"resetPresent":${desc.resetPresent}`;
      json += "}";
      dataBytes += pad8(len);
    }
    json += "]";
    this.last = { cols, json, dataBytes };
    return this.last;
  }

  /** Encodes a finished episode as one record at the end of the slab (copies the columns once). */
  append(ep: RecordedEpisode, observationSpace: SpaceSpec, actionSpace: SpaceSpec): void {
    const cols = episodeColumns(ep, observationSpace, actionSpace);
    const { json: colsJson, dataBytes } = this.columnsJson(cols);
    const metaJson = restOfMetaJson(ep.meta);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(HEAD_BYTES + 3 * (colsJson.length + metaJson.length) + 8 + dataBytes);
    const at = this.pos;
    const u8 = this.u8;
    const dv = this.dv;
    const colsLen = encoder.encodeInto(colsJson, u8.subarray(at + HEAD_BYTES)).written;
    const metaLen = encoder.encodeInto(metaJson, u8.subarray(at + HEAD_BYTES + colsLen)).written;
    const base = at + pad8(HEAD_BYTES + colsLen + metaLen);
    let off = base;
    for (const { bytes } of cols) {
      if (!bytes) continue;
      const len = bytes.byteLength;
      u8.set(new Uint8Array(bytes.buffer, bytes.byteOffset, len), off);
      if (len & 7) u8.fill(0, off + len, off + pad8(len));
      off += pad8(len);
    }
    // Zero the alignment padding, so the record's bytes (and CRC) depend only on the episode.
    u8.fill(0, at + HEAD_BYTES + colsLen + metaLen, base);
    const m = ep.meta;
    dv.setUint32(at, RECORD_MAGIC, true);
    dv.setUint32(at + 4, RecordKind.episode, true);
    dv.setUint32(at + 8, off - at - RECORD_PREFIX, true);
    dv.setUint32(at + 12, 0, true);
    dv.setUint32(at + 16, colsLen, true);
    dv.setUint32(at + 20, metaLen, true);
    dv.setFloat64(at + 24, m.episodeId, true);
    dv.setFloat64(at + 32, m.seed ?? Number.NaN, true);
    dv.setFloat64(at + 40, m.subEnv, true);
    dv.setFloat64(at + 48, m.length, true);
    dv.setFloat64(at + 56, m.totalReturn, true);
    dv.setFloat64(at + 64, m.success === undefined ? -1 : m.success ? 1 : 0, true);
    this.pos = off;
    this.episodes++;
  }
}

const samePath = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/** True when two episodes' columns have one description (so one JSON), strings aside. */
function sameColumns(a: readonly PendingColumn[], b: readonly PendingColumn[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!.desc;
    const y = b[i]!.desc;
    if (
      x.role !== y.role ||
      x.dtype !== y.dtype ||
      x.strings ||
      y.strings ||
      x.resetPresent !== y.resetPresent ||
      x.shape.length !== y.shape.length ||
      !x.shape.every((n, k) => n === y.shape[k]) ||
      !samePath(x.path, y.path)
    )
      return false;
  }
  return true;
}

/** JSON of resolved configs, by object: a recording's episodes share one config. */
const configJson = new WeakMap<object, string>();

/** The metadata fields that are not numbers, as JSON. */
function restOfMetaJson(m: RecordedEpisode["meta"]): string {
  let config = configJson.get(m.config);
  if (config === undefined) configJson.set(m.config, (config = JSON.stringify(m.config)));
  const reset = Object.keys(m.resetInfo).length ? JSON.stringify(toJsonSafe(m.resetInfo)) : "{}";
  const s = JSON.stringify;
  return `{"envId":${s(m.envId)},"config":${config},"policyId":${s(m.policyId)},"terminationReason":${s(m.terminationReason)},"trajectoryHash":${s(m.trajectoryHash)},"schemaVersion":${s(m.schemaVersion)},"startedAt":${s(m.startedAt)},"endedAt":${s(m.endedAt)},"resetInfo":${reset}}`;
}

/** Encodes a JSON value as a record of `kind` (the journal's header). */
export function encodeJsonRecord(kind: number, value: unknown): ArrayBuffer {
  const json = encoder.encode(stringify(value));
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
  const text = decoder.decode(new Uint8Array(buf, RECORD_PREFIX + 4, len));
  return { kind: dv.getUint32(4, true), json: parse(text) };
}

/** The [offset, length) of each record in the first `used` bytes of a slab. */
export function recordSpans(buf: ArrayBuffer, used: number): [number, number][] {
  const dv = new DataView(buf);
  const out: [number, number][] = [];
  for (let at = 0; at + RECORD_PREFIX <= used; ) {
    if (dv.getUint32(at, true) !== RECORD_MAGIC) throw new Error("not a gymrpc episode record");
    const len = RECORD_PREFIX + dv.getUint32(at + 8, true);
    out.push([at, len]);
    at += len;
  }
  return out;
}

/** Parsed column descriptions by their JSON text (bounded: a recording has few distinct ones). */
const descCache = new Map<string, ColumnDesc[]>();
/** Longest columns JSON that is cached (longer ones carry per-step strings, seldom repeated). */
const MAX_CACHED_JSON = 4096;
/** The last columns JSON seen and its descriptions: consecutive episodes mostly share them. */
let lastDescs: { bytes: Buffer; descs: ColumnDesc[] } | undefined;

/** A Buffer over the slab being decoded (one per slab, not one per record). */
let slabBytes: Buffer = Buffer.alloc(0);

function columnDescs(buf: ArrayBuffer, start: number, length: number): ColumnDesc[] {
  if (slabBytes.buffer !== buf) slabBytes = Buffer.from(buf);
  const last = lastDescs;
  if (last && last.bytes.compare(slabBytes, start, start + length) === 0) return last.descs;
  const bytes = slabBytes.subarray(start, start + length);
  const parseBytes = () => JSON.parse(bytes.toString("utf8")) as ColumnDesc[];
  if (bytes.length > MAX_CACHED_JSON) return parseBytes();
  // Keyed by the bytes as latin1 (one char per byte, the cheapest text to make); parsed as UTF-8.
  const key = bytes.toString("latin1");
  let descs = descCache.get(key);
  if (!descs) {
    descs = parseBytes();
    if (descCache.size >= 64) descCache.clear();
    descCache.set(key, descs);
  }
  lastDescs = { bytes: Buffer.from(bytes), descs };
  return descs;
}

function viewColumns(buf: ArrayBuffer, base: number, descs: readonly ColumnDesc[]): Column[] {
  const out: Column[] = new Array(descs.length);
  for (let i = 0; i < descs.length; i++) {
    const c = descs[i]!;
    let data: TypedArray | undefined;
    if (c.dtype !== "string") {
      const info = DTYPES[c.dtype];
      data = new info.ctor(buf, base + c.offset, c.byteLength / info.itemSize);
    }
    // One object shape for every column (a spread of the parsed object would be slower).
    out[i] = {
      role: c.role,
      path: c.path,
      dtype: c.dtype,
      shape: c.shape,
      offset: c.offset,
      byteLength: c.byteLength,
      strings: c.strings,
      resetPresent: c.resetPresent,
      data,
    };
  }
  return out;
}

/** Rows [from, from + count) of column `col` of a record whose column area starts at `base`. */
function rowsView(
  buf: ArrayBuffer,
  base: number,
  c: ColumnDesc,
  from: number,
  count: number,
): TypedArray {
  if (c.dtype === "string") throw new Error(`column ${c.role} holds strings`);
  const info = DTYPES[c.dtype];
  let width = 1;
  for (let i = 1; i < c.shape.length; i++) width *= c.shape[i]!;
  return new info.ctor(buf, base + c.offset + from * width * info.itemSize, count * width);
}

/**
 * An episode record read in place: columns are views of its bytes, made on
 * first use (the flat layout takes row views without them); the metadata
 * JSON is parsed on first use.
 */
class RecordEpisode implements DecodedEpisode {
  private full: EpisodeMetaJson | undefined;
  private cols: readonly Column[] | undefined;

  constructor(
    readonly head: EpisodeHead,
    readonly descs: readonly ColumnDesc[],
    private readonly buf: ArrayBuffer,
    private readonly base: number,
    private readonly metaAt: number,
    private readonly metaLen: number,
  ) {}

  get columns(): readonly Column[] {
    this.cols ??= viewColumns(this.buf, this.base, this.descs);
    return this.cols;
  }

  get meta(): EpisodeMetaJson {
    if (!this.full) {
      const text = decoder.decode(new Uint8Array(this.buf, this.metaAt, this.metaLen));
      this.full = { ...this.head, ...(JSON.parse(text) as object) } as EpisodeMetaJson;
    }
    return this.full;
  }

  rows(col: number, from: number, count: number): TypedArray {
    return rowsView(this.buf, this.base, this.descs[col]!, from, count);
  }
}

/** Decodes the episode record at byte `at` of `buf` into views of its columns. */
export function decodeEpisode(buf: ArrayBuffer, at = 0): DecodedEpisode {
  const dv = new DataView(buf);
  if (dv.getUint32(at, true) !== RECORD_MAGIC) throw new Error("not a gymrpc episode record");
  const kind = dv.getUint32(at + 4, true);
  if (kind === RecordKind.legacyEpisode) return decodeLegacy(buf, at);
  if (kind !== RecordKind.episode) throw new Error(`not an episode record (kind ${kind})`);
  const colsLen = dv.getUint32(at + 16, true);
  const metaLen = dv.getUint32(at + 20, true);
  const seed = dv.getFloat64(at + 32, true);
  const success = dv.getFloat64(at + 64, true);
  const head: EpisodeHead = {
    episodeId: dv.getFloat64(at + 24, true),
    seed: Number.isNaN(seed) ? null : seed,
    subEnv: dv.getFloat64(at + 40, true),
    length: dv.getFloat64(at + 48, true),
    totalReturn: dv.getFloat64(at + 56, true),
    success: success < 0 ? null : success === 1,
  };
  const descs = columnDescs(buf, at + HEAD_BYTES, colsLen);
  const base = at + pad8(HEAD_BYTES + colsLen + metaLen);
  return new RecordEpisode(head, descs, buf, base, at + HEAD_BYTES + colsLen, metaLen);
}

/** A record of the earlier format: one JSON header {meta, columns}. */
function decodeLegacy(buf: ArrayBuffer, at: number): DecodedEpisode {
  const len = new DataView(buf).getUint32(at + RECORD_PREFIX, true);
  const text = decoder.decode(new Uint8Array(buf, at + RECORD_PREFIX + 4, len));
  const { meta, columns } = JSON.parse(text) as { meta: EpisodeMetaJson; columns: ColumnDesc[] };
  const full = Object.assign(meta, { totalReturn: Number(meta.totalReturn) });
  const base = at + pad8(RECORD_PREFIX + 4 + len);
  return {
    head: full,
    meta: full,
    descs: columns,
    columns: viewColumns(buf, base, columns),
    rows: (col, from, count) => rowsView(buf, base, columns[col]!, from, count),
  };
}
