import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { NpzCompactor } from "../../recorders/writers/npz-compact.js";
import { CHUNK_BYTES } from "../../recorders/writers/npz-compress.js";
import { type NpzWriterOptions, npzWriterFactory } from "../../recorders/writers/npz-writer.js";
import { storedSize } from "../../recorders/writers/npz-zip.js";
import { testContext } from "../helpers/memory-recorder.js";
import { NO_STATS, syntheticEpisode } from "../helpers/npz-episodes.js";
import { bytesOf, dumpNpz, findNumpyPython } from "../helpers/npz-python.js";

const OBS = 64;
const found = findNumpyPython();

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gymrpc-npz-batching-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 110 episodes, 6,000+ rows: states span several 1 MiB compression pieces; probabilities from episode 40 on. */
function episodes(): RecordedEpisode[] {
  return Array.from({ length: 110 }, (_, id) => {
    const t = 20 + ((id * 37) % 71);
    const obs = Float32Array.from({ length: (t + 1) * OBS }, (_, i) => Math.sin(id * 1000 + i));
    const ep = syntheticEpisode(
      id,
      t,
      obs,
      Float32Array.from({ length: t }, (_, i) => i % 3),
    );
    if (id >= 40) for (let i = 0; i < t; i += 3) ep.policy.behaviorProb[i] = 0.5;
    return ep;
  });
}

/**
 * 300 episodes of 60 steps: states and next_states span 4 full 1 MiB pieces and a part;
 * the first 200 episodes' observations are coarse (deflate shrinks them by far more than
 * 1/8), the rest sin() noise (under 1/8): pieces of both kinds, and one that mixes them.
 */
function mixedEpisodes(): RecordedEpisode[] {
  return Array.from({ length: 300 }, (_, id) => {
    const obs = Float32Array.from({ length: 61 * OBS }, (_, i) =>
      id < 200 ? Math.round(Math.sin(id * 1000 + i) * 2) / 2 : Math.sin(id * 1000 + i),
    );
    return syntheticEpisode(
      id,
      60,
      obs,
      Float32Array.from({ length: 60 }, (_, i) => i % 3),
    );
  });
}

/** Records the episodes with `options`, one awaited write at a time or all handed over at once. */
async function record(
  name: string,
  options: NpzWriterOptions,
  serial: boolean,
  eps: RecordedEpisode[] = episodes(),
): Promise<Buffer> {
  const path = join(dir, `${name}.npz`);
  const ctx = testContext("synthetic", new Box(-1, 1, [OBS]), new Box(0, 3, [1]));
  const writer = await npzWriterFactory(options)(path, ctx);
  expect(writer.batchInvariant).toBe(options.deferCompression !== false || options.level === 0);
  if (serial) for (const ep of eps) await writer.writeEpisode(ep);
  else await Promise.all(eps.map((ep) => writer.writeEpisode(ep)));
  await writer.close(NO_STATS);
  return readFile(path);
}

