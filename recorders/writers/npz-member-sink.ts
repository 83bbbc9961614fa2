import { writevSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { STORED_BLOCK_OVERHEAD, STORED_MAX, writeStoredBlockHeader } from "./npz-zip.js";

/** Bytes a member gathers before writing them (one writev). */
const SINK_BYTES = 1 << 20;
/**
 * Sink writes in flight at once: members lie in distinct regions of the archive, so their
 * writes go to the threadpool together, and the next journal read overlaps them (the
 * page-cache copies then run on every core instead of one after another).
 */
export const WRITES_IN_FLIGHT = 8;
/** Settled sink writes between two background fdatasyncs of the archive (about 8 MiB). */
const WRITEBACK_WRITES = 8;
/** Pieces this long or longer are written from where they lie; shorter ones (and block headers) are copied together. */
const VIEW_BYTES = 16 << 10;
const STAGE_BYTES = 64 << 10;

/**
 * Gathers one member's bytes and writes them at its place in the archive. Bytes are taken
 * as they are (a version 1 journal's compressed segments), or, given the member's raw
 * total (a version 2 journal), framed as stored deflate blocks of STORED_MAX bytes, so the
 * layout depends on the bytes alone, not on the records. Long pieces are not copied: they
 * go to the file from the journal's read buffers.
 */
export class MemberSink {
  private stage = Buffer.allocUnsafe(STAGE_BYTES);
  /** Bytes used in `stage`, and where its run not yet in `parts` starts. */
  private staged = 0;
  private runFrom = 0;
  private parts: Buffer[] = [];
  /** Bytes gathered, not yet written. */
  private bytes = 0;
  /** Raw bytes left in the current stored block. */
  private blockLeft = 0;

  constructor(
    private readonly fh: FileHandle,
    /** File offset of the next byte. */
    public pos: number,
    /** Raw bytes not yet framed in a block (undefined: bytes are taken as they are). */
    private rawLeft?: number,
  ) {}

  /** Moves past `n` bytes the caller writes itself (nothing may be gathered): their offset. */
  skip(n: number): number {
    if (this.bytes > 0 || this.rawLeft !== undefined) {
      throw new Error("a run written elsewhere in a framed member, or after gathered bytes");
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Adds `data`; a promise when that filled the sink and it writes (`data` must stay unchanged until it settles). */
  put(data: Buffer): Promise<void> | undefined {
    if (this.rawLeft === undefined) {
      this.add(data);
    } else {
      for (let o = 0; o < data.length; ) {
        if (this.blockLeft === 0) {
          if (this.rawLeft === 0) throw new Error("more raw bytes than announced");
          const n = Math.min(STORED_MAX, this.rawLeft);
          writeStoredBlockHeader(this.room(STORED_BLOCK_OVERHEAD), this.staged, n);
          this.staged += STORED_BLOCK_OVERHEAD;
          this.bytes += STORED_BLOCK_OVERHEAD;
          this.blockLeft = n;
          this.rawLeft -= n;
        }
        const k = Math.min(this.blockLeft, data.length - o);
        this.add(data.subarray(o, o + k));
        this.blockLeft -= k;
        o += k;
      }
    }
    return this.bytes >= SINK_BYTES ? this.flush() : undefined;
  }

  /** Writes what was gathered; the sink takes more at once (the write keeps its own stage). */
  flush(): Promise<void> {
    this.endRun();
    const parts = this.parts;
    const pos = this.pos;
    this.pos += this.bytes;
    this.parts = [];
    this.bytes = 0;
    if (this.staged > 0) this.stage = Buffer.allocUnsafe(STAGE_BYTES);
    this.staged = 0;
    this.runFrom = 0;
    return parts.length > 0 ? writevAll(this.fh, parts, pos) : Promise.resolve();
  }

  private add(data: Buffer): void {
    this.bytes += data.length;
    if (data.length >= VIEW_BYTES) {
      this.endRun();
      this.parts.push(data);
      return;
    }
    data.copy(this.room(data.length), this.staged);
    this.staged += data.length;
  }

  /** The stage, with room for `n` more bytes (a fresh one when full: `parts` may hold views of the old). */
  private room(n: number): Buffer {
    if (this.staged + n > this.stage.length) {
      this.endRun();
      this.stage = Buffer.allocUnsafe(STAGE_BYTES);
      this.staged = 0;
      this.runFrom = 0;
    }
    return this.stage;
  }

  private endRun(): void {
    if (this.staged > this.runFrom) this.parts.push(this.stage.subarray(this.runFrom, this.staged));
    this.runFrom = this.staged;
  }
}

/**
 * Writes under way, at most `max`: adding one beyond waits for the oldest; the first
 * failure is thrown. Given the file, it also starts an fdatasync of it in the background
 * after every WRITEBACK_WRITES settled writes (sinks write about 1 MiB at a time), one at
 * a time, so the archive's final fsync finds little left to write (errors are left to
 * that fsync, which reports them).
 */
export class WritesInFlight {
  private readonly queue: Promise<void>[] = [];
  private failure: { readonly err: unknown } | undefined;
  private settled = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly max: number,
    private readonly file?: FileHandle,
  ) {}

  async add(write: Promise<void>): Promise<void> {
    // Recorded at once: a later write may fail while an earlier one is awaited.
    write.then(
      () => this.wrote(),
      (err: unknown) => {
        this.failure ??= { err };
      },
    );
    this.queue.push(write);
    while (this.queue.length > this.max) await this.queue.shift();
    if (this.failure) throw this.failure.err;
  }

  /** Waits for every write (and a writeback under way). */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift();
    await this.syncing;
    if (this.failure) throw this.failure.err;
  }

  private wrote(): void {
    if (!this.file || ++this.settled < WRITEBACK_WRITES || this.syncing) return;
    this.settled = 0;
    this.syncing = this.file
      .datasync()
      .catch(() => undefined)
      .finally(() => {
        this.syncing = undefined;
      });
  }
}

/** Writes all of `data` at `position`. */
export async function writeAll(fh: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new Error("write made no progress");
    done += bytesWritten;
  }
}

