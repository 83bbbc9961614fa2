import { promisify } from "node:util";
import { constants, deflateRaw, inflateRawSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DeflatePool } from "../../recorders/writers/deflate-pool.js";
import {
  CAN_SCHED_IDLE,
  HAS_PROC_TASKS,
  SCHED_IDLE,
  threadScheduling,
} from "../helpers/thread-scheduling.js";

const pool = new DeflatePool(2);
afterAll(() => pool.close());

const opts = {
  level: 1,
  strategy: constants.Z_RLE,
  memLevel: 9,
  finishFlush: constants.Z_SYNC_FLUSH,
  chunkSize: 256 << 10,
};

/** Inflates a sync-flushed (not final) raw-deflate piece. */
const inflate = (b: Buffer) => inflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH });

/** Nice values of this process's threads other than 0. */
function nonZeroNiceThreads(): number[] {
  return threadScheduling()
    .map((t) => t.nice)
    .filter((nice) => nice !== 0);
}

/** Threads of this process at nice 19 under SCHED_IDLE. */
const idleThreads = () =>
  threadScheduling().filter((t) => t.nice === 19 && t.policy === SCHED_IDLE).length;

describe("DeflatePool", () => {
  it("makes the bytes zlib's async deflateRaw makes, from a view into a larger buffer, which stays usable", async () => {
    const floats = Float32Array.from({ length: 400_000 }, (_, i) => Math.sin(i) * (i % 7));
    const whole = Buffer.from(floats.buffer);
    const view = whole.subarray(1000, 1_201_000);
    const jobs = [view, whole, Buffer.alloc(0)].map((d) => pool.deflateRaw(d, opts));
    const [a, b, empty] = await Promise.all(jobs);
    expect(a!.equals(await promisify(deflateRaw)(view, opts))).toBe(true);
    expect(b!.equals(await promisify(deflateRaw)(whole, opts))).toBe(true);
    expect(inflate(empty!).length).toBe(0);
    // The input was copied, not transferred away.
    expect(view.length).toBe(1_200_000);
    expect(inflate(a!).equals(view)).toBe(true);
  });

  it("rejects a job zlib refuses, and goes on with the next", async () => {
    await expect(pool.deflateRaw(Buffer.from("x"), { ...opts, level: 42 })).rejects.toThrow(
      /deflate failed/,
    );
    const ok = await pool.deflateRaw(Buffer.from("again"), opts);
    expect(inflate(ok).toString()).toBe("again");
  });

  it("rejects the jobs in flight when closed", async () => {
    const own = new DeflatePool(1);
    // The expectation is attached first: the rejection comes during close.
    const rejected = expect(own.deflateRaw(Buffer.alloc(4 << 20, 1), opts)).rejects.toThrow(
      /closed/,
    );
    await own.close();
    await rejected;
  });

  it.runIf(HAS_PROC_TASKS)(
    "runs its threads at the lowest priority (nice 19), so compression takes only spare CPU",
    async () => {
      const before = nonZeroNiceThreads().filter((n) => n === 19).length;
      const idleBefore = idleThreads();
      const own = new DeflatePool(1);
      try {
        await own.deflateRaw(Buffer.alloc(1024), opts);
        expect(nonZeroNiceThreads().filter((n) => n === 19).length).toBe(before + 1);
        // "low" (the default) stays under the normal policy.
        expect(idleThreads()).toBe(idleBefore);
      } finally {
        await own.close();
      }
    },
  );

  // SCHED_IDLE is set with util-linux's chrt; without it (or /proc) an "idle" pool is nice 19 only.
  it.runIf(CAN_SCHED_IDLE)(
    'puts an "idle" pool\'s threads under SCHED_IDLE at nice 19, and still deflates',
    async () => {
      const before = idleThreads();
      const own = new DeflatePool(2, "idle");
      try {
        const data = Buffer.from("idle ".repeat(1000));
        const [a, b] = await Promise.all([own.deflateRaw(data, opts), own.deflateRaw(data, opts)]);
        expect(inflate(a!).equals(data)).toBe(true);
        expect(inflate(b!).equals(data)).toBe(true);
        expect(idleThreads()).toBe(before + 2);
      } finally {
        await own.close();
      }
      expect(idleThreads()).toBe(before);
    },
  );
});
