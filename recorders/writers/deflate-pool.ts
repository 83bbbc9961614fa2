import { Worker } from "node:worker_threads";
import type { ZlibOptions } from "node:zlib";

/**
 * How a pool's threads are scheduled. Both lower the thread's nice value to 19 (on Linux a
 * thread's nice value is its own; elsewhere they run at normal priority). "idle" also puts
 * it under Linux's SCHED_IDLE policy (with util-linux's `chrt`, nice 19 alone where that
 * fails): a waking thread of normal policy preempts a SCHED_IDLE one at once, a nice-19
 * one only when the scheduler picks it. For work nobody waits for: a step loop's
 * ping-pong of wake-ups then keeps its cores (measured in bench/README.md).
 */
export type PoolPriority = "idle" | "low";

/**
 * The source of a pool thread (CommonJS, run with `eval`: plain JavaScript, so that it
 * runs the same from the compiled build and from TypeScript sources under a loader). It
 * sets its own scheduling (PoolPriority, from workerData) first. Each job is deflated
 * with zlib's sync API, the same bytes as its async one.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { deflateRawSync } = require("node:zlib");
const { readlinkSync } = require("node:fs");
const { setPriority } = require("node:os");
const { execFileSync } = require("node:child_process");
try {
  // /proc/thread-self links to <pid>/task/<tid>.
  const tid = readlinkSync("/proc/thread-self").split("/").pop();
  setPriority(Number(tid), 19);
  if (workerData.priority === "idle") {
    execFileSync("chrt", ["--idle", "--pid", "0", tid], { stdio: "ignore", timeout: 5000 });
  }
} catch {}
parentPort.on("message", (job) => {
  try {
    const out = deflateRawSync(job.data, job.opts);
    const own = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength
      ? out.buffer
      : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    parentPort.postMessage({ id: job.id, out: own }, [own]);
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: String(err) });
  }
});
`;

interface PoolWorker {
  readonly worker: Worker;
  /** Jobs sent and not answered. */
  readonly jobs: Set<number>;
}

/**
 * Raw-deflate jobs on a pool of low-priority worker threads (PoolPriority), the same
 * bytes zlib's own async deflateRaw makes. Threads start on first use and hold the
 * process open only while they have jobs.
 */
export class DeflatePool {
  private readonly threads: PoolWorker[] = [];
  private readonly waiting = new Map<
    number,
    { readonly resolve: (b: Buffer) => void; readonly reject: (e: Error) => void }
  >();
  private nextId = 1;

  /**
   * @param size threads at most
   * @param priority how its threads are scheduled (default "low": nice 19)
   */
  constructor(
    private readonly size: number,
    private readonly priority: PoolPriority = "low",
  ) {}

  /** `data` deflated (raw) with `opts`; the bytes are copied to the thread, `data` stays usable. */
  deflateRaw(data: Uint8Array, opts: ZlibOptions): Promise<Buffer> {
    const t = this.pick();
    const id = this.nextId++;
    // A tight copy, transferred: posting a view would clone its whole backing buffer.
    const copy = new Uint8Array(data.byteLength);
    copy.set(data);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (t.jobs.size === 0) t.worker.ref();
      t.jobs.add(id);
      t.worker.postMessage({ id, data: copy, opts }, [copy.buffer]);
    });
  }

  /** Stops the threads; jobs in flight are rejected. */
  async close(): Promise<void> {
    const threads = [...this.threads];
    for (const t of threads) this.fail(t, new Error("deflate pool closed"));
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** The least busy thread, a new one while fewer than `size` run and all are busy. */
  private pick(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const t of this.threads) if (!best || t.jobs.size < best.jobs.size) best = t;
    if (best && (best.jobs.size === 0 || this.threads.length >= this.size)) return best;
    const t: PoolWorker = {
      // No inherited flags (--input-type, loaders): the source is plain CommonJS.
      worker: new Worker(THREAD_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: { priority: this.priority },
      }),
      jobs: new Set(),
    };
    t.worker.unref();
    t.worker.on("message", (m: { id: number; out?: ArrayBuffer; error?: string }) => {
      t.jobs.delete(m.id);
      if (t.jobs.size === 0) t.worker.unref();
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!w) return;
      if (m.out) w.resolve(Buffer.from(m.out));
      else w.reject(new Error(`deflate failed: ${m.error}`));
    });
    t.worker.on("error", (err) => this.fail(t, err));
    t.worker.on("exit", (code) =>
      this.fail(t, new Error(`deflate thread exited with code ${code}`)),
    );
    this.threads.push(t);
    return t;
  }

  /** A dead thread: its jobs fail; the next job starts another. */
  private fail(t: PoolWorker, err: Error): void {
    const i = this.threads.indexOf(t);
    if (i < 0) return;
    this.threads.splice(i, 1);
    for (const id of t.jobs) {
      this.waiting.get(id)?.reject(err);
      this.waiting.delete(id);
    }
    t.jobs.clear();
  }
}
