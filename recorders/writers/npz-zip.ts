import { crc32 } from "./crc32.js";

// Zip container and deflate framing for .npz files whose members are written from
// already-compressed raw-deflate segments (APPNOTE 6.3.10; zip64 where needed).
// Not a zip library: yazl and archiver compress entries themselves, so every rebuild of
// the .npz would recompress the whole dataset; the writer instead compresses each batch
// once and needs a container that takes pre-compressed data with a given CRC and sizes.
// Checked against Python's zipfile (what numpy.load uses) and Info-ZIP's unzip, zip64
// forced and real (> 4 GiB members and offsets), in test/unit/npz-writer.test.ts.

const U32 = 0xffffffff;
const U16 = 0xffff;
const POLY = 0xedb88320;
const VERSION_MADE_BY = (3 << 8) | 45; // Unix, spec 4.5
const LOCAL_SIZE = 30;
const CENTRAL_SIZE = 46;
const EOCD_SIZE = 22;
const EOCD64_SIZE = 56;
const LOCATOR_SIZE = 20;

/** Ends a deflate stream of sync-flushed segments: an empty final fixed-Huffman block. */
export const FINAL_BLOCK: Buffer = Buffer.from([0x03, 0x00]);

/** Bytes a stored (uncompressed, non-final) deflate block adds before its data. */
export const STORED_BLOCK_OVERHEAD = 5;

/** Most bytes one stored deflate block holds. */
export const STORED_MAX = 0xffff;

/** Bytes `raw` bytes take as stored deflate blocks of STORED_MAX bytes (the last one shorter). */
export function storedSize(raw: number): number {
  return raw + STORED_BLOCK_OVERHEAD * Math.ceil(raw / STORED_MAX);
}

/** Writes the 5-byte header of a non-final stored block of `length` bytes into `out` at `at`. */
export function writeStoredBlockHeader(out: Buffer, at: number, length: number): void {
  out[at] = 0;
  out.writeUInt16LE(length, at + 1);
  out.writeUInt16LE(~length & U16, at + 3);
}

/** The 5-byte header of a non-final stored deflate block of `length` bytes (at most 65535). */
export function storedBlockHeader(length: number): Buffer {
  if (length > U16) throw new RangeError("a stored deflate block holds at most 65535 bytes");
  const out = Buffer.alloc(STORED_BLOCK_OVERHEAD);
  writeStoredBlockHeader(out, 0, length);
  return out;
}

/** A non-final stored deflate block holding `data` (at most 65535 bytes). */
export function storedBlock(data: Buffer): Buffer {
  return Buffer.concat([storedBlockHeader(data.length), data]);
}

/** `data` as non-final stored deflate blocks of STORED_MAX bytes: a sync-flushed piece holding it uncompressed. */
export function storedBlocks(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(storedSize(data.length));
  let o = 0;
  for (let i = 0; i < data.length; i += STORED_MAX) {
    const n = Math.min(STORED_MAX, data.length - i);
    writeStoredBlockHeader(out, o, n);
    out.set(data.subarray(i, i + n), o + STORED_BLOCK_OVERHEAD);
    o += STORED_BLOCK_OVERHEAD + n;
  }
  return out;
}

/** Multiplies two polynomials modulo the CRC-32 polynomial (zlib's multmodp). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? ((b >>> 1) ^ POLY) >>> 0 : b >>> 1;
  }
  return p >>> 0;
}

const X2N = new Uint32Array(32);
X2N[0] = 0x40000000;
for (let k = 1; k < 32; k++) X2N[k] = multModP(X2N[k - 1]!, X2N[k - 1]!);

/** CRC-32 of A followed by B from crc(A), crc(B) and B's length (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  let p = 0x80000000;
  let n = lengthB;
  for (let k = 3; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
  }
  return (multModP(p, crcA >>> 0) ^ crcB) >>> 0;
}

/** A .npy (format 1.0) header for a C-order array; its length is a multiple of 64. */
export function npyHeader(descr: string, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const out = Buffer.alloc(total, 0x20);
  out.write("\x93NUMPY\x01\x00", 0, "latin1");
  out.writeUInt16LE(total - 10, 8);
  out.write(dict, 10, "latin1");
  out[total - 1] = 0x0a;
  return out;
}

/** One deflated member of a zip, described by its sizes and CRC. */
export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc: number;
}

/** Where everything of a zip goes: local headers, each entry's data, then the central directory. */
export interface ZipLayout {
  /** Offset of each entry's local header. */
  readonly headerOffsets: readonly number[];
  readonly localHeaders: readonly Buffer[];
  /** Offset of each entry's compressed data. */
  readonly dataOffsets: readonly number[];
  /** Central directory and end records. */
  readonly tail: Buffer;
  readonly tailOffset: number;
  readonly size: number;
}

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeBigUInt64LE(BigInt(value), offset);
}

