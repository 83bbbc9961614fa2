import { DTYPES, type DtypeName, type TypedArray } from "../../envs/core/dtype.js";
import type { ColumnRole } from "./h5-codec.js";
import type { H5File } from "./h5-file.js";
import { defaultRows, ensureGroups } from "./h5-layout.js";

/**
 * Chunk bytes of an uncompressed growing dataset: up to 1 MiB, so HDF5
 * writes large runs of whole chunks; down to 64 KiB when the dataset is
 * created with few rows (a slow recording's file does not get whole 1 MiB
 * chunks).
 */
const RAW_CHUNK_BYTES = [64 * 1024, 1024 * 1024] as const;
/**
 * Most rows in an uncompressed chunk: narrow columns (rewards, flags) then
 * fill chunks about as often as the observations do, so their writes spread
 * over the recording rather than waiting for the end of a batch.
 */
const RAW_CHUNK_ROWS = 32 * 1024;
/** Chunk bytes of a gzip dataset (each chunk is compressed, and read, whole). */
const GZIP_CHUNK_BYTES = 64 * 1024;
/** Default rows owed by a column first seen late are written in pieces of at most this many bytes. */
const BACKFILL_BYTES = 8 * 1024 * 1024;

const isBig = (a: TypedArray) => a instanceof BigInt64Array || a instanceof BigUint64Array;

/** Copies `src` into `dst` at element `at`, converting (float64 to float32, int64 to float32, ...). */
export function setConverted(dst: TypedArray, at: number, src: TypedArray): void {
  if (isBig(dst) === isBig(src)) {
    (dst as Float64Array).set(src as Float64Array, at);
    return;
  }
  const toBig = isBig(dst);
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    (dst as unknown as (number | bigint)[])[at + i] = toBig ? BigInt(Math.trunc(v)) : v;
  }
}

/**
 * A dataset that grows by rows (the flat layout's columns). Rows are staged
 * in the wasm heap, which HDF5 writes from without a copy (and whose pages
 * are reused, where fresh buffers would fault pages in), and go to the file
 * in runs of whole chunks: HDF5 then never reads back, refills or rewrites
 * a partial chunk. {@link flush} writes the rest (the end of a batch). The
 * dataset is created once a whole chunk of rows is staged (or at the last
 * flush), with chunks sized by the rows gathered by then.
 */
export class StagedColumn {
  readonly width: number;
  readonly rowBytes: number;
  /** Rows on disk. */
  written = 0;
  /** Rows staged, after those on disk (and those owed). */
  staged = 0;
  private chunkRows = 0;
  private ptr = 0;
  private capRows = 0;
  private view: TypedArray;
  /** The wasm heap view `view` was made from (a new one after the heap grew). */
  private viewHeap: Uint8Array | undefined;

  /**
   * `owed`: rows of the dataset before its first staged one, which get the
   * column's default (a column first seen after other columns had rows).
   */
  constructor(
    private readonly f: H5File,
    readonly path: string,
    readonly dtype: DtypeName,
    readonly rowShape: readonly number[],
    readonly role: ColumnRole,
    private owed: number,
    private readonly gzip: number,
    private readonly groups: Set<string>,
  ) {
    this.width = rowShape.reduce((a, b) => a * b, 1);
    this.rowBytes = DTYPES[dtype].itemSize * this.width;
    this.view = new DTYPES[dtype].ctor(0);
  }

  /** The staging as a typed array (made anew after the wasm heap grew; valid until the next HDF5 call). */
  rows(): TypedArray {
    const heap = this.f.heapBytes;
    if (heap !== this.viewHeap) {
      this.view = new DTYPES[this.dtype].ctor(heap.buffer, this.ptr, this.capRows * this.width);
      this.viewHeap = heap;
    }
    return this.view;
  }

