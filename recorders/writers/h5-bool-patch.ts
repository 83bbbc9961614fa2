import fs from "node:fs";

/**
 * h5py reads an HDF5 enum {FALSE: 0, TRUE: 1} over int8 as numpy bool, but
 * h5wasm cannot create enum types. Booleans are therefore created as a
 * one-member compound whose member is named {@link BOOL_PLACEHOLDER}; a hook
 * on fs.writeSync (worker thread only) rewrites that datatype message, as it
 * goes to disk, into exactly the enum message h5py writes. Both types are one
 * byte, so the data is unchanged. A message inside a version-2 object header
 * chunk gets the chunk's Jenkins lookup3 checksum recomputed; one whose chunk
 * is not whole in the write is left as the compound (still readable, as a
 * one-field structured array) rather than risk a bad checksum.
 */
export const BOOL_PLACEHOLDER = "__gymrpc_bool__";
const MARKER = Buffer.from(BOOL_PLACEHOLDER);

/** The datatype message h5py writes for numpy bool (version 1 enum over int8). */
const ENUM_MESSAGE = Buffer.from([
  0x18,
  2,
  0,
  0,
  1,
  0,
  0,
  0,
  0x10,
  8,
  0,
  0,
  1,
  0,
  0,
  0,
  0,
  0,
  8,
  0,
  ...Buffer.from("FALSE\0\0\0TRUE\0\0\0\0", "latin1"),
  0,
  1,
]);

