import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { type AssembleOptions, assembleNpz, writeAll, writevAll } from "./npz-assemble.js";
import { CHUNK_BYTES, deflatePiece, type NpzCompression } from "./npz-compress.js";
import {
  emptyTotals,
  encodeJournalHeader,
  encodeRecord,
  FileCursor,
  type JournalInfo,
  type JournalState,
  type MemberTotals,
  RECORD_PREFIX,
  type RecordMember,
  readRecord,
} from "./npz-journal.js";
import { NPZ_MEMBERS } from "./npz-members.js";

/** Raw bytes being compressed at once, at most: keeps the threadpool busy, bounds memory. */
const IN_FLIGHT_BYTES = 32 << 20;

/** Journal bytes worth a background pass (smaller runs wait: a read per episode costs more than it saves). */
const PASS_BYTES = 4 << 20;

const NO_MEMBER: RecordMember = { compressed: 0, raw: 0, crc: 0 };

/** A compressed piece on its way to the compacted journal. */
interface Job {
  readonly member: number;
  readonly raw: number;
  readonly piece: Promise<Buffer>;
}

/**
 * Compresses the members of a version 2 (raw) journal while it grows, and
 * writes the .npz from the result at close. Each member is cut into pieces at every
 * CHUNK_BYTES of its own bytes, whatever the records' boundaries, so the archive depends
 * on the data alone (collector datasets are the same bytes however their episodes were
 * batched). Whole records are read back from the journal in passes of at least
 * PASS_BYTES, in the background, and their pieces compressed on the threadpool (within
 * the process-wide job limit) into `<path>.journal.z`, a version 1 journal of one piece
 * per record, unchecked (nobody recovers it: the original journal stays the source of
 * truth until close, and recovery removes a stray one). A crash loses nothing.
 */
export class NpzCompactor {
  private readonly zPath: string;
  private readonly totals: MemberTotals[] = emptyTotals();
  private readonly gathering: { buf: Buffer; used: number }[] = NPZ_MEMBERS.map(() => ({
    buf: Buffer.alloc(0),
    used: 0,
  }));
  private readonly pending: Job[] = [];
  private inFlight = 0;
  /** Journal offset up to which records are taken, and up to which they are whole. */
  private pos: number;
  private target: number;
  private end: number;
  private pass: Promise<void> | undefined;
  private failure: unknown;
  private closing = false;
  /** Whether the dataset is closing, for the compression job limit (npz-compress.ts). */
  private readonly isClosing = () => this.closing;

  private constructor(
    private readonly journal: FileHandle,
    private readonly out: FileHandle,
    path: string,
    dataStart: number,
    private readonly headerBytes: number,
    private readonly compression: NpzCompression,
  ) {
    this.zPath = `${path}.journal.z`;
    this.pos = dataStart;
    this.target = dataStart;
    this.end = headerBytes;
  }

  /** Starts a compacted journal for `path`, whose raw journal's records start at `dataStart`. */
  static async open(
    journal: FileHandle,
    path: string,
    info: JournalInfo,
    dataStart: number,
    compression: NpzCompression,
  ): Promise<NpzCompactor> {
    if (info.version !== 2) throw new Error("only a raw (version 2) journal is compacted");
    const out = await open(`${path}.journal.z`, "w+");
    try {
      const header = encodeJournalHeader({ ...info, version: 1 });
      await writeAll(out, header, 0);
      return new NpzCompactor(journal, out, path, dataStart, header.length, compression);
    } catch (err) {
      await out.close().catch(() => undefined);
      await unlink(`${path}.journal.z`).catch(() => undefined);
      throw err;
    }
  }

  /** The journal's whole records now end at `end`: compress them, in the background. */
  advance(end: number): void {
    this.target = end;
    if (this.pass || this.failure !== undefined || end - this.pos < PASS_BYTES) return;
    this.pass = this.run()
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.pass = undefined;
        // Records journaled during the pass.
        this.advance(this.target);
      });
  }

  /**
   * Compresses the rest of the journal (up to `state.end`) and writes `path` atomically
   * (see assembleNpz); the compacted journal is deleted either way.
   */
  async finish(state: JournalState, path: string, opts: AssembleOptions = {}): Promise<void> {
    try {
      this.closing = true;
      this.target = state.end;
      while (this.pass) await this.pass;
      if (this.failure !== undefined) throw this.failure;
      await this.run();
      for (const [i, g] of this.gathering.entries()) {
        if (g.used > 0) await this.submit(i, g.buf.subarray(0, g.used));
      }
      while (this.pending.length > 0) await this.writeOldest();
      const members = this.totals.map((t, i) => ({ ...t, crc: state.members[i]!.crc }));
      const info = { ...state.info, version: 1 as const };
      const z = { ...state, info, dataStart: this.headerBytes, end: this.end, members };
      await assembleNpz(this.out, z, path, opts);
    } finally {
      await this.discard();
    }
  }

  /** Closes and deletes the compacted journal (the writer failed or is done). */
  async discard(): Promise<void> {
    await this.out.close().catch(() => undefined);
    await unlink(this.zPath).catch(() => undefined);
  }

  /** Takes the journal's whole records from `pos` up to `target`. */
  private async run(): Promise<void> {
    const to = this.target;
    const cur = new FileCursor(this.journal, this.pos, to);
    while (cur.pos < to) {
      const rec = await readRecord(cur, 2);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let i = 0; i < NPZ_MEMBERS.length; i++) await this.gather(i, rec.segments[i]!);
      this.pos = cur.pos;
    }
  }

  /** Adds a member's bytes, compressing every whole piece. */
  private async gather(member: number, bytes: Buffer): Promise<void> {
    const g = this.gathering[member]!;
    for (let seg = bytes; seg.length > 0; ) {
      // A whole piece inside the segment is compressed where it was read, uncopied.
      if (g.used === 0 && seg.length >= CHUNK_BYTES) {
        await this.submit(member, seg.subarray(0, CHUNK_BYTES));
        seg = seg.subarray(CHUNK_BYTES);
        continue;
      }
      if (g.buf.length === 0) g.buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const k = Math.min(CHUNK_BYTES - g.used, seg.length);
      seg.copy(g.buf, g.used, 0, k);
      g.used += k;
      seg = seg.subarray(k);
      if (g.used === CHUNK_BYTES) {
        const full = g.buf;
        g.buf = Buffer.alloc(0);
        g.used = 0;
        await this.submit(member, full);
      }
    }
  }

  private async submit(member: number, data: Buffer): Promise<void> {
    const how = { ...this.compression, strategy: NPZ_MEMBERS[member]!.strategy };
    const piece = deflatePiece(data, how, this.isClosing);
    // Awaited in order by writeOldest; if the compaction fails first, nobody will.
    piece.catch(() => undefined);
    this.pending.push({ member, raw: data.length, piece });
    this.inFlight += data.length;
    while (this.inFlight > IN_FLIGHT_BYTES) await this.writeOldest();
  }

  /** Appends the oldest piece to the compacted journal (pieces of a member stay in order). */
  private async writeOldest(): Promise<void> {
    const job = this.pending.shift()!;
    const piece = await job.piece;
    this.inFlight -= job.raw;
    const members = NPZ_MEMBERS.map((_, i) =>
      i === job.member ? { compressed: piece.length, raw: job.raw, crc: 0 } : NO_MEMBER,
    );
    await writevAll(this.out, encodeRecord(0, 0, members, [piece], false), this.end);
    this.end += RECORD_PREFIX + piece.length;
    this.totals[job.member]!.compressed += piece.length;
    this.totals[job.member]!.raw += job.raw;
  }
}