describe("npz archives do not depend on how episodes were batched", () => {
  for (const [label, level] of [
    ["compressed at close (level 1)", 1],
    ["stored (level 0)", 0],
  ] as const) {
    it(`${label}: one at a time, all at once and in small batches give the same bytes`, async () => {
      const one = await record(`one-${level}`, { level }, true);
      const all = await record(`all-${level}`, { level, rebuildRatio: 0 }, false);
      const small = await record(
        `small-${level}`,
        { level, maxBatchBytes: 20_000, sliceBytes: 7_000 },
        false,
      );
      expect(all.equals(one)).toBe(true);
      expect(small.equals(one)).toBe(true);
      if ("python" in found) {
        const dump = await dumpNpz(found.python, join(dir, `small-${level}.npz`));
        const eps = episodes();
        const rows = eps.reduce((n, ep) => n + ep.rewards.length, 0);
        expect(dump.arrays.states!.shape).toEqual([rows, OBS]);
        const probs = new Float64Array(new Uint8Array(bytesOf(dump.arrays.behavior_probs)).buffer);
        const want = Float64Array.from(eps.flatMap((ep) => [...ep.policy.behaviorProb]));
        expect(Buffer.from(probs.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      }
    }, 60_000);
  }

  it.runIf("python" in found)(
    "minSaving: members deflate would not shrink by 1/8 are stored, the rest compressed; the arrays are the same",
    async () => {
      const ruled = await record("rule", {}, false);
      const always = await record("always", { minSaving: 0 }, false);
      expect(ruled.equals(always)).toBe(false);
      const python = (found as { python: string }).python;
      const sizes = (name: string): Record<string, [number, number]> =>
        JSON.parse(
          execFileSync(python, [
            "-c",
            "import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({i.filename: [i.compress_size, i.file_size] for i in z.infolist()}))",
            join(dir, `${name}.npz`),
          ]).toString(),
        );
      const rule = sizes("rule");
      const all = sizes("always");
      // sin() floats: level 1 saves under 1/8, so the rule stores them (a little over raw).
      const [z, raw] = rule["states.npy"]!;
      expect(z).toBeGreaterThan(raw);
      expect(all["states.npy"]![0]).toBeLessThan(raw);
      expect(all["states.npy"]![0]).toBeGreaterThan(raw * 0.875);
      // Actions (0, 1, 2 repeating) compress well under both.
      expect(rule["actions.npy"]![0]).toBeLessThan(rule["actions.npy"]![1] / 4);
      const [a, b] = await Promise.all([
        dumpNpz(python, join(dir, "rule.npz")),
        dumpNpz(python, join(dir, "always.npz")),
      ]);
      for (const name of Object.keys(b.arrays)) {
        expect(bytesOf(a.arrays[name]).equals(bytesOf(b.arrays[name]))).toBe(true);
      }
    },
    60_000,
  );

  it("the compactor takes records from memory or reads them back from the journal: the same bytes", async () => {
    const fromMemory = await record("memory", {}, true, mixedEpisodes());
    // Every other record withheld: those are read back from the journal, and the records
    // after one (out of order for memory) wait for the read too.
    const advance = NpzCompactor.prototype.advance;
    let n = 0;
    const spy = vi.spyOn(NpzCompactor.prototype, "advance").mockImplementation(function (
      this: NpzCompactor,
      end,
      rec,
    ) {
      advance.call(this, end, n++ % 2 === 0 ? rec : undefined);
    });
    try {
      const mixed = await record("mixed", {}, true, mixedEpisodes());
      expect(n).toBeGreaterThanOrEqual(300);
      expect(mixed.equals(fromMemory)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    const stored = await record("stored", { level: 0 }, true, mixedEpisodes());
    // Coarse pieces were deflated, noisy ones stored (framing: a little over raw).
    expect(fromMemory.length).toBeLessThan(stored.length * 0.8);
    if ("python" in found) {
      const [a, b] = await Promise.all([
        dumpNpz(found.python, join(dir, "memory.npz")),
        dumpNpz(found.python, join(dir, "stored.npz")),
      ]);
      expect(a.arrays.states!.shape).toEqual([18_000, OBS]);
      for (const name of Object.keys(b.arrays)) {
        expect(bytesOf(a.arrays[name]).equals(bytesOf(b.arrays[name]))).toBe(true);
      }
    }
  }, 60_000);

  it.runIf("python" in found)(
    "after four pieces judged 'store' in a row one in four is judged: data turning compressible is deflated from the fourth piece on, whatever the batching",
    async () => {
      // Episodes of 64 steps, 64 a 1 MiB piece of states (and of next_states): 12 pieces
      // of sin() noise (stored: deflate saves under 1/8), then 8 of coarse values.
      const eps = Array.from({ length: 20 * 64 }, (_, id) => {
        const obs = Float32Array.from({ length: 65 * OBS }, (_, i) =>
          id < 12 * 64 ? Math.sin(id * 1000 + i) : Math.round(Math.sin(id * 1000 + i) * 2) / 2,
        );
        return syntheticEpisode(
          id,
          64,
          obs,
          Float32Array.from({ length: 64 }, (_, i) => i % 3),
        );
      });
      const one = await record("judged-one", {}, true, eps);
      const all = await record("judged-all", { rebuildRatio: 0 }, false, eps);
      const small = await record("judged-small", { maxBatchBytes: 200_000 }, false, eps);
      expect(all.equals(one)).toBe(true);
      expect(small.equals(one)).toBe(true);
      // The last five pieces alone: all judged, all deflated, the same pieces as in `one`.
      await record("judged-tail", {}, false, eps.slice(15 * 64));
      const python = (found as { python: string }).python;
      const sizes = (name: string): Record<string, number> =>
        JSON.parse(
          execFileSync(python, [
            "-c",
            "import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({i.filename: i.compress_size for i in z.infolist()}))",
            join(dir, `${name}.npz`),
          ]).toString(),
        );
      const [whole, tail] = [sizes("judged-one"), sizes("judged-tail")];
      // Judged: noise pieces 1-4, 8 and 12 (stored); unjudged, so stored: 5-7, 9-11 and the
      // first three coarse ones, 13-15; judged and deflated: 16-20. So 15 pieces stored
      // (framed as stored blocks) and the tail's five deflated ones.
      for (const name of ["states.npy", "next_states.npy"]) {
        expect(whole[name]! - tail[name]!).toBe(15 * storedSize(CHUNK_BYTES));
      }
      const back = await dumpNpz(python, join(dir, "judged-one.npz"));
      const want = new Float32Array(eps.length * 64 * OBS);
      eps.forEach((ep, k) => {
        want.set((ep.observations as Float32Array).subarray(0, 64 * OBS), k * 64 * OBS);
      });
      expect(bytesOf(back.arrays.states).equals(Buffer.from(want.buffer))).toBe(true);
    },
    120_000,
  );

  it("two writers at once, sharing the process's piece buffers, write what each writes alone", async () => {
    const a = mixedEpisodes();
    const b = episodes();
    const aloneA = await record("alone-a", {}, false, a);
    const aloneB = await record("alone-b", {}, false, b);
    // Interleaved: both compactors take and give back 1 MiB piece buffers from one pool.
    const ctx = testContext("synthetic", new Box(-1, 1, [OBS]), new Box(0, 3, [1]));
    const [wa, wb] = await Promise.all([
      npzWriterFactory({})(join(dir, "both-a.npz"), ctx),
      npzWriterFactory({})(join(dir, "both-b.npz"), ctx),
    ]);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i < a.length) writes.push(wa.writeEpisode(a[i]!));
      if (i < b.length) writes.push(wb.writeEpisode(b[i]!));
      if (i % 25 === 0) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    await Promise.all([wa.close(NO_STATS), wb.close(NO_STATS)]);
    expect((await readFile(join(dir, "both-a.npz"))).equals(aloneA)).toBe(true);
    expect((await readFile(join(dir, "both-b.npz"))).equals(aloneB)).toBe(true);
  }, 60_000);

  it("refuses a minSaving outside [0, 1)", async () => {
    const ctx = testContext("synthetic", new Box(-1, 1, [OBS]), new Box(0, 3, [1]));
    await expect(npzWriterFactory({ minSaving: 1 })(join(dir, "bad.npz"), ctx)).rejects.toThrow(
      /minSaving must be in \[0, 1\), got 1/,
    );
  });

  it("compressing as it goes (deferCompression false) is not batch-invariant", async () => {
    await record("eager", { deferCompression: false }, true);
  });
});