/** Bytes of the placeholder compound's datatype message for its encoding version. */
function placeholderLength(version: number): number {
  const name = BOOL_PLACEHOLDER.length + 1;
  // v1/v2: name padded to 8, offset 4, dims 1 + 3 reserved, permutation 4, reserved 4, 4 dim sizes 16.
  if (version < 3) return 8 + Math.ceil(name / 8) * 8 + 32 + 12;
  // v3+: name unpadded, offset in 1 byte (compound size 1), member type.
  return 8 + name + 1 + 12;
}

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** HDF5's H5_checksum_lookup3 (Bob Jenkins' hashlittle, initval 0). */
export function lookup3(key: Uint8Array, initval = 0): number {
  let length = key.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  const u32 = (o: number) =>
    (key[o]! | (key[o + 1]! << 8) | (key[o + 2]! << 16) | (key[o + 3]! << 24)) >>> 0;
  while (length > 12) {
    a = (a + u32(k)) >>> 0;
    b = (b + u32(k + 4)) >>> 0;
    c = (c + u32(k + 8)) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  const tail = (i: number) => key[k + i] ?? 0;
  const add = (base: number, i: number, n: number) => {
    let v = 0;
    for (let j = 0; j < n; j++) v |= tail(i + j) << (8 * j);
    return (base + (v >>> 0)) >>> 0;
  };
  c = add(c, 8, Math.max(0, Math.min(4, length - 8)));
  b = add(b, 4, Math.max(0, Math.min(4, length - 4)));
  a = add(a, 0, Math.min(4, length));
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

/**
 * The [start, end) of the version-2 object header chunk 0 ("OHDR") holding
 * `pos`, when whole in `buf`; null when no OHDR chunk in `buf` covers it (a
 * version-1 header, which has no checksum: every object given a bool here is
 * created with version-1 headers); undefined when the chunk runs past `buf`.
 */
function v2Chunk(buf: Buffer, pos: number): [number, number] | null | undefined {
  let s = buf.lastIndexOf("OHDR", pos);
  while (s >= 0) {
    const flags = buf[s + 5] ?? 0;
    let p = s + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    let size = 0;
    for (let i = 0; i < width; i++) size += (buf[p + i] ?? 0) * 2 ** (8 * i);
    p += width;
    const end = p + size + 4;
    if (pos < end) return end <= buf.length ? [s, end] : undefined;
    s = s > 0 ? buf.lastIndexOf("OHDR", s - 1) : -1;
  }
  return null;
}

const u16 = (b: Buffer, o: number) => (o >= 0 && o + 2 <= b.length ? b.readUInt16LE(o) : -1);

/** A datatype message in a version-1 object header: message type 3, the size, flags, 3 zero bytes. */
function inV1Message(b: Buffer, start: number, len: number): boolean {
  return (
    u16(b, start - 8) === 3 &&
    u16(b, start - 6) >= len &&
    !b[start - 3] &&
    !b[start - 2] &&
    !b[start - 1]
  );
}

/** The datatype of a version-1 attribute message: version 1, name size, datatype size, padded name. */
function inV1Attribute(b: Buffer, start: number, len: number): boolean {
  for (let k = 1; k <= 256; k++) {
    const h = start - 8 - Math.ceil(k / 8) * 8;
    if (h < 0) return false;
    if (
      b[h] === 1 &&
      b[h + 1] === 0 &&
      u16(b, h + 2) === k &&
      u16(b, h + 4) === len &&
      b[h + 8 + k - 1] === 0
    )
      return true;
  }
  return false;
}

/**
 * Rewrites every placeholder datatype message in `view` into the bool enum;
 * returns a patched copy, or undefined when there is none. Only messages
 * positively identified (a version-1 header message or attribute, or inside
 * a whole version-2 header chunk) are touched.
 */
export function patchBoolTypes(view: Buffer): Buffer | undefined {
  let i = view.indexOf(MARKER);
  if (i < 0) return undefined;
  const out = Buffer.from(view);
  while (i >= 0) {
    const start = i - 8;
    const head = out[start] ?? 0;
    if (start >= 0 && (head & 0x0f) === 6 && out[start + 1] === 1 && out[start + 2] === 0) {
      const len = placeholderLength(head >> 4);
      const chunk = v2Chunk(out, start);
      const ok =
        start + len <= out.length &&
        (chunk
          ? true
          : chunk === null && (inV1Message(out, start, len) || inV1Attribute(out, start, len)));
      if (ok) {
        out.fill(0, start, start + len);
        ENUM_MESSAGE.copy(out, start);
        if (chunk) out.writeUInt32LE(lookup3(out.subarray(chunk[0], chunk[1] - 4)), chunk[1] - 4);
      }
    }
    i = out.indexOf(MARKER, i + 1);
  }
  return out;
}

let installed = false;
let ioError: NodeJS.ErrnoException | undefined;
/** Length of the writes not scanned (whole raw chunks of an uncompressed dataset being written). */
let rawChunkBytes = 0;

/**
 * Runs `write` (an HDF5 dataset write) without scanning the writes of exactly
 * `chunkBytes` (at least 64 KiB): whole uncompressed chunks, raw data that
 * holds no datatype message; scanning them cost more than the write. Object
 * headers written meanwhile are scanned as ever (they are never that size),
 * and the file's metadata is written again, scanned, at every flush.
 */
export function withRawChunks<T>(chunkBytes: number, write: () => T): T {
  rawChunkBytes = chunkBytes >= 64 * 1024 ? chunkBytes : 0;
  try {
    return write();
  } finally {
    rawChunkBytes = 0;
  }
}

/** Installs the write hook (idempotent); it also remembers the first failed write. */
export function installBoolPatch(): typeof fs.writeSync {
  const original = fs.writeSync;
  if (installed)
    return (fs as unknown as { __gymrpcOriginalWriteSync: typeof fs.writeSync })
      .__gymrpcOriginalWriteSync;
  installed = true;
  (fs as unknown as { __gymrpcOriginalWriteSync: typeof fs.writeSync }).__gymrpcOriginalWriteSync =
    original;
  const hooked = function (this: unknown, ...args: unknown[]): number {
    try {
      const [fd, buf, off, len, pos] = args;
      if (
        ArrayBuffer.isView(buf) &&
        typeof off === "number" &&
        typeof len === "number" &&
        len !== rawChunkBytes
      ) {
        const view = Buffer.from(buf.buffer, buf.byteOffset + off, len);
        const patched = patchBoolTypes(view);
        if (patched)
          return original(fd as number, patched, 0, patched.length, pos as number | null);
      }
      return (original as (...a: unknown[]) => number).apply(fs, args);
    } catch (err) {
      ioError ??= err as NodeJS.ErrnoException;
      throw err;
    }
  };
  (fs as unknown as { writeSync: unknown }).writeSync = hooked;
  return original;
}

/** The first write error since the last call (HDF5 only prints its own), then clears it. */
export function takeIoError(): NodeJS.ErrnoException | undefined {
  const e = ioError;
  ioError = undefined;
  return e;
}
