import type { RecordedEpisode } from "../types.js";
import { crc32 } from "./crc32.js";
import { episodeColumns, type PendingColumn, toJsonSafe } from "./h5-codec.js";
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
 * This file writes records (main thread; the journal's header in the
 * worker); h5-record-decode.ts reads them (worker).
 */
export const RECORD_MAGIC = 0x31504547;
/** Size of a record's fixed prefix. */
export const RECORD_PREFIX = 16;
/** Record kinds (`legacyEpisode`: one JSON header {meta, columns}, still read from old journals). */
export const RecordKind = { legacyEpisode: 1, header: 2, episode: 3 } as const;

/** Prefix, the two JSON lengths (u32) and six float64s: episodeId, seed, subEnv, length, totalReturn, success. */
export const HEAD_BYTES = RECORD_PREFIX + 8 + 6 * 8;
/** Bytes of a fresh slab: large enough that a fast producer sends few messages. */
const SLAB_BYTES = 1 << 20;

/** Stamps a record's CRC (over its payload) into its prefix. */
export function sealRecord(rec: Uint8Array): void {
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  dv.setUint32(12, crc32(rec.subarray(RECORD_PREFIX)), true);
}

/** `n` rounded up to a multiple of 8 (records and their columns are 8-byte aligned). */
export const pad8 = (n: number): number => (n + 7) & ~7;
const encoder = new TextEncoder();

/** JSON.stringify keeping ±Infinity and NaN (as {"$num": "Infinity"}), e.g. Box bounds. */
function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === "number" && !Number.isFinite(v) ? { $num: String(v) } : v,
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

/**
 * A buffer for records of at most `bytes` (a spare slab when one fits). Not zero-filled:
 * records are written whole, padding included (zeroing a slab is a memset of 1 MiB once
 * the allocator reuses freed memory, which cost ~10% of a burst's main thread).
 */
function newBuffer(bytes: number): ArrayBuffer {
  if (bytes <= SLAB_BYTES) return spare.pop() ?? uninitialized(SLAB_BYTES);
  return uninitialized(pad8(bytes));
}

/** An ArrayBuffer of its own (transferable) whose bytes are not zeroed. */
function uninitialized(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

/**
 * Episode records written back to back into large buffers (main thread). A
 * full buffer is handed out as is (transferred, not copied); a partly
 * filled one is copied out when small, so a slow producer reuses one buffer.
 */
export class RecordSlab {
  /**
   * @param textMeta whether records carry the metadata that is text (env id, config,
   * termination reason, trajectory hash, times, reset info); a layout that keeps none
   * of it (D4RL's) is given "{}", and the trajectory hash is then never computed.
   */
  constructor(private readonly textMeta = true) {}

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
    const metaJson = this.textMeta ? restOfMetaJson(ep.meta) : "{}";
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
    dv.setUint32(at + 16, colsLen, true);
    dv.setUint32(at + 20, metaLen, true);
    dv.setFloat64(at + 24, m.episodeId, true);
    dv.setFloat64(at + 32, m.seed ?? Number.NaN, true);
    dv.setFloat64(at + 40, m.subEnv, true);
    dv.setFloat64(at + 48, m.length, true);
    dv.setFloat64(at + 56, m.totalReturn, true);
    dv.setFloat64(at + 64, m.success === undefined ? -1 : m.success ? 1 : 0, true);
    // Sealed here, while its bytes are in this core's cache: the worker, HDF5's bottleneck, only journals it.
    sealRecord(u8.subarray(at, off));
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

/** Encodes a JSON value as a sealed record of `kind` (the journal's header). */
export function encodeJsonRecord(kind: number, value: unknown): ArrayBuffer {
  const json = encoder.encode(stringify(value));
  const buf = new ArrayBuffer(pad8(RECORD_PREFIX + 4 + json.length));
  const dv = new DataView(buf);
  dv.setUint32(0, RECORD_MAGIC, true);
  dv.setUint32(4, kind, true);
  dv.setUint32(8, buf.byteLength - RECORD_PREFIX, true);
  dv.setUint32(RECORD_PREFIX, json.length, true);
  new Uint8Array(buf).set(json, RECORD_PREFIX + 4);
  sealRecord(new Uint8Array(buf));
  return buf;
}
