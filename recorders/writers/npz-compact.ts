import { type FileHandle, open, unlink } from "node:fs/promises";
import { type AssembleOptions, assembleNpz, writevAll } from "./npz-assemble.js";
import { deflateSegment, EMPTY_SEGMENT, type Segment, unstore } from "./npz-compress.js";
import {
  addRecord,
  emptyTotals,
  encodeJournalHeader,
  encodeRecord,
  FileCursor,
  type JournalState,
  readRecord,
} from "./npz-journal.js";
import { NPZ_MEMBERS } from "./npz-members.js";
import { crc32Combine } from "./npz-zip.js";

/** Raw bytes compressed together (all members): big enough to keep the threadpool busy. */
const GROUP_BYTES = 32 << 20;

/**
 * Writes `path` from a journal whose segments are stored (uncompressed) deflate blocks,
 * compressing every member at `level` on the way: the records are re-read in groups,
 * compressed on the threadpool into `<path>.journal.z` (a journal of the same format),
 * and the archive is assembled from that. Resolves false, writing nothing, when a
 * segment is not stored (a journal from a writer that compressed as it went): the
 * caller then assembles the journal as it is. The original journal is left alone
 * (a crash here loses nothing); the compacted one is deleted before resolving.
 */
export async function compactNpz(
  journal: FileHandle,
  state: JournalState,
  path: string,
  level: number,
  opts: AssembleOptions = {},
): Promise<boolean> {
  const zPath = `${path}.journal.z`;
  const out = await open(zPath, "w+");
  try {
    const header = encodeJournalHeader(state.info);
    let end = header.length;
    await writevAll(out, [header], 0);
    const totals = emptyTotals();
    let rows = 0;
    let episodes = 0;
    let group: Buffer[][] = NPZ_MEMBERS.map(() => []);
    let groupBytes = 0;
    let groupRows = 0;
    let groupEpisodes = 0;
    const flush = async () => {
      if (groupRows === 0 && groupBytes === 0) return;
      const segments = await Promise.all(
        group.map((parts, i): Promise<Segment> | Segment =>
          parts.length === 0
            ? EMPTY_SEGMENT
            : deflateSegment(Buffer.concat(parts), NPZ_MEMBERS[i]!.strategy, level),
        ),
      );
      const members = segments.map((s, i) => ({
        compressed: s.size,
        raw: s.rawSize,
        crc: crc32Combine(totals[i]!.crc, s.crc, s.rawSize),
      }));
      rows += groupRows;
      episodes += groupEpisodes;
      const buffers = encodeRecord(
        rows,
        groupEpisodes,
        members,
        segments.flatMap((s) => s.parts),
      );
      await writevAll(out, buffers, end);
      for (const b of buffers) end += b.length;
      addRecord(totals, members);
      group = NPZ_MEMBERS.map(() => []);
      groupBytes = 0;
      groupRows = 0;
      groupEpisodes = 0;
    };
    const cur = new FileCursor(journal, state.dataStart, state.end);
    let rowsBefore = 0;
    while (cur.pos < state.end) {
      const rec = await readRecord(cur, false);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let i = 0; i < NPZ_MEMBERS.length; i++) {
        const raw = unstore(rec.segments[i]!);
        if (!raw) return false;
        for (const r of raw) {
          group[i]!.push(r);
          groupBytes += r.length;
        }
      }
      groupRows += rec.rowsAfter - rowsBefore;
      rowsBefore = rec.rowsAfter;
      groupEpisodes += rec.episodes;
      if (groupBytes >= GROUP_BYTES) await flush();
    }
    await flush();
    if (rows !== state.rows || episodes !== state.episodes) {
      throw new Error(`journal inconsistent: ${rows} rows / ${episodes} episodes compacted`);
    }
    await assembleNpz(
      out,
      { info: state.info, dataStart: header.length, end, rows, episodes, members: totals },
      path,
      opts,
    );
    return true;
  } finally {
    await out.close().catch(() => undefined);
    await unlink(zPath).catch(() => undefined);
  }
}
