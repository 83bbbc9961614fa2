/**
 * The HDF5 worker thread: owns h5wasm (synchronous, with its own wasm heap)
 * and the open datasets of the writers assigned to it. Each batch is appended
 * to the dataset's journal (in libuv's thread pool) and then acknowledged (it
 * is durable: recovery rebuilds the dataset from the journal); the HDF5 file
 * gets the journaled episodes when the worker is next idle, all that gathered
 * meanwhile as one batch (at most 32 MiB wait per dataset, else the
 * acknowledgement waits for them), and is flushed at most every 250 ms. The
 * batch's buffers go back to the main thread, for reuse, with a later answer.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { parentPort } from "node:worker_threads";
import { d4rlLayout } from "./d4rl-layout.js";
import { installBoolPatch } from "./h5-bool-patch.js";
import { loadH5 } from "./h5-file.js";
import { type H5Format, JournalWriter, readJournal } from "./h5-journal.js";
import type { DatasetSpec, H5Layout, H5Stats, LayoutFactory } from "./h5-layout.js";
import { encodeJsonRecord, isSlab, RecordKind } from "./h5-record.js";
import { decodeEpisode, recordJson, recordSpans } from "./h5-record-decode.js";
import { EarlyWriteback } from "./h5-writeback.js";
import { createHdf5Layout } from "./hdf5-layout.js";
import { minariH5Path, minariLayout } from "./minari-layout.js";

/** A request to the worker. */
export type WorkerRequest =
  | { op: "open"; id: number; handle: number; spec: DatasetSpec; journal: string; fsync: boolean }
  | { op: "write"; id: number; handle: number; slabs: { buffer: ArrayBuffer; used: number }[] }
  | { op: "close"; id: number; handle: number }
  | { op: "abort"; id: number; handle: number }
  | { op: "recover"; id: number; journal: string };

/** The answer to a write: slabs of earlier writes, now written, given back for reuse (transferred). */
export interface WriteResult {
  readonly recycled: ArrayBuffer[];
}

/** The worker's answer to request `id`. */
export type WorkerReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: { message: string; code?: string; name?: string } };

/** What recovery rebuilt (stats undefined: the journal's writer is still running, left alone). */
export interface RecoveredDataset {
  readonly path: string;
  readonly format: H5Format;
  readonly stats: H5Stats | undefined;
}

