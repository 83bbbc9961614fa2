import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RecordedEpisode, RecordingContext, TransitionRecord } from "../recorders/types.js";
import { JsonlWriter } from "../recorders/writers/jsonl-writer.js";
import { collectGarbage } from "./heap.js";
import { ACT, OBS, STEPS, seed000Context, seed000EpisodeMeta } from "./seed000-shape.js";
import { type PassRates, passRates, WRITER_WARMUP_PASSES, warmUp } from "./stats.js";

const context = (): RecordingContext => seed000Context("random");

/** Transitions per second the JSONL writer streams for seed 000's shape (12-float obs, 10-float action), close included. */
export async function jsonlTransitionsPerSecond(
  opts: { gz?: boolean; transitions?: number } = {},
): Promise<number> {
  const total = opts.transitions ?? 200_000;
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-jsonl-bench-"));
  // Distinct random float32 values (as real states are), drawn before the timed loop.
  const rows = 4096;
  const obs = Array.from({ length: rows }, () =>
    Float32Array.from({ length: OBS }, () => Math.random()),
  );
  const act = Array.from({ length: rows }, () =>
    Float32Array.from({ length: ACT }, () => Math.random() * 2 - 1),
  );
  const writer = new JsonlWriter(
    join(dir, `bench.jsonl${opts.gz ? ".gz" : ""}`),
    context(),
    opts.gz ?? false,
  );
  collectGarbage();
  const start = performance.now();
  for (let t = 0; t < total; t++) {
    const step = t % STEPS;
    const record: TransitionRecord = {
      t,
      step,
      episodeId: Math.floor(t / STEPS),
      subEnv: 0,
      seed: 0,
      observation: obs[t % rows]!,
      action: act[t % rows]!,
      reward: -0.5,
      nextObservation: obs[(t + 1) % rows]!,
      terminated: false,
      truncated: step === STEPS - 1,
      info: {},
      policy: undefined,
    };
    writer.writeTransition(record);
    if (step === STEPS - 1 && opts.gz) await writer.writeEpisode(episode(Math.floor(t / STEPS)));
  }
  await writer.close();
  const secs = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return total / secs;
}

/**
 * jsonlTransitionsPerSecond over `passes` timed passes after `warmup` untimed ones (the
 * JIT warms up on them, see WRITER_WARMUP_PASSES): their median, each of them, and the
 * first (cold) pass.
 */
export async function jsonlPassRates(
  opts: { gz?: boolean; transitions?: number },
  passes: number,
  warmup = WRITER_WARMUP_PASSES,
): Promise<PassRates> {
  const cold = await warmUp(warmup, () => jsonlTransitionsPerSecond(opts));
  const rates: number[] = [];
  for (let i = 0; i < passes; i++) rates.push(await jsonlTransitionsPerSecond(opts));
  return passRates(rates, cold);
}

/**
 * Lines per second the JSONL writer writes from whole finished episodes
 * (collector recordings: columns in, no streamed lines), seed 000's shape,
 * with the collector's behavior-policy columns; close included.
 */
export async function jsonlEpisodeLinesPerSecond(episodes = 4000): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-jsonl-bench-"));
  const distinct = 64;
  const columns = Array.from({ length: distinct }, (_, i) => episode(i, true));
  const writer = new JsonlWriter(join(dir, "episodes.jsonl"), context(), false);
  collectGarbage();
  const start = performance.now();
  for (let i = 0; i < episodes; i++) {
    const ep = columns[i % distinct]!;
    await writer.writeEpisode({ ...ep, meta: { ...ep.meta, episodeId: i } });
  }
  await writer.close();
  const secs = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return (episodes * STEPS) / secs;
}

// A finished episode of STEPS steps: with columns (random, as the collector's are) or empty
// (a .gz writer flushing streamed lines only needs its metadata).
function episode(id: number, withColumns = false): RecordedEpisode {
  const n = withColumns ? STEPS : 0;
  const random = (length: number, lo: number, hi: number) =>
    Float32Array.from({ length }, () => lo + Math.random() * (hi - lo));
  return {
    meta: seed000EpisodeMeta(id, "random", -25, "truncated"),
    observations: random(withColumns ? (STEPS + 1) * OBS : 0, 0, 1),
    actions: random(n * ACT, -1, 1),
    rewards: new Float64Array(n).fill(-0.5),
    terminations: new Uint8Array(n),
    truncations: new Uint8Array(n).fill(1, n - 1),
    returnsToGo: new Float64Array(STEPS),
    infos: [],
    policy: {
      behaviorProb: new Float64Array(n).fill(0.95),
      epsilon: new Float64Array(n).fill(0.1),
      wasExploratory: new Uint8Array(n),
      greedyActions: undefined,
      policyIds: Array.from({ length: n }, () => "random"),
      meta: [],
    },
  };
}

// `node dist/bench/jsonl-writer-bench.js`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fmt = (v: number) => Math.round(v).toLocaleString("en-US").padStart(10);
  console.log(`jsonl, streamed      ${fmt(await jsonlTransitionsPerSecond())} transitions/s`);
  console.log(
    `jsonl.gz, streamed   ${fmt(await jsonlTransitionsPerSecond({ gz: true }))} transitions/s`,
  );
  console.log(`jsonl, episodes      ${fmt(await jsonlEpisodeLinesPerSecond())} lines/s`);
}
