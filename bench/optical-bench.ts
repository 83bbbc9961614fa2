import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { collect, subEnvsPerBlock } from "../client/collect/collect.js";
import { createPolicy } from "../client/collect/policies.js";
import { connect } from "../client/connect.js";
import type { Info } from "../envs/core/env.js";
import { createRng } from "../envs/core/rng.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";
import { createDefaultRegistry } from "../envs/default-registry.js";
import type { RecordingContext } from "../recorders/types.js";
import { JsonlWriter } from "../recorders/writers/jsonl-writer.js";
import { startChild } from "./child-process.js";

const ENV = "OpticalRouting-v0";
/** Seed 001's logging rate: 50,000 transitions per minute. */
export const SEED_RATE = 50_000 / 60;

/** KSP-FF decisions per second in process (default config, Dict observation, wrapped as make gives it). */
export function opticalDecisionRates(seconds: number): { steps: number; withResets: number } {
  const env = createDefaultRegistry().make(ENV);
  let decisions = 0;
  let stepMs = 0;
  let seed = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    let obs = (env.reset({ seed: seed++ }) as { observation: SpaceValue }).observation;
    const t0 = performance.now();
    for (;;) {
      const mask = (obs as Record<string, Int8Array>).action_mask!;
      const r = env.step(Math.max(0, mask.indexOf(1))) as {
        observation: SpaceValue;
        truncated: boolean;
        terminated: boolean;
      };
      decisions++;
      obs = r.observation;
      if (r.truncated || r.terminated) break;
    }
    stepMs += performance.now() - t0;
  }
  const all = (performance.now() - start) / 1000;
  return { steps: decisions / (stepMs / 1000), withResets: decisions / all };
}

/** End-to-end collection figures through a server in another process. */
export interface OpticalCollectFigures {
  /** `collect` as the CLI runs it, JSONL recorded by the server. */
  readonly recorded: number;
  /** The same loop without a recording: the env, gRPC and the client alone. */
  readonly unrecorded: number;
  readonly transitions: number;
}

/** Episodes and sub-envs of one end-to-end measurement. */
export interface OpticalCollectShape {
  readonly episodes: number;
  readonly numEnvs: number;
}

/**
 * Transitions per second of `gymrpc collect --env OpticalRouting-v0 --policy
 * ksp-ff --epsilon-mix 0.1` into JSONL (episodes of the env's own 1000
 * requests, as the CLI runs them), through a real server process: best of
 * `runs` runs after one warm-up run, and of the same loop unrecorded.
 */
export async function opticalCollectRates(
  shape: OpticalCollectShape,
  runs: number,
): Promise<OpticalCollectFigures> {
  const server = await startChild<{ tcp: string }>("./gym-server-process.js");
  const client = connect(server.info.tcp);
  const config = { measure_time: true }; // as gymrpc collect sets it for this env
  const plan = {
    envId: ENV,
    config,
    episodes: shape.episodes,
    steps: undefined,
    policy: "ksp-ff",
    epsilon: 0.1,
    seed: 0,
    numEnvs: shape.numEnvs,
    name: "optical-bench.jsonl",
    overwrite: true,
  };
  try {
    let recorded = 0;
    let transitions = 0;
    for (let run = 0; run <= runs; run++) {
      const t0 = performance.now();
      const r = await collect(client, plan);
      const rate = r.stats.totalSteps / ((performance.now() - t0) / 1000);
      transitions = r.stats.totalSteps;
      if (run > 0) recorded = Math.max(recorded, rate);
    }
    let unrecorded = 0;
    for (let run = 0; run <= runs; run++) {
      const rate = await unrecordedRate(client, shape, config);
      if (run > 0) unrecorded = Math.max(unrecorded, rate);
    }
    return { recorded, unrecorded, transitions };
  } finally {
    client.close();
    await server.stop();
  }
}

// collect's loop (blocks of sub-envs, epsilon-mix policy, whole episodes) on an unrecorded vectorized session.
async function unrecordedRate(
  client: ReturnType<typeof connect>,
  shape: OpticalCollectShape,
  config: Record<string, unknown>,
): Promise<number> {
  const n = subEnvsPerBlock(shape.episodes, shape.numEnvs);
  const env = await client.makeVec(ENV, n, { config });
  const policy = createPolicy("ksp-ff", ENV, env.singleActionSpace, 0.1);
  const actions = new Int32Array(n);
  const rngs = Array.from({ length: n }, (_, i) => createRng(i));
  const t0 = performance.now();
  let steps = 0;
  for (let first = 0; first < shape.episodes; first += n) {
    let obs = (await env.reset({ seed: first })).observation;
    const live = Math.min(n, shape.episodes - first);
    for (;;) {
      for (let i = 0; i < n; i++)
        actions[i] = policy.decideAt!(obs, i, n, rngs[i]!).action as number;
      const r = await env.step(actions);
      obs = r.observation;
      steps += live;
      if (r.truncated[0] || r.terminated[0]) break; // every episode has the env's 1000 requests
    }
  }
  const rate = steps / ((performance.now() - t0) / 1000);
  await env.close();
  return rate;
}

