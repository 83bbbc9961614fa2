/**
 * The .npz writer: seed 000's `np.savez_compressed(states=..., actions=...)` plus the
 * D4RL-style arrays, all with N = total transitions in episode order:
 *   states (N, obs_dim) float32, actions (N, act_dim) float32, rewards (N,) float32,
 *   next_states (N, obs_dim) float32, terminals (N,) bool, timeouts (N,) bool,
 *   episode_ids (N,) int64, returns_to_go (N,) float32, and behavior_probs (N,) float64
 *   (NaN where unknown) once any step carried a behavior probability.
 * Flattening: see rowFlattener (Discrete is one float). timeouts are the env's
 * truncations, plus the last step of an episode the recording cut short (client gone,
 * server shutdown, reset mid-episode, recording stopped), so D4RL-style readers split
 * episodes there. Members are deflated (method 8, as np.savez_compressed) by zlib at
 * level 1 with the Z_RLE strategy for floats and bools (on float data as small as level 6
 * with the default strategy, within ~1%, at several times the speed; zero runs still
 * collapse) and the default strategy for episode_ids and behavior_probs (repeating
 * 8-byte values). A 1 MiB piece that deflate would shrink by less than `minSaving`
 * (1/8, judged on a sample: for Z_RLE members by a model of zlib's output, see
 * rle-deflate-estimate.ts) is stored instead (stored deflate blocks, still method 8):
 * a random policy's float arrays save ~8-12% at level 1, at ~8 ns per byte of a core.
 * After four pieces of an observation or action array stored in a row, one in four is
 * judged, the others stored, until one says "deflate" (npz-compact.ts).
 *
 * Design. A zip's central directory sits at its end, so the .npz cannot grow in place.
 * Every batch of finished episodes is laid out as one journal record and appended to
 * `<path>.journal`, which is fdatasync'd (unless `fdatasync: false`; small records are
 * then written synchronously) before those episodes' writeEpisode calls resolve;
 * episodes arriving meanwhile form the next batch (group commit: one write and one
 * fdatasync per batch, at most maxBatchBytes).
 * With deferCompression (the default) or level 0 the journal holds the members' raw bytes
 * (a version 2 journal, npz-raw.ts: the columns are written in place, one copy and one
 * CRC pass), and with deferCompression the journal is compressed as it grows, on
 * low-priority pool threads in the background (npz-compact.ts, deflate-pool.ts; at most
 * cores - 1 compressions at once process-wide, see setNpzCompressionThreads), pieces
 * worth storing (minSaving) left in the journal: a recording step pays for a copy and a
 * write, not for deflate, and close compresses only what is left.
 * Without it each batch is compressed on the pool as it comes (never deflateSync)
 * into independent sync-flushed raw-deflate pieces of 1 MiB (a version 1 journal).
 * The .npz is assembled from a journal: per member, a stored deflate block with the
 * .npy header (written last, once N is known), the member's data, an empty final
 * block; CRCs are combined arithmetically. Raw data is framed as stored blocks, and
 * compressed in pieces, at fixed offsets of each member's bytes, so with a raw journal
 * the archive depends on the episodes and their order alone, not on how they were
 * batched (batchInvariant: collector recordings need not write one episode at a time).
 * Assembly writes `<path>.tmp`, fsyncs it, renames it over `<path>` and fsyncs the
 * directory: at open (an empty dataset), at an episode end whenever the time since the
 * last assembly is at least `rebuildRatio` (100) times that assembly's duration (so it
 * costs at most ~1/rebuildRatio of the time; close gives up one under way that would not
 * be the final file), and at close, which then deletes the journal. The .npz of an
 * assembly while recording (and of a recovery after a crash) is stored, uncompressed,
 * when the journal is raw.
 *
 * Crash-safety guarantee (SIGKILL, and power loss as far as the storage honours fsync):
 * 1. Once writeEpisode(e) has resolved, e and every episode before it are in the
 *    journal; recoverNpz(path) (npz-recover.ts) rebuilds `<path>` holding exactly the
 *    episodes of the journal's intact records: those acknowledged, plus possibly a batch
 *    whose write completed just before the crash. A torn last record is dropped.
 * 2. At every moment after open resolved, `<path>` is a complete .npz that numpy.load
 *    reads, holding the first k finished episodes for some k (0 right after open).
 * 3. After close resolves, `<path>` holds every episode given to writeEpisode, and no
 *    journal remains. If close fails, the journal stays for recoverNpz.
 * Not covered: the episode in progress, and episodes still queued in the Recorder
 * (whose writeEpisode has not resolved).
 */
