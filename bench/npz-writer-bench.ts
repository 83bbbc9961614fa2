import { mkdtemp, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Box } from "../envs/core/spaces/box.js";
import type { EpisodeSource } from "../recorders/logged-episode.js";
import { Recorder } from "../recorders/recorder.js";
import type { DatasetWriter, RecordedEpisode, RecordingContext } from "../recorders/types.js";
import { SERVER_NPZ_OPTIONS } from "../recorders/writers/index.js";
import {
  CHUNK_BYTES,
  deflatePiece,
  npzCompressionThreads,
  setNpzCompressionThreads,
} from "../recorders/writers/npz-compress.js";
import {
  type ColumnArrays,
  fillColumns,
  NPZ_MEMBERS,
  rowFlattener,
} from "../recorders/writers/npz-members.js";
import { npzWriterFactory } from "../recorders/writers/npz-writer.js";
import { collectGarbage } from "./heap.js";
import { ACT, OBS, STEPS, seed000Context, seed000EpisodeMeta } from "./seed000-shape.js";
import { type PassRates, passRates, WRITER_WARMUP_PASSES, warmUp } from "./stats.js";

/** What npzTransitionsPerSecond writes. */
export interface NpzBenchOptions {
  /** Directory for the dataset (default: a fresh one under the OS temp dir). */
  readonly dir?: string;
  /** Transitions in all (default 200,000, in episodes of 50 steps). */
  readonly transitions?: number;
  /**
   * Seed 000's expert policies: "random" (actions uniform in [-1, 1], link
   * utilizations drifting in [0, 1]; nearly incompressible floats, the default) or
   * "zeros" (all-zero actions on an idle network: states mostly zero).
   */
  readonly policy?: "random" | "zeros";
  /** Await each writeEpisode (and an event-loop turn) before the next instead of handing them all over at once. */
  readonly serial?: boolean;
  /**
   * Go through a Recorder of a collector recording (as `gymrpc collect`), this many
   * episodes ending per step (its --num-envs), each step waiting for its episodes' writes
   * (and an event-loop turn).
   */
  readonly collector?: number;
  /** The writer's fdatasync option (default: the server's, SERVER_NPZ_OPTIONS, false). */
  readonly fdatasync?: boolean;
  /** The writer's zlib level (default 1; 0 stores: the cost of everything but compression). */
  readonly level?: number;
  /** The writer's minSaving (default: its own, 0.125). */
  readonly minSaving?: number;
  /** Concurrent compression jobs (default: the writer's, cores - 1). */
  readonly compressionThreads?: number;
}

function episode(id: number, policy: "random" | "zeros", rand: () => number): RecordedEpisode {
  const obs = new Float32Array((STEPS + 1) * OBS);
  if (policy === "random") {
    let u = rand();
    for (let i = 0; i < obs.length; i++)
      obs[i] = u = Math.min(1, Math.max(0, u + (rand() - 0.5) * 0.1));
  } else {
    for (let i = 0; i < obs.length; i++) if (i % OBS >= 10) obs[i] = Math.round(rand() * 20) / 100;
  }
  const actions = new Float32Array(STEPS * ACT);
  if (policy === "random") for (let i = 0; i < actions.length; i++) actions[i] = rand() * 2 - 1;
  const rewards = Float64Array.from({ length: STEPS }, () => -rand());
  const returnsToGo = new Float64Array(STEPS);
  for (let i = STEPS - 1, acc = 0; i >= 0; i--) returnsToGo[i] = acc += rewards[i]!;
  const truncations = new Uint8Array(STEPS);
  truncations[STEPS - 1] = 1;
  return {
    meta: seed000EpisodeMeta(id, policy, returnsToGo[0]!, "truncated"),
    observations: obs,
    actions,
    rewards,
    terminations: new Uint8Array(STEPS),
    truncations,
    returnsToGo,
    infos: [],
    policy: {
      behaviorProb: new Float64Array(STEPS).fill(Number.NaN),
      epsilon: new Float64Array(STEPS).fill(Number.NaN),
      wasExploratory: new Uint8Array(STEPS).fill(255),
      greedyActions: undefined,
      policyIds: [],
      meta: [],
    },
  };
}

/** `count` episodes of `policy`, the same for every call (a fixed pseudo-random sequence). */
function benchEpisodes(count: number, policy: "random" | "zeros"): RecordedEpisode[] {
  let seed = 12345;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => episode(i, policy, rand));
}

