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
  storedBlock,
  type ZipEntry,
} from "./npz-zip.js";

const SINK_BYTES = 1 << 20;

/** Buffers one member's compressed bytes and writes them at its place in the archive. */
class MemberSink {
  private readonly buf = Buffer.allocUnsafe(SINK_BYTES);
  private used = 0;

  constructor(
    private readonly fh: FileHandle,
    /** File offset of the next byte. */
    public pos: number,
  ) {}

  async put(data: Buffer): Promise<void> {
    if (this.used + data.length > SINK_BYTES) await this.flush();
    if (data.length >= SINK_BYTES) {
      await writeAll(this.fh, data, this.pos);
      this.pos += data.length;
    } else {
      data.copy(this.buf, this.used);
      this.used += data.length;
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.fh, this.buf.subarray(0, this.used), this.pos);
    this.pos += this.used;
    this.used = 0;
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
}

/**
 * Writes `path` as an .npz of the journal's records up to `state.end`, atomically:
 * `<path>.tmp` is written, fsynced and renamed over `path`, then the directory is fsynced.
 * Nothing is recompressed: each member is a stored block holding its .npy header, its
 * segments from every record, then an empty final block.
 */
export async function assembleNpz(
  journal: FileHandle,
  state: JournalState,
  path: string,
  opts: AssembleOptions = {},
): Promise<void> {
  const { obsDim, actDim } = state.info;
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
    return {
      name: `${m.name}.npy`,
      compressedSize:
        STORED_BLOCK_OVERHEAD + header.length + totals.compressed + FINAL_BLOCK.length,
      uncompressedSize: header.length + totals.raw,
      crc: crc32Combine(crcOf(header), totals.crc, totals.raw),
    };
  });
  const layout = layoutZip(entries, opts);
  const tmp = `${path}.tmp`;
  const out = await open(tmp, "w");
  try {
    const sinks = present.map(
      (_, k) => new MemberSink(out, layout.dataOffsets[k]! + prefixes[k]!.length),
    );
    for (let k = 0; k < present.length; k++) {
      const head = Buffer.concat([layout.localHeaders[k]!, prefixes[k]!]);
      await writeAll(out, head, layout.headerOffsets[k]!);
    }
    const cur = new FileCursor(journal, state.dataStart, state.end);
    while (cur.pos < state.end) {
      const rec = await readRecord(cur, false);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let k = 0; k < present.length; k++) {
        const seg = rec.segments[present[k]!]!;
        if (seg.length > 0) await sinks[k]!.put(seg);
      }
    }
    for (let k = 0; k < present.length; k++) {
      const sink = sinks[k]!;
      await sink.flush();
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
