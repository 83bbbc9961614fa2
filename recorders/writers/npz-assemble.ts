import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { CHUNK_BYTES } from "./npz-compress.js";
import { FileCursor, type JournalState, readRecord } from "./npz-journal.js";
import {
  MemberSink,
  syncDir,
  WRITES_IN_FLIGHT,
  WritesInFlight,
  writeAll,
} from "./npz-member-sink.js";
import { BEHAVIOR_MEMBER, memberWidth, NPZ_MEMBERS } from "./npz-members.js";
import { PieceBuffers, readPieceInto } from "./npz-piece-reader.js";
import {
  crc32Combine,
  crcOf,
  FINAL_BLOCK,
  layoutZip,
  npyHeader,
  storedBlock,
  storedSize,
  type ZipEntry,
} from "./npz-zip.js";

/** Options of an archive build. */
export interface AssembleOptions {
  /** Always write zip64 structures. */
  readonly forceZip64?: boolean;
  /** Gives up (rejecting, `path` untouched) once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Where one piece of a member's deflate stream lies: compressed, `length` bytes at `at`
 * in a spill file; or stored, its raw bytes in the journal at `ranges` ([offset, length],
 * in order), to be framed as stored blocks.
 */
export type PieceRef =
  | { readonly raw: number; readonly at: number; readonly length: number }
  | { readonly raw: number; readonly ranges: readonly JournalRange[] };

/** A run of the journal's bytes: [offset, length]. */
export type JournalRange = readonly [number, number];

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
  const raw = state.info.version === 2;
  const body = (i: number) =>
    raw ? storedSize(state.members[i]!.raw) : state.members[i]!.compressed;
  await writeArchive(state, body, raw, path, opts, async (present, sinkFor, writes) => {
    const sinks: MemberSink[] = [];
    for (let k = 0; k < present.length; k++) sinks.push(await sinkFor(k));
    const cur = new FileCursor(journal, state.dataStart, state.end);
    while (cur.pos < state.end) {
      opts.signal?.throwIfAborted();
      const rec = await readRecord(cur, state.info.version);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let k = 0; k < present.length; k++) {
        const seg = rec.segments[present[k]!]!;
        const full = seg.length > 0 ? sinks[k]!.put(seg) : undefined;
        if (full) await writes.add(full);
      }
    }
  });
}

/** Bytes a piece takes in the archive: a compressed one as it is, a stored one framed. */
function archivedSize(piece: PieceRef): number {
  return "at" in piece ? piece.length : storedSize(piece.raw);
}

/**
 * Writes `path` (atomically, as assembleNpz) from each member's pieces in order
 * (`pieces(i)`, i indexing NPZ_MEMBERS, asked for in that order and possibly more than
 * once, the same answer each time): compressed ones read from
 * `spill`, stored ones from the raw `journal` whose totals `state` holds, framed as stored
 * blocks. Each piece is read into a recycled buffer as it lies in the archive
 * (readPieceInto) and written from it. A member is written as soon as its pieces are
 * known, so the last pieces still being compressed at close overlap the first members'
 * writes.
 */
export async function assembleNpzFromPieces(
  journal: FileHandle,
  spill: FileHandle,
  pieces: (member: number) => Promise<readonly PieceRef[]>,
  state: JournalState,
  path: string,
  opts: AssembleOptions = {},
): Promise<void> {
  const body = async (i: number) => (await pieces(i)).reduce((n, p) => n + archivedSize(p), 0);
  await writeArchive(state, body, false, path, opts, async (present, sinkFor, writes, out) => {
    const buffers = new PieceBuffers(storedSize(CHUNK_BYTES), WRITES_IN_FLIGHT + 1);
    for (let k = 0; k < present.length; k++) {
      const sink = await sinkFor(k);
      for (const piece of await pieces(present[k]!)) {
        opts.signal?.throwIfAborted();
        const buf = await buffers.take(archivedSize(piece));
        let bytes: Buffer;
        try {
          bytes = await readPieceInto(buf, piece, journal, spill);
        } catch (err) {
          buffers.give(buf);
          throw err;
        }
        const at = sink.skip(bytes.length);
        await writes.add(writeAll(out, bytes, at).finally(() => buffers.give(buf)));
      }
    }
  });
}

