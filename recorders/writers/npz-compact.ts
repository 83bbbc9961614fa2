import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { constants } from "node:zlib";
import { keepShape } from "../shape-keeper.js";
import {
  type AssembleOptions,
  assembleNpzFromPieces,
  type JournalRange,
  type PieceRef,
} from "./npz-assemble.js";
import {
  CHUNK_BYTES,
  deflatePiece,
  deflateSampledPiece,
  type NpzCompression,
  PIECE_SAMPLE_BYTES,
  rleWorthDeflating,
  takeSample,
} from "./npz-compress.js";
import {
  FileCursor,
  type JournalState,
  type RecordMember,
  readRecord,
  segmentOffsetsV2,
} from "./npz-journal.js";
import { writeAll } from "./npz-member-sink.js";
import { NPZ_MEMBERS } from "./npz-members.js";
import { readRangesInto } from "./npz-piece-reader.js";

/** Bytes of pieces held for compression at once, at most: keeps the threadpool busy, bounds memory. */
const IN_FLIGHT_BYTES = 32 << 20;

/** Piece buffers kept for reuse at most (IN_FLIGHT_BYTES' worth). */
const SPARE_PIECES = IN_FLIGHT_BYTES / CHUNK_BYTES;

/**
 * Piece buffers to reuse, shared by every compactor of the process: a recording that
 * started would otherwise allocate a 1 MiB buffer per member it keeps whole (~7 MiB, even
 * for a few episodes) and free them at its end, and that churn of external memory made V8
 * start a major garbage collection at nearly every recording's start and stop
 * (`--trace-incremental-marking`: 21 in 12 recordings of 3000 SdnRouting-v0 steps).
 */
const spare: Buffer[] = [];

/** Journal bytes worth a background pass (smaller runs wait: a read per episode costs more than it saves). */
const PASS_BYTES = 4 << 20;

/**
 * Whole pieces of a row member (states, actions, next_states) judged "store" in a row
 * after which only one in JUDGE_EVERY is judged, the others stored unjudged, until a
 * judged one says "deflate". Judging a piece costs ~0.2 ms of the recording thread
 * (its 64 KiB sample copied and modelled), ~8% of an npz recording of a random policy,
 * whose float pieces are all stored; data that turns compressible keeps at most
 * JUDGE_EVERY - 1 pieces stored that deflate would have shrunk. The rule reads only the
 * member's own pieces, in order, so the archive still depends on the data alone.
 */
const STORED_RUN = 4;
const JUDGE_EVERY = 4;

/** Scratch for the sample of a piece gathered whole (judged at once, on this thread). */
const wholeSample = Buffer.allocUnsafe(PIECE_SAMPLE_BYTES);

/** A record just journaled, still in memory: its bytes, where it lies, its members. */
export interface JournaledRecord {
  /** Journal offset of its first byte. */
  readonly at: number;
  readonly bytes: Buffer;
  readonly members: readonly RecordMember[];
}

/** A member's piece being gathered. */
interface Gathering {
  /** Bytes so far, and their journal ranges. */
  used: number;
  ranges: JournalRange[];
  /**
   * The whole piece's bytes, kept when the member's last piece was deflated (this one likely
   * is too), and always for a scalar member (a few bytes per row: its piece is most often
   * the last, partial one, compressed at close, where reading it back would wait).
   */
  full: Buffer | undefined;
  /** Otherwise its judging sample, taken as the bytes go by (a stored piece is never copied). */
  sample: Buffer | undefined;
  /** Neither: the piece is stored unjudged (STORED_RUN). */
  unjudged: boolean;
}

/** A piece on its way: compressed (a Buffer) or to be stored (undefined). */
interface Job {
  readonly member: number;
  readonly raw: number;
  readonly ranges: readonly JournalRange[];
  /** Bytes this job holds (its piece or its sample), and the piece buffer to reuse once it settles. */
  readonly held: number;
  readonly buffer: Buffer | undefined;
  /** The buffer its bytes were read back into, if they were. */
  readonly loaded: { readonly buffer?: Buffer };
  readonly piece: Promise<Buffer | undefined>;
  /** Settles once the piece is placed (in order); never rejects (failures go to `failure`). */
  settled: Promise<void>;
}

/**
 * Compresses the members of a version 2 (raw) journal while it grows, and writes the
 * .npz from the result at close. Each member is cut into pieces at every CHUNK_BYTES of
 * its own bytes, whatever the records' boundaries, so the archive depends on the data
 * alone (collector datasets are the same bytes however their episodes were batched).
 * A record is taken as it is journaled, from memory (`advance` with the record), while
 * the compactor keeps up; otherwise whole records are read back from the journal in
 * passes of at least PASS_BYTES, in the background. Of a piece only its judging sample
 * is copied, unless the member's last piece was deflated (then the whole piece, likely
 * deflated again) or the member is a scalar (see Gathering.full); a piece deflatePiece's
 * rule says to store stays where it is: the
 * compactor keeps its journal ranges, and the archive frames them at close. Pieces to
 * deflate whose bytes were not kept are read back from the journal. Compressed pieces
 * are appended to `<path>.journal.z`, a spill file nobody recovers (the journal stays
 * the source of truth until close, and recovery removes a stray one). A crash loses
 * nothing.
 */