/**
 * The most transitions per second deflate itself allows on this machine: the
 * .npz's arrays of `transitions` transitions of `policy`, laid out as the writer lays
 * them out (fillColumns) and compressed in 1 MiB pieces as the writer compresses them
 * (deflatePiece: its zlib settings and threads), on every core at once, with nothing
 * else to do (no journal, no file, no event loop work). Best of `rounds`. `minSaving`:
 * the writer's option (default 0, every piece deflated; its default, 0.125, stores the
 * pieces that deflate would not shrink by 1/8).
 */
export async function npzDeflateCeiling(
  transitions = 200_000,
  policy: "random" | "zeros" = "random",
  rounds = 2,
  minSaving = 0,
): Promise<number> {
  const count = Math.ceil(transitions / STEPS);
  const n = count * STEPS;
  const cols: ColumnArrays = {
    states: new Float32Array(n * OBS),
    actions: new Float32Array(n * ACT),
    rewards: new Float32Array(n),
    next: new Float32Array(n * OBS),
    terminals: new Uint8Array(n),
    timeouts: new Uint8Array(n),
    ids: new BigInt64Array(n),
    rtg: new Float32Array(n),
    behavior: undefined,
  };
  const flat = (size: number) => rowFlattener(new Box(-1, 1, [size]), "bench");
  fillColumns(benchEpisodes(count, policy), flat(OBS), flat(ACT), cols, 0);
  // NPZ_MEMBERS' order; behavior_probs is left out, as the writer leaves it out here.
  const members: ArrayBufferView[] = [
    cols.states,
    cols.actions,
    cols.rewards,
    cols.next,
    cols.terminals,
    cols.timeouts,
    cols.ids,
    cols.rtg,
  ];
  const arrays = members.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const threads = npzCompressionThreads();
  setNpzCompressionThreads(availableParallelism());
  try {
    let best = 0;
    for (let r = 0; r < rounds; r++) {
      const started = performance.now();
      const jobs = arrays.flatMap((buf, m) =>
        Array.from({ length: Math.ceil(buf.length / CHUNK_BYTES) }, (_, i) =>
          deflatePiece(buf.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES), {
            level: 1,
            strategy: NPZ_MEMBERS[m]!.strategy,
            minSaving,
          }),
        ),
      );
      await Promise.all(jobs);
      best = Math.max(best, n / ((performance.now() - started) / 1000));
    }
    return best;
  } finally {
    setNpzCompressionThreads(threads);
  }
}

/**
 * One event-loop turn, as a server's step loop takes between steps (a gRPC round trip):
 * without it a loop of writes that settle at once never lets the writer's background
 * I/O run.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Ends the episodes through a Recorder, `perStep` at a time, waiting for each step's writes; then closes it. */
async function throughRecorder(
  writer: DatasetWriter,
  ctx: RecordingContext,
  episodes: readonly RecordedEpisode[],
  perStep: number,
): Promise<void> {
  const recorder = new Recorder(writer, ctx);
  for (let i = 0; i < episodes.length; i += perStep) {
    let written: Promise<void> | undefined;
    for (const ep of episodes.slice(i, i + perStep)) {
      const source: EpisodeSource = {
        isActive: true,
        currentEpisodeId: recorder.nextEpisodeId(),
        length: ep.rewards.length,
        finish: () => ep,
        discard: () => {},
      };
      written = recorder.endEpisode(source, "truncated") ?? written;
    }
    await written;
    await turn();
  }
  await recorder.close();
}

/**
 * Transitions per second through the .npz writer for seed 000's shapes (12-float
 * observation, 10-float action), episodes of 50 steps, timed from open to the end of
 * close (the final fsynced .npz included), as the server's npz format records
 * (SERVER_NPZ_OPTIONS); episodes are made, and the heap collected (collectGarbage),
 * before the clock starts.
 */
export async function npzTransitionsPerSecond(opts: NpzBenchOptions = {}): Promise<number> {
  return (await npzWriterRun(opts)).rate;
}