  /** Room for `n` more staged rows. */
  reserve(n: number): void {
    const need = this.staged + n;
    if (this.capRows >= need) return;
    const capRows = Math.max(need, 2 * this.capRows, 256);
    const ptr = this.f.alloc(capRows * this.rowBytes);
    this.f.heapBytes.copyWithin(ptr, this.ptr, this.ptr + this.staged * this.rowBytes);
    this.f.release(this.ptr);
    this.ptr = ptr;
    this.capRows = capRows;
    this.viewHeap = undefined;
  }

  /** Stages `n` rows of the column's default (NaN, 0, 255 for was_exploratory). */
  stageDefault(n: number): void {
    this.reserve(n);
    const s = this.rows();
    const from = this.staged * this.width;
    const to = from + n * this.width;
    if (isBig(s)) (s as BigInt64Array).fill(0n, from, to);
    else if (this.role === "was_exploratory") s.fill(255 as never, from, to);
    else (s as Float64Array).fill(DTYPES[this.dtype].kind === "f" ? Number.NaN : 0, from, to);
    this.commit(n);
  }

  /** Counts `n` rows written into the staging (at row `staged`); whole chunks go to the file. */
  commit(n: number): void {
    this.staged += n;
    if (!this.chunkRows) {
      if (this.staged < this.rowsPerChunk(this.gzip ? GZIP_CHUNK_BYTES : RAW_CHUNK_BYTES[1]))
        return;
      this.create();
    }
    const c = this.chunkRows;
    this.write(Math.floor((this.written + this.staged) / c) * c - this.written);
  }

  /**
   * Writes every staged row (the dataset ends in a partial chunk until the next rows).
   * A dataset not made yet is made only by the `final` flush (or with nothing staged):
   * its chunks are then sized by the data, not by when a periodic flush came.
   */
  flush(final = false): void {
    if (!this.chunkRows) {
      if (!final && this.staged + this.owed > 0) return;
      this.create();
    }
    this.write(this.staged);
  }

  /** Frees the staging. */
  release(): void {
    this.f.release(this.ptr);
    this.ptr = 0;
    this.capRows = 0;
  }

  /** Rows of a chunk of about `bytes` (uncompressed: at most RAW_CHUNK_ROWS). */
  private rowsPerChunk(bytes: number): number {
    const rows = Math.max(1, Math.floor(bytes / Math.max(1, this.rowBytes)));
    return this.gzip ? rows : Math.min(rows, RAW_CHUNK_ROWS);
  }

  /** Creates the dataset, chunked for the rows gathered so far, and writes the rows owed. */
  private create(): void {
    const bytes = (this.owed + this.staged) * this.rowBytes;
    let chunk = GZIP_CHUNK_BYTES;
    if (!this.gzip) {
      chunk = RAW_CHUNK_BYTES[0];
      while (chunk < bytes && chunk < RAW_CHUNK_BYTES[1]) chunk *= 2;
    }
    this.chunkRows = this.rowsPerChunk(chunk);
    ensureGroups(this.f, "", this.path.slice(1).split("/"), this.groups);
    this.f.dataset(this.path, this.dtype, [0, ...this.rowShape], undefined, {
      gzip: this.gzip,
      chunkRows: this.chunkRows,
    });
    while (this.owed > 0) {
      const n = Math.min(this.owed, Math.max(1, Math.floor(BACKFILL_BYTES / this.rowBytes)));
      this.f.append(this.path, defaultRows(this, n, this.width), this.written, n, this.rowShape);
      this.written += n;
      this.owed -= n;
    }
  }

  /** Writes the first `n` staged rows and moves the rest (at most about an episode's) to the front. */
  private write(n: number): void {
    if (n <= 0) return;
    const raw = this.gzip ? 0 : this.chunkRows * this.rowBytes;
    this.f.appendFromHeap(this.path, this.ptr, n, this.written, this.rowShape, raw);
    const rb = this.rowBytes;
    this.f.heapBytes.copyWithin(this.ptr, this.ptr + n * rb, this.ptr + this.staged * rb);
    this.written += n;
    this.staged -= n;
  }
}
