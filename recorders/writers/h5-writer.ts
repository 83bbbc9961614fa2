import { hostname } from "node:os";
import type { DatasetStats, DatasetWriter, RecordedEpisode, RecordingContext } from "../types.js";
import { SCHEMA_VERSION } from "../types.js";
import { toJsonSafe } from "./h5-codec.js";
import { acquireH5Worker, type H5WorkerHandle, releaseH5Worker } from "./h5-host.js";
import { type H5Format, journalPathFor, KEEPS_TEXT_META } from "./h5-journal.js";
import type { DatasetSpec, H5Stats } from "./h5-layout.js";
import { RecordSlab, recycleSlabs } from "./h5-record.js";
import { describeSpace, type SpaceSpec } from "./h5-spaces.js";
import type { WriteResult } from "./h5-worker.js";

/** Options of the HDF5-based writers. */
export interface H5WriterOptions {
  /** gzip level (1-9) of every dataset, 0 for none. */
  readonly gzip?: number;
  /** fdatasync the journal after every batch (survive power loss, not only a crash). Default false. */
  readonly fsync?: boolean;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

let nextHandle = 1;

/**
 * A DatasetWriter whose HDF5 work runs in a worker thread. writeEpisode only
 * encodes the episode into a record at the end of a large buffer (one copy)
 * and queues it; while the worker writes a batch, newer episodes gather into
 * the next, each buffer going out (transferred, not copied) as soon as it is
 * full, so a fast producer keeps the worker busy in large batches. Each
 * promise resolves once its batch is in the journal (durable: recovery
 * rebuilds the dataset from it); the worker writes it into the HDF5 file
 * when next idle.
 */
export class H5Writer implements DatasetWriter {
  private readonly slab: RecordSlab;
  /** The promises of the episodes in the slab, in order. */
  private readonly waiting: Waiter[] = [];
  private inFlight = 0;
  private failure: Error | undefined;
  private idle: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly format: H5Format,
    readonly path: string,
    private readonly worker: H5WorkerHandle,
    private readonly handle: number,
    private readonly obs: SpaceSpec,
    private readonly act: SpaceSpec,
  ) {
    this.slab = new RecordSlab(KEEPS_TEXT_META[format]);
  }

  /** Opens a dataset of `format` at `path` (the file or Minari directory is created by the worker). */
  static async open(
    format: H5Format,
    path: string,
    ctx: RecordingContext,
    options: H5WriterOptions = {},
  ): Promise<H5Writer> {
    const spec: DatasetSpec = {
      format,
      path,
      envId: ctx.envId,
      config: ctx.config,
      policyId: ctx.policyId,
      metadata: (toJsonSafe(ctx.metadata) ?? {}) as Record<string, unknown>,
      observationSpace: describeSpace(ctx.observationSpace),
      actionSpace: describeSpace(ctx.actionSpace),
      gzip: Math.max(0, Math.min(9, Math.trunc(options.gzip ?? 0))),
      schemaVersion: SCHEMA_VERSION,
      createdAt: new Date().toISOString(),
      writer: { pid: process.pid, host: hostname() },
    };
    const worker = acquireH5Worker();
    const handle = nextHandle++;
    try {
      await worker.call({
        op: "open",
        handle,
        spec,
        journal: journalPathFor(format, path),
        fsync: options.fsync ?? false,
      });
    } catch (err) {
      releaseH5Worker(worker);
      throw err;
    }
    return new H5Writer(format, path, worker, handle, spec.observationSpace, spec.actionSpace);
  }

  writeEpisode(episode: RecordedEpisode): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`dataset ${this.path} is closed`));
    try {
      this.slab.append(episode, this.obs, this.act);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.failure) return;
    // While a batch is in the worker, episodes gather: only whole buffers go out.
    const batches = this.slab.take(this.inFlight === 0);
    if (batches.length === 0) return;
    const waiters = this.waiting.splice(
      0,
      batches.reduce((n, b) => n + b.episodes, 0),
    );
    const slabs = batches.map(({ buffer, used }) => ({ buffer, used }));
    this.inFlight++;
    this.worker
      .call(
        { op: "write", handle: this.handle, slabs },
        slabs.map((b) => b.buffer),
      )
      .then(
        (result) => {
          recycleSlabs((result as WriteResult).recycled);
          for (const w of waiters) w.resolve();
        },
        (err: Error) => {
          this.failure ??= err;
          this.slab.take(true);
          for (const w of [...waiters, ...this.waiting.splice(0)]) w.reject(err);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
        if (this.isDrained()) for (const f of this.idle.splice(0)) f();
      });
  }

  private isDrained(): boolean {
    return this.inFlight === 0 && (this.slab.empty || this.failure !== undefined);
  }

  private drained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Writes the queued episodes, the statistics (counted by the worker from
   * what it wrote) and closes the file; then deletes the journal.
   */
  async close(_stats?: Omit<DatasetStats, "fileSizeMb" | "outputPath" | "format">): Promise<void> {
    await this.closeWithStats();
  }

  /** close(), returning the statistics of what was written. */
  async closeWithStats(): Promise<H5Stats | undefined> {
    if (this.closed) return undefined;
    this.closed = true;
    await this.drained();
    try {
      return (await this.worker.call({ op: "close", handle: this.handle })) as H5Stats;
    } finally {
      releaseH5Worker(this.worker);
    }
  }
}
