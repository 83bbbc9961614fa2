import type h5wasm from "h5wasm/node";
import { DTYPES, type DtypeName, type TypedArray } from "../../envs/core/dtype.js";
import { BOOL_PLACEHOLDER, takeIoError, withRawChunks } from "./h5-bool-patch.js";

/** The h5wasm module (worker thread only: h5wasm is synchronous). */
export type H5Module = Awaited<typeof h5wasm.ready>;

const UNLIMITED = 18446744073709551615n;
const T_INTEGER = 0;
const T_FLOAT = 1;
const T_STRING = 3;
const T_COMPOUND = 6;
/** Largest single copy into the wasm heap; bigger writes go in slices. */
const MAX_COPY = 64 * 1024 * 1024;
/** Target bytes per chunk. */
const CHUNK_BYTES = 1024 * 1024;

/** An attribute value: numbers are float64 unless given as `{ int }`. */
export type AttrValue = number | string | boolean | { readonly int: number };

/** How datasets are created. */
export interface DatasetOptions {
  /** gzip level, 0 for none. */
  readonly gzip: number;
  /** Rows per chunk (default: the whole column, up to about 1 MiB). */
  readonly chunkRows?: number;
  /** Uncompressed datasets that never grow: contiguous layout (cheaper to create). */
  readonly contiguous?: boolean;
}

function typeMeta(dtype: DtypeName | "string"): Record<string, unknown> {
  const base = { littleEndian: true, vlen: false, signed: false };
  if (dtype === "string") return { ...base, type: T_STRING, size: 4, vlen: true, cset: 1 };
  if (dtype === "bool") {
    const member = {
      ...base,
      type: T_INTEGER,
      size: 1,
      signed: true,
      name: BOOL_PLACEHOLDER,
      offset: 0,
    };
    return {
      ...base,
      type: T_COMPOUND,
      size: 1,
      compound_type: { nmembers: 1, members: [member] },
    };
  }
  const info = DTYPES[dtype];
  return {
    ...base,
    type: info.kind === "f" ? T_FLOAT : T_INTEGER,
    size: info.itemSize,
    signed: info.kind === "i",
  };
}

/** Global through which a worker started from TypeScript sources hands over a natively loaded h5wasm. */
export const H5WASM_GLOBAL = "__gymrpcH5wasm";

let modulePromise: Promise<H5Module> | undefined;

/** Loads h5wasm once per thread, with HDF5 errors thrown as exceptions. */
export function loadH5(): Promise<H5Module> {
  modulePromise ??= (async () => {
    const preloaded = (globalThis as Record<string, unknown>)[H5WASM_GLOBAL] as
      | typeof h5wasm
      | undefined;
    const lib = preloaded ?? (await import("h5wasm/node")).default;
    const m = await lib.ready;
    m.activate_throwing_error_handler();
    return m;
  })();
  return modulePromise;
}

/**
 * The thread's one staging buffer in the wasm heap (requests run one at a
 * time, so every open file shares it; at most 64 MiB unless a single write
 * needs more, whatever the number of open datasets).
 */
const scratch = { ptr: 0, cap: 0 };

/** An HDF5 file written through h5wasm's low-level calls (no per-call JS objects). */
export class H5File {
  private open = true;

  private constructor(
    private readonly m: H5Module,
    readonly path: string,
    readonly fid: bigint,
  ) {}

  /**
   * Creates (truncating) a file. Objects get the earliest format that holds
   * them (version-1 headers, readable by HDF5 1.8+), bounded at 1.10; the
   * root group tracks creation order, as Minari's files do.
   */
  static create(m: H5Module, path: string): H5File {
    const fid = m.open(path, m.H5F_ACC_TRUNC, true, m.H5F_LIBVER_EARLIEST, m.H5F_LIBVER_V110);
    H5File.check(fid < 0n ? -1 : 0, `create ${path}`);
    return new H5File(m, path, fid);
  }

  private static check(status: number, what: string): void {
    const io = takeIoError();
    if (io) throw io;
    if (status < 0) throw new Error(`HDF5 could not ${what}`);
  }

  private heap(bytes: number): number {
    if (bytes > scratch.cap || scratch.ptr === 0) {
      if (scratch.ptr) this.m._free(scratch.ptr);
      scratch.cap = Math.max(bytes, Math.min(scratch.cap * 2, MAX_COPY), 1 << 16);
      scratch.ptr = this.m._malloc(scratch.cap);
      if (!scratch.ptr) {
        scratch.cap = 0;
        throw new Error(`wasm heap: could not allocate ${bytes} bytes`);
      }
    }
    return scratch.ptr;
  }

