import type { FileHandle } from "node:fs/promises";
import type { JournalRange, PieceRef } from "./npz-assemble.js";
import { transferAll } from "./npz-member-sink.js";
import {
  STORED_BLOCK_OVERHEAD,
  STORED_MAX,
  storedSize,
  writeStoredBlockHeader,
} from "./npz-zip.js";

/** A journal gap this small between a piece's ranges is read through (one read, not two). */
const READ_THROUGH_BYTES = 64 << 10;
/** Buffers one readv of a span takes at most (transferAll passes 512 at a time). */
const MAX_IOV = 512;

/**
 * Buffers of `size` bytes for pieces, recycled: the kernel fills a fresh buffer page by
 * page, faulting each in, which halved the assembly's reads. At most `count` are out at
 * once; take() waits for one to come back (a piece far smaller or larger than `size` gets
 * a one-off buffer instead).
 */
export class PieceBuffers {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buf: Buffer) => void)[] = [];
  private made = 0;

  constructor(
    private readonly size: number,
    private readonly count: number,
  ) {}

  /**
   * A buffer of at least `bytes`: a one-off one when they exceed the pool's size, or are
   * under a quarter of it (a small recording's close would otherwise make a whole pool of
   * 1 MiB buffers for a few KB each, and that churn of external memory costs V8 a major
   * garbage collection).
   */
  take(bytes: number): Promise<Buffer> {
    if (bytes > this.size || bytes < this.size / 4) {
      return Promise.resolve(Buffer.allocUnsafeSlow(bytes));
    }
    const buf = this.free.pop();
    if (buf) return Promise.resolve(buf);
    if (this.made < this.count) {
      this.made++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.size));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives a buffer back once nothing reads it any more (its write has settled). */
  give(buf: Buffer): void {
    if (buf.length !== this.size) return;
    const next = this.waiting.shift();
    if (next) next(buf);
    else this.free.push(buf);
  }
}

/**
 * Reads a piece into `buf` as it lies in the archive and returns those bytes: a compressed
 * piece as it is in the spill file; a stored piece framed as stored deflate blocks, its raw
 * bytes read from the journal straight into the slots between the block headers (readv:
 * no copy). `buf` must hold the piece (storedSize(raw) for a stored one).
 */
export async function readPieceInto(
  buf: Buffer,
  piece: PieceRef,
  journal: FileHandle,
  spill: FileHandle,
): Promise<Buffer> {
  if ("at" in piece) {
    await readvAll(spill, [buf.subarray(0, piece.length)], piece.at);
    return buf.subarray(0, piece.length);
  }
  const slots: Buffer[] = [];
  let o = 0;
  for (let left = piece.raw; left > 0; ) {
    const n = Math.min(STORED_MAX, left);
    writeStoredBlockHeader(buf, o, n);
    slots.push(buf.subarray(o + STORED_BLOCK_OVERHEAD, o + STORED_BLOCK_OVERHEAD + n));
    o += STORED_BLOCK_OVERHEAD + n;
    left -= n;
  }
  await readRangesInto(journal, piece.ranges, slots);
  return buf.subarray(0, storedSize(piece.raw));
}

/**
 * Reads the bytes of `ranges` of `fh`, in order, into `targets` (as many bytes in all):
 * ranges a short gap apart are read by one readv, the gaps into a scratch buffer.
 */
export async function readRangesInto(
  fh: FileHandle,
  ranges: readonly JournalRange[],
  targets: readonly Buffer[],
): Promise<void> {
  let scratch: Buffer | undefined;
  let t = 0;
  let tOff = 0;
  /** The next `n` bytes of the targets, as views. */
  const nextTargets = (n: number, into: Buffer[]): void => {
    while (n > 0) {
      const target = targets[t];
      if (!target) throw new Error("journal ranges hold more bytes than the piece");
      const k = Math.min(n, target.length - tOff);
      into.push(target.subarray(tOff, tOff + k));
      tOff += k;
      n -= k;
      if (tOff === target.length) {
        t++;
        tOff = 0;
      }
    }
  };
  for (let i = 0; i < ranges.length; ) {
    const from = ranges[i]![0];
    const iov: Buffer[] = [];
    let end = from;
    for (; i < ranges.length; i++) {
      const [at, len] = ranges[i]!;
      const gap = at - end;
      if (iov.length > 0 && (gap > READ_THROUGH_BYTES || iov.length > MAX_IOV - 40)) break;
      if (gap > 0) {
        scratch ??= Buffer.allocUnsafe(READ_THROUGH_BYTES);
        iov.push(scratch.subarray(0, gap));
      }
      nextTargets(len, iov);
      end = at + len;
    }
    await readvAll(fh, iov, from);
  }
  if (t < targets.length) throw new Error("journal ranges hold fewer bytes than the piece");
}

/** Fills every buffer from `position` on, resuming after short reads; the file ending first is an error. */
export function readvAll(
  fh: FileHandle,
  buffers: readonly Buffer[],
  position: number,
): Promise<void> {
  return transferAll(
    (bufs, at) => fh.readv(bufs, at).then((r) => r.bytesRead),
    buffers,
    position,
    (at) => new Error(`file ends before offset ${at + 1}`),
  );
}