/** npzTransitionsPerSecond's rate, and the .npz's bytes per transition. */
export async function npzWriterRun(
  opts: NpzBenchOptions = {},
): Promise<{ readonly rate: number; readonly bytesPerTransition: number }> {
  const count = Math.ceil((opts.transitions ?? 200_000) / STEPS);
  const episodes = benchEpisodes(count, opts.policy ?? "random");
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "gymrpc-npz-bench-")));
  const ctx = seed000Context("bench");
  const threads = npzCompressionThreads();
  if (opts.compressionThreads !== undefined) setNpzCompressionThreads(opts.compressionThreads);
  try {
    collectGarbage();
    const started = performance.now();
    const path = join(dir, "expert_dataset.npz");
    const writer = await npzWriterFactory({
      ...SERVER_NPZ_OPTIONS,
      ...(opts.fdatasync === undefined ? {} : { fdatasync: opts.fdatasync }),
      level: opts.level ?? 1,
      ...(opts.minSaving === undefined ? {} : { minSaving: opts.minSaving }),
    })(path, ctx);
    const result = async () => ({
      rate: (count * STEPS) / ((performance.now() - started) / 1000),
      bytesPerTransition: (await stat(path)).size / (count * STEPS),
    });
    if (opts.collector) {
      await throughRecorder(
        writer,
        { ...ctx, discardPartialEpisodes: true },
        episodes,
        opts.collector,
      );
      return await result();
    }
    if (opts.serial) {
      for (const ep of episodes) {
        await writer.writeEpisode(ep);
        await turn();
      }
    } else await Promise.all(episodes.map((ep) => writer.writeEpisode(ep)));
    await writer.close({
      totalEpisodes: count,
      totalSteps: count * STEPS,
      meanEpisodeLength: STEPS,
      meanReward: 0,
      successRate: undefined,
    });
    return await result();
  } finally {
    setNpzCompressionThreads(threads);
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The npz writer's variants npzVariantRates compares: as the server records (the
 * defaults), with power-loss-safe journal writes, every piece deflated, all stored.
 */
export const NPZ_VARIANTS = {
  defaults: {},
  "journal fdatasync'd per batch": { fdatasync: true },
  "every piece deflated (minSaving 0)": { minSaving: 0 },
  "stored (level 0)": { level: 0 },
} as const satisfies Record<string, NpzBenchOptions>;

/**
 * The random-policy npz figure of each NPZ_VARIANTS entry, passes interleaved (one of
 * each, `passes` times, after `warmup` untimed passes of the defaults, the first of them
 * the defaults' cold figure) so that the machine's drift hits them alike: the median and
 * every pass, and the file's bytes per transition.
 */
export async function npzVariantRates(
  transitions: number,
  passes: number,
  warmup = WRITER_WARMUP_PASSES,
): Promise<Record<keyof typeof NPZ_VARIANTS, PassRates & { readonly bytesPerTransition: number }>> {
  const cold = await warmUp(warmup, async () => (await npzWriterRun({ transitions })).rate);
  const names = Object.keys(NPZ_VARIANTS) as (keyof typeof NPZ_VARIANTS)[];
  const rates = new Map(names.map((n) => [n, [] as number[]]));
  const bytes = new Map<string, number>();
  for (let p = 0; p < passes; p++) {
    for (const name of names) {
      const r = await npzWriterRun({ transitions, ...NPZ_VARIANTS[name] });
      rates.get(name)!.push(r.rate);
      bytes.set(name, r.bytesPerTransition);
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      {
        ...passRates(rates.get(n)!, n === "defaults" ? cold : undefined),
        bytesPerTransition: bytes.get(n)!,
      },
    ]),
  ) as Record<keyof typeof NPZ_VARIANTS, PassRates & { readonly bytesPerTransition: number }>;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  const cases: [string, NpzBenchOptions][] = [
    ["random policy, pipelined", { policy: "random" }],
    ["zeros policy, pipelined", { policy: "zeros" }],
    [
      `random policy, pipelined, ${availableParallelism()} compression threads`,
      { policy: "random", compressionThreads: availableParallelism() },
    ],
    ["random policy, pipelined, level 0 (stored)", { policy: "random", level: 0 }],
    ["random policy, collector Recorder, 16 per step", { policy: "random", collector: 16 }],
    [
      "random policy, collector Recorder, 16 per step, journal fdatasync'd",
      { policy: "random", collector: 16, fdatasync: true },
    ],
    ["random policy, serial writeEpisode", { policy: "random", serial: true, transitions: 50_000 }],
    [
      "random policy, serial, journal fdatasync'd",
      { policy: "random", serial: true, fdatasync: true, transitions: 50_000 },
    ],
  ];
  for (const [name, opts] of cases) {
    const rate = await npzTransitionsPerSecond({ dir, ...opts });
    console.log(`npz writer, ${name}: ${Math.round(rate).toLocaleString("en-US")} transitions/s`);
  }
}
