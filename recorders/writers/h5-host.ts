import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { H5WASM_GLOBAL } from "./h5-file.js";
import type { WorkerReply, WorkerRequest } from "./h5-worker.js";

/** Most HDF5 worker threads a process runs (each holds its own wasm heap). */
export const MAX_H5_WORKERS = Math.max(1, Math.min(4, availableParallelism() - 1));

/** Distributes the request-only fields of the worker protocol. */
type Request = WorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, "id">
    : never
  : never;

/**
 * Starts the worker: the compiled h5-worker.js next to this module, or,
 * when running from TypeScript sources (vitest, tsx), h5-worker.ts through
 * tsx's loader.
 */
function spawn(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./h5-worker.js", here));
  const target = new URL("./h5-worker.ts", here).href;
  const req = createRequire(target);
  // tsx's ESM API (its CommonJS build cannot register the loader from an eval'd worker).
  const api = pathToFileURL(req.resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  // h5wasm is loaded natively first: through tsx its 4 MB module takes seconds to transform.
  const h5file = (req.resolve.paths("h5wasm") ?? [])
    .map((dir) => join(dir, "h5wasm", "dist", "node", "hdf5_hl.js"))
    .find((p) => existsSync(p));
  const h5 = h5file ? pathToFileURL(h5file).href : "h5wasm/node";
  const boot = [
    `import(${JSON.stringify(h5)}).then((h) => { globalThis.${H5WASM_GLOBAL} = h.default; })`,
    `.then(() => import(${JSON.stringify(api)}))`,
    `.then((t) => t.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`,
    ".catch((e) => { console.error(e); process.exit(1); });",
  ].join("\n");
  return new Worker(boot, { eval: true });
}

/** One worker thread and the requests waiting for its answers. */
export class H5WorkerHandle {
  readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  /** Datasets open in this worker. */
  files = 0;
  private dead: Error | undefined;

  constructor(private readonly onExit: (h: H5WorkerHandle) => void) {
    this.worker = spawn();
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => this.answer(reply));
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`HDF5 worker exited with code ${code}`)));
  }

  /** Sends a request; resolves with the worker's result. */
  call(req: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  private answer(reply: WorkerReply): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) w.resolve(reply.result);
    else w.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.onExit(this);
  }
}

const workers: H5WorkerHandle[] = [];

/** A worker for a new dataset: the least busy one, starting another while under the limit. */
export function acquireH5Worker(): H5WorkerHandle {
  let best = workers.reduce<H5WorkerHandle | undefined>(
    (a, w) => (!a || w.files < a.files ? w : a),
    undefined,
  );
  if (!best || (best.files > 0 && workers.length < MAX_H5_WORKERS)) {
    best = new H5WorkerHandle((h) => workers.splice(workers.indexOf(h) >>> 0, 1));
    workers.push(best);
  }
  best.files++;
  return best;
}

/** Gives back a worker taken with acquireH5Worker. */
export function releaseH5Worker(h: H5WorkerHandle): void {
  h.files = Math.max(0, h.files - 1);
}

/** Stops every idle HDF5 worker (tests and tools; a server's idle workers never keep it alive). */
export async function shutdownH5Workers(): Promise<void> {
  const idle = workers.filter((w) => w.files === 0);
  for (const w of idle) workers.splice(workers.indexOf(w), 1);
  await Promise.all(idle.map((w) => w.worker.terminate()));
}
