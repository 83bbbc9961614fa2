import { hostname } from "node:os";
import type { DatasetStats, DatasetWriter, RecordedEpisode, RecordingContext } from "../types.js";
import { SCHEMA_VERSION } from "../types.js";
import { encodeEpisode, toJsonSafe } from "./h5-codec.js";
import { acquireH5Worker, type H5WorkerHandle, releaseH5Worker } from "./h5-host.js";
import { type H5Format, journalPathFor } from "./h5-journal.js";
import type { DatasetSpec, H5Stats } from "./h5-layout.js";
import { describeSpace, type SpaceSpec } from "./h5-spaces.js";

/** Options of the HDF5-based writers. */
export interface H5WriterOptions {
  /** gzip level (1-9) of every dataset, 0 for none. */
  readonly gzip?: number;
  /** fdatasync the journal after every batch (survive power loss, not only a crash). Default false. */
  readonly fsync?: boolean;
  /** Largest batch of episodes sent to the worker at once, in bytes. Default 16 MiB. */
  readonly maxBatchBytes?: number;
}

interface Queued {
  readonly record: ArrayBuffer;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

let nextHandle = 1;

/**
 * A DatasetWriter whose HDF5 work runs in a worker thread. writeEpisode only
 * encodes the episode into one buffer (one copy) and queues it; while the
 * worker writes a batch, newer episodes gather into the next, so a fast
 * producer is served in large batches. Each promise resolves once its batch
 * is in the journal (durable: recovery rebuilds the dataset from it); the
 * worker writes it into the HDF5 file when next idle.
 */
export class H5Writer implements DatasetWriter {
  private readonly queue: Queued[] = [];
  private busy = false;
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
    private readonly maxBatchBytes: number,
  ) {}

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
    const maxBatch = options.maxBatchBytes ?? 16 * 1024 * 1024;
    return new H5Writer(
      format,
      path,
      worker,
      handle,
      spec.observationSpace,
      spec.actionSpace,
      maxBatch,
    );
  }

  writeEpisode(episode: RecordedEpisode): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`dataset ${this.path} is closed`));
    const record = encodeEpisode(episode, this.obs, this.act);
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    let bytes = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || bytes + this.queue[n]!.record.byteLength <= this.maxBatchBytes)
    ) {
      bytes += this.queue[n]!.record.byteLength;
      n++;
    }
    const batch = this.queue.splice(0, n);
    const records = batch.map((q) => q.record);
    this.busy = true;
    this.worker
      .call({ op: "write", handle: this.handle, records }, records)
      .then(
        () => {
          for (const q of batch) q.resolve();
        },
        (err: Error) => {
          this.failure ??= err;
          for (const q of [...batch, ...this.queue.splice(0)]) q.reject(err);
        },
      )
      .finally(() => {
        this.busy = false;
        if (this.queue.length) this.pump();
        else for (const f of this.idle.splice(0)) f();
      });
  }

  private drained(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
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