import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { RecordingError } from "../recording-errors.js";
import { keepShape } from "../shape-keeper.js";
import type { DatasetWriter, RecordedEpisode, RecordingContext, WriterFactory } from "../types.js";
import { assembleNpz } from "./npz-assemble.js";
import { BatchBuilder, type PreparedBatch, type RecordBuilder } from "./npz-batch.js";
import { NpzCompactor } from "./npz-compact.js";
import {
  addRecord,
  emptyTotals,
  encodeJournalHeader,
  type JournalInfo,
  type JournalState,
  liveJournals,
} from "./npz-journal.js";
import { syncDir, writeAll, writevAll, writevAllSync } from "./npz-member-sink.js";
import { rowFlattener } from "./npz-members.js";
import { type NpzWriterOptions, withDefaults } from "./npz-options.js";
import { RawBatchBuilder } from "./npz-raw.js";

/** Journal records up to this size are written synchronously when not fdatasync'd (~0.1 ms of copying). */
const SYNC_WRITE_BYTES = 256 << 10;

interface Pending {
  readonly episode: RecordedEpisode;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Writes an .npz through a journal; see the file comment for the guarantee. */
export class NpzWriter implements DatasetWriter {
  readonly format = "npz";
  /** A raw journal's archive is laid out at assembly from the members' bytes alone. */
  readonly batchInvariant: boolean;
  /** The arrays hold no infos: the recorder need not copy them. */
  readonly storesInfos = false;
  private readonly journalPath: string;
  private readonly totals = emptyTotals();
  private queue: Pending[] = [];
  private pumping: Promise<void> | undefined;
  private rebuilding: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private failure: RecordingError | undefined;
  private end: number;
  private rows = 0;
  private episodes = 0;
  /** Journal end covered by the .npz on disk, and by the assembly under way. */
  private builtEnd = -1;
  private rebuildEnd = -1;
  private rebuildAbort: AbortController | undefined;
  private lastRebuildEnd = 0;
  private lastRebuildMs = 0;

  private constructor(
    readonly path: string,
    private readonly journal: FileHandle,
    private readonly info: JournalInfo,
    private readonly dataStart: number,
    private readonly builder: RecordBuilder,
    private readonly opts: Required<NpzWriterOptions>,
    /** Compresses the journal as it grows, when compression is deferred to close. */
    private readonly compactor: NpzCompactor | undefined,
  ) {
    this.journalPath = `${path}.journal`;
    this.end = dataStart;
    this.batchInvariant = info.version === 2;
    keepShape(this);
  }