/**
 * The archive around the members' bodies: `bodySize(i)` bytes for member i, which `fill`
 * puts into the sinks of the present members (in NPZ_MEMBERS order; `rawFramed`: they
 * frame all of a member's raw bytes), handing each full sink's write to `writes`.
 * `sinkFor(k)` lays the archive out up to the k-th present member (each member's place
 * depends only on those before it), writes its local header and .npy header, and gives
 * its sink; members must be asked for in order.
 */
async function writeArchive(
  state: JournalState,
  bodySize: (member: number) => number | Promise<number>,
  rawFramed: boolean,
  path: string,
  opts: AssembleOptions,
  fill: (
    present: number[],
    sinkFor: (k: number) => Promise<MemberSink>,
    writes: WritesInFlight,
    out: FileHandle,
  ) => Promise<void>,
): Promise<void> {
  const { obsDim, actDim } = state.info;
  const present = NPZ_MEMBERS.map((_, i) => i).filter(
    (i) => i !== BEHAVIOR_MEMBER || state.members[i]!.raw > 0,
  );
  for (const i of present) {
    const m = NPZ_MEMBERS[i]!;
    const expected = state.rows * memberWidth(m, obsDim, actDim) * m.itemSize;
    if (state.members[i]!.raw !== expected) {
      throw new Error(
        `journal inconsistent: ${m.name} holds ${state.members[i]!.raw} bytes, expected ${expected}`,
      );
    }
  }
  const entries: ZipEntry[] = [];
  const sinks: MemberSink[] = [];
  let headerAt = 0;
  const tmp = `${path}.tmp`;
  const out = await open(tmp, "w");
  // Every write, headers included, joins the writes in flight: awaiting each small one
  // alone costs a threadpool round trip apiece (16 of them for 8 members).
  const writes = new WritesInFlight(WRITES_IN_FLIGHT, out);
  const sinkFor = async (k: number): Promise<MemberSink> => {
    if (k !== sinks.length) throw new Error(`archive member ${k} asked for out of order`);
    const i = present[k]!;
    const m = NPZ_MEMBERS[i]!;
    const totals = state.members[i]!;
    const width = memberWidth(m, obsDim, actDim);
    const header = npyHeader(m.descr, m.width === 1 ? [state.rows] : [state.rows, width]);
    const prefix = storedBlock(header);
    const entry: ZipEntry = {
      name: `${m.name}.npy`,
      compressedSize: prefix.length + (await bodySize(i)) + FINAL_BLOCK.length,
      uncompressedSize: header.length + totals.raw,
      crc: crc32Combine(crcOf(header), totals.crc, totals.raw),
    };
    // An entry's local header depends on it alone (zip64 fields where its sizes overflow).
    const [local] = layoutZip([entry], { forceZip64: opts.forceZip64 }).localHeaders;
    await writes.add(writeAll(out, Buffer.concat([local!, prefix]), headerAt));
    const dataAt = headerAt + local!.length;
    entries.push(entry);
    const sink = new MemberSink(out, dataAt + prefix.length, rawFramed ? totals.raw : undefined);
    sinks.push(sink);
    headerAt = dataAt + entry.compressedSize;
    return sink;
  };
  try {
    await fill(present, sinkFor, writes, out);
    if (sinks.length !== present.length) throw new Error("archive members left unwritten");
    for (const sink of sinks) await writes.add(sink.flush());
    const layout = layoutZip(entries, { forceZip64: opts.forceZip64 });
    for (let k = 0; k < present.length; k++) {
      const sink = sinks[k]!;
      const end = layout.dataOffsets[k]! + entries[k]!.compressedSize - FINAL_BLOCK.length;
      if (sink.pos !== end)
        throw new Error(
          `journal inconsistent: ${entries[k]!.name} data ends at ${sink.pos}, expected ${end}`,
        );
      await writes.add(writeAll(out, FINAL_BLOCK, sink.pos));
    }
    await writes.add(writeAll(out, layout.tail, layout.tailOffset));
    await writes.drain();
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