/** Lines per second the JSONL writer alone writes for OpticalRouting-v0's transitions (Dict state). */
export async function opticalJsonlWriterRate(
  transitions: number,
  observation = "dict",
): Promise<number> {
  const registry = createDefaultRegistry();
  const env = registry.make(ENV, { config: { observation, measure_time: true } });
  const rows: { obs: SpaceValue; info: Info }[] = [];
  env.reset({ seed: 0 });
  for (let i = 0; i < 1000; i++) {
    const r = env.step(i % 4) as { observation: SpaceValue; info: Info };
    rows.push({ obs: r.observation, info: r.info });
  }
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-optical-jsonl-"));
  const ctx: RecordingContext = {
    envId: ENV,
    config: {},
    observationSpace: env.observationSpace,
    actionSpace: env.actionSpace,
    policyId: "ksp-ff+eps0.1",
    metadata: {},
  };
  const writer = new JsonlWriter(join(dir, "w.jsonl"), ctx, false);
  const start = performance.now();
  for (let t = 0; t < transitions; t++) {
    const row = rows[t % 1000]!;
    writer.writeTransition({
      t,
      step: t % 50,
      episodeId: Math.floor(t / 50),
      subEnv: 0,
      seed: 0,
      observation: row.obs,
      action: t % 4,
      reward: 1,
      nextObservation: rows[(t + 1) % 1000]!.obs,
      terminated: false,
      truncated: t % 50 === 49,
      info: row.info,
      policy: { behaviorProb: 0.9, epsilon: 0.1, wasExploratory: false, greedyAction: 0 },
    });
  }
  await writer.close();
  const secs = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return transitions / secs;
}

/** Prints the optical figures and returns them (bench/run-all.ts calls this). */
export async function runOpticalBench(quick: boolean): Promise<Record<string, number>> {
  const fmt = (v: number) => Math.round(v).toLocaleString("en-US").padStart(12);
  console.log("\nOpticalRouting-v0 (NSFNET, 400 Erlang, k = 4, Dict observation):");
  const inproc = opticalDecisionRates(quick ? 1 : 3);
  console.log(`  in process, KSP-FF decisions/s      ${fmt(inproc.steps)}   (steps only)`);
  console.log(
    `  in process, with resets             ${fmt(inproc.withResets)}   (1000 warm-up requests per reset)`,
  );
  const writer = await opticalJsonlWriterRate(quick ? 20_000 : 100_000);
  const writerFlat = await opticalJsonlWriterRate(quick ? 20_000 : 100_000, "flat");
  console.log(`  JSONL writer alone, Dict state      ${fmt(writer)} lines/s`);
  console.log(`  JSONL writer alone, flat state      ${fmt(writerFlat)} lines/s`);
  // The CLI's defaults (50 episodes on at most 64 sub-envs: one block of 50), then 4 blocks of 13.
  const runs = quick ? 1 : 2;
  const cli = await opticalCollectRates({ episodes: quick ? 25 : 50, numEnvs: 64 }, runs);
  const narrow = await opticalCollectRates({ episodes: quick ? 13 : 50, numEnvs: 16 }, runs);
  const line = (label: string, f: OpticalCollectFigures) => {
    console.log(
      `  ${label} -> JSONL ${fmt(f.recorded)} transitions/s   (${(f.recorded / SEED_RATE).toFixed(1)}x seed 001's 50,000/min; ${f.transitions} per run)`,
    );
    console.log(
      `  ${" ".repeat(label.length)}    unrecorded ${fmt(f.unrecorded)} transitions/s   (${(f.unrecorded / SEED_RATE).toFixed(1)}x)`,
    );
  };
  line("collect (defaults: 50 sub-envs)", cli);
  line("collect --num-envs 16          ", narrow);
  return {
    decisionsPerSecond: inproc.steps,
    decisionsPerSecondWithResets: inproc.withResets,
    jsonlWriterDict: writer,
    jsonlWriterFlat: writerFlat,
    collectRecorded: cli.recorded,
    collectUnrecorded: cli.unrecorded,
    collectRecorded16: narrow.recorded,
    collectUnrecorded16: narrow.unrecorded,
    ratioToSeed: cli.recorded / SEED_RATE,
  };
}

// `node dist/bench/optical-bench.js [--quick]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOpticalBench(process.argv.includes("--quick"));
}