/** Drops the first `n` bytes of `buffers`, in place: what a short vectored read or write leaves to do. */
function dropBytes(buffers: Buffer[], n: number): void {
  while (buffers.length > 0 && n >= buffers[0]!.length) n -= buffers.shift()!.length;
  if (n > 0) buffers[0] = buffers[0]!.subarray(n);
}

/**
 * Runs a vectored read or write, `op` (bytes moved), over every buffer from `position` on,
 * resuming after short ones; one that moves nothing throws `stuck(position)`.
 */
export async function transferAll(
  op: (buffers: Buffer[], position: number) => Promise<number>,
  buffers: readonly Buffer[],
  position: number,
  stuck: (position: number) => Error,
): Promise<void> {
  const rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const moved = await op(rest.slice(0, 512), position);
    if (moved <= 0) throw stuck(position);
    position += moved;
    dropBytes(rest, moved);
  }
}

/** Writes every buffer at `position` onwards, resuming after short writes. */
export function writevAll(
  fh: FileHandle,
  buffers: readonly Buffer[],
  position: number,
): Promise<void> {
  return transferAll(
    (bufs, at) => fh.writev(bufs, at).then((r) => r.bytesWritten),
    buffers,
    position,
    () => new Error("write made no progress"),
  );
}

/** writevAll, synchronously on file descriptor `fd` (for small writes where a threadpool trip costs more). */
export function writevAllSync(fd: number, buffers: readonly Buffer[], position: number): void {
  const rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const bytesWritten = writevSync(fd, rest.slice(0, 512), position);
    if (bytesWritten <= 0) throw new Error("write made no progress");
    position += bytesWritten;
    dropBytes(rest, bytesWritten);
  }
}

/** fsyncs a directory so a rename or unlink in it is durable (a no-op where directories cannot be opened). */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // Windows and some file systems refuse; the rename is then as durable as the platform makes it.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