/** True when the process that wrote a journal is still running on this host. */
function writerAlive(spec: DatasetSpec): boolean {
  const w = spec.writer;
  if (!w || w.host !== hostname()) return false;
  try {
    process.kill(w.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const LAYOUTS: Record<H5Format, LayoutFactory> = {
  hdf5: createHdf5Layout,
  d4rl: d4rlLayout,
  minari: minariLayout,
};

/** The HDF5 file of a dataset. */
function h5PathOf(spec: DatasetSpec): string {
  return spec.format === "minari" ? minariH5Path(spec.path) : spec.path;
}

function fsyncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface OpenDataset {
  spec: DatasetSpec;
  layout: H5Layout;
  journal: JournalWriter;
  /** Journaled episodes not yet in the HDF5 file: [buffer, offset] of each record. */
  pending: [ArrayBuffer, number][];
  pendingBytes: number;
  handle: number;
  lastFlush: number;
  flushTimer: NodeJS.Timeout | undefined;
  /** The HDF5 failure that stopped this dataset (its journal still holds every acknowledged episode). */
  failure: Error | undefined;
  writeback: EarlyWriteback;
  /** Slabs whose episodes are all in the file: given back to the main thread with the next answer. */
  spent: ArrayBuffer[];
}

/**
 * Journaled episodes wait at most this many bytes per dataset for the HDF5
 * file; beyond it, a write is acknowledged only once they are written
 * (backpressure on the producer).
 */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
/** Least time between two flushes of a dataset's HDF5 file (each costs milliseconds). */
const FLUSH_INTERVAL_MS = 250;

const originalWrite = installBoolPatch();
const open = new Map<number, OpenDataset>();
let drainScheduled = false;

/** Writes a dataset's journaled episodes into its HDF5 file, then flushes it. */
function drain(ds: OpenDataset): void {
  if (ds.failure || ds.pending.length === 0) return;
  const records = ds.pending;
  ds.pending = [];
  ds.pendingBytes = 0;
  try {
    let last: ArrayBuffer | undefined;
    for (const [buf, at] of records) {
      ds.layout.write(decodeEpisode(buf, at));
      // A slab's records are consecutive: one is spent when the next begins (or at the end).
      if (last && buf !== last && isSlab(last)) ds.spent.push(last);
      last = buf;
    }
    if (last && isSlab(last)) ds.spent.push(last);
  } catch (err) {
    ds.failure = err as Error;
    return;
  }
  ds.writeback.poke();
  // Flush (the file's best-effort consistent state) at most every FLUSH_INTERVAL_MS.
  const due = ds.lastFlush + FLUSH_INTERVAL_MS - Date.now();
  if (due <= 0) flush(ds);
  else ds.flushTimer ??= setTimeout(() => flush(ds), due);
}

/** Ends the dataset's batch: pending rows written, the file flushed (Minari: metadata.json too). */
function flush(ds: OpenDataset): void {
  if (ds.flushTimer) clearTimeout(ds.flushTimer);
  ds.flushTimer = undefined;
  ds.lastFlush = Date.now();
  if (ds.failure || !open.has(ds.handle)) return;
  try {
    ds.layout.endBatch();
  } catch (err) {
    ds.failure = err as Error;
  }
}

/**
 * Drains every dataset once the messages already queued have been handled,
 * so episodes that arrived while HDF5 was busy go in as one batch.
 */
function scheduleDrain(): void {
  if (drainScheduled) return;
  drainScheduled = true;
  setImmediate(() => {
    drainScheduled = false;
    for (const ds of open.values()) drain(ds);
  });
}

async function handle(req: WorkerRequest): Promise<unknown> {
  const m = await loadH5();
  switch (req.op) {
    case "open": {
      const h5 = h5PathOf(req.spec);
      mkdirSync(dirname(h5), { recursive: true });
      mkdirSync(dirname(req.journal), { recursive: true });
      const header = new Uint8Array(encodeJsonRecord(RecordKind.header, req.spec));
      const journal = JournalWriter.create(req.journal, header, originalWrite, req.fsync);
      try {
        const layout = LAYOUTS[req.spec.format](m, req.spec, h5);
        layout.endBatch();
        open.set(req.handle, {
          spec: req.spec,
          layout,
          journal,
          pending: [],
          pendingBytes: 0,
          failure: undefined,
          handle: req.handle,
          lastFlush: Date.now(),
          flushTimer: undefined,
          writeback: new EarlyWriteback(h5),
          spent: [],
        });
      } catch (err) {
        journal.close(true);
        throw err;
      }
      return undefined;
    }
    case "write": {
      const ds = open.get(req.handle);
      if (!ds) throw new Error("dataset is not open");
      if (ds.failure) throw ds.failure;
      // Durable once journaled: acknowledged now, written into the HDF5 file by the next drain.
      const records: Uint8Array[] = [];
      for (const { buffer, used } of req.slabs) {
        for (const [at, len] of recordSpans(buffer, used))
          records.push(new Uint8Array(buffer, at, len));
      }
      try {
        // In the thread pool: meanwhile this thread writes earlier episodes into the HDF5 file.
        await ds.journal.appendAsync(records);
      } catch (err) {
        // A journal that failed a write may end in a torn record: nothing after it would be recovered.
        ds.failure = err as Error;
        throw err;
      }
      for (const r of records) ds.pending.push([r.buffer as ArrayBuffer, r.byteOffset]);
      for (const { used } of req.slabs) ds.pendingBytes += used;
      if (ds.pendingBytes > MAX_PENDING_BYTES) {
        drain(ds);
        if (ds.failure) throw ds.failure;
      } else scheduleDrain();
      const result: WriteResult = { recycled: ds.spent.splice(0) };
      return result;
    }
    case "close": {
      const ds = open.get(req.handle);
      if (!ds) return undefined;
      open.delete(req.handle);
      try {
        drain(ds);
        clearTimeout(ds.flushTimer);
        if (ds.failure) throw ds.failure;
        const stats = ds.layout.finish(false);
        await ds.writeback.close();
        fsyncFile(h5PathOf(ds.spec));
        ds.journal.close(true);
        return stats;
      } catch (err) {
        // The journal stays: recovery rebuilds the dataset from it.
        await ds.writeback.close();
        ds.journal.close(false);
        try {
          ds.layout.abort();
        } catch {
          // Already closed (finish failed after closing), or unusable: nothing more to release.
        }
        throw err;
      }
    }
    case "abort": {
      const ds = open.get(req.handle);
      open.delete(req.handle);
      if (ds) {
        clearTimeout(ds.flushTimer);
        await ds.writeback.close();
        ds.journal.close(false);
        ds.layout.abort();
      }
      return undefined;
    }
    case "recover":
      return recover(req.journal);
  }
}

function recover(journalPath: string): RecoveredDataset {
  const m = modSync();
  let layout: H5Layout | undefined;
  let spec: DatasetSpec | undefined;
  let tmp = "";
  try {
    for (const rec of readJournal(journalPath)) {
      if (!spec) {
        const { kind, json } = recordJson(rec);
        if (kind !== RecordKind.header)
          throw new Error(`${journalPath} does not start with a header`);
        spec = json as DatasetSpec;
        if (writerAlive(spec)) return { path: spec.path, format: spec.format, stats: undefined };
        tmp = `${h5PathOf(spec)}.recovering`;
        mkdirSync(dirname(tmp), { recursive: true });
        layout = LAYOUTS[spec.format](m, spec, tmp);
        continue;
      }
      layout!.write(decodeEpisode(rec));
    }
    if (!spec || !layout) throw new Error(`${journalPath} holds no dataset header`);
    const stats = layout.finish(true);
    layout = undefined;
    fsyncFile(tmp);
    renameSync(tmp, h5PathOf(spec));
    rmSync(journalPath, { force: true });
    return { path: spec.path, format: spec.format, stats };
  } catch (err) {
    layout?.abort();
    if (tmp) rmSync(tmp, { force: true });
    throw err;
  }
}

let loaded: Awaited<ReturnType<typeof loadH5>> | undefined;
function modSync(): Awaited<ReturnType<typeof loadH5>> {
  if (!loaded) throw new Error("h5wasm is not loaded");
  return loaded;
}

// Requests run one at a time, in order.
let chain: Promise<void> = Promise.resolve();
parentPort?.on("message", (req: WorkerRequest) => {
  chain = chain.then(async () => {
    let reply: WorkerReply;
    let transfer: ArrayBuffer[] = [];
    try {
      loaded ??= await loadH5();
      const result = await handle(req);
      if (req.op === "write") transfer = (result as WriteResult).recycled;
      reply = { id: req.id, ok: true, result };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      reply = {
        id: req.id,
        ok: false,
        error: { message: e?.message ?? String(err), code: e?.code, name: e?.name },
      };
    }
    parentPort?.postMessage(reply, transfer);
  });
});
