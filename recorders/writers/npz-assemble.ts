import { writevSync } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { FileCursor, type JournalState, readRecord } from "./npz-journal.js";
import { BEHAVIOR_MEMBER, memberWidth, NPZ_MEMBERS } from "./npz-members.js";
import {
  crc32Combine,
  crcOf,
  FINAL_BLOCK,
  layoutZip,
  npyHeader,
  STORED_BLOCK_OVERHEAD,
  STORED_MAX,
  storedBlock,
  storedSize,
  writeStoredBlockHeader,
  type ZipEntry,
} from "./npz-zip.js";

/** Bytes a member gathers before writing them (one writev). */
const SINK_BYTES = 1 << 20;
/**
 * Sink writes in flight at once: members lie in distinct regions of the archive, so their
 * writes go to the threadpool together, and the next journal read overlaps them (the
 * page-cache copies then run on every core instead of one after another).
 */
const WRITES_IN_FLIGHT = 8;
/** Pieces this long or longer are written from where they lie; shorter ones (and block headers) are copied together. */
const VIEW_BYTES = 16 << 10;
const STAGE_BYTES = 64 << 10;

/**
 * Gathers one member's bytes and writes them at its place in the archive; given the
 * member's raw total (a version 2 journal), it frames raw bytes as stored deflate blocks
 * of STORED_MAX bytes, so the layout depends on the bytes alone, not on the records.
 * Long pieces are not copied: they go to the file from the journal's read buffers.
 */
class MemberSink {
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

  /** Adds `data`; a promise when that filled the sink and it writes (`data` must stay unchanged until it settles). */
  put(data: Buffer): Promise<void> | undefined {
    if (this.rawLeft === undefined) {
      this.add(data);
    } else {
      for (let o = 0; o < data.length; ) {
        if (this.blockLeft === 0) {
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

/** Writes under way, at most `max`: adding one beyond waits for the oldest; the first failure is thrown. */
class WritesInFlight {
  private readonly queue: Promise<void>[] = [];
  private failure: { readonly err: unknown } | undefined;

  constructor(private readonly max: number) {}

  async add(write: Promise<void>): Promise<void> {
    // Recorded at once: a later write may fail while an earlier one is awaited.
    write.catch((err: unknown) => {
      this.failure ??= { err };
    });
    this.queue.push(write);
    while (this.queue.length > this.max) await this.queue.shift();
    if (this.failure) throw this.failure.err;
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.queue.shift();
    if (this.failure) throw this.failure.err;
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

/** Writes every buffer at `position` onwards, resuming after short writes. */
export async function writevAll(
  fh: FileHandle,
  buffers: readonly Buffer[],
  position: number,
): Promise<void> {
  const rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest.slice(0, 512), position);
    if (bytesWritten <= 0) throw new Error("write made no progress");
    position += bytesWritten;
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= rest[0]!.length) skip -= rest.shift()!.length;
    if (skip > 0) rest[0] = rest[0]!.subarray(skip);
  }
}

/** writevAll, synchronously on file descriptor `fd` (for small writes where a threadpool trip costs more). */
export function writevAllSync(fd: number, buffers: readonly Buffer[], position: number): void {
  const rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const bytesWritten = writevSync(fd, rest.slice(0, 512), position);
    if (bytesWritten <= 0) throw new Error("write made no progress");
    position += bytesWritten;
    let skip = bytesWritten;
    while (rest.length > 0 && skip >= rest[0]!.length) skip -= rest.shift()!.length;
    if (skip > 0) rest[0] = rest[0]!.subarray(skip);
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

/** Options of an archive build. */
export interface AssembleOptions {
  /** Always write zip64 structures. */
  readonly forceZip64?: boolean;
  /** Gives up (rejecting, `path` untouched) once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Writes `path` as an .npz of the journal's records up to `state.end`, atomically:
 * `<path>.tmp` is written, fsynced and renamed over `path`, then the directory is fsynced.
 * Nothing is recompressed: each member is a stored block holding its .npy header, its
 * segments from every record (raw ones framed as stored blocks), then an empty final block.
 */
export async function assembleNpz(
  journal: FileHandle,
  state: JournalState,
  path: string,
  opts: AssembleOptions = {},
): Promise<void> {
  const { obsDim, actDim, version } = state.info;
  const raw = version === 2;
  const present = NPZ_MEMBERS.map((_, i) => i).filter(
    (i) => i !== BEHAVIOR_MEMBER || state.members[i]!.raw > 0,
  );
  const prefixes: Buffer[] = [];
  const entries: ZipEntry[] = present.map((i) => {
    const m = NPZ_MEMBERS[i]!;
    const totals = state.members[i]!;
    const width = memberWidth(m, obsDim, actDim);
    const expected = state.rows * width * m.itemSize;
    if (totals.raw !== expected) {
      throw new Error(
        `journal inconsistent: ${m.name} holds ${totals.raw} bytes, expected ${expected}`,
      );
    }
    const header = npyHeader(m.descr, m.width === 1 ? [state.rows] : [state.rows, width]);
    prefixes.push(storedBlock(header));
    const body = raw ? storedSize(totals.raw) : totals.compressed;
    return {
      name: `${m.name}.npy`,
      compressedSize: STORED_BLOCK_OVERHEAD + header.length + body + FINAL_BLOCK.length,
      uncompressedSize: header.length + totals.raw,
      crc: crc32Combine(crcOf(header), totals.crc, totals.raw),
    };
  });
  const layout = layoutZip(entries, { forceZip64: opts.forceZip64 });
  const tmp = `${path}.tmp`;
  const out = await open(tmp, "w");
  try {
    const sinks = present.map(
      (i, k) =>
        new MemberSink(
          out,
          layout.dataOffsets[k]! + prefixes[k]!.length,
          raw ? state.members[i]!.raw : undefined,
        ),
    );
    for (let k = 0; k < present.length; k++) {
      const head = Buffer.concat([layout.localHeaders[k]!, prefixes[k]!]);
      await writeAll(out, head, layout.headerOffsets[k]!);
    }
    const writes = new WritesInFlight(WRITES_IN_FLIGHT);
    const cur = new FileCursor(journal, state.dataStart, state.end);
    while (cur.pos < state.end) {
      opts.signal?.throwIfAborted();
      const rec = await readRecord(cur, version);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let k = 0; k < present.length; k++) {
        const seg = rec.segments[present[k]!]!;
        const full = seg.length > 0 ? sinks[k]!.put(seg) : undefined;
        if (full) await writes.add(full);
      }
    }
    for (const sink of sinks) await writes.add(sink.flush());
    await writes.drain();
    for (let k = 0; k < present.length; k++) {
      const sink = sinks[k]!;
      const end = layout.dataOffsets[k]! + entries[k]!.compressedSize - FINAL_BLOCK.length;
      if (sink.pos !== end)
        throw new Error(
          `journal inconsistent: ${entries[k]!.name} data ends at ${sink.pos}, expected ${end}`,
        );
      await writeAll(out, FINAL_BLOCK, sink.pos);
    }
    await writeAll(out, layout.tail, layout.tailOffset);
    await out.sync();
  } catch (err) {
    await out.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await out.close();
  await rename(tmp, path);
  await syncDir(dirname(path));
}
