import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RecordedEpisode } from "../recorders/types.js";
import { shutdownH5Workers } from "../recorders/writers/h5-host.js";
import type { H5Format } from "../recorders/writers/h5-journal.js";
import { RecordSlab, recycleSlabs } from "../recorders/writers/h5-record.js";
import { describeSpace } from "../recorders/writers/h5-spaces.js";
import { H5Writer } from "../recorders/writers/h5-writer.js";
import { collectGarbage } from "./heap.js";
import { ACT, OBS, STEPS, seed000Context, seed000EpisodeMeta } from "./seed000-shape.js";
import { type PassRates, passRates, warmUp } from "./stats.js";

/** A synthetic 50-step episode of seed 000's shape (12-float observations, 10-float actions). */
function syntheticEpisode(k: number): RecordedEpisode {
  const observations = new Float32Array((STEPS + 1) * OBS).map((_, i) => Math.sin(i + k));
  const actions = new Float32Array(STEPS * ACT).map((_, i) => Math.cos(i * k) * 0.5);
  const rewards = new Float64Array(STEPS).map((_, i) => (i % 7) / 7);
  const returnsToGo = new Float64Array(STEPS);
  for (let i = STEPS - 1, acc = 0; i >= 0; i--) returnsToGo[i] = acc += rewards[i]!;
  const terminations = new Uint8Array(STEPS);
  terminations[STEPS - 1] = 1;
  return {
    meta: seed000EpisodeMeta(k, "zeros", returnsToGo[0]!, "terminated"),
    observations,
    actions,
    rewards,
    terminations,
    truncations: new Uint8Array(STEPS),
    returnsToGo,
    infos: Array.from({ length: STEPS }, () => ({})),
    policy: {
      behaviorProb: new Float64Array(STEPS).fill(Number.NaN),
      epsilon: new Float64Array(STEPS).fill(Number.NaN),
      wasExploratory: new Uint8Array(STEPS).fill(255),
      greedyActions: undefined,
      policyIds: new Array(STEPS).fill("zeros"),
      meta: new Array(STEPS).fill(undefined),
    },
  };
}

const ctx = seed000Context("zeros");

/** What hdf5TransitionsPerSecond measures (see there). */
export interface Hdf5BenchOptions {
  readonly compressed: boolean;
  readonly format?: H5Format;
  readonly transitions?: number;
  readonly passes?: number;
  readonly warmup?: number;
}

/**
 * Transitions per second of an HDF5-based writer (default: the `hdf5`
 * format) on seed 000's shape: synthetic 50-step episodes, `transitions`
 * (default 200,000) in all, written as fast as the writer takes them, from
 * open to the end of close (which fsyncs the file), into a real file.
 * `warmup` untimed passes of the same size run first (default 1;
 * WRITER_WARMUP_PASSES for the figures with a target): the figure is the
 * writer's steady state, not the JIT compiling its code (in the event loop
 * and in the worker, where h5wasm's hot functions are recompiled in the
 * background). `compressed`: gzip level 4, else none. The median of `passes`
 * (default 1) measured passes: on a shared 2-core machine one pass can be 2x off.
 */
export async function hdf5TransitionsPerSecond(opts: Hdf5BenchOptions): Promise<number> {
  return (await hdf5PassRates(opts)).median;
}

/** hdf5TransitionsPerSecond's passes, each of them. */
export async function hdf5PassRates(opts: Hdf5BenchOptions): Promise<PassRates> {
  const format = opts.format ?? "hdf5";
  const episodes = Math.ceil((opts.transitions ?? 200_000) / STEPS);
  const templates = Array.from({ length: 16 }, (_, k) => syntheticEpisode(k));
  const dir = mkdtempSync(join(tmpdir(), "gymrpc-h5-bench-"));
  const path = (name: string) => join(dir, format === "minari" ? name : `${name}.h5`);
  const pass = async (name: string): Promise<number> => {
    collectGarbage();
    const t0 = performance.now();
    const writer = await H5Writer.open(format, path(name), ctx, {
      gzip: opts.compressed ? 4 : 0,
    });
    const writes: Promise<void>[] = [];
    for (let k = 0; k < episodes; k++) {
      const t = templates[k % templates.length]!;
      writes.push(writer.writeEpisode({ ...t, meta: { ...t.meta, episodeId: k } }));
    }
    await Promise.all(writes);
    await writer.close();
    return (episodes * STEPS) / ((performance.now() - t0) / 1000);
  };
  try {
    // Warm-up (the worker started, h5wasm loaded, the code compiled), then the measured passes.
    const cold = await warmUp(opts.warmup ?? 1, async (i) => {
      const rate = await pass(`warmup${i}`);
      rmSync(path(`warmup${i}`), { recursive: true, force: true });
      return rate;
    });
    const rates: number[] = [];
    for (let i = 0; i < (opts.passes ?? 1); i++) {
      rates.push(await pass(`bench${i}`));
      rmSync(path(`bench${i}`), { recursive: true, force: true });
    }
    return passRates(rates, cold);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Transitions per second the event loop can hand to an HDF5-based writer:
 * writeEpisode's synchronous part (encoding each episode into a record of a
 * transferable buffer, full buffers handed out and, as in the writer's
 * steady state, back for reuse) on the same synthetic episodes, everything
 * else being in the worker thread.
 */
export function hdf5EventLoopTransitionsPerSecond(transitions = 200_000): number {
  const episodes = Math.ceil(transitions / STEPS);
  const templates = Array.from({ length: 16 }, (_, k) => syntheticEpisode(k));
  const obs = describeSpace(ctx.observationSpace);
  const act = describeSpace(ctx.actionSpace);
  const slab = new RecordSlab();
  const encode = (k: number) => {
    slab.append(templates[k % 16]!, obs, act);
    // Full buffers come back for reuse, as the worker returns them once written.
    if (slab.hasFull) recycleSlabs(slab.take(false).map((b) => b.buffer));
  };
  for (let k = 0; k < 2000; k++) encode(k);
  const t0 = performance.now();
  for (let k = 0; k < episodes; k++) encode(k);
  return (episodes * STEPS) / ((performance.now() - t0) / 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fmt = (process.argv[2] ?? "hdf5") as H5Format;
  for (const compressed of [false, true]) {
    const rate = await hdf5TransitionsPerSecond({ compressed, format: fmt });
    console.log(
      `${fmt} ${compressed ? "gzip-4" : "uncompressed"}: ${Math.round(rate).toLocaleString("en-US")} transitions/s`,
    );
  }
  const loop = hdf5EventLoopTransitionsPerSecond();
  console.log(
    `event loop (writeEpisode's synchronous part): ${Math.round(loop).toLocaleString("en-US")} transitions/s`,
  );
  await shutdownH5Workers();
}