export class NpzCompactor {
  private readonly zPath: string;
  /** Each member's pieces so far, in order. */
  private readonly pieces: PieceRef[][] = NPZ_MEMBERS.map(() => []);
  private readonly gathering: Gathering[] = NPZ_MEMBERS.map(() => ({
    used: 0,
    ranges: [],
    full: undefined,
    sample: undefined,
    unjudged: false,
  }));
  /** Whether each member's last piece was deflated. */
  private readonly deflated: boolean[] = NPZ_MEMBERS.map(() => false);
  /** Per row member: whole pieces judged "store" in a row, and pieces stored unjudged since the last judged one. */
  private readonly storedRun: number[] = NPZ_MEMBERS.map(() => 0);
  private readonly sinceJudged: number[] = NPZ_MEMBERS.map(() => 0);
  /** Jobs not yet settled, oldest first, and the last one's `settled`. */
  private readonly pending: Job[] = [];
  private tail: Promise<void> = Promise.resolve();
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
    keepShape(this);
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

  /**
   * The journal's whole records now end at `end`: compress them, in the background.
   * `record`, the one just journaled (ending at `end`), is taken from memory (at once:
   * its bytes may be reused after this returns) when every record before it is taken.
   */
  advance(end: number, record?: JournaledRecord): void {
    this.target = end;
    if (this.failure !== undefined) return;
    if (
      record &&
      !this.pass &&
      record.at === this.pos &&
      record.at + record.bytes.length === end &&
      this.inFlight <= IN_FLIGHT_BYTES
    ) {
      const offsets = segmentOffsetsV2(record.members.map((m) => m.raw));
      for (let i = 0; i < NPZ_MEMBERS.length; i++) {
        const from = offsets[i]!;
        const bytes = record.bytes.subarray(from, from + record.members[i]!.raw);
        this.gather(i, bytes, record.at + from);
      }
      this.pos = end;
      return;
    }
    if (this.pass || end - this.pos < PASS_BYTES) return;
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
      for (let i = 0; i < NPZ_MEMBERS.length; i++) {
        if (this.gathering[i]!.used > 0) this.submit(i);
      }
      // Jobs settle in order: a member's pieces are all placed once its last job settles,
      // and the archive writes the first members while the last pieces are compressed.
      const lastSettled = new Map<number, Promise<void>>();
      for (const job of this.pending) lastSettled.set(job.member, job.settled);
      const placed = async (member: number): Promise<readonly PieceRef[]> => {
        await lastSettled.get(member);
        if (this.failure !== undefined) throw this.failure;
        return this.pieces[member]!;
      };
      await assembleNpzFromPieces(this.journal, this.out, placed, state, path, opts);
    } finally {
      // Nothing may still be writing to the spill file when it is deleted (settled never rejects).
      await this.tail;
      await this.discard();
    }
  }

  /**
   * Closes and deletes the spill file, and lets go of the pieces' journal ranges (the writer
   * failed or is done; this compactor may outlive it: keepShape).
   */
  async discard(): Promise<void> {
    for (const p of this.pieces) p.length = 0;
    for (const g of this.gathering) {
      g.ranges = [];
      g.full = undefined;
      g.sample = undefined;
    }
    await this.out.close().catch(() => undefined);
    await unlink(this.zPath).catch(() => undefined);
  }

  /** Takes the journal's whole records from `pos` up to `target`, reading them back. */
  private async run(): Promise<void> {
    const to = this.target;
    // Every byte is copied out of the cursor's buffer, so it can read into the same one.
    const cur = new FileCursor(this.journal, this.pos, to, undefined, true);
    while (cur.pos < to) {
      const rec = await readRecord(cur, 2);
      if (!rec) throw new Error(`journal unreadable at offset ${cur.pos}`);
      for (let i = 0; i < NPZ_MEMBERS.length; i++) {
        this.gather(i, rec.segments[i]!, rec.offsets[i]!);
      }
      this.pos = cur.pos;
      while (this.inFlight > IN_FLIGHT_BYTES) await this.pending[0]!.settled;
      if (this.failure !== undefined) throw this.failure;
    }
  }

  /** Adds a member's bytes (at journal offset `at`), handing every whole piece over. */
  private gather(member: number, bytes: Buffer, at: number): void {
    const g = this.gathering[member]!;
    for (let seg = bytes; seg.length > 0; ) {
      if (g.used === 0) {
        // Before deflated[]: that is set as pieces settle, and this must not depend on when.
        if (this.skipsJudging(member)) g.unjudged = true;
        else if (this.deflated[member] || NPZ_MEMBERS[member]!.width === 1) {
          g.full = spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
        } else g.sample = Buffer.allocUnsafe(PIECE_SAMPLE_BYTES);
      }
      const k = Math.min(CHUNK_BYTES - g.used, seg.length);
      if (g.full) seg.copy(g.full, g.used, 0, k);
      else if (g.sample) takeSample(g.sample, seg.subarray(0, k), g.used, CHUNK_BYTES);
      g.used += k;
      g.ranges.push([at, k]);
      seg = seg.subarray(k);
      at += k;
      if (g.used === CHUNK_BYTES) this.submit(member);
    }
  }

  /** Whether the member's pieces are judged by STORED_RUN's rule: a row member under Z_RLE, with a minSaving. */
  private rowJudged(member: number): boolean {
    const m = NPZ_MEMBERS[member]!;
    return m.width !== 1 && m.strategy === constants.Z_RLE && this.compression.minSaving > 0;
  }

  /** Whether the member's next piece is stored unjudged (STORED_RUN). */
  private skipsJudging(member: number): boolean {
    return (
      this.rowJudged(member) &&
      this.storedRun[member]! >= STORED_RUN &&
      this.sinceJudged[member]! < JUDGE_EVERY - 1
    );
  }

  /**
   * Judges a whole piece of a row member on this thread, at once (so that the next
   * piece's STORED_RUN rule knows the verdict): whether to deflate it.
   */
  private judgeWhole(
    member: number,
    full: Buffer | undefined,
    sample: Buffer | undefined,
  ): boolean {
    let s = sample;
    if (full) {
      takeSample(wholeSample, full, 0, CHUNK_BYTES);
      s = wholeSample;
    }
    const worth = rleWorthDeflating(s!, this.compression.minSaving);
    this.storedRun[member] = worth ? 0 : this.storedRun[member]! + 1;
    this.sinceJudged[member] = 0;
    return worth;
  }

  /** Hands the member's piece gathered so far over to the pool, and starts gathering the next. */
  private submit(member: number): void {
    const g = this.gathering[member]!;
    const { used: raw, ranges, full, sample, unjudged } = g;
    g.used = 0;
    g.ranges = [];
    g.full = undefined;
    g.sample = undefined;
    g.unjudged = false;
    const how = { ...this.compression, strategy: NPZ_MEMBERS[member]!.strategy };
    // Read back into a recycled piece buffer (freed with the job's).
    const loaded: { buffer?: Buffer } = {};
    const load = async () => {
      const buf = spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
      loaded.buffer = buf;
      await readRangesInto(this.journal, ranges, [buf.subarray(0, raw)]);
      return buf.subarray(0, raw);
    };
    let piece: Promise<Buffer | undefined>;
    if (unjudged) {
      this.sinceJudged[member]!++;
      piece = Promise.resolve(undefined);
    } else if (raw === CHUNK_BYTES && this.rowJudged(member)) {
      const deflate = { ...how, minSaving: 0 };
      if (!this.judgeWhole(member, full, sample)) piece = Promise.resolve(undefined);
      else if (full) piece = deflatePiece(full, deflate, this.isClosing);
      else piece = load().then((data) => deflatePiece(data, deflate, this.isClosing));
    } else if (full) piece = deflatePiece(full.subarray(0, raw), how, this.isClosing);
    // A whole piece's sample was taken; a partial one (the last) is judged on its own length.
    else if (raw === CHUNK_BYTES)
      piece = deflateSampledPiece(raw, sample!, load, how, this.isClosing);
    else piece = load().then((data) => deflatePiece(data, how, this.isClosing));
    // Awaited in order by settle; if the compaction fails first, nobody will.
    piece.catch(() => undefined);
    const held = full ? CHUNK_BYTES : sample ? PIECE_SAMPLE_BYTES : 0;
    const job: Job = { member, raw, ranges, held, buffer: full, loaded, piece, settled: this.tail };
    job.settled = this.tail = this.tail
      .then(() => this.settle(job))
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    this.pending.push(job);
    this.inFlight += held;
  }

  /** Places a piece (the oldest): compressed, appended to the spill file; stored, left in the journal. */
  private async settle(job: Job): Promise<void> {
    try {
      if (this.failure !== undefined) throw this.failure;
      const piece = await job.piece.finally(() => {
        this.recycle(job.buffer);
        this.recycle(job.loaded.buffer);
      });
      this.deflated[job.member] = piece !== undefined;
      if (!piece) {
        this.pieces[job.member]!.push({ raw: job.raw, ranges: job.ranges });
        return;
      }
      await writeAll(this.out, piece, this.end);
      this.pieces[job.member]!.push({ raw: job.raw, at: this.end, length: piece.length });
      this.end += piece.length;
    } finally {
      this.pending.shift();
      this.inFlight -= job.held;
    }
  }

  /** Keeps a whole piece's buffer for the next piece of any compactor (the job that read it has settled). */
  private recycle(data: Buffer | undefined): void {
    if (data && data.length === CHUNK_BYTES && spare.length < SPARE_PIECES) {
      spare.push(data);
    }
  }
}