  /** Creates the journal (refusing to clobber an unrecovered one) and an empty .npz. */
  static async open(
    path: string,
    ctx: RecordingContext,
    options: NpzWriterOptions = {},
  ): Promise<NpzWriter> {
    const obs = rowFlattener(ctx.observationSpace, "observation_space");
    const act = rowFlattener(ctx.actionSpace, "action_space");
    const opts = withDefaults(options);
    const journalPath = `${path}.journal`;
    let fh: FileHandle;
    try {
      fh = await open(journalPath, "wx+");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") {
        throw new RecordingError(
          path,
          "exists",
          `dataset ${path} has an unrecovered journal ${journalPath}: recover it first (recoverNpz / gymrpc recover)`,
        );
      }
      throw RecordingError.fromFs(path, err);
    }
    liveJournals.add(journalPath);
    let compactor: NpzCompactor | undefined;
    try {
      // Stored while recording: raw records (version 2), framed or compressed at assembly.
      const raw = opts.deferCompression || opts.level === 0;
      const info: JournalInfo = {
        format: "gymrpc-npz-journal",
        version: raw ? 2 : 1,
        obsDim: obs.width,
        actDim: act.width,
        envId: ctx.envId,
        pid: process.pid,
        host: hostname(),
        createdAt: new Date().toISOString(),
      };
      const header = encodeJournalHeader(info);
      // No sync of its own: the first record's fdatasync flushes the header with it, and
      // the empty .npz's assembly below fsyncs the directory, the journal's entry too.
      await writeAll(fh, header, 0);
      const builder = raw
        ? new RawBatchBuilder(obs, act, opts.sliceBytes)
        : new BatchBuilder(obs, act, opts, opts.sliceBytes);
      compactor =
        opts.deferCompression && opts.level > 0
          ? await NpzCompactor.open(fh, path, info.version, header.length, opts)
          : undefined;
      const writer = new NpzWriter(path, fh, info, header.length, builder, opts, compactor);
      await writer.rebuild();
      return writer;
    } catch (err) {
      await compactor?.discard();
      await fh.close().catch(() => undefined);
      await unlink(journalPath).catch(() => undefined);
      liveJournals.delete(journalPath);
      throw RecordingError.fromFs(path, err);
    }
  }