  private copyIn(data: TypedArray): number {
    const ptr = this.heap(data.byteLength);
    this.m.HEAPU8.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), ptr);
    return ptr;
  }

  /** Creates a group. */
  group(path: string): void {
    H5File.check(this.m.create_group(this.fid, path, false), `create group ${path}`);
  }

  /**
   * Creates a chunked dataset of `shape` (rows first, extendable along rows)
   * holding `data` (tensor dtypes) or `strings`.
   */
  dataset(
    path: string,
    dtype: DtypeName | "string",
    shape: readonly number[],
    data: TypedArray | readonly string[] | undefined,
    opts: DatasetOptions,
  ): void {
    const [rows = 0, ...rowShape] = shape;
    const rowBytes =
      dtype === "string" ? 16 : DTYPES[dtype].itemSize * rowShape.reduce((a, b) => a * b, 1);
    const chunkRows = Math.max(
      1,
      opts.chunkRows ?? Math.min(rows, Math.floor(CHUNK_BYTES / Math.max(1, rowBytes))),
    );
    const big =
      dtype !== "string" && data !== undefined && (data as TypedArray).byteLength > MAX_COPY;
    const first = big ? 0 : rows;
    const contiguous = opts.contiguous === true && opts.gzip === 0 && !big;
    const meta = {
      ...typeMeta(dtype),
      shape: [first, ...rowShape].map(BigInt),
      maxshape: contiguous
        ? [first, ...rowShape].map(BigInt)
        : [UNLIMITED, ...rowShape.map(BigInt)],
      chunks: contiguous ? null : [chunkRows, ...rowShape].map(BigInt),
      compression: opts.gzip > 0 && dtype !== "string" ? 1 : 0,
      compression_opts: opts.gzip > 0 && dtype !== "string" ? [opts.gzip] : [],
      track_order: false,
    };
    if (dtype === "string") {
      const strings = (data as readonly string[] | undefined) ?? [];
      H5File.check(
        this.m.create_vlen_str_dataset(this.fid, path, [...strings], meta as never),
        `create ${path}`,
      );
      return;
    }
    const arr = big || data === undefined ? new Uint8Array(0) : (data as TypedArray);
    const ptr = this.copyIn(arr);
    H5File.check(
      this.m.create_dataset(this.fid, path, BigInt(ptr), meta as never),
      `create ${path}`,
    );
    if (big) this.append(path, data as TypedArray, 0, rows, rowShape);
  }

  /** Allocates `bytes` in the wasm heap (memory HDF5 can write from without a copy). */
  alloc(bytes: number): number {
    const ptr = this.m._malloc(Math.max(8, bytes));
    if (!ptr) throw new Error(`wasm heap: could not allocate ${bytes} bytes`);
    return ptr;
  }

  /** Frees memory taken with {@link alloc}. */
  release(ptr: number): void {
    if (ptr) this.m._free(ptr);
  }

  /** The wasm heap's bytes (a new buffer after the heap grows: views of the old one are stale). */
  get heapBytes(): Uint8Array {
    return this.m.HEAPU8;
  }

  /**
   * Writes `rows` rows that are at `ptr` in the wasm heap at row `at` of a
   * dataset, growing it. `rawChunkBytes`: the bytes of the dataset's chunks
   * when uncompressed (its whole chunks are then not scanned for the bool
   * patch).
   */
  appendFromHeap(
    path: string,
    ptr: number,
    rows: number,
    at: number,
    rowShape: readonly number[],
    rawChunkBytes = 0,
  ): void {
    if (rows === 0) return;
    H5File.check(
      this.m.resize_dataset(this.fid, path, [BigInt(at + rows), ...rowShape.map(BigInt)]),
      `resize ${path}`,
    );
    const count = [BigInt(rows), ...rowShape.map(BigInt)];
    const offset = [BigInt(at), ...rowShape.map(() => 0n)];
    const strides = count.map(() => 1n);
    const status = withRawChunks(rawChunkBytes, () =>
      this.m.set_dataset_data(this.fid, path, count, offset, strides, BigInt(ptr)),
    );
    H5File.check(status, `write ${path}`);
  }

  /** Writes `rows` rows of `data` at row `at` of a dataset, growing it to `at + rows`. */
  append(
    path: string,
    data: TypedArray,
    at: number,
    rows: number,
    rowShape: readonly number[],
  ): void {
    if (rows === 0) return;
    const width = rowShape.reduce((a, b) => a * b, 1);
    const rowBytes = Math.max(1, data.BYTES_PER_ELEMENT * width);
    const step = Math.max(1, Math.floor(MAX_COPY / rowBytes));
    H5File.check(
      this.m.resize_dataset(this.fid, path, [BigInt(at + rows), ...rowShape.map(BigInt)]),
      `resize ${path}`,
    );
    for (let r = 0; r < rows; r += step) {
      const n = Math.min(step, rows - r);
      const ptr = this.copyIn(data.subarray(r * width, (r + n) * width));
      const count = [BigInt(n), ...rowShape.map(BigInt)];
      const offset = [BigInt(at + r), ...rowShape.map(() => 0n)];
      const strides = count.map(() => 1n);
      H5File.check(
        this.m.set_dataset_data(this.fid, path, count, offset, strides, BigInt(ptr)),
        `write ${path}`,
      );
    }
  }

  /** Sets a scalar attribute on the object at `path` (replacing one of the same name when `replace`). */
  attr(path: string, name: string, value: AttrValue, replace = false): void {
    if (replace && this.m.get_attribute_names(this.fid, path).includes(name)) {
      this.m.delete_attribute(this.fid, path, name);
    }
    const scalar = { shape: [], maxshape: [] };
    if (typeof value === "string") {
      H5File.check(
        this.m.create_vlen_str_attribute(this.fid, path, name, [value], {
          ...typeMeta("string"),
          ...scalar,
        } as never),
        `set attribute ${name}`,
      );
      return;
    }
    let bytes: TypedArray;
    let dtype: DtypeName;
    if (typeof value === "boolean") [bytes, dtype] = [Uint8Array.of(value ? 1 : 0), "bool"];
    else if (typeof value === "number") [bytes, dtype] = [Float64Array.of(value), "float64"];
    else [bytes, dtype] = [BigInt64Array.of(BigInt(Math.trunc(value.int))), "int64"];
    const ptr = this.copyIn(bytes);
    H5File.check(
      this.m.create_attribute(this.fid, path, name, BigInt(ptr), {
        ...typeMeta(dtype),
        ...scalar,
      } as never),
      `set attribute ${name}`,
    );
  }

  /** Writes every dirty cache entry: the file is consistent on disk until the next change. */
  flush(): void {
    H5File.check(this.m.flush(this.fid), "flush");
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    H5File.check(this.m.close_file(this.fid), "close");
  }
}
