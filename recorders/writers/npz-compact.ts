import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import {
  type AssembleOptions,
  assembleNpzFromPieces,
  type JournalRange,
  type PieceRef,
} from "./npz-assemble.js";
import { CHUNK_BYTES, deflatePiece, type NpzCompression } from "./npz-compress.js";
import { FileCursor, type JournalState, readRecord } from "./npz-journal.js";
import { writeAll } from "./npz-member-sink.js";
import { NPZ_MEMBERS } from "./npz-members.js";

/** Raw bytes being compressed at once, at most: keeps the threadpool busy, bounds memory. */
const IN_FLIGHT_BYTES = 32 << 20;

/** Piece buffers kept for reuse at most (IN_FLIGHT_BYTES' worth). */
const SPARE_PIECES = IN_FLIGHT_BYTES / CHUNK_BYTES;

/** Journal bytes worth a background pass (smaller runs wait: a read per episode costs more than it saves). */
const PASS_BYTES = 4 << 20;

/** A piece on its way: compressed (a Buffer) or to be stored (undefined). */
interface Job {
  readonly member: number;
  /** The piece's bytes, in a buffer of the compactor's (back to `spare` once settled). */
  readonly data: Buffer;
  readonly ranges: readonly JournalRange[];
  readonly piece: Promise<Buffer | undefined>;
}

/**
 * Compresses the members of a version 2 (raw) journal while it grows, and writes the
 * .npz from the result at close. Each member is cut into pieces at every CHUNK_BYTES of
 * its own bytes, whatever the records' boundaries, so the archive depends on the data
 * alone (collector datasets are the same bytes however their episodes were batched).
 * Whole records are read back from the journal in passes of at least PASS_BYTES, in the
 * background, and their pieces compressed on the pool (within the process-wide job
 * limit); compressed pieces are appended to `<path>.journal.z`, a spill file nobody
 * recovers (the journal stays the source of truth until close, and recovery removes a
 * stray one), while a piece deflatePiece says to store (minSaving) stays where it is: the
 * compactor keeps its journal ranges, and the archive frames them at close. A crash
 * loses nothing.
 */
export class NpzCompactor {
  private readonly zPath: string;
  /** Each member's pieces so far, in order. */
  private readonly pieces: PieceRef[][] = NPZ_MEMBERS.map(() => []);
  /** Each member's piece being gathered: its bytes and their journal ranges. */
  private readonly gathering: { buf: Buffer; used: number; ranges: JournalRange[] }[] =
    NPZ_MEMBERS.map(() => ({ buf: Buffer.alloc(0), used: 0, ranges: [] }));
  private readonly pending: Job[] = [];
  /** Piece buffers to reuse: fresh memory costs page faults and GC, a copy less. */
  private readonly spare: Buffer[] = [];
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
    private readonly compression: NpzCompression,
  ) {
    this.zPath = `${path}.journal.z`;
    this.pos = dataStart;
    this.target = dataStart;
    this.end = 0;
  }

  /** Starts compacting `journal`, the raw journal of `path`, whose records start at `dataStart`. */
  static async open(
    journal: FileHandle,
    path: string,
    version: number,
    dataStart: number,
    compression: NpzCompression,
  ): Promise<NpzCompactor> {
    if (version !== 2) throw new Error("only a raw (version 2) journal is compacted");
    const out = await open(`${path}.journal.z`, "w+");
    return new NpzCompactor(journal, out, path, dataStart, compression);
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
   * (see assembleNpz); the spill file is deleted either way.
   */
  async finish(state: JournalState, path: string, opts: AssembleOptions = {}): Promise<void> {
    try {
      this.closing = true;
      this.target = state.end;
      while (this.pass) await this.pass;
      if (this.failure !== undefined) throw this.failure;
      await this.run();
      for (const [i, g] of this.gathering.entries()) {
        if (g.used > 0) await this.submit(i, g.buf.subarray(0, g.used), g.ranges);
      }
      while (this.pending.length > 0) await this.settleOldest();
      await assembleNpzFromPieces(this.journal, this.out, this.pieces, state, path, opts);
    } finally {
      await this.discard();
    }
  }

  /** Closes and deletes the spill file (the writer failed or is done). */
  async discard(): Promise<void> {
    await this.out.close().catch(() => undefined);
    await unlink(this.zPath).catch(() => undefined);
  }

  /** Takes the journal's whole records from `pos` up to `target`. */
  private async run(): Promise<void> {
    const to = this.target;
    // Every byte is copied out of the cursor's buffer, so it can read into the same one.
    const cur = new FileCursor(this.journal, this.pos, to, undefined, true);
    while (cur.pos < to) {
      const rec = await readRecord(cur, 2);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let i = 0; i < NPZ_MEMBERS.length; i++) {
        await this.gather(i, rec.segments[i]!, rec.offsets[i]!);
      }
      this.pos = cur.pos;
    }
  }

  /** Adds a member's bytes (at journal offset `at`), compressing every whole piece. */
  private async gather(member: number, bytes: Buffer, at: number): Promise<void> {
    const g = this.gathering[member]!;
    for (let seg = bytes; seg.length > 0; ) {
      if (g.buf.length === 0) g.buf = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
      const k = Math.min(CHUNK_BYTES - g.used, seg.length);
      seg.copy(g.buf, g.used, 0, k);
      g.used += k;
      g.ranges.push([at, k]);
      seg = seg.subarray(k);
      at += k;
      if (g.used === CHUNK_BYTES) {
        const full = g.buf;
        const ranges = g.ranges;
        g.buf = Buffer.alloc(0);
        g.used = 0;
        g.ranges = [];
        await this.submit(member, full, ranges);
      }
    }
  }

  private async submit(
    member: number,
    data: Buffer,
    ranges: readonly JournalRange[],
  ): Promise<void> {
    const how = { ...this.compression, strategy: NPZ_MEMBERS[member]!.strategy };
    const piece = deflatePiece(data, how, this.isClosing);
    // Awaited in order by settleOldest; if the compaction fails first, nobody will.
    piece.catch(() => undefined);
    this.pending.push({ member, data, ranges, piece });
    this.inFlight += data.length;
    while (this.inFlight > IN_FLIGHT_BYTES) await this.settleOldest();
  }

  /** Settles the oldest piece: compressed, appended to the spill file; stored, left in the journal. */
  private async settleOldest(): Promise<void> {
    const job = this.pending.shift()!;
    const piece = await job.piece.finally(() => this.recycle(job.data));
    const raw = job.data.length;
    this.inFlight -= raw;
    if (!piece) {
      this.pieces[job.member]!.push({ raw, ranges: job.ranges });
      return;
    }
    await writeAll(this.out, piece, this.end);
    this.pieces[job.member]!.push({ raw, at: this.end, length: piece.length });
    this.end += piece.length;
  }

  /** Keeps a whole piece's buffer for the next piece (the job that read it has settled). */
  private recycle(data: Buffer): void {
    if (data.length === CHUNK_BYTES && data.byteOffset === 0 && this.spare.length < SPARE_PIECES) {
      this.spare.push(data);
    }
  }
}
