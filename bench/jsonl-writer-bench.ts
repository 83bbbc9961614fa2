import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Box } from "../envs/core/spaces/box.js";
import type { RecordingContext, TransitionRecord } from "../recorders/types.js";
import { JsonlWriter } from "../recorders/writers/jsonl-writer.js";

const OBS = 12;
const ACT = 10;
const STEPS = 50;

/** Transitions per second the JSONL writer streams for seed 000's shape (12-float obs, 10-float action), close included. */
export async function jsonlTransitionsPerSecond(
  opts: { gz?: boolean; transitions?: number } = {},
): Promise<number> {
  const total = opts.transitions ?? 200_000;
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-jsonl-bench-"));
  const ctx: RecordingContext = {
    envId: "SdnRouting-v0",
    config: {},
    observationSpace: new Box(0, 1, [OBS]),
    actionSpace: new Box(-1, 1, [ACT]),
    policyId: "random",
    metadata: {},
  };
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
    ctx,
    opts.gz ?? false,
  );
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
    if (step === STEPS - 1 && opts.gz) await flushEpisode(writer, t);
  }
  await writer.close();
  const secs = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return total / secs;
}

// A .gz writer compresses lines when their episode ends; feed it a minimal finished episode.
async function flushEpisode(writer: JsonlWriter, t: number): Promise<void> {
  const id = Math.floor(t / STEPS);
  await writer.writeEpisode({
    meta: {
      episodeId: id,
      seed: 0,
      envId: "SdnRouting-v0",
      config: {},
      policyId: "random",
      subEnv: 0,
      length: STEPS,
      totalReturn: -25,
      terminationReason: "truncated",
      success: undefined,
      trajectoryHash: "",
      schemaVersion: "1.0.0",
      startedAt: "",
      endedAt: "",
      resetInfo: {},
    },
    observations: new Float32Array(0),
    actions: new Float32Array(0),
    rewards: new Float64Array(0),
    terminations: new Uint8Array(0),
    truncations: new Uint8Array(0),
    returnsToGo: new Float64Array(STEPS),
    infos: [],
    policy: {
      behaviorProb: new Float64Array(0),
      epsilon: new Float64Array(0),
      wasExploratory: new Uint8Array(0),
      greedyActions: undefined,
      policyIds: [],
      meta: [],
    },
  });
}