/** Lays out a zip of deflated entries; zip64 structures appear where a field overflows, or everywhere with `forceZip64`. */
export function layoutZip(
  entries: readonly ZipEntry[],
  opts: { readonly forceZip64?: boolean; readonly mtime?: Date } = {},
): ZipLayout {
  const force = opts.forceZip64 === true;
  // A fixed time, as numpy.savez writes (1980-01-01): the same data gives the same bytes.
  const { date, time } = dosDateTime(opts.mtime ?? new Date(1980, 0, 1));
  const headerOffsets: number[] = [];
  const localHeaders: Buffer[] = [];
  const dataOffsets: number[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const big = force || e.uncompressedSize >= U32 || e.compressedSize >= U32;
    const local = Buffer.alloc(LOCAL_SIZE + name.length + (big ? 20 : 0));
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? 45 : 20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(big ? U32 : e.compressedSize, 18);
    local.writeUInt32LE(big ? U32 : e.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(big ? 20 : 0, 28);
    name.copy(local, LOCAL_SIZE);
    if (big) {
      const x = LOCAL_SIZE + name.length;
      local.writeUInt16LE(0x0001, x);
      local.writeUInt16LE(16, x + 2);
      writeU64(local, e.uncompressedSize, x + 4);
      writeU64(local, e.compressedSize, x + 12);
    }
    // Central directory: the zip64 extra holds exactly the fields whose 32-bit slot is 0xFFFFFFFF, in spec order.
    const fields: number[] = [];
    const slot = (value: number): number => {
      if (!force && value < U32) return value;
      fields.push(value);
      return U32;
    };
    const uSize = slot(e.uncompressedSize);
    const cSize = slot(e.compressedSize);
    const at = slot(offset);
    const extra = fields.length ? 4 + 8 * fields.length : 0;
    const central = Buffer.alloc(CENTRAL_SIZE + name.length + extra);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(fields.length || big ? 45 : 20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(cSize, 20);
    central.writeUInt32LE(uSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra, 30);
    central.writeUInt32LE(0o100644 * 0x10000, 38);
    central.writeUInt32LE(at, 42);
    name.copy(central, CENTRAL_SIZE);
    if (fields.length) {
      const x = CENTRAL_SIZE + name.length;
      central.writeUInt16LE(0x0001, x);
      central.writeUInt16LE(8 * fields.length, x + 2);
      for (let i = 0; i < fields.length; i++) writeU64(central, fields[i]!, x + 4 + 8 * i);
    }
    headerOffsets.push(offset);
    localHeaders.push(local);
    dataOffsets.push(offset + local.length);
    centrals.push(central);
    offset += local.length + e.compressedSize;
  }
  const cdOffset = offset;
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const zip64 = force || entries.length >= U16 || cdSize >= U32 || cdOffset >= U32;
  const end = Buffer.alloc((zip64 ? EOCD64_SIZE + LOCATOR_SIZE : 0) + EOCD_SIZE);
  let p = 0;
  if (zip64) {
    end.writeUInt32LE(0x06064b50, 0);
    writeU64(end, EOCD64_SIZE - 12, 4);
    end.writeUInt16LE(VERSION_MADE_BY, 12);
    end.writeUInt16LE(45, 14);
    writeU64(end, entries.length, 24);
    writeU64(end, entries.length, 32);
    writeU64(end, cdSize, 40);
    writeU64(end, cdOffset, 48);
    end.writeUInt32LE(0x07064b50, EOCD64_SIZE);
    writeU64(end, cdOffset + cdSize, EOCD64_SIZE + 8);
    end.writeUInt32LE(1, EOCD64_SIZE + 16);
    p = EOCD64_SIZE + LOCATOR_SIZE;
  }
  end.writeUInt32LE(0x06054b50, p);
  const count = force || entries.length >= U16 ? U16 : entries.length;
  end.writeUInt16LE(count, p + 8);
  end.writeUInt16LE(count, p + 10);
  end.writeUInt32LE(force || cdSize >= U32 ? U32 : cdSize, p + 12);
  end.writeUInt32LE(force || cdOffset >= U32 ? U32 : cdOffset, p + 16);
  const tail = Buffer.concat([...centrals, end]);
  return {
    headerOffsets,
    localHeaders,
    dataOffsets,
    tail,
    tailOffset: cdOffset,
    size: cdOffset + tail.length,
  };
}

/** CRC-32 of a buffer after `previous` (see crc32.ts). */
export function crcOf(data: Uint8Array, previous = 0): number {
  return crc32(data, previous);
}
