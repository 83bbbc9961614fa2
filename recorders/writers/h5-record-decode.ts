/**
 * Reading the records h5-record.ts writes (worker thread): episodes as views
 * of their bytes, the journal's header as JSON.
 */
import { DTYPES, type TypedArray } from "../../envs/core/dtype.js";
import type {
  Column,
  ColumnDesc,
  DecodedEpisode,
  EpisodeHead,
  EpisodeMetaJson,
} from "./h5-codec.js";
import { HEAD_BYTES, pad8, RECORD_MAGIC, RECORD_PREFIX, RecordKind } from "./h5-record.js";

const decoder = new TextDecoder();

/** JSON.parse undoing the number tags of h5-record.ts's stringify. */
function parse(text: string): unknown {
  return JSON.parse(text, (_k, v) =>
    v && typeof v === "object" && typeof v.$num === "string" && Object.keys(v).length === 1
      ? Number(v.$num)
      : v,
  );
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