  writeEpisode(episode: RecordedEpisode): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) {
      return Promise.reject(
        new RecordingError(this.path, "io", `dataset ${this.path} is already closed`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ episode, resolve, reject });
      // Started on a microtask so that episodes handed over in the same turn share a batch.
      this.pumping ??= Promise.resolve().then(() => this.pump());
    });
  }

  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    while (this.pumping) await this.pumping;
    // Nothing is laid out any more; this writer may outlive its recording (keepShape).
    this.builder.release();
    // A periodic assembly that will not be the final file (compression pending, or
    // episodes it lacks) is given up rather than waited for.
    const compress = this.compactor !== undefined;
    if (this.rebuilding && (compress || this.rebuildEnd !== this.end)) this.rebuildAbort?.abort();
    while (this.rebuilding) await this.rebuilding;
    try {
      if (compress) await this.rebuild(true);
      else if (this.builtEnd !== this.end) await this.rebuild();
    } catch (err) {
      await this.compactor?.discard();
      await this.journal.close().catch(() => undefined);
      liveJournals.delete(this.journalPath);
      throw this.failure ?? RecordingError.fromFs(this.path, err);
    }
    await this.journal.close().catch(() => undefined);
    liveJournals.delete(this.journalPath);
    try {
      await unlink(this.journalPath);
      await syncDir(dirname(this.path));
    } catch (err) {
      // Already gone: recoverNpz of another process took it (the .npz is complete either way).
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        throw RecordingError.fromFs(this.journalPath, err);
      }
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Two batches in flight at most: while one is written and fdatasync'd, the next
   * (everything queued meanwhile: group commit) is laid out (RecordBuilder), so a record
   * is journaled before the batch after it is prepared (its buffer may be reused then).
   * The totals move only once a batch is durable.
   */
  private async pump(): Promise<void> {
    let committing: Promise<void> | undefined;
    try {
      for (;;) {
        if (this.queue.length === 0) {
          if (!committing) break;
          await committing;
          committing = undefined;
          continue;
        }
        const batch = this.takeBatch();
        if (this.failure) {
          for (const p of batch) p.reject(this.failure);
          continue;
        }
        const { built, done } = this.builder.prepare(batch.map((p) => p.episode));
        if (done instanceof Promise) done.catch(() => undefined);
        if (built) await built;
        if (committing) await committing;
        committing = this.commit(batch, done);
      }
    } finally {
      this.pumping = undefined;
    }
  }

  /** The queued episodes up to maxBatchBytes of raw data (at least one). */
  private takeBatch(): Pending[] {
    let bytes = 0;
    let n = 0;
    for (; n < this.queue.length; n++) {
      bytes += this.queue[n]!.episode.rewards.length * this.builder.rowBytes;
      if (n > 0 && bytes > this.opts.maxBatchBytes) break;
    }
    return this.queue.splice(0, n);
  }

  /**
   * Journals (and fdatasyncs) a prepared batch, then settles its writeEpisode calls; a
   * small ready record without fdatasync is written synchronously (undefined: done).
   */
  private commit(
    batch: readonly Pending[],
    prepared: PreparedBatch | Promise<PreparedBatch>,
  ): Promise<void> | undefined {
    // Small records without fdatasync go straight to the page cache: a threadpool round
    // trip per step costs more than the copy (and the step that ended them waits for it).
    if (prepared instanceof Promise || this.opts.fdatasync || prepared.bytes > SYNC_WRITE_BYTES) {
      return this.commitAsync(batch, prepared);
    }
    try {
      if (this.failure) throw this.failure;
      if (prepared.rows > 0) writevAllSync(this.journal.fd, prepared.buffers, this.end);
      this.advance(prepared);
    } catch (err) {
      this.fail(batch, err);
      return undefined;
    }
    this.settle(batch);
    return undefined;
  }

  private async commitAsync(
    batch: readonly Pending[],
    preparing: PreparedBatch | Promise<PreparedBatch>,
  ): Promise<void> {
    try {
      if (this.failure) throw this.failure;
      const prepared = await preparing;
      if (prepared.rows > 0) {
        await writevAll(this.journal, prepared.buffers, this.end);
        if (this.opts.fdatasync) await this.journal.datasync();
      }
      this.advance(prepared);
    } catch (err) {
      this.fail(batch, err);
      return;
    }
    this.settle(batch);
  }

  /** Moves the journal's end and totals past a written record. */
  private advance(prepared: PreparedBatch): void {
    if (prepared.rows === 0) return;
    const at = this.end;
    this.end += prepared.bytes;
    this.rows += prepared.rows;
    this.episodes += prepared.episodes;
    addRecord(this.totals, prepared.members);
    // A raw record is one buffer, still intact here: the compactor takes it from memory.
    const [bytes, ...more] = prepared.buffers;
    const record =
      bytes && more.length === 0 ? { at, bytes, members: prepared.members } : undefined;
    this.compactor?.advance(this.end, record);
  }

  private fail(batch: readonly Pending[], err: unknown): void {
    this.failure ??= RecordingError.fromFs(this.path, err);
    for (const p of batch) p.reject(this.failure);
  }

  private settle(batch: readonly Pending[]): void {
    for (const p of batch) p.resolve();
    this.maybeRebuild();
  }

  private maybeRebuild(): void {
    const ratio = this.opts.rebuildRatio;
    if (this.rebuilding || this.closing || !Number.isFinite(ratio)) return;
    if (performance.now() - this.lastRebuildEnd < ratio * this.lastRebuildMs) return;
    // A failed periodic assembly loses nothing (the journal has it all); close retries and reports.
    const abort = new AbortController();
    this.rebuildAbort = abort;
    this.rebuilding = this.rebuild(false, abort.signal)
      .catch(() => {
        this.lastRebuildEnd = performance.now();
      })
      .finally(() => {
        this.rebuilding = undefined;
      });
  }

  /** Assembles the .npz from the journal; `compress`: compressing stored members (at close). */
  private async rebuild(compress = false, signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    const state: JournalState = {
      info: this.info,
      dataStart: this.dataStart,
      end: this.end,
      rows: this.rows,
      episodes: this.episodes,
      members: this.totals.map((t) => ({ ...t })),
    };
    this.rebuildEnd = state.end;
    const zip = { forceZip64: this.opts.forceZip64, signal };
    if (compress) await this.compactor!.finish(state, this.path, zip);
    else await assembleNpz(this.journal, state, this.path, zip);
    this.builtEnd = state.end;
    this.lastRebuildEnd = performance.now();
    this.lastRebuildMs = this.lastRebuildEnd - started;
  }
}

/** A factory of .npz writers with these options. */
export function npzWriterFactory(options: NpzWriterOptions = {}): WriterFactory {
  return (path, ctx) => NpzWriter.open(path, ctx, options);
}

/** Opens an .npz writer with the default options. */
export const createNpzWriter: WriterFactory = npzWriterFactory();

export type { NpzWriterOptions } from "./npz-options.js";
export { recoverNpz } from "./npz-recover.js";
